"""Hot-path statements: a Core statement compiled once per dialect and driver, run on the
DBAPI cursor.

SQLAlchemy's per-execution machinery costs ~50 µs a statement, several times what SQLite
itself needs; the event path runs a handful of statements per transaction, so it compiles
them once and applies the same type processors SQLAlchemy would, around a plain cursor.
Everything else uses SQLAlchemy Core as usual, in the same transaction.

What this bypasses, and so must not be relied on for these statements: SQLAlchemy's
compiled cache and statement events (`before_cursor_execute` and the like, so no echo or
logging of them), its result objects (rows are plain tuples, typed by the same result
processors), `Connection.execute`'s handling of `executemany`, RETURNING and server-side
cursors, and the translation of driver errors into `sqlalchemy.exc.DBAPIError` (a driver
error escapes as the driver's own). `tests/integration/test_prepared.py` checks that every
statement made here gives the same rows, or the same writes, as `Connection.execute`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Connection, Dialect
from sqlalchemy.sql import ClauseElement, Select
from sqlalchemy.sql.compiler import SQLCompiler

Processor = Callable[[Any], Any]
ALL: list[Prepared] = []
"""Every statement prepared so far (module constants, and those made on first use)."""


@dataclass(frozen=True, slots=True)
class _Compiled:
    sql: str
    defaults: dict[str, Any]
    binders: tuple[tuple[str, Processor], ...]
    readers: tuple[tuple[int, Processor], ...]
    """(column position, result processor) for the columns that have one."""


class Prepared:
    """One statement; `column_keys` names the SET/VALUES columns of an update or insert, and
    `only_on` the one dialect it is written for, if any."""

    __slots__ = ("_by_dialect", "column_keys", "only_on", "statement")

    def __init__(
        self,
        statement: ClauseElement,
        column_keys: Sequence[str] | None = None,
        only_on: str | None = None,
    ) -> None:
        self.statement = statement
        self.column_keys = list(column_keys) if column_keys is not None else None
        self.only_on = only_on
        # Keyed by dialect and driver: two drivers of one database may differ in paramstyle
        # and in the type processors they need.
        self._by_dialect: dict[tuple[str, str], _Compiled] = {}
        ALL.append(self)

    def _compiled(self, dialect: Dialect) -> _Compiled:
        key = (dialect.name, dialect.driver)
        found = self._by_dialect.get(key)
        if found is None:
            found = self._by_dialect[key] = self._compile(dialect)
        return found

    def _compile(self, dialect: Dialect) -> _Compiled:
        if dialect.paramstyle not in ("named", "pyformat"):
            dialect = type(dialect)(paramstyle="named")  # type: ignore[call-arg]
        # `IN` lists are rendered as one parameter each, with their values as defaults.
        compiled = cast(
            SQLCompiler,
            self.statement.compile(
                dialect=dialect,
                column_keys=self.column_keys,
                compile_kwargs={"render_postcompile": True},
            ),
        )
        binders: list[tuple[str, Processor]] = []
        for name, bind in compiled.binds.items():
            proc = _processor(bind.type, dialect, "prepared_bind") or bind.type.dialect_impl(
                dialect
            ).bind_processor(dialect)
            if proc is not None:
                binders.append((name, proc))
        readers: list[tuple[int, Processor]] = []
        if isinstance(self.statement, Select):
            for n, col in enumerate(self.statement.selected_columns):
                proc = _processor(col.type, dialect, "prepared_result") or col.type.dialect_impl(
                    dialect
                ).result_processor(dialect, None)
                if proc is not None:
                    readers.append((n, proc))
        defaults = {k: v for k, v in compiled.params.items() if v is not None}
        return _Compiled(compiled.string, defaults, tuple(binders), tuple(readers))

    def _run(self, conn: Connection, params: Mapping[str, Any]) -> tuple[Any, _Compiled]:
        c = self._compiled(conn.dialect)
        values = {**c.defaults, **params} if c.defaults else dict(params)
        for name, proc in c.binders:
            if name in values:
                values[name] = proc(values[name])
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        cursor.execute(c.sql, values)
        return cursor, c

    def execute(self, conn: Connection, params: Mapping[str, Any] | None = None) -> int:
        """Run a write; returns the number of rows it matched."""
        cursor, _ = self._run(conn, params or {})
        count: int = cursor.rowcount
        cursor.close()
        return count

    def all(
        self, conn: Connection, params: Mapping[str, Any] | None = None
    ) -> list[tuple[Any, ...]]:
        """Run a query; every row, with SQLAlchemy's result types applied."""
        cursor, c = self._run(conn, params or {})
        rows = cursor.fetchall()
        cursor.close()
        if not c.readers:
            return rows  # type: ignore[no-any-return]
        return [_read(row, c.readers) for row in rows]

    def first(
        self, conn: Connection, params: Mapping[str, Any] | None = None
    ) -> tuple[Any, ...] | None:
        """Run a query; the first row with SQLAlchemy's result types applied, or None."""
        cursor, c = self._run(conn, params or {})
        row = cursor.fetchone()
        cursor.close()
        if row is None or not c.readers:
            return row  # type: ignore[no-any-return]
        return _read(row, c.readers)


def _read(row: Sequence[Any], readers: tuple[tuple[int, Processor], ...]) -> tuple[Any, ...]:
    """`row` with its typed columns read by their processors (only those: a load's row has
    two dozen columns, half of them plain)."""
    values = list(row)
    for n, proc in readers:
        values[n] = proc(values[n])
    return tuple(values)


def _processor(type_: Any, dialect: Dialect, kind: str) -> Processor | None:
    """A type's own one-step processor for these statements, if it offers one (see
    `UTCDateTime`); else None, and SQLAlchemy's processors are used."""
    make = getattr(type_, kind, None)
    return make(dialect) if make is not None else None
