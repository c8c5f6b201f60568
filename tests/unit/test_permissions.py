"""Who may fire what: owners on their own, ilau on all, sign-off never by the owner."""

from __future__ import annotations

import pytest

from states import PERMISSIONS, Actor, Case, NotPermitted, authorise

OWNER = Actor("owner@x.org", frozenset({"owner"}))
OTHER_OWNER = Actor("other@x.org", frozenset({"owner"}))
ILAU = Actor("ilau@x.org", frozenset({"ilau"}))
BOARD = Actor("board@x.org", frozenset({"board"}))
SECRETARY = Actor("sec@x.org", frozenset({"secretary"}))
ADMIN = Actor("admin@x.org", frozenset({"admin"}))
ILAU_OWNER = Actor("owner@x.org", frozenset({"owner", "ilau"}))  # owns it and is ilau
INACTIVE_ILAU = Actor("gone@x.org", frozenset({"ilau"}), active=False)

ACTORS = {
    "owner": OWNER,
    "other_owner": OTHER_OWNER,
    "ilau": ILAU,
    "board": BOARD,
    "secretary": SECRETARY,
    "admin": ADMIN,
    "ilau_owner": ILAU_OWNER,
    "inactive": INACTIVE_ILAU,
}
_OWNER_WORK = {"owner", "ilau", "ilau_owner"}
ALLOWED: dict[str, set[str]] = {
    "raise": {"ilau", "admin", "ilau_owner"},
    "record_response": _OWNER_WORK,
    "respond": _OWNER_WORK,
    "plan": _OWNER_WORK,
    "start": _OWNER_WORK,
    "update": _OWNER_WORK,
    "action_done": _OWNER_WORK,
    "action_drop": _OWNER_WORK,
    "monitor": _OWNER_WORK,
    "extend": _OWNER_WORK,
    "complete": {"ilau", "board"},
    "approve_extension": {"ilau", "board"},
    "reject_extension": {"ilau", "board"},
    "supersede": {"ilau", "board", "ilau_owner"},
    "reopen": {"ilau", "ilau_owner"},
    "reassign": {"ilau", "ilau_owner"},
    "escalate": {"ilau", "ilau_owner"},
    "edit": {"ilau", "admin", "ilau_owner"},
}


def test_matrix_covers_every_event() -> None:
    assert set(ALLOWED) == set(PERMISSIONS)


@pytest.mark.parametrize("event", sorted(ALLOWED))
@pytest.mark.parametrize("who", sorted(ACTORS))
def test_permission_matrix(event: str, who: str) -> None:
    """Each actor kind is allowed exactly the events of the matrix, on OWNER's recommendation."""
    c = None if event == "raise" else Case("in_progress", owner=OWNER.email)
    if who in ALLOWED[event]:
        authorise(event, c, ACTORS[who])
    else:
        with pytest.raises(NotPermitted) as err:
            authorise(event, c, ACTORS[who])
        assert err.value.actor == ACTORS[who].email


def test_sign_off_refusal_says_why() -> None:
    """An ilau member who owns the recommendation still cannot sign it off."""
    with pytest.raises(NotPermitted, match="cannot sign off their own work"):
        authorise("complete", Case("monitored", owner=OWNER.email), ILAU_OWNER)


def test_inactive_people_cannot_act() -> None:
    with pytest.raises(NotPermitted, match="not active"):
        authorise("update", Case("in_progress", owner=OWNER.email), INACTIVE_ILAU)
