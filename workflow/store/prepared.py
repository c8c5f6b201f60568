"""Hot-path statements: a Core statement compiled once per dialect, run on the DBAPI cursor.

SQLAlchemy's per-execution machinery costs ~50 µs a statement, several times what SQLite
itself needs; the event path runs a handful of statements per transaction, so it compiles
them once and applies the same type processors SQLAlchemy would, around a plain cursor.
Everything else uses SQLAlchemy Core as usual, in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Connection, Dialect
from sqlalchemy.sql import ClauseElement, Select
from sqlalchemy.sql.compiler import SQLCompiler

Processor = Callable[[Any], Any]


@dataclass(frozen=True, slots=True)
class _Compiled:
    sql: str
    defaults: dict[str, Any]
    binders: tuple[tuple[str, Processor], ...]
    readers: tuple[Processor | None, ...]
    any_reader: bool


class Prepared:
    """One statement; `column_keys` names the SET/VALUES columns of an update or insert."""

    __slots__ = ("_by_dialect", "column_keys", "statement")

    def __init__(self, statement: ClauseElement, column_keys: Sequence[str] | None = None) -> None:
        self.statement = statement
        self.column_keys = list(column_keys) if column_keys is not None else None
        self._by_dialect: dict[str, _Compiled] = {}

    def _compiled(self, dialect: Dialect) -> _Compiled:
        found = self._by_dialect.get(dialect.name)
        if found is None:
            found = self._by_dialect[dialect.name] = self._compile(dialect)
        return found

    def _compile(self, dialect: Dialect) -> _Compiled:
        if dialect.paramstyle not in ("named", "pyformat"):
            dialect = type(dialect)(paramstyle="named")  # type: ignore[call-arg]
        compiled = cast(
            SQLCompiler, self.statement.compile(dialect=dialect, column_keys=self.column_keys)
        )
        binders: list[tuple[str, Processor]] = []
        for name, bind in compiled.binds.items():
            proc = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if proc is not None:
                binders.append((name, proc))
        readers: tuple[Processor | None, ...] = ()
        if isinstance(self.statement, Select):
            readers = tuple(
                col.type.dialect_impl(dialect).result_processor(dialect, None)
                for col in self.statement.selected_columns
            )
        defaults = {k: v for k, v in compiled.params.items() if v is not None}
        return _Compiled(
            compiled.string, defaults, tuple(binders), readers, any(r is not None for r in readers)
        )

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

    def first(
        self, conn: Connection, params: Mapping[str, Any] | None = None
    ) -> tuple[Any, ...] | None:
        """Run a query; the first row with SQLAlchemy's result types applied, or None."""
        cursor, c = self._run(conn, params or {})
        row = cursor.fetchone()
        cursor.close()
        if row is None or not c.any_reader:
            return row  # type: ignore[no-any-return]
        return tuple(v if r is None else r(v) for v, r in zip(row, c.readers, strict=True))
