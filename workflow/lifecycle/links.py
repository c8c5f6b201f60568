"""Linking recommendations after import: one repeats another, or two are related (ilau).

A link is not a step of the lifecycle: it moves no state and leaves the version as it was
(as `audit verify`'s replay expects). It is audited like the importer's links, as `link` or
`unlink` with `{"kind": "repeats" | "related", "to": ID}`, and like every event on a
recommendation it cannot be dated before the latest one. `related` goes both ways: a link
stored from either side is the same link. A recommendation repeats at most one other.

Permission: the `import` operation (ilau), until the permission table has one of its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, delete, insert, or_, select

from states import NotPermitted, authorise
from workflow.errors import BadInput, UnknownRecommendation
from workflow.lifecycle.ids import normal_code
from workflow.lifecycle.transition import Loaded, check_time, load
from workflow.store.tables import rec_link, recommendation
from workflow.store.uow import Tx, UnitOfWork

LINKABLE = ("repeats", "related")
_PERMISSION = "link"
_l = rec_link.c


@dataclass(frozen=True, slots=True)
class LinkChange:
    """A link as it now is, and whether this request made or removed it."""

    id: str
    kind: str
    to: str
    linked: bool
    changed: bool


def link(
    uow: UnitOfWork,
    code: str,
    actor: str,
    *,
    repeats: str | None = None,
    related: str | None = None,
) -> LinkChange:
    """Record that `code` repeats another recommendation, or is related to one. Already so,
    nothing is written."""
    kind, target = _which(repeats, related)
    with uow.write() as tx:
        rec, target_id = _prepare(tx, code, actor, target, "link")
        found = _existing(tx, rec.id, kind, target_id)
        if found:
            return LinkChange(rec.code, kind, target, True, False)
        _check_new(tx, rec, kind, target, target_id)
        tx.conn.execute(insert(rec_link).values(rec_id=rec.id, kind=kind, target_rec_id=target_id))
        _audit(tx, rec, "link", kind, target)
        return LinkChange(rec.code, kind, target, True, True)


def unlink(
    uow: UnitOfWork,
    code: str,
    actor: str,
    *,
    repeats: str | None = None,
    related: str | None = None,
) -> LinkChange:
    """Remove a `repeats` or `related` link. Not there, nothing is written."""
    kind, target = _which(repeats, related)
    with uow.write() as tx:
        rec, target_id = _prepare(tx, code, actor, target, "unlink")
        found = _existing(tx, rec.id, kind, target_id)
        if not found:
            return LinkChange(rec.code, kind, target, False, False)
        tx.conn.execute(delete(rec_link).where(_l.id.in_(found)))
        _audit(tx, rec, "unlink", kind, target)
        return LinkChange(rec.code, kind, target, False, True)


def _which(repeats: str | None, related: str | None) -> tuple[str, str]:
    if (repeats is None) == (related is None):
        raise BadInput("name exactly one link: --repeats ID or --related ID")
    if repeats is not None:
        return "repeats", normal_code(repeats)
    return "related", normal_code(related or "")


def _prepare(tx: Tx, code: str, actor: str, target: str, event: str) -> tuple[Loaded, int]:
    """The recommendation (its row locked, and the target's), checked: the actor may, the
    target exists and is another, and time moves forward."""
    rec = load(tx, normal_code(code), actor)
    try:
        authorise(_PERMISSION, None, rec.actor)
    except NotPermitted as exc:
        raise NotPermitted(event, exc.actor, exc.why) from None
    if target == rec.code:
        raise BadInput(f"{rec.code} cannot be linked to itself")
    rows = dict(
        tx.conn.execute(
            select(recommendation.c.code, recommendation.c.id)
            .where(recommendation.c.code.in_([rec.code, target]))
            .order_by(recommendation.c.id)
            .with_for_update()  # two links at once between the same pair: one after the other
        ).all()
    )
    if target not in rows:
        raise UnknownRecommendation(target)
    check_time(tx, rec, event)
    return rec, rows[target]


def _existing(tx: Tx, rec_id: int, kind: str, target_id: int) -> list[int]:
    """The rows of this link (for `related`, stored from either side)."""
    forward = and_(_l.rec_id == rec_id, _l.target_rec_id == target_id)
    if kind == "related":
        forward = or_(forward, and_(_l.rec_id == target_id, _l.target_rec_id == rec_id))
    return list(tx.conn.execute(select(_l.id).where(_l.kind == kind, forward)).scalars())


def _check_new(tx: Tx, rec: Loaded, kind: str, target: str, target_id: int) -> None:
    """A repeat of one recommendation only, never both repeated and related, no loop."""
    other = "related" if kind == "repeats" else "repeats"
    if _existing(tx, rec.id, other, target_id):
        raise BadInput(f"{rec.code} is already linked to {target} as {other}: unlink that first")
    if kind == "related" and _existing(tx, target_id, "repeats", rec.id):
        raise BadInput(f"{target} already repeats {rec.code}: unlink that first")
    if kind != "repeats":
        return
    already = tx.conn.execute(
        select(recommendation.c.code)
        .join(rec_link, _l.target_rec_id == recommendation.c.id)
        .where(_l.rec_id == rec.id, _l.kind == "repeats")
    ).scalar()
    if already is not None:
        raise BadInput(f"{rec.code} already repeats {already}: unlink that first")
    if _existing(tx, target_id, "repeats", rec.id):
        raise BadInput(f"{target} repeats {rec.code}: a recommendation cannot repeat its repeat")


def _audit(tx: Tx, rec: Loaded, event: str, kind: str, target: str) -> None:
    tx.audit.append(
        actor=rec.actor.email,
        event=event,
        rec=rec.code,
        report=rec.report,
        changes={"kind": kind, "to": target},
    )
