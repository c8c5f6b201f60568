"""Who a committee's papers are "By:" is the committee's setting (issue 12, item 2): given
when it is added or set later, audited, and printed by its committee report; without one,
the papers say the ILAU as they always have."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from states import Refused
from tests import world
from workflow.cli.app import cli
from workflow.clock import FixedClock
from workflow.directory.committees import add_committee, get_committee, set_paper_by
from workflow.errors import BadInput
from workflow.reporting.agenda import build_agenda
from workflow.reporting.documents.model import Paragraph
from workflow.reporting.papers import AUTHOR, committee_report
from workflow.store.tables import audit_event
from workflow.store.uow import UnitOfWork

CLERK = "Clerk to the Planning, Performance and Review Committee"


def _by(uow: UnitOfWork, name: str) -> str:
    with uow.read() as tx:
        agenda = build_agenda(tx, get_committee(tx.conn, name), date(2004, 1, 8), "Europe/London")
    doc = committee_report(uow, agenda)
    return next(b.text for b in doc.blocks if isinstance(b, Paragraph) and b.label == "By")


def _changes(uow: UnitOfWork, event: str) -> list[dict[str, Any]]:
    with uow.read() as tx:
        rows = tx.conn.execute(
            select(audit_event.c.changes)
            .where(audit_event.c.event == event)
            .order_by(audit_event.c.id)
        )
        return [json.loads(c) if isinstance(c, str) else c for (c,) in rows]


def test_the_paper_is_by_whom_the_committee_says(uow: UnitOfWork) -> None:
    world.build(uow)
    added = add_committee(uow, "PPRC", cadence="monthly", paper_by=f"  {CLERK} ", actor=world.ILAU)
    assert added.paper_by == CLERK
    assert _changes(uow, "committee.add")[-1]["paper_by"] == CLERK
    assert _by(uow, "PPRC") == CLERK
    add_committee(uow, "Audit Panel", cadence="quarterly", actor=world.ILAU)
    assert "paper_by" not in _changes(uow, "committee.add")[-1]
    assert _by(uow, "Audit Panel") == AUTHOR


def test_the_setting_changes_and_is_audited(uow: UnitOfWork) -> None:
    world.build(uow)
    add_committee(uow, "PPRC", cadence="monthly", actor=world.ILAU)
    assert set_paper_by(uow, "PPRC", CLERK, actor=world.ILAU).paper_by == CLERK
    assert _by(uow, "PPRC") == CLERK
    set_paper_by(uow, "PPRC", CLERK, actor=world.ILAU)  # already so: nothing written
    assert set_paper_by(uow, "PPRC", "  ", actor=world.ILAU).paper_by is None
    assert _by(uow, "PPRC") == AUTHOR
    assert _changes(uow, "committee.set") == [
        {"name": "PPRC", "paper_by": CLERK, "was": None},
        {"name": "PPRC", "paper_by": None, "was": CLERK},
    ]


def test_a_paper_dated_before_a_change_says_what_was_set_then(
    uow: UnitOfWork, clock: FixedClock
) -> None:
    world.build(uow)
    start = clock.now()
    add_committee(uow, "PPRC", cadence="monthly", paper_by=CLERK, actor=world.ILAU)
    clock.move_to(start + timedelta(days=10))
    set_paper_by(uow, "PPRC", "Head of ILAU", actor=world.ILAU)
    assert _by(uow, "PPRC") == "Head of ILAU"
    clock.move_to(start + timedelta(days=1))  # the paper as of a day before the change
    assert _by(uow, "PPRC") == CLERK


def test_a_bad_setting_is_refused(uow: UnitOfWork) -> None:
    world.build(uow)
    add_committee(uow, "PPRC", cadence="monthly", actor=world.ILAU)
    with pytest.raises(BadInput, match="at most 200"):
        set_paper_by(uow, "PPRC", "x" * 201, actor=world.ILAU)
    with pytest.raises(BadInput, match="at most 200"):
        add_committee(uow, "Other", cadence="monthly", paper_by="x" * 201, actor=world.ILAU)
    with pytest.raises(Refused):
        set_paper_by(uow, "PPRC", CLERK, actor=world.OWNER)  # an owner arranges no committee
    assert _changes(uow, "committee.set") == []
    assert set_paper_by(uow, "PPRC", "Clerk\nto the Committee", actor=world.ILAU).paper_by == (
        "Clerk to the Committee"
    )


def test_the_command_line_adds_and_sets_it(uow: UnitOfWork, store_url: str) -> None:
    world.build(uow)
    runner = CliRunner()

    def run(*args: str) -> Any:
        done = runner.invoke(cli, ["--db", store_url, "--now", "2004-01-05", *args])
        assert done.exit_code == 0, (done.output, done.exception)
        return done.output

    added = json.loads(
        run("committee", "add", "PPRC", "--cadence", "monthly", "--paper-by", CLERK,
            "--actor", world.ILAU, "--json")
    )  # fmt: skip
    assert added["paper_by"] == CLERK
    said = run("committee", "set", "PPRC", "--paper-by", "Head of ILAU", "--actor", world.ILAU)
    assert said.strip() == 'PPRC: papers "By: Head of ILAU"'
    listed = json.loads(run("committee", "list", "--json"))
    assert [(c["name"], c["paper_by"]) for c in listed] == [("PPRC", "Head of ILAU")]
