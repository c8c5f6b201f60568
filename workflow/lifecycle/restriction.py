"""Restricting a recommendation: leaving it out of the public register (ilau only).

Restriction is not a step of the lifecycle: it moves no state and leaves the recommendation's
version as it was (so a form loaded before it still applies, and `audit verify`'s replay,
which counts the lifecycle's events, agrees). It is audited all the same, as `restrict` or
`unrestrict` with `{"restricted": [old, new]}`, and like every event on a recommendation it
cannot be dated before the latest one.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import update

from states import authorise
from workflow.lifecycle.ids import normal_code
from workflow.lifecycle.transition import check_time, load
from workflow.store.tables import recommendation
from workflow.store.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class RecRestriction:
    """Whether a recommendation is now restricted, and whether this request changed it."""

    id: str
    restricted: bool
    changed: bool


def restrict_recommendation(
    uow: UnitOfWork,
    code: str,
    actor: str,
    *,
    restricted: bool = True,
    reason: str | None = None,
) -> RecRestriction:
    """Restrict a recommendation (with `restricted=False`, lift it). Already so, nothing is
    written."""
    code = normal_code(code)
    event = "restrict" if restricted else "unrestrict"
    with uow.write() as tx:
        rec = load(tx, code, actor)
        authorise("restrict", None, rec.actor)
        check_time(tx, rec, event)
        _r = recommendation.c
        # Conditional, so that of two at once only one records the change.
        changed = tx.conn.execute(
            update(recommendation)
            .where(_r.id == rec.id, _r.restricted != restricted)
            .values(restricted=restricted)
        ).rowcount
        if changed:
            tx.audit.append(
                actor=rec.actor.email,
                event=event,
                rec=rec.code,
                report=rec.report,
                note=(reason or "").strip() or None,
                changes={"restricted": [not restricted, restricted]},
            )
        return RecRestriction(rec.code, restricted, bool(changed))
