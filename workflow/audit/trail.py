"""The audit trail: every change appends an event, in the transaction that made the change.

Events form a hash chain: each carries the SHA-256 of its own content and of the previous
event's hash, so that altering, deleting or reordering any event is detectable.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, insert, select

from workflow.clock import instant_text
from workflow.store.dialect import bulk_insert, lock_chain
from workflow.store.prepared import Prepared
from workflow.store.tables import audit_event

GENESIS = "0" * 64
HEAD = Prepared(
    select(audit_event.c.id, audit_event.c.hash).order_by(audit_event.c.id.desc()).limit(1)
)
_INSERT = Prepared(insert(audit_event), column_keys=[c.name for c in audit_event.columns])


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return instant_text(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (set, frozenset, tuple)):
        return sorted(value) if isinstance(value, (set, frozenset)) else list(value)
    raise TypeError(f"cannot record {type(value).__name__} in the audit trail")


_ENCODER = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_plain
)
# One encoder, built once: `json.dumps` with options builds a new one on every call.
_CANONICAL = _ENCODER.encode


def canonical(value: Any) -> str:
    """The one JSON spelling of `value` that is stored and hashed."""
    return _CANONICAL(value)


def event_hash(row: Mapping[str, Any]) -> str:
    """SHA-256 over an event's content and the previous event's hash."""
    return content_hash(
        row["id"],
        instant_text(row["at"]),
        row["actor"],
        row["event"],
        row["rec"],
        row["report"],
        row["from_state"],
        row["to_state"],
        row["note"],
        row["changes"],
        row["prev_hash"],
    )


def content_hash(
    seq: int,
    at: str,
    actor: str,
    event: str,
    rec: str | None,
    report: str | None,
    from_state: str | None,
    to_state: str | None,
    note: str | None,
    changes: str,
    prev_hash: str,
) -> str:
    """`event_hash` over the stored values, `at` already as `instant_text` (verify's hot loop)."""
    content = [seq, at, actor, event, rec, report, from_state, to_state, note, changes, prev_hash]
    return hashlib.sha256(_CANONICAL(content).encode()).hexdigest()


class AuditWriter:
    """Collects the events of one transaction and chains them onto the trail at its end.

    The chain's head is locked and read only in `flush`, after the transaction's other
    writes, so that concurrent writers queue for the shortest time and never deadlock on it.
    """

    __slots__ = ("_conn", "_head", "_now", "_rows", "via")

    def __init__(self, conn: Connection, now: datetime) -> None:
        self._conn = conn
        self._now = now
        self._rows: list[dict[str, Any]] = []
        self._head: tuple[int, str] | None = None
        self.via: str | None = None
        """What the acts came through (an API token): recorded in each event's changes."""

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
    ) -> None:
        """Add one event to be written when the transaction commits."""
        if self.via is not None:
            changes = {**(changes or {}), "via": self.via}
        self._rows.append(
            {
                "at": self._now,
                "actor": actor,
                "event": event,
                "rec": rec,
                "report": report,
                "from_state": from_state,
                "to_state": to_state,
                "note": note,
                "changes": canonical(changes or {}),
            }
        )

    @property
    def pending(self) -> int:
        return len(self._rows)

    def head_seen(self, seq: int | None, hash_: str | None) -> None:
        """See `Journal.head_seen`: kept on SQLite only. PostgreSQL's writers queue for the
        chain only in `flush`, so a head read earlier may be stale there."""
        if self._conn.dialect.name == "sqlite":
            self._head = (seq, hash_ or GENESIS) if seq is not None else (0, GENESIS)

    def flush(self) -> None:
        if not self._rows:
            return
        if self._head is not None:  # read under this transaction's write lock (SQLite)
            seq, prev = self._head
        else:
            lock_chain(self._conn)  # the chain is a line: one transaction appends at a time
            head = HEAD.first(self._conn)
            seq, prev = (head[0], head[1]) if head else (0, GENESIS)
        for row in self._rows:
            seq += 1
            row["id"], row["prev_hash"] = seq, prev
            row["hash"] = prev = event_hash(row)
        if len(self._rows) == 1:
            _INSERT.execute(self._conn, self._rows[0])
        else:
            bulk_insert(self._conn, audit_event, self._rows)
        self._rows.clear()
        self._head = None
