"""Issued papers are records: kept byte for byte, hashed in the trail, never changed by what
happens later, refused a second time, numbered per committee, and the next agenda's "since"
starts where the last issued paper left off."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from tests import world
from tests.world import ADMIN, ILAU, OWNER
from workflow.audit.replay import verify
from workflow.clock import FixedClock
from workflow.directory.committees import add_committee, add_meeting
from workflow.errors import AlreadyExists, BadInput
from workflow.lifecycle import service as svc
from workflow.reporting.agenda import generate_agenda
from workflow.reporting.documents import FORMATS
from workflow.reporting.documents.markdown import to_markdown
from workflow.reporting.issued import issue_paper, list_papers, paper_files
from workflow.reporting.papers import committee_report
from workflow.store.tables import audit_event
from workflow.store.uow import UnitOfWork

R1 = f"{world.REPORT}/R1"
FIRST, SECOND = date(2003, 12, 1), date(2004, 2, 2)


@pytest.fixture
def pprc(uow: UnitOfWork, clock: FixedClock) -> UnitOfWork:
    world.build(uow)
    add_committee(uow, "PPRC", cadence="monthly", secretary=ADMIN, actor=ILAU)
    add_meeting(uow, "PPRC", FIRST, actor=ILAU)
    add_meeting(uow, "PPRC", SECOND, actor=ILAU)
    return uow


def _issue(uow: UnitOfWork, day: date, **kw: object) -> object:
    return issue_paper(uow, "PPRC", meeting=day, timezone="Europe/London", **kw)  # type: ignore[arg-type]


def test_a_paper_is_returned_byte_for_byte_whatever_happens_later(
    pprc: UnitOfWork, clock: FixedClock
) -> None:
    made = _issue(pprc, FIRST, actor=ILAU)
    kept = {fmt: paper_files(pprc, made.id, fmt) for fmt in FORMATS}  # type: ignore[attr-defined]
    assert hashlib.sha256(kept["docx"][0][1]).hexdigest() == made.sha256  # type: ignore[attr-defined]
    assert kept["md"][0][0] == "paper.md" and len(kept["md"]) > 1  # its chart beside it
    assert b"Report" in kept["md"][0][1] and kept["docx"][0][1].startswith(b"PK")
    # History moves on, and the agenda of that meeting is generated again.
    clock.move_to(clock.now() + timedelta(days=20))
    world.to_in_progress(pprc, clock, R1)
    svc.record_update(pprc, R1, OWNER, note="Custody suites half done", degree="partially")
    again = generate_agenda(pprc, "PPRC", day=FIRST, timezone="Europe/London")
    today = to_markdown(committee_report(pprc, again, "1", "Europe/London"), "")
    issued = kept["md"][0][1].decode()
    assert "3 recommendations: 3 raised." in issued  # what was true when it was issued
    assert "2 raised, 1 in progress" in today  # the paper built today says otherwise ...
    for fmt in FORMATS:  # ... but the paper as issued is not touched
        assert paper_files(pprc, made.id, fmt) == kept[fmt]  # type: ignore[attr-defined]
    with pprc.read() as tx:
        event = tx.conn.execute(
            select(audit_event.c.changes).where(audit_event.c.event == "paper.issue")
        ).scalar_one()
        assert verify(tx.conn, []).ok
    digests = json.loads(event)["sha256"]
    for fmt, files in kept.items():
        for name, content in files:
            assert digests[f"{fmt}:{name}"] == hashlib.sha256(content).hexdigest()


def test_a_meeting_is_issued_once_and_numbers_run_per_committee(pprc: UnitOfWork) -> None:
    first = _issue(pprc, FIRST)
    with pytest.raises(AlreadyExists, match="issued already"):
        _issue(pprc, FIRST)
    with pytest.raises(AlreadyExists, match="numbered 1"):
        _issue(pprc, SECOND, number="1")
    second = _issue(pprc, SECOND)
    assert [(p.number, p.meeting) for p in list_papers(pprc)] == [("1", FIRST), ("2", SECOND)]
    assert first.number == "1" and second.number == "2"  # type: ignore[attr-defined]
    with pytest.raises(Exception, match="may not"):
        _issue(pprc, date(2004, 3, 1), actor=OWNER)
    with pytest.raises(BadInput, match="no issued paper 9"):
        paper_files(pprc, 9, "md")


def test_since_the_last_meeting_means_since_the_last_issued_paper(
    pprc: UnitOfWork, clock: FixedClock
) -> None:
    assert generate_agenda(pprc, "PPRC", day=SECOND, timezone="Europe/London").since == FIRST
    clock.move_to(datetime(2003, 11, 24, 12, tzinfo=UTC))  # a week before the first meeting
    _issue(pprc, FIRST)
    agenda = generate_agenda(pprc, "PPRC", day=SECOND, timezone="Europe/London")
    assert agenda.since == date(2003, 11, 24)


def test_the_database_refuses_to_change_an_issued_paper(pprc: UnitOfWork) -> None:
    _issue(pprc, FIRST)
    for statement in (
        "UPDATE issued_paper SET number = '7'",
        "DELETE FROM issued_paper_file",
        "UPDATE issued_paper_file SET content = content",
    ):
        with pytest.raises(DBAPIError, match="kept as issued"), pprc.write() as tx:
            tx.conn.execute(text(statement))
    assert len(paper_files(pprc, 1, "docx")) == 1
