"""Who may do what: an owner acts on their own recommendations (and an action's owner on
that action), `ilau` on all; sign-off is by someone who never owned the recommendation since
it was raised or reopened, nor recorded it as completely met. The directory's operations
(import, people, committees, meetings) are in the same table."""

from __future__ import annotations

from dataclasses import dataclass

from states.errors import NotPermitted
from states.model import Actor, Case


@dataclass(frozen=True, slots=True)
class Permission:
    """`owner`: the recommendation's owner may fire it; `roles`: these roles may, on any
    recommendation; `action_owner`: the owner of the plan action it names may;
    `not_owner`: nobody who owned it since it was raised or last reopened ever may, whatever
    their roles; `not_recorder`: nor whoever recorded its degree met as completely."""

    owner: bool
    roles: frozenset[str]
    not_owner: bool = False
    action_owner: bool = False
    not_recorder: bool = False
    any_action: bool = False
    """With `action_owner`: the owner of any of its actions may (it names none)."""
    decision_owner: bool = False
    """The owner of a committee decision about it, still open, may (to see what it is about)."""


_OWNER_OR_ILAU = Permission(owner=True, roles=frozenset({"ilau"}))
_ACTION = Permission(owner=True, roles=frozenset({"ilau"}), action_owner=True)
_DECIDE = Permission(owner=False, roles=frozenset({"ilau", "board"}), not_owner=True)
_SIGN_OFF = Permission(
    owner=False, roles=frozenset({"ilau", "board"}), not_owner=True, not_recorder=True
)
_ILAU_OR_BOARD = Permission(owner=False, roles=frozenset({"ilau", "board"}))
_ILAU = Permission(owner=False, roles=frozenset({"ilau"}))
_COMMITTEES = Permission(owner=False, roles=frozenset({"ilau", "secretary"}))

PERMISSIONS: dict[str, Permission] = {
    "raise": Permission(owner=False, roles=frozenset({"ilau", "admin"})),
    "record_response": _OWNER_OR_ILAU,
    "respond": _OWNER_OR_ILAU,
    "plan": _OWNER_OR_ILAU,
    "start": _OWNER_OR_ILAU,
    "update": _OWNER_OR_ILAU,
    "action_done": _ACTION,
    "action_drop": _ACTION,
    # Recording what an action actually cost (not a lifecycle step): as closing it is.
    "action_cost": _ACTION,
    "monitor": _OWNER_OR_ILAU,
    "extend": _OWNER_OR_ILAU,
    "complete": _SIGN_OFF,
    "approve_extension": _DECIDE,
    "reject_extension": _DECIDE,
    # Dropping a recommendation was how they got lost (HMIC, BOTJ 4.1.9): not the owner's call.
    "supersede": _ILAU_OR_BOARD,
    "reopen": _ILAU,
    "reassign": _ILAU,
    "escalate": _ILAU,
    "edit": Permission(owner=False, roles=frozenset({"ilau", "admin"})),
    # The directory: who may bring reports and people in, and arrange committees.
    "import": _ILAU,
    "person.add": _ILAU,
    "person.deactivate": _ILAU,
    "committee.add": _COMMITTEES,
    "meeting.add": _COMMITTEES,
    "meeting.plan": _COMMITTEES,
    # Reading: a recommendation's page (and its evidence) for its owner, its actions' owners,
    # the owners of committee decisions still open about it, and those who oversee; the trail
    # for those who oversee or audit.
    "view": Permission(
        owner=True,
        roles=frozenset({"ilau", "board", "secretary", "admin"}),
        action_owner=True,
        any_action=True,
        decision_owner=True,
    ),
    "audit.view": Permission(owner=False, roles=frozenset({"ilau", "board", "admin"})),
    "papers.view": Permission(owner=False, roles=frozenset({"ilau", "secretary", "board"})),
    # Outward: tokens for others (anyone may manage their own), webhooks, restricting what
    # the public register shows.
    "token.manage": Permission(owner=False, roles=frozenset({"ilau", "admin"})),
    "webhook.manage": Permission(owner=False, roles=frozenset({"ilau", "admin"})),
    "restrict": _ILAU,
    # Issuing a committee's paper: it is then kept as it was, for good.
    "paper.issue": _COMMITTEES,
    # Recording what a committee decided (an owner and a date each), and that one is done
    # (which the decision's owner may also do: see workflow.directory.decisions).
    "decision.record": _COMMITTEES,
    # Saying one recommendation repeats, or relates to, another, after import.
    "link": _ILAU,
    # Recording a forthcoming inspection visit, for the ILAU's monthly report (002 §5).
    "inspection.record": _ILAU,
}


def authorise(
    event: str, case: Case | None, actor: Actor, action_number: int | None = None
) -> None:
    """Raise NotPermitted unless `actor` may fire `event` on `case` (None: no recommendation:
    a new one, or a directory operation); `action_number` is the plan action it names."""
    rule = PERMISSIONS[event]
    is_owner = case is not None and case.owner == actor.email
    if not actor.active:
        raise NotPermitted(event, actor.email, "their account is not active")
    if rule.not_owner and case is not None:
        if is_owner:
            raise NotPermitted(event, actor.email, "the owner cannot sign off their own work")
        if actor.email in case.past_owners:
            raise NotPermitted(
                event, actor.email, "they owned it since it was raised or last reopened"
            )
    if rule.not_recorder and case is not None and actor.email in case.completed_by:
        raise NotPermitted(event, actor.email, "they recorded it as completely met themselves")
    if rule.roles & actor.roles or (rule.owner and is_owner):
        return
    if (
        rule.action_owner
        and case is not None
        and _owns_action(case, actor, action_number, rule.any_action)
    ):
        return
    if rule.decision_owner and case is not None and actor.email in case.decision_owners:
        return
    needed = " or ".join(sorted(rule.roles))
    who = f"the owner or {needed}" if rule.owner else needed
    if rule.action_owner:
        who = f"the owner, the action's owner or {needed}"
    raise NotPermitted(event, actor.email, f"only {who} may")


def _owns_action(case: Case, actor: Actor, number: int | None, any_action: bool) -> bool:
    """Whether `actor` owns action `number` (with `any_action`: any of the plan's actions)."""
    return any((any_action or a.number == number) and a.owner == actor.email for a in case.actions)
