"""The outbox: e-mail written in the transaction that caused it, to be delivered after commit
(see `workflow.mail.delivery`), and listed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby
from typing import Any

from sqlalchemy import Row, func, insert, select

from notifications.render import Rendered
from workflow.store.dialect import bulk_insert
from workflow.store.governance import outbox_attachment
from workflow.store.tables import outbox
from workflow.store.uow import Tx, UnitOfWork


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file sent with a message, kept byte for byte beside it in the outbox."""

    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True, slots=True)
class Mail:
    """A message to queue: who gets it, what it says, which recommendations it is about,
    and the files that go with it."""

    kind: str
    recipient: str
    rendered: Rendered
    recs: tuple[str, ...] = ()
    attachments: tuple[Attachment, ...] = ()


def _row(tx: Tx, m: Mail) -> dict[str, Any]:
    return {
        "created_at": tx.now,
        "kind": m.kind,
        "recipient": m.recipient,
        "subject": m.rendered.subject,
        "body_text": m.rendered.text,
        "body_html": m.rendered.html,
        "recs": " ".join(m.recs) or None,
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": tx.now,
    }


def enqueue(tx: Tx, mails: Iterable[Mail]) -> int:
    """Queue messages in the current transaction; returns how many."""
    plain, attached = [], 0
    for m in mails:
        if m.attachments:  # its files need its id
            enqueue_one(tx, m)
            attached += 1
        else:
            plain.append(_row(tx, m))
    bulk_insert(tx.conn, outbox, plain)
    return len(plain) + attached


def enqueue_one(tx: Tx, mail: Mail) -> int:
    """Queue one message (and its files) in the current transaction; returns its outbox id
    (for a message to be sent at once, as a sign-in link is)."""
    new_id: int = tx.conn.execute(
        insert(outbox).values(**_row(tx, mail)).returning(outbox.c.id)
    ).scalar_one()
    if mail.attachments:
        tx.conn.execute(
            insert(outbox_attachment),
            [
                {
                    "outbox_id": new_id,
                    "filename": a.filename,
                    "content_type": a.content_type,
                    "content": a.content,
                }
                for a in mail.attachments
            ],
        )
    return new_id


def attachments_of(tx: Tx, ids: Iterable[int]) -> dict[int, list[Attachment]]:
    """The files of outbox messages `ids`, in the order they were queued."""
    a = outbox_attachment.c
    found: dict[int, list[Attachment]] = {}
    wanted = list(ids)
    if not wanted:
        return found
    for outbox_id, filename, content_type, content in tx.conn.execute(
        select(a.outbox_id, a.filename, a.content_type, a.content)
        .where(a.outbox_id.in_(wanted))
        .order_by(a.id)
    ):
        found.setdefault(outbox_id, []).append(Attachment(filename, content_type, bytes(content)))
    return found


@dataclass(frozen=True, slots=True)
class AttachedFile:
    """A file that goes with a message, as the outbox lists it: its size in bytes, not its
    content."""

    filename: str
    content_type: str
    size: int


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    """A message in the outbox: to whom, about what, how its delivery stands, and the files
    that go with it."""

    id: int
    created_at: datetime
    kind: str
    to: str
    subject: str
    recs: list[str]
    status: str
    attempts: int
    next_attempt_at: datetime | None
    last_error: str | None
    sent_at: datetime | None
    attachments: tuple[AttachedFile, ...] = ()


def list_outbox(uow: UnitOfWork, *, status: str | None = None) -> list[OutboxEntry]:
    """Messages in the outbox, oldest first, each with its files; only those with `status`,
    if given."""
    o, a = outbox.c, outbox_attachment.c
    # One statement for the messages and their files (a row per file, one for a message with
    # none): one snapshot, even under PostgreSQL's read committed, and no query per message.
    # The database counts the files' bytes; their contents are not read.
    stmt = (
        select(
            o.id,
            o.created_at,
            o.kind,
            o.recipient,
            o.subject,
            o.recs,
            o.status,
            o.attempts,
            o.next_attempt_at,
            o.last_error,
            o.sent_at,
            a.filename,
            a.content_type,
            func.length(a.content).label("size"),
        )
        .select_from(outbox.outerjoin(outbox_attachment, a.outbox_id == o.id))
        .order_by(o.id, a.id)
    )
    if status is not None:
        stmt = stmt.where(o.status == status)
    with uow.read() as tx:
        rows = tx.conn.execute(stmt).all()
    return [_entry(list(group)) for _, group in groupby(rows, key=lambda r: r.id)]


def _entry(rows: list[Row[*tuple[Any, ...]]]) -> OutboxEntry:
    """One message from its rows of `list_outbox`, one per file."""
    r = rows[0]
    return OutboxEntry(
        r.id,
        r.created_at,
        r.kind,
        r.recipient,
        r.subject,
        r.recs.split() if r.recs else [],
        r.status,
        r.attempts,
        r.next_attempt_at if r.status == "pending" else None,
        r.last_error,
        r.sent_at,
        tuple(
            AttachedFile(f.filename, f.content_type, f.size) for f in rows if f.filename is not None
        ),
    )
