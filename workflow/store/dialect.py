"""Where SQLite and PostgreSQL differ, in one place: locks, bulk inserts that skip
duplicates, and read-only transactions."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache, lru_cache
from itertools import chain
from typing import Any

from sqlalchemy import Connection, Dialect, Table, text

from workflow.errors import Busy, ReadOnlyDatabase, RectrackError
from workflow.store.prepared import Prepared

Processor = Callable[[Any], Any] | None

BEGIN_KEY = "rectrack.begin"
"""`conn.info` key naming the statement that begins the next transaction on SQLite."""

_LOCK_IDS = {"audit": 1, "sweep": 2, "agenda": 3}


def advisory_lock_sql(name: str, wait: bool = True) -> str:
    """PostgreSQL transaction-scoped advisory lock `name`, per schema: several rectrack
    databases can share one server (the tests do), and must not lock each other out."""
    call = "pg_advisory_xact_lock" if wait else "pg_try_advisory_xact_lock"
    return f"SELECT {call}({0x726500 + _LOCK_IDS[name]}, hashtext(current_schema()))"


_CHAIN_LOCK = Prepared(text(advisory_lock_sql("audit")), only_on="postgresql")


def lock_chain(conn: Connection) -> None:
    """Queue this transaction for the end of the audit chain, until it commits.

    PostgreSQL takes an advisory lock; SQLite's BEGIN IMMEDIATE already lets one writer in.
    """
    if conn.dialect.name == "postgresql":
        _CHAIN_LOCK.first(conn)


def try_lock(conn: Connection, name: str) -> bool:
    """Whether this transaction is the only one doing `name` (False: another one is)."""
    if conn.dialect.name != "postgresql":
        return True  # BEGIN IMMEDIATE: one writer at a time
    return bool(conn.execute(text(advisory_lock_sql(name, wait=False))).scalar())


def translated(exc: BaseException) -> RectrackError | None:
    """Our own error for what a driver reports of a database in use or write-protected."""
    orig = getattr(exc, "orig", exc)
    if not isinstance(orig, sqlite3.OperationalError):
        return None
    if "database is locked" in str(orig):
        return Busy(
            "the database is busy: another writer held it longer than the busy timeout "
            "([database] busy_timeout, RECTRACK_BUSY_TIMEOUT); nothing was written, try again"
        )
    if "readonly database" in str(orig):
        return ReadOnlyDatabase(
            "the database file is write-protected: it can be read and verified, not changed"
        )
    return None


class SqliteWrite:
    """A write transaction on SQLite, begun (BEGIN IMMEDIATE) and committed on the driver's
    connection: an event's transaction runs its statements on the driver too (see
    `Prepared`), and SQLAlchemy's transaction objects cost as much again as SQLite's BEGIN
    and COMMIT. A Core statement run inside still works: SQLAlchemy then begins its own
    transaction object on this one (`_sqlite_on_begin` sees the driver's open), and it is
    committed or rolled back through SQLAlchemy. (A class, not a generator: this is on every
    event's path.)"""

    __slots__ = ("_conn", "_raw")

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._raw: Any = None

    def __enter__(self) -> None:
        conn = self._conn
        raw = conn.connection.driver_connection
        if conn.in_transaction() or raw.in_transaction:  # type: ignore[union-attr]
            raise RuntimeError("a write transaction cannot begin inside another")
        raw.execute(conn.info.pop(BEGIN_KEY, "BEGIN IMMEDIATE"))  # type: ignore[union-attr]
        self._raw = raw

    def __exit__(self, kind: Any, exc: BaseException | None, tb: Any) -> None:
        if exc is not None:
            self._rollback()
            return
        try:
            if self._conn.in_transaction():
                self._conn.commit()
            else:
                self._raw.commit()
        except BaseException:
            self._rollback()
            raise

    def _rollback(self) -> None:
        if self._conn.in_transaction():
            self._conn.rollback()
        elif self._raw.in_transaction:
            self._raw.rollback()


def begin_read_only(conn: Connection) -> None:
    """Make the next transaction on `conn` a reader: on SQLite, one that takes no write lock."""
    if conn.dialect.name == "sqlite":
        conn.info[BEGIN_KEY] = "BEGIN"


def bulk_insert(
    conn: Connection,
    table: Table,
    rows: list[dict[str, Any]],
    *,
    skip_existing: Sequence[str] = (),
    returning: Sequence[str] = (),
) -> list[tuple[Any, ...]]:
    """Insert `rows` (all with the same columns); with `skip_existing`, those whose values of
    these (unique) columns are already there are skipped; returns the `returning` columns of
    the rows inserted.

    Rows go in a few large statements, not one by one through SQLAlchemy: on PostgreSQL by
    COPY when nothing is skipped or returned, else as one JSON document unpacked by the
    server (`jsonb_array_elements`: a statement with thousands of parameters is slow for the
    driver to prepare); on SQLite as multi-row VALUES of `_SQLITE_ROWS` rows each. Values
    pass through the columns' own bind processors first, as SQLAlchemy would pass them.
    """
    if not rows:
        return []
    columns = tuple(rows[0])
    plan = _bulk_plan(conn.dialect, table, columns, tuple(skip_existing), tuple(returning))
    values = [[row[c] for c in columns] for row in rows]
    for i, bind in plan.binders:
        # Such columns hold dates and instants, mostly the same few: each is converted once.
        memo: dict[Any, Any] = {}
        for row_values in values:
            v = row_values[i]
            try:
                row_values[i] = memo[v]
            except KeyError:
                row_values[i] = memo[v] = bind(v)
            except TypeError:  # unhashable (a JSON column's list, say)
                row_values[i] = bind(v)
    if conn.dialect.name == "postgresql" and not plan.tail:
        _copy(conn, plan, values)
        return []
    found: list[Any] = []
    for sql, params in _statements(conn.dialect.name, plan, values):
        result = conn.exec_driver_sql(sql, params)
        if returning:
            found.extend(result.cursor.fetchall())
        result.close()
    if not plan.readers:
        return [tuple(r) for r in found]
    out = [list(r) for r in found]
    for i, read in plan.readers:
        for r in out:
            r[i] = read(r[i])
    return [tuple(r) for r in out]


# Rows per INSERT on SQLite: 500 rows of a dozen columns stay far below its 32766 parameters.
_SQLITE_ROWS = 500


def _copy(conn: Connection, plan: _BulkPlan, values: list[list[Any]]) -> None:
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor.copy(f"COPY {plan.target} FROM STDIN") as copy:
        for row in values:
            copy.write_row(row)
    cursor.close()


def _statements(
    dialect: str, plan: _BulkPlan, values: list[list[Any]]
) -> Iterator[tuple[str, Any]]:
    """The statements, with their parameters, that insert `values`."""
    if dialect == "postgresql":
        yield plan.sql(0), {"rows": json.dumps(values, separators=(",", ":"), default=_json_value)}
        return
    for start in range(0, len(values), _SQLITE_ROWS):
        chunk = values[start : start + _SQLITE_ROWS]
        yield plan.sql(len(chunk)), tuple(chain.from_iterable(chunk))


def _json_value(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()  # an instant keeps its offset: PostgreSQL reads it as such
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot send {type(value).__name__} as JSON")


@dataclass(frozen=True)
class _BulkPlan:
    """How rows of some columns go into a table, on one dialect."""

    dialect: Dialect
    target: str  # table (columns)
    tail: str  # ON CONFLICT ... RETURNING ...
    picks: str  # PostgreSQL: the columns read from each JSON element, cast
    width: int
    binders: tuple[tuple[int, Callable[[Any], Any]], ...]  # (column index, processor)
    readers: tuple[tuple[int, Callable[[Any], Any]], ...]

    @lru_cache(maxsize=64)  # noqa: B019 - plans are few and live as long as the process
    def sql(self, rows: int) -> str:
        """The statement for `rows` rows (PostgreSQL: for any number, as one document)."""
        if self.dialect.name == "postgresql":
            source = f"SELECT {self.picks} FROM jsonb_array_elements(%(rows)s::jsonb) AS j"
        else:
            one = "(" + ", ".join("?" * self.width) + ")"
            source = "VALUES " + ", ".join([one] * rows)
        return f"INSERT INTO {self.target} {source}{self.tail}"


@cache
def _bulk_plan(
    dialect: Dialect,
    table: Table,
    columns: tuple[str, ...],
    unique: tuple[str, ...],
    returning: tuple[str, ...],
) -> _BulkPlan:
    cols = [table.c[c] for c in columns]
    q = dialect.identifier_preparer.quote
    tail = ""
    if unique:
        tail += f" ON CONFLICT ({', '.join(map(q, unique))}) DO NOTHING"
    if returning:
        tail += f" RETURNING {', '.join(map(q, returning))}"
    picks = ", ".join(f"(j ->> {i})::{c.type.compile(dialect=dialect)}" for i, c in enumerate(cols))
    return _BulkPlan(
        dialect,
        f"{q(table.name)} ({', '.join(map(q, columns))})",
        tail,
        picks,
        len(cols),
        _processors(c.type.dialect_impl(dialect).bind_processor(dialect) for c in cols),
        _processors(
            table.c[c].type.dialect_impl(dialect).result_processor(dialect, None) for c in returning
        ),
    )


def _processors(found: Iterable[Processor]) -> tuple[tuple[int, Callable[[Any], Any]], ...]:
    """The processors that do something, with the index of their column."""
    return tuple((i, f) for i, f in enumerate(found) if f is not None)
