"""Circulating the monthly report (002 §5, §16): once a month, on or after the day of the
settings' `[monthly]`, one e-mail per recipient is queued in the outbox with the report's DOCX
attached (its words are the `monthly` templates, composed in `workflow.mail.compose`).

Once a month, whatever runs it: the sending is recorded in the trail as `monthly.send` with
the note "monthly:YYYY-MM", and the transaction that queues the mail first holds the end of
the chain (PostgreSQL: an advisory lock; SQLite: BEGIN IMMEDIATE), so two schedulers, or a
scheduler and a person at the command line, cannot both send it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from config.monthly import MonthlySettings
from workflow.directory.people import operator_or
from workflow.mail.compose import monthly_notices
from workflow.mail.outbox import Attachment, enqueue_one
from workflow.reporting.documents.write import document_files
from workflow.reporting.monthly import monthly_report
from workflow.store.dialect import lock_chain
from workflow.store.tables import audit_event
from workflow.store.uow import Tx, UnitOfWork

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EVENT = "monthly.send"
SCHEDULER = "system:scheduler"
_t = audit_event.c


@dataclass(frozen=True, slots=True)
class MonthlySending:
    """What a run did: the month, who was sent the report now (none if it was not sent),
    and why not, when it was not."""

    month: str
    sent_to: tuple[str, ...]
    outbox: tuple[int, ...] = ()
    sha256: str | None = None
    skipped: str | None = None


def month_key(day: date) -> str:
    return f"monthly:{day:%Y-%m}"


def file_name(day: date) -> str:
    return f"ilau-monthly-{day:%Y-%m}.docx"


def _sent(tx: Tx, key: str) -> bool:
    found = tx.conn.execute(select(_t.id).where(_t.event == EVENT, _t.note == key).limit(1)).first()
    return found is not None


def send_monthly(
    uow: UnitOfWork,
    settings: MonthlySettings,
    timezone: str = "Europe/London",
    *,
    actor: str | None = None,
    by_hand: bool = False,
) -> MonthlySending:
    """Queue this month's report to every recipient, unless it went already; the scheduler
    waits for the settings' day of the month, `by_hand` (the command line) does not."""
    today = uow.clock.today()
    month, key = f"{today:%Y-%m}", month_key(today)
    if not settings.recipients:
        return MonthlySending(month, (), skipped="no recipients in [monthly] of the settings")
    if not by_hand and today.day < settings.day:
        return MonthlySending(month, (), skipped=f"it goes on day {settings.day} of the month")
    with uow.read() as tx:
        recorded = operator_or(tx, actor, "paper.issue") if by_hand else SCHEDULER
        if _sent(tx, key):
            return MonthlySending(month, (), skipped=f"the report for {month} was sent already")
    doc = monthly_report(uow, timezone)
    [(_, content)] = document_files(doc, "docx", file_name(today), when=uow.clock.now())
    digest = hashlib.sha256(content).hexdigest()
    report = Attachment(file_name(today), DOCX, content)
    mails = monthly_notices(settings.recipients, doc.title, today, report)
    with uow.write() as tx:
        lock_chain(tx.conn)  # one sender at a time, from here to the commit
        if _sent(tx, key):
            return MonthlySending(month, (), skipped=f"the report for {month} was sent already")
        ids = tuple(enqueue_one(tx, mail) for mail in mails)
        tx.audit.append(
            actor=recorded,
            event=EVENT,
            note=key,
            changes={
                "month": month,
                "recipients": list(settings.recipients),
                "outbox": list(ids),
                "file": file_name(today),
                "sha256": digest,
            },
        )
    return MonthlySending(month, settings.recipients, ids, digest)
