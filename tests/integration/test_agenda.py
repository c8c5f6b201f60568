"""Agendas from a known history: exactly which items, which recommendations, which RAG."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine

from config import load_rules
from tests import world
from tests.world import ADMIN, BOARD, ILAU, OWNER
from workflow.bootstrap import unit_of_work
from workflow.chasing.escalations import escalate
from workflow.chasing.sweep import sweep
from workflow.clock import FixedClock
from workflow.directory.committees import add_committee, add_meeting, list_committees
from workflow.directory.reports import NewReport, insert_report
from workflow.lifecycle import service as svc
from workflow.mail.outbox import list_outbox
from workflow.plain import plain
from workflow.reporting.agenda import generate_agenda, generate_due_agendas
from workflow.reporting.portfolio import load_recommendations
from workflow.store.uow import UnitOfWork

RULES = load_rules(None, {"defaults": {"rag_amber_within_days": 14}})
B = "botj-2003"


def at(clock: FixedClock, day: str) -> None:
    clock.move_to(datetime.fromisoformat(day).replace(hour=12, tzinfo=UTC))


@pytest.fixture
def history(engine: Engine, clock: FixedClock) -> UnitOfWork:
    """Six BOTJ recommendations walked to May 2004, and a new report with an unowned one."""
    with unit_of_work(engine, clock, RULES) as uow:
        world.build(uow, recs=6)
        add_committee(
            uow,
            "Performance Board",
            cadence="monthly",
            secretary=ADMIN,
            members=(BOARD,),
            actor=ILAU,
        )
        add_committee(uow, "PPRC", cadence="six-monthly", secretary=ADMIN, actor=ILAU)
        for name, day in (
            ("PPRC", "2003-11-10"),
            ("PPRC", "2004-05-10"),
            ("Performance Board", "2004-04-01"),
            ("Performance Board", "2004-05-06"),
        ):
            add_meeting(uow, name, date.fromisoformat(day), actor=ILAU)
        at(clock, "2003-12-01")
        for n in (1, 2, 3, 5, 6):
            svc.respond(uow, f"{B}/R{n}", ILAU, body="MPS", text="Accepted")
            svc.respond(uow, f"{B}/R{n}", ILAU, body="MPA", text="Agreed")
        at(clock, "2003-12-08")
        targets = {
            1: "2004-03-31",
            2: "2004-02-28",
            3: "2004-06-30",
            5: "2004-06-30",
            6: "2004-05-31",
        }
        for n, target in targets.items():
            svc.plan(
                uow, f"{B}/R{n}", OWNER, actions=[("Do it", OWNER, date.fromisoformat(target))]
            )
            svc.start(uow, f"{B}/R{n}", OWNER)
        at(clock, "2004-01-06")
        sweep(uow)  # R4's response is a week late: escalated
        at(clock, "2004-03-01")
        svc.request_extension(
            uow, f"{B}/R2", OWNER, to=date(2004, 6, 30), reason="waiting on the MPA"
        )
        at(clock, "2004-03-02")
        svc.decide_extension(uow, f"{B}/R2", BOARD, approve=True)
        at(clock, "2004-03-15")
        escalate(uow, f"{B}/R6", ILAU, reason="No update since the plan")
        at(clock, "2004-04-05")
        svc.close_action(uow, f"{B}/R1", OWNER, number=1)
        svc.record_update(uow, f"{B}/R1", OWNER, note="Done", degree="completely")
        svc.monitor(uow, f"{B}/R1", OWNER)
        at(clock, "2004-04-10")
        svc.complete(uow, f"{B}/R1", BOARD, evidence="PIDs")
        at(clock, "2004-04-20")
        with uow.write() as tx:
            insert_report(
                tx,
                NewReport(
                    "md-2004",
                    "Managing Demand",
                    "HMIC",
                    "inspection",
                    date(2004, 4, 1),
                    "PPRC",
                    ("MPS",),
                ),
                ILAU,
            )
        svc.raise_recommendation(uow, "md-2004/R1", ILAU, text="Review implementation")
        at(clock, "2004-04-25")
        svc.supersede(uow, f"{B}/R5", ILAU, by="md-2004/R1")
        at(clock, "2004-04-28")
        for n in (2, 3, 6):
            svc.record_update(uow, f"{B}/R{n}", OWNER, note="On track")
        svc.close_action(uow, f"{B}/R6", OWNER, number=1)
        svc.record_update(uow, f"{B}/R6", OWNER, note="Met", degree="completely")
        svc.monitor(uow, f"{B}/R6", OWNER)
        svc.request_extension(uow, f"{B}/R3", OWNER, to=date(2004, 9, 30), reason="Slipped")
        at(clock, "2004-04-29")
        sweep(uow)  # R6 moved on: its manual escalation is cleared
        at(clock, "2004-05-03")
        yield uow  # type: ignore[misc]


def items(uow: UnitOfWork, committee: str, day: str) -> list[tuple[str, list[str]]]:
    agenda = generate_agenda(uow, committee, day=date.fromisoformat(day))
    return [(i["kind"], i["recs"]) for i in plain(agenda.summary)["items"]]


def test_the_scrutiny_committee_hears_progress_per_report(history: UnitOfWork) -> None:
    assert items(history, "PPRC", "2004-05-10") == [
        ("progress", [f"{B}/R{n}" for n in range(1, 7)]),
        ("completed", [f"{B}/R1"]),
        ("overdue", [f"{B}/R4"]),
        ("targets_revised", [f"{B}/R2"]),
        ("extensions_pending", [f"{B}/R3"]),
        ("sign_off", [f"{B}/R6"]),
        ("superseded", [f"{B}/R5"]),
        ("progress", ["md-2004/R1"]),
        ("new_reports", ["md-2004/R1"]),
    ]


def test_the_performance_board_hears_escalations_and_the_unowned(history: UnitOfWork) -> None:
    agenda = generate_agenda(history, "Performance Board", day=date(2004, 5, 6))
    assert [(i.kind, i.title, list(i.recs)) for i in agenda.items] == [
        ("open_escalations", "Open escalations (TP): Response not given", [f"{B}/R4"]),
        ("escalations_cleared", "Escalations cleared since the last meeting", [f"{B}/R6"]),
        ("unowned", "Recommendations without an active owner", ["md-2004/R1"]),
        ("new_reports", "New reports received since the last meeting", ["md-2004/R1"]),
    ]
    assert agenda.since == date(2004, 4, 1)
    cleared = agenda.items[1].detail["rows"]
    assert cleared == [
        [f"{B}/R6", "Escalated by the ILAU", "2004-04-29", "state moved on to monitored"]
    ]


def test_each_recommendation_carries_its_rag(history: UnitOfWork) -> None:
    with history.read() as tx:
        rag = {f.code: f.rag for f in load_recommendations(tx.conn, tx.rules, tx.today)}
    assert rag == {
        f"{B}/R1": None,  # complete
        f"{B}/R2": "AMBER",  # target revised
        f"{B}/R3": "AMBER",  # extension awaiting a decision
        f"{B}/R4": "RED",  # response overdue and escalated
        f"{B}/R5": None,  # superseded
        f"{B}/R6": "GREEN",  # next date 28 May, beyond the 14 days of the rule
        "md-2004/R1": "GREEN",  # response due 15 June
    }


def test_regenerating_is_idempotent_and_tells_the_secretary_once(history: UnitOfWork) -> None:
    first = generate_agenda(history, "PPRC", day=date(2004, 5, 10))
    again = generate_agenda(history, "PPRC", day=date(2004, 5, 10))
    assert first.changed and not again.changed
    assert plain(again.summary) == plain(first.summary)
    told = [m for m in plain(list_outbox(history)) if m["kind"] == "agenda"]
    assert [(m["to"], m["subject"]) for m in told] == [
        (ADMIN, "rectrack: agenda for the PPRC on 2004-05-10")
    ]
    svc.complete(history, f"{B}/R6", BOARD, evidence="Minutes")
    changed = generate_agenda(history, "PPRC", day=date(2004, 5, 10))
    assert changed.changed
    assert len([m for m in plain(list_outbox(history)) if m["kind"] == "agenda"]) == 2


def test_the_scheduler_generates_agendas_due_within_the_window(history: UnitOfWork) -> None:
    done = generate_due_agendas(history, days_before=7, timezone="Europe/London")
    assert sorted((a.committee.name, a.meeting.isoformat()) for a in done) == [
        ("PPRC", "2004-05-10"),
        ("Performance Board", "2004-05-06"),
    ]
    assert generate_due_agendas(history, days_before=7, timezone="Europe/London") == []
    board = next(c for c in list_committees(history) if c.name == "Performance Board")
    assert board.kind == "board"


def test_open_recommendations_by_state_at_month_ends(uow: UnitOfWork, clock: FixedClock) -> None:
    """The chart's series, rebuilt from the trail: closed ones drop out, moves are counted."""
    from workflow.audit.timeline import open_by_state

    first, second = world.build(uow, recs=2)  # raised 3 Nov 2003
    at(clock, "2003-12-01")
    for body in ("MPS", "MPA"):
        svc.respond(uow, first, ILAU, body=body, text="Yes")
    at(clock, "2003-12-08")
    svc.plan(uow, first, OWNER, actions=[("Do it", OWNER, date(2004, 6, 30))])
    at(clock, "2004-01-05")
    svc.start(uow, first, OWNER)
    at(clock, "2004-01-20")
    svc.supersede(uow, second, ILAU, rationale="Overtaken")
    points = [date(2003, 10, 31), date(2003, 11, 30), date(2003, 12, 31), date(2004, 1, 31)]
    with uow.read() as tx:
        series = open_by_state(tx.conn, points, [B], "Europe/London")
    assert series == {
        "raised": [0, 2, 1, 0],
        "responded": [0, 0, 0, 0],
        "planned": [0, 0, 1, 0],
        "in_progress": [0, 0, 0, 1],
        "monitored": [0, 0, 0, 0],
    }
