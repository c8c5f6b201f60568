"""Point in time: the trail rebuilds what `rec show` said at any past instant."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from tests import world
from tests.integration.test_audit_queries import query_plan
from tests.world import BOARD, ILAU, OTHER, OWNER, REPORT, advance, to_in_progress
from workflow.audit.asof import as_of, as_of_select, iter_as_of
from workflow.clock import FixedClock
from workflow.errors import UnknownReport
from workflow.lifecycle import service as svc
from workflow.lifecycle.views import show_recommendation
from workflow.plain import plain
from workflow.store.uow import UnitOfWork

Seen = dict[str, dict[str, Any]]


def seen(uow: UnitOfWork, codes: list[str]) -> Seen:
    """What `rec show` says now of each recommendation, in the as-of shape."""
    views = (plain(show_recommendation(uow, c)) for c in codes)
    return {v["id"]: {k: v[k] for k in ("id", "state", "owner", "degree", "due")} for v in views}


def rebuilt(uow: UnitOfWork, at: datetime, report: str | None = REPORT) -> Seen:
    with uow.read() as tx:
        return {s.id: plain(s) for s in as_of(tx.conn, at, report)}


def test_as_of_equals_rec_show_at_every_step_of_a_lifecycle(
    uow: UnitOfWork, clock: FixedClock
) -> None:
    codes = world.build(uow, recs=2)
    r1, r2 = codes
    steps: list[Callable[[], object]] = [
        lambda: to_in_progress(uow, clock, r1),
        lambda: svc.record_update(uow, r1, OWNER, note="half way", degree="partially"),
        lambda: svc.reassign(uow, r2, ILAU, owner=OTHER),
        lambda: svc.request_extension(uow, r1, OWNER, to=date(2004, 6, 30), reason="slipped"),
        lambda: svc.decide_extension(uow, r1, BOARD, approve=True),
        lambda: svc.close_action(uow, r1, OWNER, number=1),
        lambda: svc.record_update(uow, r1, OWNER, note="done", degree="completely"),
        lambda: svc.monitor(uow, r1, OWNER),
        lambda: svc.complete(uow, r1, BOARD, evidence="minutes"),
        lambda: svc.supersede(uow, r2, ILAU, by=r1),
        lambda: svc.reopen(uow, r1, ILAU, reason="it came back"),
        lambda: svc.edit(uow, r1, ILAU, text="Recommendation one, corrected"),
    ]
    history = [(clock.now(), seen(uow, codes))]
    for step in steps:
        advance(clock, 3)
        step()
        history.append((clock.now(), seen(uow, codes)))
    for (at, expected), (later, _) in zip(history, [*history[1:], (None, None)], strict=True):
        assert rebuilt(uow, at) == expected
        if later is not None:  # just before the next step: still the same
            assert rebuilt(uow, later - timedelta(microseconds=1)) == expected


def test_nothing_is_there_before_it_was_raised(uow: UnitOfWork, clock: FixedClock) -> None:
    world.build(uow, recs=1)
    start = clock.now()
    advance(clock, 1)
    svc.raise_recommendation(uow, f"{REPORT}/R2", ILAU, text="Later")
    assert list(rebuilt(uow, start)) == [f"{REPORT}/R1"]
    assert list(rebuilt(uow, clock.now())) == [f"{REPORT}/R1", f"{REPORT}/R2"]
    assert rebuilt(uow, start - timedelta(seconds=1)) == {}


def test_an_unknown_report_is_refused(uow: UnitOfWork, clock: FixedClock) -> None:
    world.build(uow, recs=1)
    with pytest.raises(UnknownReport), uow.read() as tx:
        as_of(tx.conn, clock.now(), "nope-1999")


def test_everyones_as_of_agrees_with_each_reports(uow: UnitOfWork, clock: FixedClock) -> None:
    codes = world.build(uow, recs=3)
    to_in_progress(uow, clock, codes[0])
    advance(clock, 2)
    svc.reassign(uow, codes[2], ILAU, owner=OTHER)
    svc.raise_recommendation(uow, "botj-2003/R10", ILAU, text="Tenth", owner=OTHER)
    with uow.read() as tx:
        everyone = as_of(tx.conn, clock.now())
        streamed = sorted(iter_as_of(tx.conn, clock.now()), key=lambda s: s.id)
    assert everyone == streamed
    assert {s.id: plain(s) for s in everyone} == rebuilt(uow, clock.now())
    assert [s.id for s in everyone] == sorted(s.id for s in everyone)


# Plan checks run on SQLite only: PostgreSQL's planner costs a test-sized table, and may well
# prefer the primary key or a bitmap scan there (it did, in CI); at scale bench_audit.py
# measures both backends.
@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_one_reports_as_of_reads_along_the_report_index(uow: UnitOfWork) -> None:
    """One query on (report, id), in chain order: no scan of the trail, no sort."""
    at = datetime(2004, 1, 1, tzinfo=UTC)
    with uow.read() as tx:
        plan = query_plan(tx.conn, as_of_select(at, REPORT))
    assert "ix_audit_event_report_id" in plan and "TEMP B-TREE" not in plan, plan


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_everyones_as_of_reads_along_the_rec_index_on_sqlite(uow: UnitOfWork) -> None:
    """Grouped by recommendation without a sort (PostgreSQL may choose to sort instead, on
    disk past work_mem, which is its planner's call: this plan check is SQLite's)."""
    with uow.read() as tx:
        plan = query_plan(tx.conn, as_of_select(datetime(2004, 1, 1, tzinfo=UTC)))
    assert "ix_audit_event_rec_id" in plan and "TEMP B-TREE" not in plan, plan
