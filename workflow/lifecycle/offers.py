"""What a person may do with a recommendation now: see it, and which events they may fire,
from the same permission table and transition sources the engine checks when they do."""

from __future__ import annotations

from dataclasses import dataclass

from states import (
    PERMISSIONS,
    ActionFacts,
    Actor,
    Case,
    NotPermitted,
    PendingExtension,
    authorise,
    offered,
)
from workflow.directory.decisions import list_decisions
from workflow.directory.people import Person
from workflow.lifecycle.facts import owners_since_reopen
from workflow.lifecycle.views import RecView
from workflow.store.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class Offers:
    """Whether the person may see the recommendation, and the events they may fire (each
    with the plan's actions it may name)."""

    visible: bool
    events: dict[str, tuple[int, ...]]
    costs: tuple[int, ...] = ()
    """The actions whose actual cost they may record (not a step of the lifecycle: no state
    is its source, so the permission table alone decides, as `record_cost` asks it)."""


def offers_for(uow: UnitOfWork, view: RecView, who: Person) -> Offers:
    """What `who` may do with the recommendation `view` shows, judged on what the view
    already holds (one query more, for those who may sign off: who owned it since it was
    raised or reopened)."""
    rule = uow.rules.for_recommendation(view.kind, view.statutory)
    case = Case(
        state=view.state,
        owner=view.owner,
        degree=view.degree,
        responding_bodies=view.bodies,
        target=view.target,
        complete_from_in_progress=rule.complete_from_in_progress,
        actions=tuple(
            ActionFacts(a.number, a.owner, a.target, a.done, a.dropped_reason) for a in view.actions
        ),
        pending_extension=next(
            (
                PendingExtension(x.asked_by, x.to, x.reason)
                for x in view.extensions
                if x.status == "pending"
            ),
            None,
        ),
    )
    if {"ilau", "board"} & set(who.roles):
        with uow.read() as tx:
            owners, since = owners_since_reopen(tx.conn, view.id)
        case.past_owners = owners
        case.completed_by = frozenset(
            u.by
            for u in view.updates
            if u.degree == "completely" and (since is None or u.at > since)
        )
    if not PERMISSIONS["view"].roles & who.actor.roles and who.email not in _owners(view, case):
        # The owners of committee decisions about it still open may see it too.
        found = list_decisions(uow, rec=view.id, open_only=True)
        case.decision_owners = frozenset(d.owner for d in found)
    actor = who.actor
    try:
        authorise("view", case, actor)
    except NotPermitted:
        return Offers(False, {})
    return Offers(True, offered(case, actor, uow.clock.today()), _costs(case, actor))


def _costs(case: Case, actor: Actor) -> tuple[int, ...]:
    found = []
    for a in case.actions:
        try:
            authorise("action_cost", case, actor, a.number)
        except NotPermitted:
            continue
        found.append(a.number)
    return tuple(found)


def _owners(view: RecView, case: Case) -> set[str]:
    """Who may see it as its owner or the owner of one of its actions."""
    return {o for o in (view.owner, *(a.owner for a in case.actions)) if o is not None}
