"""Write transactions on both backends (on SQLite begun and ended on the driver, see
`dialect.sqlite_write`): committed whole, rolled back whole, whether the work inside ran only
prepared statements, SQLAlchemy Core statements, or both."""

from __future__ import annotations

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.exc import InvalidRequestError

from tests import world
from tests.world import OWNER, to_in_progress
from workflow.clock import FixedClock
from workflow.lifecycle.transition import transition
from workflow.store.tables import audit_event, person
from workflow.store.uow import UnitOfWork


class Stop(Exception):
    pass


def counts(uow: UnitOfWork) -> tuple[int, int]:
    with uow.read() as tx:
        c = tx.conn
        return (
            c.execute(select(func.count()).select_from(audit_event)).scalar_one(),
            c.execute(select(func.count()).select_from(person)).scalar_one(),
        )


def _person(n: int) -> dict[str, object]:
    return {"email": f"p{n}@x.org", "name": f"P{n}", "roles": "owner", "active": True}


@pytest.mark.parametrize("core", [False, True], ids=["prepared only", "with core"])
def test_a_write_that_raises_leaves_nothing(uow: UnitOfWork, clock: FixedClock, core: bool) -> None:
    code = world.build(uow, recs=1)[0]
    to_in_progress(uow, clock, code)
    before = counts(uow)
    with pytest.raises(Stop), uow.write() as tx:
        transition(tx, code, "update", OWNER, note="kept?")
        if core:
            tx.conn.execute(insert(person).values(**_person(1), created_at=tx.now))
        tx.audit.flush()
        raise Stop
    assert counts(uow) == before
    # The connection is usable again, for writes and reads alike.
    with uow.write() as tx:
        transition(tx, code, "update", OWNER, note="kept")
    assert counts(uow) == (before[0] + 1, before[1])


@pytest.mark.parametrize("core", [False, True], ids=["prepared only", "with core"])
def test_a_write_commits_everything_it_did(uow: UnitOfWork, clock: FixedClock, core: bool) -> None:
    code = world.build(uow, recs=1)[0]
    to_in_progress(uow, clock, code)
    events, people = counts(uow)
    with uow.write() as tx:
        if core:
            tx.conn.execute(insert(person).values(**_person(2), created_at=tx.now))
        transition(tx, code, "update", OWNER, note="first")
        if core:
            tx.conn.execute(insert(person).values(**_person(3), created_at=tx.now))
    assert counts(uow) == (events + 1, people + (2 if core else 0))


def test_a_write_cannot_begin_inside_another(uow: UnitOfWork) -> None:
    world.build(uow, recs=1)
    before = counts(uow)
    # SQLite's driver-level write says so; SQLAlchemy refuses a second begin on PostgreSQL.
    with pytest.raises((RuntimeError, InvalidRequestError)), uow.write() as tx:
        tx.conn.execute(insert(person).values(**_person(4), created_at=tx.now))
        with uow.write():
            pass
    assert counts(uow) == before
