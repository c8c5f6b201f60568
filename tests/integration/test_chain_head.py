"""The chain's head read with the load on SQLite (`Journal.head_seen`): whatever a write
transaction mixes (events on several recommendations, other appends, refusals, racing
writers), the trail stays one unbroken chain, on both backends."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import Engine, select

from config import default_rules
from states import EventNotAllowed
from tests import world
from tests.world import OWNER, to_in_progress
from workflow.audit.verify import verify_chain
from workflow.bootstrap import unit_of_work
from workflow.clock import FixedClock
from workflow.lifecycle import service as svc
from workflow.lifecycle.transition import transition
from workflow.store.tables import audit_event
from workflow.store.uow import UnitOfWork


def chain(uow: UnitOfWork) -> list[int]:
    with uow.read() as tx:
        assert verify_chain(tx.conn).ok
        return list(tx.conn.execute(select(audit_event.c.id).order_by(audit_event.c.id)).scalars())


def test_several_events_and_other_appends_in_one_transaction_chain_in_order(
    uow: UnitOfWork, clock: FixedClock
) -> None:
    r1, r2, r3 = world.build(uow, recs=3)
    for code in (r1, r2):
        to_in_progress(uow, clock, code)
    before = len(chain(uow))
    with uow.write() as tx:
        tx.audit.append(actor=OWNER, event="note", note="before any load")
        transition(tx, r1, "update", OWNER, note="first")
        tx.audit.append(actor=OWNER, event="note", note="between two loads")
        transition(tx, r2, "update", OWNER, note="second")
        with pytest.raises(EventNotAllowed):  # a refusal after the loads changes nothing
            transition(tx, r3, "start", OWNER)
    ids = chain(uow)
    assert ids == list(range(1, before + 5))
    with uow.read() as tx:
        notes = tx.conn.execute(
            select(audit_event.c.note).where(audit_event.c.id > before).order_by(audit_event.c.id)
        ).scalars()
        assert list(notes) == ["before any load", "first", "between two loads", "second"]


def test_writers_racing_on_different_recommendations_keep_one_chain(
    engine: Engine, clock: FixedClock
) -> None:
    with unit_of_work(engine, clock, default_rules()) as uow:
        codes = world.build(uow, recs=4)
        for code in codes:
            to_in_progress(uow, clock, code)

    def updates(code: str) -> int:
        with unit_of_work(engine, clock, default_rules()) as uow:
            for n in range(10):
                svc.record_update(uow, code, OWNER, note=f"{code} {n}")
        return 10

    with ThreadPoolExecutor(4) as pool:
        assert sum(pool.map(updates, codes)) == 40
    with unit_of_work(engine, clock, default_rules()) as uow:
        ids = chain(uow)
    assert ids == list(range(1, len(ids) + 1))
