"""Every paper is true to its date (issue 12, item 1): the tracker, the ILAU's progress report
and each committee's report, built on a day of a known history, are built again after the
history has moved on, with the clock set back to that day; the two must be the same, text
and figures."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import Engine

from config import load_rules
from tests.history import B, walk
from tests.world import ILAU
from workflow.bootstrap import unit_of_work
from workflow.clock import FixedClock
from workflow.directory.committees import get_committee
from workflow.directory.people import add_person
from workflow.lifecycle import service as svc
from workflow.reporting.agenda import build_agenda
from workflow.reporting.annual import annual_report
from workflow.reporting.documents.markdown import to_markdown
from workflow.reporting.documents.model import Document, Figure
from workflow.reporting.issued import issue_paper
from workflow.reporting.monthly import monthly_report
from workflow.reporting.papers import committee_report
from workflow.reporting.tracker import tracker
from workflow.store.uow import UnitOfWork

RULES = load_rules(None, {"defaults": {"rag_amber_within_days": 14}})
TZ = "Europe/London"
TESS = "tess.title@example.org"
MEETINGS = (("PPRC", date(2004, 5, 10)), ("Performance Board", date(2004, 5, 6)))


def _seen(doc: Document) -> tuple[str, list[bytes]]:
    figures = [b.png for b in doc.blocks if isinstance(b, Figure)]
    return to_markdown(doc, ""), figures


def papers(uow: UnitOfWork) -> dict[str, tuple[str, list[bytes]]]:
    built = {
        "tracker": _seen(tracker(uow, B)),
        "monthly": _seen(monthly_report(uow, TZ)),
        "annual 2003": _seen(annual_report(uow, 2003, TZ)),
    }
    for name, day in MEETINGS:
        with uow.read() as tx:
            agenda = build_agenda(tx, get_committee(tx.conn, name), day, TZ)
        built[name] = _seen(committee_report(uow, agenda, "1", TZ))
    return built


def record_along(uow: UnitOfWork, day: str) -> None:
    """Beside the history: R4 given to an owner with a title (so that the papers name her
    by both), and the PPRC's paper for November issued in March (so that the tracker lists
    the updates since)."""
    if day == "2004-03-02":
        add_person(
            uow,
            TESS,
            name="Tess Title",
            roles=["owner"],
            title="Head of Criminal Justice",
            actor=ILAU,
        )
        svc.reassign(uow, f"{B}/R4", ILAU, owner=TESS)
    if day == "2004-03-15":
        issue_paper(uow, "PPRC", meeting=date(2003, 11, 10), actor=ILAU, timezone=TZ)


def test_each_paper_built_as_of_a_day_is_the_one_built_that_day(
    engine: Engine, clock: FixedClock
) -> None:
    then: dict[str, dict[str, tuple[str, list[bytes]]]] = {}

    def visit(day: str) -> None:
        record_along(uow, day)
        then.setdefault(day, papers(uow))

    with unit_of_work(engine, clock, RULES) as uow:
        walk(uow, clock, visit=visit)
        assert len(then) >= 8  # every day of the history, from the first responses on
        pprc = then["2004-05-03"]["PPRC"][0]
        assert (
            "| Tess Title, Head of Criminal Justice | Raised; met: none<br>"
            "No progress update yet. |" in pprc
        )
        assert (
            "Progress:** The progress updates since the PPRC paper issued on 15 March 2004"
            in (then["2004-05-03"]["tracker"][0])
        )
        for day, built in then.items():
            clock.move_to(datetime.fromisoformat(day).replace(hour=12, tzinfo=UTC))
            again = papers(uow)
            for name, (text, figures) in built.items():
                assert again[name][0] == text, f"{name} as of {day}"
                assert again[name][1] == figures, f"{name}'s figures as of {day}"


def test_the_tracker_of_the_issue_shows_no_future(engine: Engine, clock: FixedClock) -> None:
    """As of 15 March 2004, R1 is not yet met completely (that is 5 April) and R3's target is
    not yet revised (its extension is asked on 28 April)."""
    with unit_of_work(engine, clock, RULES) as uow:
        walk(uow, clock)
        clock.move_to(datetime(2004, 3, 15, 12, tzinfo=UTC))
        text = to_markdown(tracker(uow, B), "")
    rows = {line.split("|")[1].strip(): line for line in text.splitlines() if "| R" in line}
    assert "completely" not in rows["R1"] and "Recommendation met: none" in rows["R1"]
    assert "revised" not in rows["R3"]
    assert "md-2004" not in text
