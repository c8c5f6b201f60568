"""Two writers on one recommendation: they cannot both win, and the loser loses nothing else."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from config import default_rules
from states import EventNotAllowed
from tests import world
from tests.world import OWNER, to_in_progress
from workflow.bootstrap import unit_of_work
from workflow.clock import FixedClock
from workflow.errors import Conflict
from workflow.lifecycle import service as svc
from workflow.lifecycle import transition as events
from workflow.lifecycle.views import show_recommendation
from workflow.plain import plain
from workflow.store.tables import audit_event, progress_update
from workflow.store.uow import UnitOfWork


def count(uow: UnitOfWork, table: Any) -> int:
    with uow.read() as tx:
        return int(tx.conn.execute(select(func.count()).select_from(table)).scalar_one())


def test_a_stale_version_is_a_conflict(engine: Engine, clock: FixedClock) -> None:
    """Two people read version N on two connections; the second to write gets Conflict."""
    with (
        unit_of_work(engine, clock, default_rules()) as a,
        unit_of_work(engine, clock, default_rules()) as b,
    ):
        code = world.build(a, recs=1)[0]
        to_in_progress(a, clock, code)
        seen_by_a = plain(show_recommendation(a, code))["version"]
        seen_by_b = plain(show_recommendation(b, code))["version"]
        assert seen_by_a == seen_by_b
        events_before = count(a, audit_event)
        svc.record_update(a, code, OWNER, note="A's update", expected_version=seen_by_a)
        with pytest.raises(Conflict) as err:
            svc.record_update(b, code, OWNER, note="B's update", expected_version=seen_by_b)
        assert (err.value.expected, err.value.found) == (seen_by_b, seen_by_b + 1)
        view = plain(show_recommendation(b, code))
        assert [u["note"] for u in view["updates"]] == ["A's update"]
        assert view["version"] == seen_by_a + 1
        assert count(b, audit_event) == events_before + 1


def _race(engine: Engine, clock: FixedClock, calls: list[Callable[[UnitOfWork], Any]]) -> list[Any]:
    """Run each call on its own connection, all at once; returns results or exceptions."""

    def one(call: Callable[[UnitOfWork], Any]) -> Any:
        with unit_of_work(engine, clock, default_rules()) as uow:
            try:
                return call(uow)
            except (Conflict, EventNotAllowed) as exc:
                return exc

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(one, calls))


def test_two_starts_at_once_only_one_wins(engine: Engine, clock: FixedClock) -> None:
    """Both try planned -> in progress: one moves it, the other is refused."""
    with unit_of_work(engine, clock, default_rules()) as uow:
        code = world.build(uow, recs=1)[0]
        svc.respond(uow, code, world.ILAU, body="MPS", text="a")
        svc.respond(uow, code, world.ILAU, body="MPA", text="b")
        svc.plan(uow, code, OWNER, actions=[("x", OWNER, clock.today().replace(year=2004))])
    results = _race(engine, clock, [lambda u: svc.start(u, code, OWNER)] * 2)
    winners = [r for r in results if isinstance(r, events.Outcome)]
    assert len(winners) == 1
    assert all(isinstance(r, (Conflict, EventNotAllowed)) for r in results if r not in winners)
    with unit_of_work(engine, clock, default_rules()) as uow:
        history = [h["event"] for h in plain(show_recommendation(uow, code))["history"]]
    assert history.count("start") == 1


def test_racing_updates_lose_nothing(engine: Engine, clock: FixedClock) -> None:
    """Many concurrent updates: every one that succeeded is stored and audited, no more."""
    with unit_of_work(engine, clock, default_rules()) as uow:
        code = world.build(uow, recs=1)[0]
        to_in_progress(uow, clock, code)
        version = plain(show_recommendation(uow, code))["version"]
        audited = count(uow, audit_event)
    calls = [
        lambda u, n=n: svc.record_update(u, code, OWNER, note=f"update {n}") for n in range(24)
    ]
    results = _race(engine, clock, calls)
    done = [r for r in results if isinstance(r, events.Outcome)]
    assert done, "at least one writer must win"
    with unit_of_work(engine, clock, default_rules()) as uow:
        view = plain(show_recommendation(uow, code))
        assert view["version"] == version + len(done)
        assert len(view["updates"]) == len(done)
        assert sorted(u["note"] for u in view["updates"]) == sorted(
            f"update {n}" for n, r in enumerate(results) if isinstance(r, events.Outcome)
        )
        assert count(uow, audit_event) == audited + len(done)
        assert count(uow, progress_update) == len(done)
        with uow.read() as tx:
            ids = list(
                tx.conn.execute(select(audit_event.c.id).order_by(audit_event.c.id)).scalars()
            )
        assert ids == list(range(1, len(ids) + 1)), "the audit chain has no gaps"


def _interleaved(pg_engine: Engine, clock: FixedClock, monkeypatch: pytest.MonkeyPatch) -> str:
    """A recommendation in progress, and the machine's `fire` held until two transactions
    have both loaded it (the first two calls only: a retry runs freely)."""
    with unit_of_work(pg_engine, clock, default_rules()) as uow:
        code = world.build(uow, recs=1)[0]
        to_in_progress(uow, clock, code)
    both_loaded = threading.Barrier(2, timeout=20)
    real_fire, calls, lock = events.fire, [0], threading.Lock()

    def fire_after_both_loaded(*args: Any, **kwargs: Any) -> str:
        with lock:
            calls[0] += 1
            first_two = calls[0] <= 2
        if first_two:
            both_loaded.wait()
        return real_fire(*args, **kwargs)

    monkeypatch.setattr(events, "fire", fire_after_both_loaded)
    return code


@pytest.mark.external_service
def test_interleaved_transactions_on_postgresql(
    pg_engine: Engine, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both transactions load version N before either writes: with the version pinned (as
    `--if-version` does), the second writer gets Conflict.

    (SQLite cannot interleave writers: BEGIN IMMEDIATE makes the second wait for the first.)
    """
    code = _interleaved(pg_engine, clock, monkeypatch)
    with unit_of_work(pg_engine, clock, default_rules()) as uow:
        version = plain(show_recommendation(uow, code))["version"]
    results = _race(
        pg_engine,
        clock,
        [
            lambda u: svc.record_update(u, code, OWNER, note="one", expected_version=version),
            lambda u: svc.record_update(u, code, OWNER, note="two", expected_version=version),
        ],
    )
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "Outcome"]
    with unit_of_work(pg_engine, clock, default_rules()) as uow:
        assert len(plain(show_recommendation(uow, code))["updates"]) == 1


@pytest.mark.external_service
def test_an_unpinned_update_that_loses_the_race_is_applied_again(
    pg_engine: Engine, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a pinned version, the loser loads again, checks the guards again and is
    applied: 13 of 20 concurrent plain updates once failed with exit 4."""
    code = _interleaved(pg_engine, clock, monkeypatch)
    results = _race(
        pg_engine,
        clock,
        [
            lambda u: svc.record_update(u, code, OWNER, note="one"),
            lambda u: svc.record_update(u, code, OWNER, note="two"),
        ],
    )
    assert [type(r).__name__ for r in results] == ["Outcome", "Outcome"]
    with unit_of_work(pg_engine, clock, default_rules()) as uow:
        view = plain(show_recommendation(uow, code))
    assert sorted(u["note"] for u in view["updates"]) == ["one", "two"]


def test_twenty_plain_updates_at_once_all_succeed(engine: Engine, clock: FixedClock) -> None:
    """On both backends, concurrent updates that pinned no version are all applied."""
    with unit_of_work(engine, clock, default_rules()) as uow:
        code = world.build(uow, recs=1)[0]
        to_in_progress(uow, clock, code)
    calls = [lambda u, n=n: svc.record_update(u, code, OWNER, note=f"u{n}") for n in range(20)]
    results = _race(engine, clock, calls)
    assert [type(r).__name__ for r in results] == ["Outcome"] * 20
