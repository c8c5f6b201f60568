"""Unit of work: one connection, transactions around each service call, the clock and rules.

Every write transaction carries a journal, the audit trail's writer, and flushes it before it
commits: a change and its audit events are one transaction. The journal is passed in (see
`workflow.bootstrap`), so the store knows the trail only by the two calls it makes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from types import TracebackType
from typing import Any, Protocol

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError, StatementError

from config import RuleBook
from workflow.clock import Clock
from workflow.errors import RectrackError
from workflow.store.dialect import SqliteWrite, begin_read_only, translated


class Journal(Protocol):
    """Collects a transaction's audit events and writes them at its end; `via`, when set,
    names what the acts came through (an API token), and is recorded with each event."""

    via: str | None

    def append(
        self,
        *,
        actor: str,
        event: str,
        rec: str | None = None,
        report: str | None = None,
        from_state: str | None = None,
        to_state: str | None = None,
        note: str | None = None,
        changes: dict[str, Any] | None = None,
    ) -> None: ...

    def flush(self) -> None: ...

    def head_seen(self, seq: int | None, hash_: str | None) -> None:
        """The chain's head (None, None: no event yet) as a statement of this transaction
        read it; on SQLite, whose BEGIN IMMEDIATE holds the one write lock from the start,
        it is still the head at the end, and `flush` need not read it again."""
        ...


JournalFactory = Callable[[Connection, datetime], Journal]


class Links(Protocol):
    """Makes the links that messages carry (see `workflow.mail.links`)."""

    def to(self, recipient: str) -> Callable[[str], str]:
        """Recommendation id to the address of its page, signing `recipient` in."""
        ...


LinksFactory = Callable[[Connection, datetime], Links]


@dataclass(slots=True)
class Tx:
    """One open transaction: its connection, its instant, and the audit trail it appends to."""

    conn: Connection
    now: datetime
    today: date
    rules: RuleBook
    audit: Journal
    links: Links

    @property
    def dialect(self) -> str:
        return self.conn.dialect.name


class UnitOfWork:
    """Holds one connection; `write()` and `read()` each run one transaction on it."""

    def __init__(
        self,
        engine: Engine,
        clock: Clock,
        rules: RuleBook,
        journal: JournalFactory,
        links: LinksFactory,
    ) -> None:
        self.engine = engine
        self._sqlite = engine.dialect.name == "sqlite"
        self.clock = clock
        self.rules = rules
        self.journal = journal
        self.links = links
        self._conn: Connection | None = None
        self._reading: Tx | None = None
        self.via: str | None = None
        """What this unit of work's acts come through, if not the actor's own hand (e.g.
        "token 3 (ci)"); every audit event its writes append records it."""

    def __enter__(self) -> UnitOfWork:
        self._conn = self.engine.connect()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    @property
    def conn(self) -> Connection:
        if self._conn is None:
            raise RuntimeError("unit of work used outside `with`")
        return self._conn

    def _tx(self, conn: Connection) -> Tx:
        now = self.clock.now()
        journal = self.journal(conn, now)
        journal.via = self.via
        return Tx(conn, now, self.clock.today(), self.rules, journal, self.links(conn, now))

    @contextmanager
    def write(self) -> Iterator[Tx]:
        """A write transaction: committed when the block ends, rolled back if it raises."""
        if self._reading is not None:
            raise RuntimeError("a write transaction cannot begin inside a read")
        conn = self.conn
        with _OUR_ERRORS, SqliteWrite(conn) if self._sqlite else conn.begin():
            tx = self._tx(conn)
            yield tx
            tx.audit.flush()

    @contextmanager
    def read(self) -> Iterator[Tx]:
        """A read-only transaction (on SQLite it does not take the write lock). Inside another
        `read()`, the same transaction: a page read by several service calls sees one
        snapshot, and pays for one BEGIN."""
        if self._reading is not None:
            yield self._reading
            return
        conn = self.conn
        begin_read_only(conn)
        with _OUR_ERRORS, conn.begin() as trans:
            self._reading = self._tx(conn)
            try:
                yield self._reading
            finally:
                self._reading = None
            trans.rollback()

    def __repr__(self) -> str:
        return f"UnitOfWork({self.engine.url!r})"


class _OurErrors:
    """Our own errors raised while SQLAlchemy bound a value (text too long for its column,
    say) come out as themselves, not wrapped in SQLAlchemy's StatementError; the driver's
    that we know (a busy database, BEGIN IMMEDIATE's) as ours. A class, not a generator:
    every transaction passes through it."""

    __slots__ = ()

    def __enter__(self) -> None:
        return None

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if isinstance(exc, StatementError):
            if isinstance(exc.orig, RectrackError) and not isinstance(exc, DBAPIError):
                raise exc.orig from None
            ours = translated(exc)
            if ours is not None:
                raise ours from None
        elif isinstance(exc, sqlite3.OperationalError):  # BEGIN IMMEDIATE's, on the driver
            ours = translated(exc)
            if ours is not None:
                raise ours from None


_OUR_ERRORS = _OurErrors()
