"""Facts some guards need beyond the recommendation's own row, loaded into the `Case`."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import Connection, select

from states import ActionFacts, Answer, Case, PendingExtension
from workflow.lifecycle.transition import Loaded
from workflow.store.tables import (
    action,
    audit_event,
    extension,
    person,
    progress_update,
    recommendation,
    response,
)
from workflow.store.uow import Tx


def answers(tx: Tx, rec: Loaded, case: Case) -> None:
    """Each responding body's answer so far."""
    rows = tx.conn.execute(
        select(response.c.body, response.c.text, response.c.not_applicable_reason).where(
            response.c.rec_id == rec.id
        )
    )
    case.answers = {b: Answer(t, na) for b, t, na in rows}


def actions(tx: Tx, rec: Loaded, case: Case) -> None:
    """The plan's actions: who owns each, by when, and whether it is closed."""
    rows = tx.conn.execute(
        select(
            action.c.number,
            person.c.email,
            action.c.target_date,
            action.c.done_at,
            action.c.dropped_reason,
        )
        .join(person, person.c.id == action.c.owner_id)
        .where(action.c.rec_id == rec.id)
        .order_by(action.c.number)
    )
    case.actions = tuple(ActionFacts(n, o, t, d is not None, dr) for n, o, t, d, dr in rows)


def pending_extension(tx: Tx, rec: Loaded, case: Case) -> None:
    """The revised target date an owner asked for, if it awaits a decision."""
    row = tx.conn.execute(
        select(extension.c.requested_by, extension.c.to_date, extension.c.reason).where(
            extension.c.rec_id == rec.id, extension.c.status == "pending"
        )
    ).first()
    case.pending_extension = PendingExtension(*row) if row else None


def subject_and_text(tx: Tx, rec_id: int) -> tuple[str | None, str]:
    """What a notice about the recommendation quotes."""
    row = tx.conn.execute(
        select(recommendation.c.subject, recommendation.c.text).where(recommendation.c.id == rec_id)
    ).one()
    return row.subject, row.text


def owners_since_reopen(conn: Connection, code: str) -> tuple[frozenset[str], datetime | None]:
    """Who owned recommendation `code` since it was raised or last reopened (from the
    trail), and the instant of that reopening (None: never reopened)."""
    a = audit_event.c
    rows = conn.execute(
        select(a.event, a.at, a.changes)
        .where(a.rec == code, a.event.in_(("raise", "reassign", "reopen")))
        .order_by(a.id)
    )
    owner: str | None = None
    owners: set[str] = set()
    since = None
    for event, at, changes in rows:
        if event == "reopen":
            owners, since = {owner} if owner else set(), at
            continue
        found = json.loads(changes).get("owner")
        owner = found[1] if isinstance(found, list) else found
        if owner:
            owners.add(owner)
    return frozenset(owners), since


def sign_off_history(tx: Tx, rec: Loaded, case: Case) -> None:
    """Who owned it since it was raised or last reopened (from the trail), and who recorded
    it as completely met since then: none of them may sign it off."""
    owners, since = owners_since_reopen(tx.conn, rec.code)
    u = progress_update.c
    recorded = select(u.author_email).where(u.rec_id == rec.id, u.degree == "completely")
    if since is not None:
        recorded = recorded.where(u.at > since)
    case.past_owners = owners
    case.completed_by = frozenset(tx.conn.execute(recorded).scalars())
