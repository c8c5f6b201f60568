"""Delivering webhooks: each subscription's events, in trail order, as signed JSON POSTs.

A subscription is claimed with a lease, so two schedulers never deliver it at once. Each
event is POSTed until the receiver answers 2xx; only then does the cursor move past it, so a
receiver that is down gets everything once it is back. A failure waits longer each time
(1, 2, 4 ... minutes, at most an hour, as e-mail does) and holds back the later events of
that subscription only, keeping them in order. Every delivery carries an idempotency key
(`X-Rectrack-Delivery`, also `Idempotency-Key`): a delivery repeated after a crash between
the receiver's 2xx and our mark has the same key, and the receiver drops it.

The signature: `X-Rectrack-Signature: t=UNIX_TIME,v1=HEX`, where HEX is the HMAC-SHA256,
under the subscription's secret, of `"{t}." + body`. A receiver checks it and refuses a `t`
far from its own clock (`verify_signature`), so that a captured request cannot be replayed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx2
from sqlalchemy import select, update

from config.logging import get_logger
from workflow.audit.query import TrailEvent, trail_events
from workflow.chasing.webhooks import owed
from workflow.mail.delivery import backoff  # the same waits as e-mail's
from workflow.plain import plain
from workflow.store.outward import webhook
from workflow.store.uow import UnitOfWork

log = get_logger("rectrack.webhooks")
_w = webhook.c
LEASE = timedelta(minutes=5)
TIMEOUT_SECONDS = 10.0
TOLERANCE = timedelta(minutes=5)
BATCH = 100
SIGNATURE = "X-Rectrack-Signature"

Post = Callable[[str, bytes, dict[str, str]], int]
"""Sends one delivery: (url, body, headers) to the receiver's status code."""


def sign(secret: str, body: bytes, at: datetime) -> str:
    stamp = int(at.timestamp())
    mac = hmac.new(secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={stamp},v1={mac}"


def verify_signature(
    secret: str, header: str, body: bytes, now: datetime, tolerance: timedelta = TOLERANCE
) -> bool:
    """What a receiver does: the signature is ours, over this body, and recent."""
    fields = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        stamp = int(fields["t"])
    except (KeyError, ValueError):
        return False
    if abs(now.timestamp() - stamp) > tolerance.total_seconds():
        return False
    expected = hmac.new(secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, fields.get("v1", ""))


def http_post(url: str, body: bytes, headers: dict[str, str]) -> int:
    """POST over HTTP(S): no redirects followed (a receiver that moved must be re-added)."""
    with httpx2.Client(timeout=TIMEOUT_SECONDS, follow_redirects=False) as client:
        return client.post(url, content=body, headers=headers).status_code


@dataclass(frozen=True, slots=True)
class WebhookReport:
    delivered: int
    failed: int
    """Deliveries refused or unreachable this run (each retried later)."""


def payload(hook_id: int, event: TrailEvent) -> tuple[str, bytes]:
    """The idempotency key and the JSON body of delivering `event` to subscription `hook_id`."""
    key = f"{hook_id}-{event.seq}"
    body = {"delivery": key, **plain(event)}
    return key, json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


def _claim(uow: UnitOfWork) -> list[Any]:
    """The subscriptions due now, each leased to this run."""
    with uow.write() as tx:
        due = tx.conn.execute(
            select(webhook).where(
                _w.removed_at.is_(None),
                _w.next_attempt_at <= tx.now,
                _w.lease_until.is_(None) | (_w.lease_until < tx.now),
            )
        ).all()
        claimed = []
        for row in due:
            done = tx.conn.execute(
                update(webhook)
                .where(_w.id == row.id, _w.lease_until.is_(None) | (_w.lease_until < tx.now))
                .values(lease_until=tx.now + LEASE)
            )
            if done.rowcount == 1:
                claimed.append(row)
        return claimed


def _events(uow: UnitOfWork, row: Any) -> list[TrailEvent]:
    """The next events owed to subscription `row`, in trail order."""
    with uow.read() as tx:
        return trail_events(tx.conn, owed(row, BATCH))


def _delivered(uow: UnitOfWork, row: Any, seq: int) -> None:
    with uow.write() as tx:
        tx.conn.execute(
            update(webhook)
            .where(_w.id == row.id)
            .values(
                delivered_through=seq,
                delivered=_w.delivered + 1,
                attempts=0,
                last_error=None,
                lease_until=tx.now + LEASE,
            )
        )


def _failed(uow: UnitOfWork, row: Any, attempts: int, error: str) -> None:
    with uow.write() as tx:
        tx.conn.execute(
            update(webhook)
            .where(_w.id == row.id)
            .values(
                attempts=attempts,
                last_error=error[:500],
                next_attempt_at=tx.now + backoff(attempts),
                lease_until=None,
            )
        )


def _release(uow: UnitOfWork, row: Any) -> None:
    with uow.write() as tx:
        tx.conn.execute(update(webhook).where(_w.id == row.id).values(lease_until=None))


def _send(row: Any, event: TrailEvent, now: datetime, post: Post) -> str | None:
    """Deliver one event; None if the receiver took it, else why not."""
    key, body = payload(row.id, event)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "rectrack-webhooks/1",
        "X-Rectrack-Event": event.event,
        "X-Rectrack-Delivery": key,
        "Idempotency-Key": key,
        SIGNATURE: sign(row.secret, body, now),
    }
    try:
        status = post(row.url, body, headers)
    except httpx2.HTTPError as exc:
        return f"{type(exc).__name__}: {exc}"
    return None if 200 <= status < 300 else f"the receiver answered {status}"


def deliver_webhooks(uow: UnitOfWork, post: Post = http_post) -> WebhookReport:
    """Deliver what every due subscription is owed, up to `BATCH` events each."""
    delivered = failed = 0
    for row in _claim(uow):
        attempts = row.attempts
        for event in _events(uow, row):
            problem = _send(row, event, uow.clock.now(), post)
            if problem is not None:
                failed += 1
                attempts += 1
                _failed(uow, row, attempts, problem)
                log.warning("webhook delivery failed", webhook=row.id, seq=event.seq, error=problem)
                break
            delivered += 1
            attempts = 0
            _delivered(uow, row, event.seq)
        else:
            _release(uow, row)
    return WebhookReport(delivered, failed)
