"""Agendas from a known history: exactly which items, which recommendations, which RAG."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine

from config import load_rules
from tests import world
from tests.history import B, at, walk
from tests.world import ADMIN, BOARD, ILAU, OWNER
from workflow.bootstrap import unit_of_work
from workflow.clock import FixedClock
from workflow.directory.committees import list_committees
from workflow.lifecycle import service as svc
from workflow.mail.outbox import list_outbox
from workflow.plain import plain
from workflow.reporting.agenda import generate_agenda, generate_due_agendas
from workflow.reporting.portfolio import load_recommendations
from workflow.store.uow import UnitOfWork

RULES = load_rules(None, {"defaults": {"rag_amber_within_days": 14}})


@pytest.fixture
def history(engine: Engine, clock: FixedClock) -> UnitOfWork:
    """Six BOTJ recommendations walked to May 2004, and a new report with an unowned one."""
    with unit_of_work(engine, clock, RULES) as uow:
        walk(uow, clock)
        yield uow  # type: ignore[misc]


def items(uow: UnitOfWork, committee: str, day: str) -> list[tuple[str, list[str]]]:
    agenda = generate_agenda(uow, committee, day=date.fromisoformat(day))
    return [(i["kind"], i["recs"]) for i in plain(agenda.summary)["items"]]


def test_the_scrutiny_committee_hears_progress_per_report(history: UnitOfWork) -> None:
    """Each recommendation once, under the first of what is true of it (the decisions asked
    of the committee first), with its owner, state, latest update and reasons in its row."""
    assert items(history, "PPRC", "2004-05-10") == [
        ("progress", [f"{B}/R{n}" for n in range(1, 7)]),
        ("sign_off", [f"{B}/R6"]),
        ("extensions_pending", [f"{B}/R3"]),
        ("overdue", [f"{B}/R4"]),
        ("targets_revised", [f"{B}/R2"]),
        ("completed", [f"{B}/R1"]),
        ("superseded", [f"{B}/R5"]),
        ("progress", ["md-2004/R1"]),
        ("other_open", ["md-2004/R1"]),
        ("new_reports", ["md-2004/R1"]),
    ]
    agenda = generate_agenda(history, "PPRC", day=date(2004, 5, 10))
    rows = {r[0]: r for i in agenda.items[1:7] for r in i.detail["rows"]}
    assert agenda.items[1].detail["columns"] == [
        "Recommendation",
        "Subject",
        "Owner",
        "State and latest update",
        "Why it is listed",
        "RAG",
    ]
    next_update = "Next: progress update due 2004-05-28"
    assert rows == {
        f"{B}/R6": [
            f"{B}/R6",
            "Recommendation 6",
            "Owen Owner",
            "Monitored; met: completely\n2004-04-28: Met",
            f"Met completely: proposed for sign-off\n{next_update}",
            "GREEN",
        ],
        f"{B}/R3": [
            f"{B}/R3",
            "Recommendation 3",
            "Owen Owner",
            "In progress; met: none\n2004-04-28: On track",
            "Extension of the target date from 2004-06-30 to 2004-09-30 awaiting approval\n"
            + next_update,
            "AMBER",
        ],
        f"{B}/R4": [
            f"{B}/R4",
            "Recommendation 4",
            "Owen Owner",
            "Raised; met: none\nNo progress update yet.",
            "Response overdue by 126 days (due 2003-12-29)\nEscalated",
            "RED",
        ],
        f"{B}/R2": [
            f"{B}/R2",
            "Recommendation 2",
            "Owen Owner",
            "In progress; met: none\n2004-04-28: On track",
            f"Target date revised from 2004-02-28 to 2004-06-30 (agreed 2004-03-02)\n{next_update}",
            "AMBER",
        ],
        f"{B}/R1": [
            f"{B}/R1",
            "Recommendation 1",
            "Owen Owner",
            "Complete; met: completely\n2004-04-05: Done",
            "Signed off as complete on 2004-04-10",
            "",
        ],
        f"{B}/R5": [
            f"{B}/R5",
            "Recommendation 5",
            "Owen Owner",
            "Superseded; met: none\nNo progress update yet.",
            "Superseded by md-2004/R1 (no reason recorded)",
            "",
        ],
    }
    assert agenda.items[8].detail["rows"] == [
        [
            "md-2004/R1",
            "Review implementation",
            "(none)",
            "Raised; met: none\nNo progress update yet.",
            "Next: response due 2004-06-15",
            "GREEN",
        ]
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
    assert [i.detail["rows"] for i in agenda.items[:3]] == [
        [
            [
                f"{B}/R4",
                "Recommendation 4",
                "Owen Owner",
                "Raised; met: none\nNo progress update yet.",
                "Escalated on 2004-01-06: response not given\n"
                "Response overdue by 126 days (due 2003-12-29)",
                "RED",
            ]
        ],
        [
            [
                f"{B}/R6",
                "Recommendation 6",
                "Owen Owner",
                "Monitored; met: completely\n2004-04-28: Met",
                "Escalation cleared on 2004-04-29 (escalated by the ILAU): state moved on to "
                "monitored\nNext: progress update due 2004-05-28",
                "GREEN",
            ]
        ],
        [
            [
                "md-2004/R1",
                "Review implementation",
                "(none)",
                "Raised; met: none\nNo progress update yet.",
                "No active owner\nNext: response due 2004-06-15",
                "GREEN",
            ]
        ],
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
