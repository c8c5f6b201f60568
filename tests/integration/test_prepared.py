"""Every prepared statement gives the same rows, and makes the same writes, as
`Connection.execute` would, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection, Table, select
from sqlalchemy.sql import Insert, Select, Update
from sqlalchemy.sql.elements import TextClause

from tests import world
from tests.world import ILAU, OWNER, to_in_progress
from workflow.chasing.sweep import sweep
from workflow.clock import FixedClock
from workflow.lifecycle import service as svc
from workflow.store import prepared
from workflow.store.prepared import Prepared
from workflow.store.uow import UnitOfWork


def _exercise(uow: UnitOfWork, clock: FixedClock) -> str:
    """A history that runs every statement the engine prepares, on first use included."""
    code = world.build(uow, recs=1)[0]
    to_in_progress(uow, clock, code)
    svc.record_update(uow, code, OWNER, note="Half way", degree="partially")
    svc.close_action(uow, code, OWNER, number=1)
    svc.monitor(uow, code, OWNER)
    clock.move_to(clock.now() + timedelta(days=1))
    svc.reassign(uow, code, ILAU, owner=world.OTHER)
    sweep(uow, dry_run=True)  # the sweep's scan of what is due
    return code


def _table_rows(conn: Connection, table: Table, ids: bool = True) -> list[tuple[Any, ...]]:
    """The table's rows in order; without `ids`, without the id a sequence gives (PostgreSQL's
    sequences move on even in a transaction rolled back)."""
    columns = [c for c in table.columns if ids or c.name != "id"]
    rows = conn.execute(select(*columns).order_by(*table.primary_key.columns))
    return [tuple(r) for r in rows]


def _write_params(conn: Connection, p: Prepared) -> tuple[Table, dict[str, Any]]:
    """Values for an insert or update, taken from a row already stored (a new id for insert)."""
    stmt = p.statement
    assert isinstance(stmt, (Insert, Update)) and isinstance(stmt.table, Table)
    table = stmt.table
    row = conn.execute(select(table).order_by(table.c.id.desc()).limit(1)).one()._mapping
    keys = p.column_keys or []
    if isinstance(stmt, Insert):
        params = {k: row[k] for k in keys}
        if "id" in params:
            params["id"] = row["id"] + 1
        return table, params
    params = {k: row[k] for k in keys if k != "version"}
    return table, {
        **params,
        "version": row["version"] + 1,
        "_id": row["id"],
        "_version": row["version"],
    }


def _same_write(conn: Connection, p: Prepared) -> None:
    table, params = _write_params(conn, p)
    ids = "id" in params or isinstance(p.statement, Update)
    with conn.begin_nested() as savepoint:
        matched = p.execute(conn, params)
        by_prepared = _table_rows(conn, table, ids)
        savepoint.rollback()
    with conn.begin_nested() as savepoint:
        result = conn.execute(p.statement, params)
        by_core = _table_rows(conn, table, ids)
        savepoint.rollback()
    assert by_prepared == by_core
    assert matched == 1
    if isinstance(p.statement, Update):  # Core may add RETURNING to an insert: no rowcount
        assert result.rowcount == matched


def _same_rows(conn: Connection, p: Prepared, code: str) -> None:
    params = {"code": code, "actor": OWNER, "horizon": date(2100, 1, 1)}
    expected = [tuple(r) for r in conn.execute(p.statement, params)]
    assert p.all(conn, params) == expected
    assert p.first(conn, params) == expected[0]


def test_every_prepared_statement_matches_connection_execute(
    uow: UnitOfWork, clock: FixedClock
) -> None:
    """Reads give the same typed row; writes change the same rows, the same way."""
    code = _exercise(uow, clock)
    checked: set[str] = set()
    with uow.write() as tx:
        for p in prepared.ALL:
            if p.only_on not in (None, tx.dialect):
                continue
            stmt = p.statement
            if isinstance(stmt, (Insert, Update)):
                _same_write(tx.conn, p)
            elif isinstance(stmt, Select):
                _same_rows(tx.conn, p, code)
            else:
                assert isinstance(stmt, TextClause)
                assert p.first(tx.conn) == tuple(tx.conn.execute(stmt).first() or ())
            checked.add(type(stmt).__name__)
    assert {"Insert", "Update", "Select"} <= checked
    assert len(prepared.ALL) >= 6  # the load, version, head, audit insert, update, updates


def test_the_compiled_form_is_kept_per_dialect_and_driver(uow: UnitOfWork) -> None:
    """A statement compiled for one driver is not reused for another of the same database."""
    load = next(p for p in prepared.ALL if isinstance(p.statement, Select))
    with uow.read() as tx:
        load.first(tx.conn, {"code": "nobody/R1", "actor": OWNER})
        dialect = tx.conn.dialect
    assert (dialect.name, dialect.driver) in load._by_dialect
