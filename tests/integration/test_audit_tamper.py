"""Tampering with the stored trail, as someone with direct database access could: `verify`
names the event. On SQLite the attacker drops the append-only triggers first (anyone holding
the file can); on PostgreSQL a superuser's replica role stops triggers from firing.

That the triggers refuse UPDATE, DELETE and TRUNCATE is tested in test_store.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, delete, insert, select, text, update

from tests import world
from tests.world import ILAU, OTHER, to_in_progress
from workflow.audit.trail import event_hash
from workflow.audit.verify import Anchor, Verdict, verify_chain
from workflow.clock import FixedClock
from workflow.lifecycle import service as svc
from workflow.plain import plain
from workflow.store.tables import audit_event
from workflow.store.uow import UnitOfWork

_t = audit_event.c


@pytest.fixture
def trail(uow: UnitOfWork, clock: FixedClock) -> int:
    """A trail of a few dozen events; returns how many."""
    codes = world.build(uow, recs=3)
    to_in_progress(uow, clock, codes[0])
    to_in_progress(uow, clock, codes[2])
    svc.reassign(uow, codes[1], ILAU, owner=OTHER)
    svc.record_update(uow, codes[0], ILAU, note="going well", degree="partially")
    verdict = verify(uow)
    assert verdict.ok and verdict.events > 20
    return verdict.events


def verify(uow: UnitOfWork, *anchors: Anchor) -> Verdict:
    with uow.read() as tx:
        return verify_chain(tx.conn, anchors)


@contextmanager
def tampering(engine: Engine) -> Iterator[Connection]:
    """A transaction in which the append-only triggers do not stop anything."""
    with engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.execute(text("DROP TRIGGER audit_event_no_update"))
            conn.execute(text("DROP TRIGGER audit_event_no_delete"))
        else:
            conn.execute(text("SET LOCAL session_replication_role = replica"))
        yield conn


def event(conn: Connection, seq: int) -> dict[str, Any]:
    return dict(conn.execute(select(audit_event).where(_t.id == seq)).one()._mapping)


def move(conn: Connection, ids: range, by: int) -> None:
    """Renumber events `ids` by `by`, via negative ids so that no two ever collide."""
    where = _t.id.between(ids.start, ids.stop - 1)
    conn.execute(update(audit_event).where(where).values(id=-_t.id))
    conn.execute(update(audit_event).where(_t.id < 0).values(id=-_t.id + by))


def test_an_untouched_trail_verifies(uow: UnitOfWork, trail: int) -> None:
    assert plain(verify(uow)) == {"events": trail, "ok": True}


def test_an_altered_note_is_named(uow: UnitOfWork, trail: int) -> None:
    with tampering(uow.engine) as conn:
        conn.execute(update(audit_event).where(_t.id == 17).values(note="nothing to see"))
    assert plain(verify(uow)) == {
        "ok": False,
        "first_bad": 17,
        "problem": "event 17 was altered: its content does not match its hash",
    }


def test_a_changed_time_is_named(uow: UnitOfWork, trail: int) -> None:
    with tampering(uow.engine) as conn:
        earlier = event(conn, 6)["at"] - timedelta(days=30)
        conn.execute(update(audit_event).where(_t.id == 6).values(at=earlier))
    assert verify(uow).first_bad == 6


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_a_time_that_is_no_time_is_named_not_a_crash(uow: UnitOfWork, trail: int) -> None:
    """SQLite stores whatever it is given (PostgreSQL's timestamptz takes only instants);
    verify must still name the event."""
    with tampering(uow.engine) as conn:
        conn.execute(text("UPDATE audit_event SET at = 'yesterday' WHERE id = 4"))
        conn.execute(text("UPDATE audit_event SET at = 42 WHERE id = 8"))
    assert verify(uow).first_bad == 4


def test_an_altered_actor_with_its_hash_recomputed_is_named(uow: UnitOfWork, trail: int) -> None:
    with tampering(uow.engine) as conn:
        forged = {**event(conn, 12), "actor": "someone.else@example.org"}
        forged["hash"] = event_hash(forged)
        conn.execute(update(audit_event).where(_t.id == 12).values(**forged))
    verdict = verify(uow)
    assert verdict.first_bad == 12
    assert verdict.problem is not None and "event 12 was altered and its hash recomputed" in (
        verdict.problem
    )


def test_a_deleted_event_is_named(uow: UnitOfWork, trail: int) -> None:
    with tampering(uow.engine) as conn:
        conn.execute(delete(audit_event).where(_t.id == 9))
    assert plain(verify(uow)) == {
        "ok": False,
        "first_bad": 9,
        "problem": "event 9 was deleted: the chain goes from event 8 to event 10",
    }


def test_a_deletion_closed_up_by_renumbering_is_named(uow: UnitOfWork, trail: int) -> None:
    with tampering(uow.engine) as conn:
        conn.execute(delete(audit_event).where(_t.id == 9))
        move(conn, range(10, trail + 1), -1)
    verdict = verify(uow)
    assert verdict.first_bad == 9
    assert verdict.problem is not None and "was deleted, or events were reordered" in (
        verdict.problem
    )


def test_two_swapped_events_are_named(uow: UnitOfWork, trail: int) -> None:
    with tampering(uow.engine) as conn:
        conn.execute(update(audit_event).where(_t.id == 14).values(id=-14))
        conn.execute(update(audit_event).where(_t.id == 15).values(id=14))
        conn.execute(update(audit_event).where(_t.id == -14).values(id=15))
    verdict = verify(uow)
    assert verdict.first_bad == 14
    assert verdict.problem == (
        "event 14 was written as event 15: an event before it was deleted, or events were reordered"
    )


def test_an_event_inserted_out_of_order_is_named(uow: UnitOfWork, trail: int) -> None:
    with tampering(uow.engine) as conn:
        before = event(conn, 10)
        move(conn, range(11, trail + 1), +1)
        forged = {
            **before,
            "id": 11,
            "event": "complete",
            "note": "signed off, honestly",
            "prev_hash": before["hash"],
        }
        forged["hash"] = event_hash(forged)
        conn.execute(insert(audit_event).values(**forged))
    verdict = verify(uow)
    assert verdict.first_bad == 11
    assert verdict.problem == "event 12 was written as event 11: event 11 was inserted before it"


def test_a_trail_recomputed_after_an_edit_is_caught_only_by_an_anchor(
    uow: UnitOfWork, trail: int
) -> None:
    with uow.read() as tx:
        head = event(tx.conn, trail)
    anchor = Anchor(trail, head["hash"])
    with tampering(uow.engine) as conn:
        prev = event(conn, 19)["hash"]
        for seq in range(20, trail + 1):
            row = event(conn, seq)
            row["prev_hash"] = prev
            if seq == 20:
                row["note"] = "rewritten"
            row["hash"] = prev = event_hash(row)
            conn.execute(update(audit_event).where(_t.id == seq).values(**row))
    assert verify(uow).ok
    verdict = verify(uow, anchor)
    assert verdict.first_bad == trail
    assert verdict.problem is not None and "does not match the anchor" in verdict.problem


def test_a_cut_tail_is_caught_only_by_an_anchor(uow: UnitOfWork, trail: int) -> None:
    with uow.read() as tx:
        anchor = Anchor(trail, event(tx.conn, trail)["hash"])
    with tampering(uow.engine) as conn:
        conn.execute(delete(audit_event).where(_t.id > trail - 2))
    assert verify(uow).ok
    assert verify(uow, anchor).first_bad == trail - 1


def test_events_appended_after_the_anchor_are_fine(
    uow: UnitOfWork, clock: FixedClock, trail: int
) -> None:
    with uow.read() as tx:
        anchor = Anchor(trail, event(tx.conn, trail)["hash"])
    svc.record_update(uow, "botj-2003/R1", ILAU, note="later still")
    assert plain(verify(uow, anchor)) == {"events": trail + 1, "ok": True}
