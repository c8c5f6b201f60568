"""Unit of work: one connection, transactions around each service call, the clock and rules."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from types import TracebackType

from sqlalchemy import Connection, Engine

from config import RuleBook
from workflow.audit.trail import AuditWriter
from workflow.clock import Clock
from workflow.store.engine import BEGIN_KEY


@dataclass(slots=True)
class Tx:
    """One open transaction: its connection, its instant, and the audit trail it appends to."""

    conn: Connection
    now: datetime
    today: date
    rules: RuleBook
    audit: AuditWriter = field(init=False)

    def __post_init__(self) -> None:
        self.audit = AuditWriter(self.conn, self.now)

    @property
    def dialect(self) -> str:
        return self.conn.dialect.name


class UnitOfWork:
    """Holds one connection; `write()` and `read()` each run one transaction on it."""

    def __init__(self, engine: Engine, clock: Clock, rules: RuleBook) -> None:
        self.engine = engine
        self.clock = clock
        self.rules = rules
        self._conn: Connection | None = None

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

    @contextmanager
    def write(self) -> Iterator[Tx]:
        """A write transaction: committed when the block ends, rolled back if it raises."""
        conn = self.conn
        with conn.begin():
            tx = Tx(conn, self.clock.now(), self.clock.today(), self.rules)
            yield tx
            tx.audit.flush()

    @contextmanager
    def read(self) -> Iterator[Tx]:
        """A read-only transaction (on SQLite it does not take the write lock)."""
        conn = self.conn
        if conn.dialect.name == "sqlite":
            conn.info[BEGIN_KEY] = "BEGIN"
        with conn.begin() as trans:
            yield Tx(conn, self.clock.now(), self.clock.today(), self.rules)
            trans.rollback()

    def __repr__(self) -> str:
        return f"UnitOfWork({self.engine.url!r})"
