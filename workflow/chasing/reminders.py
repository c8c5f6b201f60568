"""Reminders: the owner hears before each date and on it, once per stage, in one digest."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from config import Rule
from workflow.chasing.candidates import Obligation
from workflow.lifecycle.due import add_days
from workflow.mail.compose import DueItem, reminder_digest
from workflow.mail.outbox import Mail
from workflow.plain import OMIT_DEFAULT
from workflow.store.dialect import bulk_insert
from workflow.store.tables import notice
from workflow.store.uow import Tx


# Not frozen: the sweep makes thousands, and a frozen dataclass is five times slower to make.
@dataclass(slots=True)
class Reminder:
    """A reminder given: about what, to whom, for which date, at which stage."""

    rec: str
    kind: str
    to: str
    due: date
    stage: str
    action: int | None = field(default=None, metadata=OMIT_DEFAULT)


def reminder_stage(due: date, today: date, rule: Rule) -> str | None:
    """Which reminder is due today for a date: "before" it (within `remind_before_days`),
    "due" (on the day or after), or none yet. Only the current stage is ever sent."""
    if due <= today:
        return "due"
    if due <= add_days(today, rule.remind_before_days, rule.working_days):
        return "before"
    return None


def remind(tx: Tx, owed: list[Obligation]) -> tuple[list[Reminder], list[Mail]]:
    """The reminders newly due today (each recorded under its natural key, so once only) and
    one digest per owner listing them."""
    rows, by_key = [], {}
    for item in owed:
        stage = reminder_stage(item.due, tx.today, item.rule)
        recipient = item.recipient
        if stage is None or recipient is None:
            continue
        key = f"{item.key}:{stage}"
        by_key[(item.rec_id, key)] = (item, stage, recipient)
        rows.append(
            {
                "rec_id": item.rec_id,
                "key": key,
                "kind": item.kind,
                "due_date": item.due,
                "stage": stage,
                "recipient": recipient[0],
                "created_at": tx.now,
            }
        )
    if not rows:
        return [], []
    new = bulk_insert(
        tx.conn, notice, rows, skip_existing=("rec_id", "key"), returning=("rec_id", "key")
    )
    given: list[Reminder] = []
    digests: dict[tuple[str, str], list[DueItem]] = defaultdict(list)
    for rec_id, key in sorted(new):  # by recommendation (creation order: R2 before R10)
        item, stage, recipient = by_key[(rec_id, key)]
        given.append(Reminder(item.rec, item.kind, recipient[0], item.due, stage, item.action))
        digests[recipient].append(DueItem(item.rec, item.subject, item.kind, item.due, item.what))
    mails = [
        reminder_digest(email, name, items, tx.today, links=tx.links)
        for (email, name), items in sorted(digests.items())
    ]
    return given, mails
