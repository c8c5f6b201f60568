"""Worklists: what waits on whom. The open actions a person owns, recommendations without an
active owner, extensions and sign-offs awaiting a decision. Each is one query on an index."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from states import OPEN
from workflow.lifecycle.unowned import without_owner as unowned
from workflow.store.tables import action, extension, person, recommendation
from workflow.store.uow import UnitOfWork

_r = recommendation.c


@dataclass(frozen=True, slots=True)
class OwnedAction:
    """An open action of a plan, as its owner sees it."""

    rec: str
    number: int
    text: str
    target: date


@dataclass(frozen=True, slots=True)
class Waiting:
    """A recommendation that waits on someone: why, and since when or until when."""

    rec: str
    subject: str | None
    what: str
    day: date | None = None


def owned_actions(uow: UnitOfWork, email: str) -> list[OwnedAction]:
    """The open actions `email` owns, on open recommendations, soonest first."""
    a = action.c
    stmt = (
        select(_r.code, a.number, a.text, a.target_date)
        .join(recommendation, _r.id == a.rec_id)
        .join(person, person.c.id == a.owner_id)
        .where(
            person.c.email == email,
            a.done_at.is_(None),
            a.dropped_reason.is_(None),
            _r.state.in_(OPEN),
        )
        .order_by(a.target_date, _r.code, a.number)
    )
    with uow.read() as tx:
        return [OwnedAction(*row) for row in tx.conn.execute(stmt)]


def without_owner(uow: UnitOfWork) -> list[Waiting]:
    """Open recommendations with no owner, or one who is no longer active, in the words
    the ILAU's notice uses."""
    with uow.read() as tx:
        return [Waiting(code, subject, problem) for _, code, subject, _, problem in unowned(tx)]


def extensions_awaiting(uow: UnitOfWork) -> list[Waiting]:
    """Revised target dates asked for and not yet decided."""
    e = extension.c
    stmt = (
        select(_r.code, _r.subject, e.requested_by, e.to_date)
        .join(recommendation, _r.id == e.rec_id)
        .where(e.status == "pending")
        .order_by(e.requested_at)
    )
    with uow.read() as tx:
        return [
            Waiting(code, subject, f"{by} asks for {to.isoformat()}", to)
            for code, subject, by, to in tx.conn.execute(stmt)
        ]


def awaiting_sign_off(uow: UnitOfWork) -> list[Waiting]:
    """Recommendations monitored and met completely: ready to be signed off."""
    stmt = (
        select(_r.code, _r.subject, _r.last_update_at)
        .where(_r.state == "monitored", _r.degree == "completely")
        .order_by(_r.id)
    )
    with uow.read() as tx:
        return [
            Waiting(code, subject, "met completely", at.date() if at else None)
            for code, subject, at in tx.conn.execute(stmt)
        ]
