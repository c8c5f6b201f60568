"""A known history for the committee papers: six BOTJ recommendations walked from October
2003 to May 2004 (responses, plans, a late response escalated by the sweep, an approved and a
pending extension, a manual escalation later cleared, a sign-off, a new report and a
supersession), for the agenda tests and the "as of" papers test."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

from tests import world
from tests.world import ADMIN, BOARD, ILAU, OWNER
from workflow.chasing.escalations import escalate
from workflow.chasing.sweep import sweep
from workflow.clock import FixedClock
from workflow.directory.committees import add_committee, add_meeting
from workflow.directory.reports import NewReport, insert_report
from workflow.lifecycle import service as svc
from workflow.store.uow import UnitOfWork

B = "botj-2003"
Visit = Callable[[str], None]


def at(clock: FixedClock, day: str) -> None:
    clock.move_to(datetime.fromisoformat(day).replace(hour=12, tzinfo=UTC))


def walk(uow: UnitOfWork, clock: FixedClock, visit: Visit | None = None) -> None:
    """The history, day by day; `visit(day)` runs after each day's events."""

    def day(when: str) -> None:
        if visit is not None and clock.now().date().isoformat() != when:
            visit(clock.now().date().isoformat())
        at(clock, when)

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
    for name, meets in (
        ("PPRC", "2003-11-10"),
        ("PPRC", "2004-05-10"),
        ("Performance Board", "2004-04-01"),
        ("Performance Board", "2004-05-06"),
    ):
        add_meeting(uow, name, date.fromisoformat(meets), actor=ILAU)
    day("2003-12-01")
    for n in (1, 2, 3, 5, 6):
        svc.respond(uow, f"{B}/R{n}", ILAU, body="MPS", text="Accepted")
        svc.respond(uow, f"{B}/R{n}", ILAU, body="MPA", text="Agreed")
    day("2003-12-08")
    targets = {
        1: "2004-03-31",
        2: "2004-02-28",
        3: "2004-06-30",
        5: "2004-06-30",
        6: "2004-05-31",
    }
    for n, target in targets.items():
        svc.plan(uow, f"{B}/R{n}", OWNER, actions=[("Do it", OWNER, date.fromisoformat(target))])
        svc.start(uow, f"{B}/R{n}", OWNER)
    day("2004-01-06")
    sweep(uow)  # R4's response is a week late: escalated
    day("2004-03-01")
    svc.request_extension(uow, f"{B}/R2", OWNER, to=date(2004, 6, 30), reason="waiting on the MPA")
    day("2004-03-02")
    svc.decide_extension(uow, f"{B}/R2", BOARD, approve=True)
    day("2004-03-15")
    escalate(uow, f"{B}/R6", ILAU, reason="No update since the plan")
    day("2004-04-05")
    svc.close_action(uow, f"{B}/R1", OWNER, number=1)
    svc.record_update(uow, f"{B}/R1", OWNER, note="Done", degree="completely")
    svc.monitor(uow, f"{B}/R1", OWNER)
    day("2004-04-10")
    svc.complete(uow, f"{B}/R1", BOARD, evidence="PIDs")
    day("2004-04-20")
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
    day("2004-04-25")
    svc.supersede(uow, f"{B}/R5", ILAU, by="md-2004/R1")
    day("2004-04-28")
    for n in (2, 3, 6):
        svc.record_update(uow, f"{B}/R{n}", OWNER, note="On track")
    svc.close_action(uow, f"{B}/R6", OWNER, number=1)
    svc.record_update(uow, f"{B}/R6", OWNER, note="Met", degree="completely")
    svc.monitor(uow, f"{B}/R6", OWNER)
    svc.request_extension(uow, f"{B}/R3", OWNER, to=date(2004, 9, 30), reason="Slipped")
    day("2004-04-29")
    sweep(uow)  # R6 moved on: its manual escalation is cleared
    day("2004-05-03")
    if visit is not None:
        visit(clock.now().date().isoformat())
