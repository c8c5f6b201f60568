"""Webhook subscriptions: an address that is sent, as signed JSON, every audit event of the
kinds it asked for (`rectrack webhook add URL --event EVENT ...`).

Its queue is the audit trail: a subscription keeps the id of the last event delivered, so an
event is queued by the very transaction that records it, and a receiver that is down loses
nothing (see `workflow.chasing.webhook_delivery`). A new subscription starts at the trail's
end: it hears what happens from now on.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import func, insert, select, update

from states import EVENTS
from workflow.audit.query import AuditQuery, chain_head, events_select
from workflow.directory.people import operator_or
from workflow.errors import BadInput
from workflow.store.dialect import lock_chain
from workflow.store.outward import webhook
from workflow.store.uow import Tx, UnitOfWork

_w = webhook.c
ALL = "*"
OTHER_EVENTS = (
    "raise",
    "link",
    "sweep",
    "escalation.clear",
    "agenda.generate",
    "report.add",
    "person.add",
    "person.activate",
    "person.deactivate",
    "committee.add",
    "committee.set",
    "meeting.add",
    "token.create",
    "token.revoke",
    "webhook.add",
    "webhook.remove",
    "restrict",
    "unrestrict",
    "decision.add",
    "decision.done",
    "action_cost",
    "inspection.add",
    "monthly.send",
    "paper.issue",
)
KNOWN_EVENTS = tuple(dict.fromkeys((*EVENTS, *OTHER_EVENTS)))
"""What a subscription may ask for: the machine's events and the trail's other events."""


class UnknownWebhook(BadInput):
    pass


@dataclass(frozen=True, slots=True)
class WebhookInfo:
    """A subscription as listed (never its secret)."""

    id: int
    url: str
    events: list[str]
    created_at: datetime
    created_by: str
    removed_at: datetime | None
    delivered: int
    delivered_through: int
    pending: int
    """Events of its kinds recorded since the last one delivered."""
    attempts: int
    next_attempt_at: datetime
    last_error: str | None


def check_url(url: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadInput(f"webhook URL {url!r}: expected an http or https address")
    if parts.username or parts.password:
        raise BadInput("webhook URL: no credentials in the address (the signature proves us)")
    return url.strip()


def check_events(events: tuple[str, ...] | list[str]) -> list[str]:
    if not events:
        raise BadInput("give at least one --event (or --event '*' for every event)")
    unknown = [e for e in events if e != ALL and e not in KNOWN_EVENTS]
    if unknown:
        raise BadInput(
            f"unknown event {unknown[0]!r} (known: {', '.join(KNOWN_EVENTS)}, or * for all)"
        )
    return sorted(set(events))


def owed(row: Any, limit: int | None = None) -> AuditQuery:
    """The trail's events subscription `row` has yet to receive, in trail order: the one
    query for what it is sent and for how many wait."""
    wanted = tuple(row.events)
    return AuditQuery(
        after_id=row.delivered_through, limit=limit, events=None if ALL in wanted else wanted
    )


def _pending(tx: Tx, row: Any) -> int:
    waiting = events_select(owed(row)).order_by(None).subquery()
    return int(tx.conn.execute(select(func.count()).select_from(waiting)).scalar_one())


def _info(tx: Tx, row: Any) -> WebhookInfo:
    return WebhookInfo(
        row.id,
        row.url,
        list(row.events),
        row.created_at,
        row.created_by,
        row.removed_at,
        row.delivered,
        row.delivered_through,
        _pending(tx, row) if row.removed_at is None else 0,
        row.attempts,
        row.next_attempt_at,
        row.last_error,
    )


def add_webhook(
    uow: UnitOfWork, url: str, *, events: list[str], actor: str | None = None
) -> tuple[WebhookInfo, str]:
    """Subscribe `url` to `events` from now on; returns it and the secret its receiver
    checks signatures with (shown once, to give to the receiver)."""
    url, events = check_url(url), check_events(events)
    secret = secrets.token_hex(32)
    with uow.write() as tx:
        recorded = operator_or(tx, actor, "webhook.manage")
        # Hold the chain's end, so that this subscription's own event (the next one) is
        # where its cursor starts: it hears what happens after it was made.
        lock_chain(tx.conn)
        head, _ = chain_head(tx.conn)
        new_id = tx.conn.execute(
            insert(webhook)
            .values(
                url=url,
                events=events,
                secret=secret,
                created_at=tx.now,
                created_by=recorded,
                delivered_through=head + 1,
                next_attempt_at=tx.now,
            )
            .returning(_w.id)
        ).scalar_one()
        tx.audit.append(
            actor=recorded,
            event="webhook.add",
            changes={"id": new_id, "url": url, "events": events},
        )
        row = tx.conn.execute(select(webhook).where(_w.id == new_id)).one()
        return _info(tx, row), secret


def list_webhooks(uow: UnitOfWork, *, removed: bool = False) -> list[WebhookInfo]:
    stmt = select(webhook).order_by(_w.id)
    if not removed:
        stmt = stmt.where(_w.removed_at.is_(None))
    with uow.read() as tx:
        return [_info(tx, row) for row in tx.conn.execute(stmt).all()]


def remove_webhook(uow: UnitOfWork, hook_id: int, *, actor: str | None = None) -> WebhookInfo:
    """Stop delivering to subscription `hook_id` (what it was sent stays recorded)."""
    with uow.write() as tx:
        recorded = operator_or(tx, actor, "webhook.manage")
        row = tx.conn.execute(select(webhook).where(_w.id == hook_id)).first()
        if row is None or row.removed_at is not None:
            raise UnknownWebhook(f"no webhook {hook_id} (see `rectrack webhook list`)")
        tx.conn.execute(update(webhook).where(_w.id == hook_id).values(removed_at=tx.now))
        tx.audit.append(
            actor=recorded, event="webhook.remove", changes={"id": hook_id, "url": row.url}
        )
        return _info(tx, tx.conn.execute(select(webhook).where(_w.id == hook_id)).one())
