"""Delivering the outbox: a sender claims pending rows with a lease, sends each over SMTP,
and marks each one as it goes: sent, to be retried later (with exponential backoff), or failed
for good. A crash between the server's acceptance and the mark can resend a message; it
carries the same Message-ID, so the receiving side can drop the repeat. Nothing is lost while
the server is away.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from typing import Any

from sqlalchemy import func, select, true, update

from config import MailSettings
from config.logging import get_logger
from notifications.message import build_message, message_id_for, sender_parts
from notifications.render import Rendered
from notifications.smtp import Delivery, ResultHandler, SmtpServer, send_batch
from workflow.mail.outbox import Attachment, attachments_of
from workflow.store.tables import outbox
from workflow.store.uow import Tx, UnitOfWork

log = get_logger("rectrack.outbox")
LEASE = timedelta(minutes=5)
FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=1)


def backoff(attempts: int) -> timedelta:
    """How long to wait after `attempts` failed tries: 1, 2, 4 ... minutes, at most an hour."""
    wait: timedelta = FIRST_RETRY * 2 ** max(attempts - 1, 0)
    return min(wait, LONGEST_WAIT)


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    """What a delivery run sent, failed for good, and left pending."""

    sent: int
    failed: int
    pending: int


def _claim(tx: Tx, owner: str, limit: int, ids: Sequence[int] | None = None) -> list[Any]:
    o = outbox.c
    due = (
        select(o.id)
        .where(
            o.status == "pending",
            o.next_attempt_at <= tx.now,
            (o.lease_until.is_(None)) | (o.lease_until < tx.now),
            o.id.in_(ids) if ids is not None else true(),
        )
        .order_by(o.id)
        .limit(limit)
        # PostgreSQL: concurrent senders skip each other's rows; SQLite's BEGIN IMMEDIATE
        # already serialises this transaction (and drops FOR UPDATE).
        .with_for_update(skip_locked=True)
    )
    ids = list(tx.conn.execute(due).scalars())
    if not ids:
        return []
    tx.conn.execute(
        update(outbox).where(o.id.in_(ids)).values(lease_owner=owner, lease_until=tx.now + LEASE)
    )
    return list(tx.conn.execute(select(outbox).where(o.id.in_(ids)).order_by(o.id)))


def _messages(
    rows: list[Any],
    mail: MailSettings,
    on_result: ResultHandler,
    files: dict[int, list[Attachment]],
) -> list[tuple[int, EmailMessage]]:
    """Each row as a message, with its files attached; one that cannot be a message (an
    address no server would take, say) is failed at once, with its reason, and never holds
    the others back."""
    domain = sender_parts(mail.sender)[1].rpartition("@")[2] or "localhost"
    built = []
    for row in rows:
        try:
            message = build_message(
                Rendered(row.subject, row.body_text, row.body_html),
                mail.sender,
                row.recipient,
                message_id_for(f"outbox-{row.id}", domain),
                row.created_at,
            )
            for file in files.get(row.id, ()):
                _attach(message, file)
        except ValueError as exc:
            on_result(row.id, Delivery.REJECTED, f"cannot be sent: {exc}")
            continue
        built.append((row.id, message))
    return built


def _attach(message: EmailMessage, file: Attachment) -> None:
    """`file` as a part of `message` (base64: it arrives byte for byte)."""
    maintype, _, subtype = file.content_type.partition("/")
    if not maintype or not subtype:
        raise ValueError(f"attachment {file.filename!r}: content type {file.content_type!r}")
    message.add_attachment(file.content, maintype=maintype, subtype=subtype, filename=file.filename)


def deliver(
    uow: UnitOfWork, mail: MailSettings, limit: int = 200, *, ids: Sequence[int] | None = None
) -> DeliveryReport:
    """Send what is due from the outbox (only messages `ids`, if given: a sign-in link goes
    at once); each message is marked in its own transaction.

    Before each message the sender renews its lease on it: a message whose lease passed to
    another sender (this batch outlived the lease) is left to that sender, never sent twice.
    """
    owner = uuid.uuid4().hex
    with uow.write() as tx:
        rows = _claim(tx, owner, limit, ids)
        files = attachments_of(tx, (row.id for row in rows))
    attempts = {row.id: row.attempts for row in rows}
    counts = {Delivery.SENT: 0, Delivery.REJECTED: 0, Delivery.RETRY: 0}

    def on_result(row_id: int, outcome: Delivery, error: str | None) -> None:
        counts[outcome] += 1
        with uow.write() as tx:
            _mark(tx, row_id, owner, outcome, error, attempts[row_id] + 1)
        log.info("outbox message", id=row_id, outcome=outcome.value, error=error)

    def still_ours(row_id: int) -> bool:
        with uow.write() as tx:
            return _renew(tx, row_id, owner)

    messages = _messages(rows, mail, on_result, files)
    server = SmtpServer(mail.host, mail.port, mail.tls, mail.username, mail.password, mail.timeout)
    send_batch(server, messages, on_result, before_send=still_ours)
    with uow.read() as tx:
        pending = tx.conn.execute(
            select(func.count()).select_from(outbox).where(outbox.c.status == "pending")
        ).scalar_one()
    return DeliveryReport(counts[Delivery.SENT], counts[Delivery.REJECTED], int(pending))


def _renew(tx: Tx, row_id: int, owner: str) -> bool:
    """Extend this sender's lease on a message; False if the lease is no longer its own."""
    o = outbox.c
    done = tx.conn.execute(
        update(outbox)
        .where(o.id == row_id, o.lease_owner == owner, o.status == "pending")
        .values(lease_until=tx.now + LEASE)
    )
    if done.rowcount != 1:
        log.warning("outbox lease lost: left to the sender that holds it", id=row_id)
        return False
    return True


def _mark(
    tx: Tx, row_id: int, owner: str, outcome: Delivery, error: str | None, attempts: int
) -> None:
    values: dict[str, Any] = {"attempts": attempts, "lease_owner": None, "lease_until": None}
    if outcome is Delivery.SENT:
        values |= {"status": "sent", "sent_at": tx.now, "last_error": None}
    elif outcome is Delivery.REJECTED:
        values |= {"status": "failed", "last_error": error}
    else:
        values |= {"next_attempt_at": tx.now + backoff(attempts), "last_error": error}
    done = tx.conn.execute(
        update(outbox).where(outbox.c.id == row_id, outbox.c.lease_owner == owner).values(**values)
    )
    if done.rowcount != 1:
        log.warning("outbox lease lost before marking", id=row_id, outcome=outcome.value)
