"""Audit trail queries: each filter, pages in both orders, one indexed query per answer."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, event, text

from tests import world
from tests.world import BOARD, ILAU, OTHER, OWNER, advance, to_in_progress
from workflow.audit.query import AuditQuery, chain_head, events_select, find_events
from workflow.clock import FixedClock
from workflow.directory.reports import NewReport, insert_report
from workflow.lifecycle import service as svc
from workflow.store.uow import UnitOfWork

SECOND = "md-2004"


def build(uow: UnitOfWork, clock: FixedClock) -> None:
    """Two reports; botj-2003/R1 taken to in progress and reassigned, a week apart each."""
    world.build(uow, recs=2)
    with uow.write() as tx:
        insert_report(
            tx,
            NewReport(SECOND, "Murder Review", "HMIC", "review", date(2004, 1, 1), None, ("MPS",)),
            ILAU,
        )
    svc.raise_recommendation(uow, f"{SECOND}/R1", ILAU, text="Review it", owner=OTHER)
    advance(clock, 7)
    to_in_progress(uow, clock, "botj-2003/R1")
    advance(clock, 7)
    svc.reassign(uow, "botj-2003/R1", ILAU, owner=OTHER)


def events(uow: UnitOfWork, **filters: Any) -> list[dict[str, Any]]:
    with uow.read() as tx:
        return find_events(tx.conn, AuditQuery(**filters))


def test_history_of_one_recommendation_in_chain_order(uow: UnitOfWork, clock: FixedClock) -> None:
    build(uow, clock)
    found = events(uow, rec="botj-2003/R1")
    assert [e["event"] for e in found] == [
        "raise",
        "record_response",
        "record_response",
        "respond",
        "plan",
        "start",
        "reassign",
    ]
    assert [e["id"] for e in found] == sorted(e["id"] for e in found)


def test_events_by_actor_report_and_kind(uow: UnitOfWork, clock: FixedClock) -> None:
    build(uow, clock)
    assert {e["event"] for e in events(uow, actor=OWNER)} == {"plan", "start"}
    assert {e["rec"] for e in events(uow, report=SECOND)} == {None, f"{SECOND}/R1"}
    assert [e["rec"] for e in events(uow, event="raise", report="botj-2003")] == [
        "botj-2003/R1",
        "botj-2003/R2",
    ]
    assert events(uow, actor=BOARD) == []


def test_events_in_a_date_range_include_since_and_exclude_until(
    uow: UnitOfWork, clock: FixedClock
) -> None:
    build(uow, clock)
    week = clock.now() - timedelta(days=7)
    found = events(uow, since=week, until=clock.now())
    assert {e["event"] for e in found} == {"record_response", "respond", "plan", "start"}
    assert {e["event"] for e in events(uow, since=clock.now())} == {"reassign"}


def test_pages_follow_each_other_oldest_and_newest_first(
    uow: UnitOfWork, clock: FixedClock
) -> None:
    build(uow, clock)
    every = [e["id"] for e in events(uow)]
    for newest_first, expected in ((False, every), (True, every[::-1])):
        pages: list[int] = []
        after: int | None = None
        while True:
            page = events(uow, limit=4, newest_first=newest_first, after_id=after)
            if not page:
                break
            assert len(page) <= 4
            pages += [e["id"] for e in page]
            after = page[-1]["id"]
        assert pages == expected


def test_pages_keep_the_filters(uow: UnitOfWork, clock: FixedClock) -> None:
    build(uow, clock)
    first = events(uow, rec="botj-2003/R1", limit=2, newest_first=True)
    second = events(uow, rec="botj-2003/R1", limit=2, newest_first=True, after_id=first[-1]["id"])
    assert [e["event"] for e in first + second] == ["reassign", "start", "plan", "respond"]


def test_the_chain_head_is_the_last_event(uow: UnitOfWork, clock: FixedClock) -> None:
    with uow.read() as tx:
        assert chain_head(tx.conn) == (0, "0" * 64)
    build(uow, clock)
    last = events(uow, newest_first=True, limit=1)[0]
    with uow.read() as tx:
        assert chain_head(tx.conn) == (last["id"], last["hash"])


@contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(conn: Connection, cursor: Any, sql: str, *args: Any) -> None:
        seen.append(sql)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_each_answer_is_one_query(uow: UnitOfWork, clock: FixedClock) -> None:
    build(uow, clock)
    with uow.read() as tx, statements(uow.engine) as seen:
        find_events(tx.conn, AuditQuery(rec="botj-2003/R1", since=clock.now(), limit=3))
    assert len(seen) == 1


def query_plan(conn: Connection, stmt: Any) -> str:
    """SQLite's plan for `stmt` (the plan checks run on SQLite only; see below)."""
    assert conn.dialect.name == "sqlite"
    compiled = stmt.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True})
    rows = conn.execute(text(f"EXPLAIN QUERY PLAN {compiled}")).all()
    return "\n".join(str(r[-1]) for r in rows)


INDEXED = [
    ("history", events_select(AuditQuery(rec="botj-2003/R1")), "ix_audit_event_rec_id"),
    ("newest", events_select(AuditQuery(rec="r/1", newest_first=True)), "ix_audit_event_rec_id"),
    ("actor-page", events_select(AuditQuery(actor=ILAU, after_id=9)), "ix_audit_event_actor_id"),
    ("report", events_select(AuditQuery(report="botj-2003")), "ix_audit_event_report_id"),
    ("event", events_select(AuditQuery(event="complete")), "ix_audit_event_event_id"),
]


# On SQLite only: PostgreSQL's planner costs a test-sized table, and may prefer the primary
# key or a bitmap scan there (it did, in CI); bench_audit.py measures both at scale.
@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize(("name", "stmt", "index"), INDEXED, ids=[i[0] for i in INDEXED])
def test_each_query_uses_its_index(uow: UnitOfWork, name: str, stmt: Any, index: str) -> None:
    """Each filter leads an index that also gives the order: no scan, no sort, at any size."""
    with uow.read() as tx:
        plan = query_plan(tx.conn, stmt)
    assert index in plan, plan
    assert "TEMP B-TREE" not in plan, plan  # SQLite: the index gives the order, no sort
