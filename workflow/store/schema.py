"""The schema's shared parts: the metadata (and its naming convention), and the column types
every table uses: instants in UTC, and text people give, checked alike on every backend."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Column, DateTime, Dialect, MetaData, String, Table, Text
from sqlalchemy.types import TypeDecorator

from workflow.errors import BadText

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UTCDateTime(TypeDecorator[datetime]):
    """An instant: stored in UTC, always read back timezone-aware."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: instants must carry a timezone")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        instant: datetime = value
        return instant.replace(tzinfo=UTC) if instant.tzinfo is None else instant.astimezone(UTC)

    # The prepared statements' hot path (`prepared`): on SQLite, one step from the value to
    # the stored text and back, where SQLAlchemy takes two (this type's, then DATETIME's
    # pattern); the same text, "YYYY-MM-DD HH:MM:SS.ffffff" in UTC.

    def prepared_bind(self, dialect: Dialect) -> Callable[[Any], Any] | None:
        if dialect.name != "sqlite":
            return None

        # The last instant bound, and its text: a transaction binds its one `now` several
        # times (the row's and the audit event's). One tuple, replaced whole: thread-safe.
        last: tuple[datetime | None, str | None] = (None, None)

        def bind(value: datetime | None) -> str | None:
            nonlocal last
            if value is None:
                return None
            seen, text = last
            if value is seen:
                return text
            given = value
            if value.tzinfo is not UTC:
                if value.tzinfo is None:
                    raise ValueError(f"naive datetime {value!r}: instants must carry a timezone")
                value = value.astimezone(UTC)
            text = value.replace(tzinfo=None).isoformat(" ", "microseconds")
            last = (given, text)
            return text

        return bind

    def prepared_result(self, dialect: Dialect) -> Callable[[Any], Any] | None:
        if dialect.name != "sqlite":
            return None

        def read(value: str | None) -> datetime | None:
            return None if value is None else datetime.fromisoformat(value).replace(tzinfo=UTC)

        return read


# C0 control characters but tab, line feed and carriage return: PostgreSQL refuses NUL in text
# (SQLite keeps it), and none of them belongs in what people type.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def control_character(value: str) -> str | None:
    """The first character of `value` that text people give may not hold, if any."""
    found = _CONTROL.search(value)
    return found.group() if found else None


class UserText(TypeDecorator[str]):
    """Text that people give: refused, on every backend alike and before the database sees
    it, if it is longer than the column allows or holds a control character."""

    impl = String
    cache_ok = True

    def __init__(self, length: int | None = None) -> None:
        super().__init__(length)
        # A bounded column is a VARCHAR, an unbounded one TEXT, as the migrations made them.
        self.impl = String(length) if length is not None else Text()  # type: ignore[assignment]
        self.length = length
        self.where = ""  # "table.column", set once the tables are defined (see below)

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if self.length is not None and len(value) > self.length:
            raise BadText(self.where, f"at most {self.length} characters (this has {len(value)})")
        found = control_character(value)
        if found:
            raise BadText(self.where, f"a control character ({found!r}) is not allowed")
        return value


def limit(column: Column[Any]) -> int | None:
    """The most characters `column` takes (None: no limit)."""
    return getattr(column.type, "length", None)


def in_list(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def name_user_text(tables: Iterable[Table]) -> None:
    """Tell each UserText column its "table.column", for the errors it raises."""
    for table in tables:
        for column in table.columns:
            if isinstance(column.type, UserText):
                column.type.where = f"{table.name}.{column.name}"
