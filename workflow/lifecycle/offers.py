"""What a person may do with a recommendation now: see it, and which events they may fire,
from the same permission table and transition sources the engine checks when they do."""

from __future__ import annotations

from dataclasses import dataclass

from states import Case, NotPermitted, authorise, offered
from workflow.lifecycle import facts
from workflow.lifecycle.ids import normal_code
from workflow.lifecycle.transition import load
from workflow.store.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class Offers:
    """Whether the person may see the recommendation, and the events they may fire (each
    with the plan's actions it may name)."""

    visible: bool
    events: dict[str, tuple[int, ...]]
    version: int
    bodies: tuple[str, ...] = ()
    """The bodies that must respond to its report."""


def offers(uow: UnitOfWork, code: str, actor: str) -> Offers:
    """What `actor` may do with recommendation `code` now (UnknownRecommendation if none)."""
    code = normal_code(code)
    with uow.read() as tx:
        rec = load(tx, code, actor)
        rule = tx.rules.for_recommendation(rec.kind, rec.statutory)
        case = Case(
            state=rec.state,
            owner=rec.owner,
            degree=rec.columns["degree"],
            responding_bodies=rec.bodies,
            target=rec.columns["target_date"],
            complete_from_in_progress=rule.complete_from_in_progress,
        )
        facts.actions(tx, rec, case)
        facts.sign_off_history(tx, rec, case)
        facts.pending_extension(tx, rec, case)
        today = tx.today
    try:
        authorise("view", case, rec.actor)
    except NotPermitted:
        return Offers(False, {}, rec.version, rec.bodies)
    return Offers(True, offered(case, rec.actor, today), rec.version, rec.bodies)
