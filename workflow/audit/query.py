"""Queries on the trail: filters answered by one indexed SELECT, keyset pages, the chain head."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Select, select

from workflow.audit.trail import GENESIS, HEAD
from workflow.errors import BadText
from workflow.plain import json_name
from workflow.store.schema import control_character
from workflow.store.tables import audit_event


@dataclass(frozen=True, slots=True)
class AuditQuery:
    """Filters on the trail; every one given must hold. `since` is inclusive, `until` exclusive.

    `after_id` pages through a long answer without OFFSET: pass the last id of the previous
    page (in the same order) and get the events that follow it.
    """

    rec: str | None = None
    actor: str | None = None
    report: str | None = None
    event: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int | None = None
    newest_first: bool = False
    after_id: int | None = None
    events: tuple[str, ...] | None = None
    """Events of any of these kinds (beside `event`, which names one)."""

    def __post_init__(self) -> None:
        # A filter with a control character matches nothing, and PostgreSQL refuses a NUL:
        # refused here, as text people give is everywhere, not as a database error.
        for name in ("rec", "actor", "report", "event"):
            value = getattr(self, name)
            found = control_character(value) if value else None
            if found:
                raise BadText(f"filter {name}", f"a control character ({found!r}) is not allowed")


def events_select(q: AuditQuery) -> Select[Any]:
    """The one SELECT answering `q`: the equality filters lead the (column, id) indexes."""
    t = audit_event.c
    stmt = select(audit_event)
    for column, value in (
        (t.rec, q.rec),
        (t.actor, q.actor),
        (t.report, q.report),
        (t.event, q.event),
    ):
        if value is not None:
            stmt = stmt.where(column == value)
    if q.events is not None:
        stmt = stmt.where(t.event.in_(q.events))
    if q.since is not None:
        stmt = stmt.where(t.at >= q.since)
    if q.until is not None:
        stmt = stmt.where(t.at < q.until)
    if q.after_id is not None:
        stmt = stmt.where(t.id < q.after_id if q.newest_first else t.id > q.after_id)
    stmt = stmt.order_by(t.id.desc() if q.newest_first else t.id)
    if q.limit is not None:
        stmt = stmt.limit(q.limit)
    return stmt


@dataclass(frozen=True, slots=True)
class TrailEvent:
    """An event of the trail as `rectrack audit` lists it, its changes read back."""

    seq: int
    at: datetime
    actor: str
    event: str
    rec: str | None
    report: str | None
    from_state: str | None = field(metadata=json_name("from"))
    to_state: str | None = field(metadata=json_name("to"))
    note: str | None
    changes: dict[str, Any]


def trail_events(conn: Connection, q: AuditQuery) -> list[TrailEvent]:
    """`find_events`, as typed events with their changes parsed."""
    return [
        TrailEvent(
            e["id"],
            e["at"],
            e["actor"],
            e["event"],
            e["rec"],
            e["report"],
            e["from_state"],
            e["to_state"],
            e["note"],
            json.loads(e["changes"]),
        )
        for e in find_events(conn, q)
    ]


def find_events(conn: Connection, q: AuditQuery) -> list[dict[str, Any]]:
    """Events matching every given filter, in chain order (or newest first), in one query."""
    return [dict(r._mapping) for r in conn.execute(events_select(q))]


def chain_head(conn: Connection) -> tuple[int, str]:
    """The last event's id and hash, `(0, GENESIS)` for an empty trail: what to anchor."""
    head = HEAD.first(conn)
    return (int(head[0]), str(head[1])) if head else (0, GENESIS)


def chain_head_at(conn: Connection) -> datetime | None:
    """The instant of the trail's last event; None for an empty trail."""
    at: datetime | None = conn.execute(
        select(audit_event.c.at).order_by(audit_event.c.id.desc()).limit(1)
    ).scalar()
    return at
