"""Committee decisions on SQLite and PostgreSQL: recorded with an owner and a due date, on the
committee's next agendas and papers until done, reminded and escalated like any other date."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from states import NotPermitted
from tests import world
from tests.world import ADMIN, BOARD, ILAU, OTHER, OWNER
from workflow.chasing.escalations import list_escalations
from workflow.chasing.sweep import sweep
from workflow.cli.main import run
from workflow.clock import FixedClock
from workflow.directory.committees import add_committee, add_meeting
from workflow.directory.decisions import (
    UnknownDecision,
    add_decision,
    done_decision,
    list_decisions,
)
from workflow.directory.people import add_person, set_active
from workflow.errors import (
    AlreadyExists,
    BadInput,
    UnknownCommittee,
    UnknownPerson,
    UnknownRecommendation,
)
from workflow.plain import plain
from workflow.reporting.agenda import generate_agenda
from workflow.reporting.documents import BulletList, Heading, Table
from workflow.reporting.papers import committee_report
from workflow.store.governance import decision
from workflow.store.tables import audit_event, escalation, metadata, notice, outbox, recommendation
from workflow.store.uow import UnitOfWork

BOARD_NAME = "Performance Board"
TEXT = "Report the custody review to the next meeting"
KEYS = {"id", "committee", "meeting", "rec", "text", "owner", "due", "done_at"}


def at(clock: FixedClock, day: str) -> None:
    clock.move_to(datetime.fromisoformat(day).replace(hour=12, tzinfo=UTC))


def counts(uow: UnitOfWork) -> dict[str, int]:
    with uow.read() as tx:
        return {
            t.name: tx.conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in metadata.sorted_tables
        }


def events(uow: UnitOfWork, *names: str) -> list[tuple[str, str, str | None, dict[str, Any]]]:
    with uow.read() as tx:
        rows = tx.conn.execute(
            select(
                audit_event.c.event, audit_event.c.actor, audit_event.c.rec, audit_event.c.changes
            )
            .where(audit_event.c.event.in_(names))
            .order_by(audit_event.c.id)
        )
        return [(e, a, r, json.loads(c)) for e, a, r, c in rows]


@pytest.fixture
def codes(uow: UnitOfWork, clock: FixedClock) -> list[str]:
    """Two recommendations (responses due 2003-12-29), the Board (secretary ADMIN, member
    BOARD) and the PPRC, and the Board's decision 1 of 20 November about R1, for OTHER by
    15 January."""
    found = world.build(uow, recs=2)
    add_committee(uow, BOARD_NAME, cadence="monthly", secretary=ADMIN, members=(BOARD,), actor=ILAU)
    add_committee(uow, "PPRC", cadence="six-monthly", secretary=ADMIN, actor=ILAU)
    at(clock, "2003-11-20")
    add_decision(
        uow,
        BOARD_NAME,
        meeting=date(2003, 11, 20),
        rec=found[0],
        text=TEXT,
        owner=OTHER,
        due=date(2004, 1, 15),
        actor=ILAU,
    )
    return found


def test_a_decision_is_recorded_listed_and_audited(uow: UnitOfWork, codes: list[str]) -> None:
    listed = plain(list_decisions(uow))
    assert listed == [
        {
            "id": 1,
            "committee": BOARD_NAME,
            "meeting": "2003-11-20",
            "rec": codes[0],
            "text": TEXT,
            "owner": OTHER,
            "due": "2004-01-15",
            "done_at": None,
        }
    ]
    assert set(listed[0]) == KEYS
    trail = events(uow, "meeting.add", "decision.add")
    assert [(e, a, r) for e, a, r, _ in trail] == [
        ("meeting.add", ILAU, None),  # the meeting was not known: added with it
        ("decision.add", ILAU, codes[0]),
    ]
    assert trail[1][3]["decision"] == {
        "id": 1,
        "committee": BOARD_NAME,
        "meeting": "2003-11-20",
        "text": TEXT,
        "owner": OTHER,
        "due": "2004-01-15",
    }


def _attempt(uow: UnitOfWork, codes: list[str], **change: Any) -> None:
    values: dict[str, Any] = {
        "meeting": date(2003, 11, 20),
        "rec": codes[1],
        "text": "Another",
        "owner": OWNER,
        "due": date(2004, 2, 1),
        "actor": ILAU,
    }
    committee = change.pop("committee", BOARD_NAME)
    add_decision(uow, committee, **(values | change))


@pytest.mark.parametrize(
    ("change", "error", "words"),
    [
        ({"committee": "Nobody"}, UnknownCommittee, "no committee 'Nobody'"),
        ({"rec": "botj-2003/R9"}, UnknownRecommendation, "no recommendation botj-2003/R9"),
        ({"owner": "nobody@example.org"}, UnknownPerson, "nobody@example.org"),
        ({"due": date(2003, 11, 19)}, BadInput, "before the meeting (2003-11-20)"),
        ({"meeting": date(2003, 11, 21)}, BadInput, "once its meeting has been held"),
        ({"text": "  "}, BadInput, "say what was decided"),
        ({"actor": OWNER}, NotPermitted, "only ilau or secretary may"),
        ({"actor": None}, BadInput, "an actor is required"),
    ],
)
def test_a_wrong_decision_is_refused_and_changes_nothing(
    uow: UnitOfWork, codes: list[str], change: dict[str, Any], error: type[Exception], words: str
) -> None:
    before = counts(uow)
    with pytest.raises(error, match=words.replace("(", r"\(").replace(")", r"\)")):
        _attempt(uow, codes, **change)
    assert counts(uow) == before


def test_an_inactive_owner_is_refused(uow: UnitOfWork, codes: list[str]) -> None:
    set_active(uow, OWNER, active=False, actor=ILAU)
    before = counts(uow)
    with pytest.raises(BadInput, match="not active"):
        _attempt(uow, codes)
    assert counts(uow) == before


def test_done_by_its_owner_once_and_by_nobody_else(
    uow: UnitOfWork, clock: FixedClock, codes: list[str]
) -> None:
    at(clock, "2003-12-01")
    before = counts(uow)
    with pytest.raises(NotPermitted, match="only its owner, ilau or secretary may"):
        done_decision(uow, 1, actor=OWNER)  # owns the recommendation, not the decision
    with pytest.raises(UnknownDecision, match="no decision 2"):
        done_decision(uow, 2, actor=ILAU)
    assert counts(uow) == before
    done = plain(done_decision(uow, 1, actor=OTHER))
    assert done["done_at"] == "2003-12-01T12:00:00.000000+00:00"
    assert plain(list_decisions(uow, open_only=True)) == []
    assert [d.id for d in list_decisions(uow)] == [1]
    after = counts(uow)
    with pytest.raises(AlreadyExists, match=f"decision 1 was done already .2003-12-01 by {OTHER}"):
        done_decision(uow, 1, actor=ILAU)
    assert counts(uow) == after
    assert [(e, a, r) for e, a, r, _ in events(uow, "decision.done")] == [
        ("decision.done", OTHER, codes[0])
    ]


def mails(uow: UnitOfWork, kind: str, to: str) -> list[str]:
    """The text of each message of `kind` queued for `to`, oldest first."""
    o = outbox.c
    with uow.read() as tx:
        return list(
            tx.conn.execute(
                select(o.body_text).where(o.kind == kind, o.recipient == to).order_by(o.id)
            ).scalars()
        )


def _decision_reminders(result: Any) -> list[tuple[str, str, str, str]]:
    return [
        (r["rec"], r["stage"], r["to"], r["due"])
        for r in plain(result)["reminders"]
        if r["kind"] == "decision"
    ]


def test_the_sweep_reminds_the_owner_then_escalates_then_clears(
    uow: UnitOfWork, clock: FixedClock, codes: list[str]
) -> None:
    at(clock, "2004-01-07")
    assert _decision_reminders(sweep(uow)) == []  # eight days ahead: not yet
    at(clock, "2004-01-08")
    assert _decision_reminders(sweep(uow)) == [(codes[0], "before", OTHER, "2004-01-15")]
    digest = mails(uow, "reminder", OTHER)
    assert len(digest) == 1
    assert "Committee decision" in digest[0]
    assert f"do what the {BOARD_NAME} decided on 2003-11-20 (decision 1): {TEXT}" in digest[0]
    assert _decision_reminders(sweep(uow)) == []  # once per stage
    at(clock, "2004-01-15")
    assert _decision_reminders(sweep(uow)) == [(codes[0], "due", OTHER, "2004-01-15")]
    with uow.read() as tx:
        keys = set(tx.conn.execute(select(notice.c.key)).scalars())
    assert {"decision:1:2004-01-15:before", "decision:1:2004-01-15:due"} <= keys
    at(clock, "2004-01-22")
    sweep(uow)
    assert _decision_escalations(uow) == []  # seven days past: within grace
    at(clock, "2004-01-23")
    sweep(uow)
    assert _decision_escalations(uow) == [(codes[0], "missed_decision", BOARD_NAME, True)]
    board = mails(uow, "escalation", BOARD)
    assert [TEXT in m for m in board] == [False, True]  # the responses missed, then this
    at(clock, "2004-01-24")
    assert plain(sweep(uow))["cleared"] == []  # the recommendation has no such target
    done_decision(uow, 1, actor=OTHER)
    assert plain(sweep(uow))["cleared"] == [codes[0]]
    assert _decision_escalations(uow) == [(codes[0], "missed_decision", BOARD_NAME, False)]
    cleared = [e for e in plain(list_escalations(uow)) if e["reason"] == "missed_decision"]
    assert cleared[0]["clear_note"] == "decision done"
    at(clock, "2004-02-20")
    assert _decision_reminders(sweep(uow)) == []  # done: chased no more


def _decision_escalations(uow: UnitOfWork) -> list[tuple[str, str, str, bool]]:
    """(recommendation, reason, committee, still open) of each escalation of a decision."""
    e, r = escalation.c, recommendation.c
    with uow.read() as tx:
        rows = tx.conn.execute(
            select(r.code, e.reason, e.committee, e.cleared_at.is_(None))
            .join(recommendation, r.id == e.rec_id)
            .where(e.key == "decision:1:2004-01-15")
        ).all()
    return [(code, reason, committee, bool(still)) for code, reason, committee, still in rows]


def test_open_decisions_are_on_the_next_agendas_and_papers(
    uow: UnitOfWork, clock: FixedClock, codes: list[str]
) -> None:
    for day in ("2004-02-05", "2004-03-04", "2004-04-01"):
        add_meeting(uow, BOARD_NAME, date.fromisoformat(day), actor=ILAU)
    add_meeting(uow, "PPRC", date(2004, 2, 9), actor=ILAU)
    at(clock, "2004-02-05")
    agenda = generate_agenda(uow, BOARD_NAME, day=date(2004, 2, 5))
    first = agenda.items[0]
    assert (first.kind, first.title, first.recs) == (
        "decisions",
        "Decisions of earlier meetings",
        (codes[0],),
    )
    assert first.detail["rows"] == [
        ["1", "2003-11-20", codes[0], TEXT, "Olive Other", "2004-01-15", "overdue by 21 days"]
    ]
    assert "decisions" not in [i.kind for i in agenda.items[1:]]
    pprc = generate_agenda(uow, "PPRC", day=date(2004, 2, 9))
    assert "decisions" not in [i.kind for i in pprc.items]  # the Board's, not the PPRC's
    doc = committee_report(uow, agenda)
    headings = [b.text for b in doc.blocks if isinstance(b, Heading)]
    assert "1. Decisions of earlier meetings" in headings
    tables = [b for b in doc.blocks if isinstance(b, Table) and "Decided" in b.headers]
    assert [list(r) for r in tables[0].rows] == first.detail["rows"]
    asks = next(b.items for b in doc.blocks if isinstance(b, BulletList) and b.ordered)
    assert asks[-1].startswith("review the decisions of earlier meetings still open")
    at(clock, "2004-02-20")
    done_decision(uow, 1, actor=OTHER)
    at(clock, "2004-03-04")
    march = generate_agenda(uow, BOARD_NAME, day=date(2004, 3, 4))
    assert march.items[0].detail["rows"][0][-1] == "done 2004-02-20"  # done since the last
    at(clock, "2004-04-01")
    april = generate_agenda(uow, BOARD_NAME, day=date(2004, 4, 1))
    assert "decisions" not in [i.kind for i in april.items]


def test_the_command_line_adds_lists_and_closes(
    store_url: str, uow: UnitOfWork, codes: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    db = ["--db", store_url, "--now", "2004-01-10"]
    capsys.readouterr()
    args = ["decision", "add", BOARD_NAME, "--meeting", "2004-01-08", "--rec", codes[1]]
    args += ["--text", "Find an owner", "--owner", OWNER, "--due", "2004-02-01"]
    assert run([*db, *args, "--actor", ILAU, "--json"]) == 0
    made = json.loads(capsys.readouterr().out)
    assert set(made) == KEYS and made["id"] == 2 and made["rec"] == codes[1]
    assert run([*db, "decision", "list", "--open", "--json"]) == 0
    assert [d["id"] for d in json.loads(capsys.readouterr().out)] == [1, 2]
    assert run([*db, "decision", "done", "2", "--actor", OWNER]) == 0
    assert "decision 2:" in capsys.readouterr().out
    assert run([*db, "decision", "list", "--open", "--json"]) == 0
    assert [d["id"] for d in json.loads(capsys.readouterr().out)] == [1]
    assert run([*db, "decision", "done", "2", "--actor", OWNER]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: decision 2 was done already") and "Traceback" not in err
    assert run([*db, "decision", "done", "1", "--actor", OWNER]) == 3
    assert "may not decision.done" in capsys.readouterr().err
    bad = ["decision", "add", "Nobody", "--meeting", "2004-01-08", "--rec", codes[1]]
    bad += ["--text", "x", "--owner", OWNER, "--due", "2004-02-01", "--actor", ILAU]
    assert run([*db, *bad]) == 2
    assert capsys.readouterr().err == "error: no committee 'Nobody'\n"
    with uow.read() as tx:
        assert tx.conn.execute(select(func.count()).select_from(decision)).scalar_one() == 2
    assert run([*db, "audit", "verify"]) == 0  # the decisions' events keep the chain whole
    assert "the chain is intact" in capsys.readouterr().out


def test_the_papers_name_a_decisions_owner_with_their_title(
    uow: UnitOfWork, clock: FixedClock, codes: list[str]
) -> None:
    """As they name a recommendation's owner: "name, title"; the name alone without one."""
    tess = "tess@example.org"
    add_person(uow, tess, name="Tess Title", roles=["owner"], title="Head of CJ", actor=ILAU)
    add_decision(
        uow,
        BOARD_NAME,
        meeting=date(2003, 11, 20),
        rec=codes[1],
        text="Cost the new suites",
        owner=tess,
        due=date(2004, 3, 1),
        actor=ILAU,
    )
    add_meeting(uow, BOARD_NAME, date(2004, 2, 5), actor=ILAU)
    at(clock, "2004-02-05")
    agenda = generate_agenda(uow, BOARD_NAME, day=date(2004, 2, 5))
    rows = agenda.items[0].detail["rows"]
    assert [(r[3], r[4]) for r in rows] == [
        (TEXT, "Olive Other"),
        ("Cost the new suites", "Tess Title, Head of CJ"),
    ]
    doc = committee_report(uow, agenda)
    (table,) = [b for b in doc.blocks if isinstance(b, Table) and "Decided" in b.headers]
    assert [r[4] for r in table.rows] == ["Olive Other", "Tess Title, Head of CJ"]
    assert not any(tess in cell for r in table.rows for cell in r)
