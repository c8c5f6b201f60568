"""Who may fire which event: an owner acts on their own recommendations, `ilau` on all,
and sign-off is by someone other than the owner."""

from __future__ import annotations

from dataclasses import dataclass

from states.errors import NotPermitted
from states.model import Actor, Case


@dataclass(frozen=True, slots=True)
class Permission:
    """`owner`: the recommendation's owner may fire it; `roles`: these roles may, on any
    recommendation; `not_owner`: the owner never may, whatever their roles."""

    owner: bool
    roles: frozenset[str]
    not_owner: bool = False


_OWNER_OR_ILAU = Permission(owner=True, roles=frozenset({"ilau"}))
_SIGN_OFF = Permission(owner=False, roles=frozenset({"ilau", "board"}), not_owner=True)
_ILAU_OR_BOARD = Permission(owner=False, roles=frozenset({"ilau", "board"}))
_ILAU = Permission(owner=False, roles=frozenset({"ilau"}))

PERMISSIONS: dict[str, Permission] = {
    "raise": Permission(owner=False, roles=frozenset({"ilau", "admin"})),
    "record_response": _OWNER_OR_ILAU,
    "respond": _OWNER_OR_ILAU,
    "plan": _OWNER_OR_ILAU,
    "start": _OWNER_OR_ILAU,
    "update": _OWNER_OR_ILAU,
    "action_done": _OWNER_OR_ILAU,
    "action_drop": _OWNER_OR_ILAU,
    "monitor": _OWNER_OR_ILAU,
    "extend": _OWNER_OR_ILAU,
    "complete": _SIGN_OFF,
    "approve_extension": _SIGN_OFF,
    "reject_extension": _SIGN_OFF,
    # Dropping a recommendation was how they got lost (HMIC, BOTJ 4.1.9): not the owner's call.
    "supersede": _ILAU_OR_BOARD,
    "reopen": _ILAU,
    "reassign": _ILAU,
    "escalate": _ILAU,
    "edit": Permission(owner=False, roles=frozenset({"ilau", "admin"})),
}


def authorise(event: str, case: Case | None, actor: Actor) -> None:
    """Raise NotPermitted unless `actor` may fire `event` on `case` (None: a new one)."""
    rule = PERMISSIONS[event]
    is_owner = case is not None and case.owner == actor.email
    if not actor.active:
        raise NotPermitted(event, actor.email, "their account is not active")
    if rule.not_owner and is_owner:
        raise NotPermitted(event, actor.email, "the owner cannot sign off their own work")
    if rule.roles & actor.roles or (rule.owner and is_owner):
        return
    needed = " or ".join(sorted(rule.roles))
    who = f"the owner or {needed}" if rule.owner else needed
    raise NotPermitted(event, actor.email, f"only {who} may")
