"""The progress story (issue 12, item 3): the Board lists a recommendation once with every
reason it was escalated for, owners by name and title, the tracker's progress column the dated
updates since the last issued paper (the latest first), and a superseded recommendation names
its successor and why."""

from __future__ import annotations

from datetime import date

from tests import world
from tests.history import B, at
from tests.world import ADMIN, BOARD, ILAU, OWNER
from workflow.chasing.escalations import escalate
from workflow.chasing.sweep import sweep
from workflow.clock import FixedClock
from workflow.directory.committees import add_committee, add_meeting
from workflow.directory.people import add_person
from workflow.lifecycle import service as svc
from workflow.lifecycle.links import link
from workflow.reporting.agenda import generate_agenda
from workflow.reporting.documents.model import Table
from workflow.reporting.issued import issue_paper
from workflow.reporting.tracker import tracker
from workflow.store.uow import UnitOfWork

TESS = "tess.title@example.org"
TZ = "Europe/London"


def _committees(uow: UnitOfWork) -> None:
    add_committee(
        uow, "Performance Board", cadence="monthly", secretary=ADMIN, members=(BOARD,), actor=ILAU
    )
    add_committee(uow, "PPRC", cadence="monthly", secretary=ADMIN, actor=ILAU)
    add_meeting(uow, "Performance Board", date(2004, 2, 5), actor=ILAU)
    add_meeting(uow, "PPRC", date(2004, 1, 12), actor=ILAU)
    add_meeting(uow, "PPRC", date(2004, 3, 8), actor=ILAU)


def test_the_board_lists_a_recommendation_once_with_every_reason(
    uow: UnitOfWork, clock: FixedClock
) -> None:
    world.build(uow, recs=2)
    add_person(
        uow, TESS, name="Tess Title", roles=["owner"], group="TP", title="Head of CJ", actor=ILAU
    )
    _committees(uow)
    at(clock, "2003-12-01")
    svc.reassign(uow, f"{B}/R1", ILAU, owner=TESS)
    at(clock, "2004-01-06")
    sweep(uow)  # both responses a week late: escalated
    at(clock, "2004-01-20")
    escalate(uow, f"{B}/R1", ILAU, reason="No word from the unit")
    agenda = generate_agenda(uow, "Performance Board", day=date(2004, 2, 5))
    assert [(i.kind, i.title, list(i.recs)) for i in agenda.items] == [
        (
            "open_escalations",
            "Open escalations (TP): Response not given, escalated by the ILAU",
            [f"{B}/R1", f"{B}/R2"],
        )
    ]
    assert agenda.items[0].detail["rows"] == [
        [
            f"{B}/R1",
            "Recommendation 1",
            "Tess Title, Head of CJ",
            "Raised; met: none\nNo progress update yet.",
            "Escalated on 2004-01-06: response not given\n"
            "Escalated by the ILAU on 2004-01-20: No word from the unit\n"
            "Response overdue by 22 days (due 2003-12-29)",
            "RED",
        ],
        [
            f"{B}/R2",
            "Recommendation 2",
            "Owen Owner",
            "Raised; met: none\nNo progress update yet.",
            "Escalated on 2004-01-06: response not given\n"
            "Response overdue by 22 days (due 2003-12-29)",
            "RED",
        ],
    ]


def _progress(uow: UnitOfWork) -> dict[str, str]:
    doc = tracker(uow, B, TZ)
    table = next(b for b in doc.blocks if isinstance(b, Table))
    return {row[0]: row[5] for row in table.rows}


def test_the_tracker_lists_the_updates_since_the_last_issued_paper(
    uow: UnitOfWork, clock: FixedClock
) -> None:
    world.build(uow, recs=2)
    _committees(uow)
    at(clock, "2003-12-01")
    for code in (f"{B}/R1", f"{B}/R2"):
        world.to_in_progress(uow, clock, code)
    at(clock, "2003-12-20")
    svc.record_update(uow, f"{B}/R1", OWNER, note="Scoped")
    at(clock, "2004-01-05")
    svc.record_update(uow, f"{B}/R1", OWNER, note="Half done", degree="partially")
    assert _progress(uow)["R1"] == (
        "2004-01-05: Half done\n2003-12-20: Scoped\nRecommendation met: partially"
    )  # no paper yet: every update, the latest first
    at(clock, "2004-01-08")
    issue_paper(uow, "PPRC", meeting=date(2004, 1, 12), actor=ILAU, timezone=TZ)
    at(clock, "2004-02-02")
    svc.record_update(uow, f"{B}/R1", OWNER, note="Pilot in Camden")
    at(clock, "2004-02-16")
    svc.record_update(uow, f"{B}/R1", OWNER, note="Rolled out", degree="significantly")
    progress = _progress(uow)
    assert progress["R1"] == (
        "2004-02-16: Rolled out\n2004-02-02: Pilot in Camden\nRecommendation met: significantly"
    )
    assert progress["R2"] == "No progress update yet.\nRecommendation met: none"
    doc = tracker(uow, B, TZ)
    assert doc.blocks[2].text == (  # type: ignore[union-attr]
        "The progress updates since the PPRC paper issued on 8 January 2004, the latest first."
    )
    at(clock, "2004-03-01")
    issue_paper(uow, "PPRC", meeting=date(2004, 3, 8), actor=ILAU, timezone=TZ)
    assert _progress(uow)["R1"] == (
        "No update since the paper of 1 March 2004; the latest, 2004-02-16: Rolled out\n"
        "Recommendation met: significantly"
    )


def test_a_superseded_recommendation_names_its_successor_and_why(
    uow: UnitOfWork, clock: FixedClock
) -> None:
    world.build(uow, recs=3)
    _committees(uow)
    at(clock, "2004-01-20")
    link(uow, f"{B}/R2", ILAU, repeats=f"{B}/R1")
    svc.supersede(uow, f"{B}/R2", ILAU, by=f"{B}/R1")
    svc.supersede(uow, f"{B}/R1", ILAU, rationale="Overtaken by the CJ strategy")
    svc.supersede(uow, f"{B}/R3", ILAU, by=f"{B}/R1", rationale="Merged into one action plan")
    agenda = generate_agenda(uow, "PPRC", day=date(2004, 3, 8))
    gone = next(i for i in agenda.items if i.kind == "superseded")
    assert [r[4] for r in gone.detail["rows"]] == [
        "Dropped: Overtaken by the CJ strategy",
        f"Superseded by {B}/R1: it repeats {B}/R1",
        f"Superseded by {B}/R1: Merged into one action plan",
    ]
