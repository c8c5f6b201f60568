"""Recommendations nobody answers for: the ILAU is told at once, and once only for each.

Raising or importing a recommendation without an owner tells the ILAU in the same
transaction; the sweep tells it of the rest (an owner who left, say). A notice row per
recommendation and cause, under a unique key, is what makes "once only" hold.
"""

from __future__ import annotations

from sqlalchemy import select

from states import OPEN
from workflow.directory.people import recipients_with_role
from workflow.mail.compose import Unowned, ilau_digest
from workflow.mail.outbox import Mail, enqueue
from workflow.store.dialect import bulk_insert
from workflow.store.tables import notice, person, recommendation
from workflow.store.uow import Tx


def without_owner(tx: Tx) -> list[tuple[int, str, str | None, str, str]]:
    """(id, code, subject, notice key, problem) of every open recommendation without an
    active owner, in creation order: those with none, then those whose owner left."""
    r = recommendation.c
    none = tx.conn.execute(
        select(r.id, r.code, r.subject)
        .where(r.owner_id.is_(None), r.state.in_(OPEN))
        .order_by(r.id)
    )
    # Inactive people first (few), then their open recommendations by the owner index.
    inactive: dict[int, str] = dict(
        tx.conn.execute(select(person.c.id, person.c.email).where(person.c.active.is_(False))).all()
    )
    gone = (
        tx.conn.execute(
            select(r.id, r.code, r.subject, r.owner_id)
            .where(r.owner_id.in_(inactive), r.state.in_(OPEN))
            .order_by(r.id)
        ).all()
        if inactive
        else []
    )
    return [(i, c, s, "owner:none", "no owner is assigned") for i, c, s in none] + [
        (i, c, s, f"owner:inactive:{inactive[o]}", f"owner {inactive[o]} is no longer active")
        for i, c, s, o in gone
    ]


def untold_unowned(tx: Tx) -> list[Unowned]:
    """Open recommendations without an active owner that the ILAU has not been told of yet;
    from now on they count as told."""
    found = without_owner(tx)
    if not found:
        return []
    rows = [
        {
            "rec_id": i,
            "key": key,
            "kind": "owner",
            "due_date": None,
            "stage": "notice",
            "recipient": None,
            "created_at": tx.now,
        }
        for i, _, _, key, _ in found
    ]
    new = set(
        bulk_insert(
            tx.conn, notice, rows, skip_existing=("rec_id", "key"), returning=("rec_id", "key")
        )
    )
    return [Unowned(c, s, p) for i, c, s, key, p in sorted(found) if (i, key) in new]


def unowned_notices(tx: Tx) -> tuple[list[Unowned], list[Mail]]:
    """The recommendations newly found without an owner, and the ILAU's digest of them."""
    found = untold_unowned(tx)
    if not found:
        return [], []
    return found, [
        ilau_digest(email, name, found, tx.today, links=tx.links)
        for email, name in recipients_with_role(tx.conn, "ilau")
    ]


def tell_ilau_of_unowned(tx: Tx) -> list[str]:
    """Queue, in this transaction, the ILAU's notice of unowned recommendations not yet told."""
    found, mails = unowned_notices(tx)
    enqueue(tx, mails)
    return [u.rec for u in found]
