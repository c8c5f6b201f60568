"""Who may fire what: owners on their own, ilau on all, sign-off never by the owner."""

from __future__ import annotations

from datetime import date

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

TODAY = date(2004, 1, 5)

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
    "action_cost": _OWNER_WORK,
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
    "import": {"ilau", "ilau_owner"},
    "person.add": {"ilau", "ilau_owner"},
    "person.deactivate": {"ilau", "ilau_owner"},
    "committee.add": {"ilau", "ilau_owner", "secretary"},
    "meeting.add": {"ilau", "ilau_owner", "secretary"},
    "meeting.plan": {"ilau", "ilau_owner", "secretary"},
    "view": {"owner", "ilau", "board", "secretary", "admin", "ilau_owner"},
    "audit.view": {"ilau", "board", "admin", "ilau_owner"},
    "papers.view": {"ilau", "secretary", "board", "ilau_owner"},
    "token.manage": {"ilau", "admin", "ilau_owner"},
    "webhook.manage": {"ilau", "admin", "ilau_owner"},
    "restrict": {"ilau", "ilau_owner"},
    "paper.issue": {"ilau", "ilau_owner", "secretary"},
    "decision.record": {"ilau", "ilau_owner", "secretary"},
    "link": {"ilau", "ilau_owner"},
    "inspection.record": {"ilau", "ilau_owner"},
}
_DIRECTORY = {"raise", "import", "person.add", "person.deactivate", "audit.view", "papers.view"} | {
    "committee.add",
    "meeting.add",
    "meeting.plan",
    "token.manage",
    "webhook.manage",
    "restrict",
    "paper.issue",
    "decision.record",
    "link",
    "inspection.record",
}


def test_matrix_covers_every_event() -> None:
    assert set(ALLOWED) == set(PERMISSIONS)


@pytest.mark.parametrize("event", sorted(ALLOWED))
@pytest.mark.parametrize("who", sorted(ACTORS))
def test_permission_matrix(event: str, who: str) -> None:
    """Each actor kind is allowed exactly the events of the matrix, on OWNER's recommendation."""
    c = None if event in _DIRECTORY else Case("in_progress", owner=OWNER.email)
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


def test_nobody_who_owned_it_since_it_was_raised_may_sign_it_off() -> None:
    """Reassigning one's own recommendation to someone else does not open the way to sign it
    off; nor does recording it as completely met; nor deciding one's past extension."""
    case = Case("monitored", owner=OTHER_OWNER.email, past_owners=frozenset({ILAU_OWNER.email}))
    with pytest.raises(NotPermitted, match="owned it since it was raised or last reopened"):
        authorise("complete", case, ILAU_OWNER)
    with pytest.raises(NotPermitted, match="owned it since"):
        authorise("approve_extension", case, ILAU_OWNER)
    recorded = Case("monitored", owner=OTHER_OWNER.email, completed_by=frozenset({ILAU.email}))
    with pytest.raises(NotPermitted, match="recorded it as completely met"):
        authorise("complete", recorded, ILAU)
    authorise("complete", recorded, BOARD)
    authorise("approve_extension", recorded, ILAU)  # recording the degree bars sign-off only


def test_an_action_owner_may_close_their_own_action_only() -> None:
    from states import ActionFacts

    case = Case(
        "in_progress",
        owner=OWNER.email,
        actions=(ActionFacts(1, OTHER_OWNER.email, None), ActionFacts(2, OWNER.email, None)),
    )
    authorise("action_done", case, OTHER_OWNER, action_number=1)
    authorise("action_drop", case, OTHER_OWNER, action_number=1)
    with pytest.raises(NotPermitted, match="the owner, the action's owner or ilau"):
        authorise("action_done", case, OTHER_OWNER, action_number=2)
    with pytest.raises(NotPermitted):
        authorise("update", case, OTHER_OWNER)


def test_an_actions_owner_may_view_the_recommendation_but_not_fire_its_other_events() -> None:
    """Owning one action of the plan opens the page, and that action, nothing more."""
    from states import ActionFacts, offered

    case = Case(
        "in_progress",
        owner=OWNER.email,
        actions=(ActionFacts(1, OTHER_OWNER.email, None), ActionFacts(2, OWNER.email, None)),
    )
    authorise("view", case, OTHER_OWNER)
    assert offered(case, OTHER_OWNER, TODAY) == {"action_done": (1,), "action_drop": (1,)}
    with pytest.raises(NotPermitted):
        authorise("view", Case("in_progress", owner=OWNER.email), OTHER_OWNER)


def test_a_decisions_owner_may_view_the_recommendation_and_do_nothing_else() -> None:
    """The owner of an open committee decision about it sees it; that is all it opens."""
    from states import offered

    case = Case("in_progress", owner=OWNER.email, decision_owners=frozenset({OTHER_OWNER.email}))
    authorise("view", case, OTHER_OWNER)
    assert offered(case, OTHER_OWNER, TODAY) == {}
    for event in sorted(set(PERMISSIONS) - {"view"}):
        with pytest.raises(NotPermitted):
            authorise(event, case, OTHER_OWNER)


def test_offered_follows_the_state_and_the_table() -> None:
    """The owner of a monitored recommendation may update it, never sign it off."""
    from states import offered

    case = Case("monitored", owner=OWNER.email, degree="completely")
    assert set(offered(case, OWNER, TODAY)) == {"update"}
    assert {"complete", "escalate", "reassign", "supersede", "update"} <= set(
        offered(case, ILAU, TODAY)
    )
    assert "complete" not in offered(case, ILAU_OWNER, TODAY)
    assert offered(case, INACTIVE_ILAU, TODAY) == {}


def test_events_whose_case_guards_fail_are_not_offered() -> None:
    """No sign-off before it is met completely; no decision without a pending extension, nor
    by whoever asked; no second request while one is pending; no monitoring with open actions."""
    from states import ActionFacts, PendingExtension, offered

    assert "complete" not in offered(Case("monitored", owner=OWNER.email), ILAU, TODAY)
    working = Case("in_progress", owner=OWNER.email, actions=(ActionFacts(1, OWNER.email, None),))
    assert not {"approve_extension", "reject_extension", "monitor"} & set(
        offered(working, ILAU, TODAY)
    )
    working.pending_extension = PendingExtension(ILAU.email, date(2005, 1, 1), "more time")
    assert "approve_extension" not in offered(working, ILAU, TODAY)  # ILAU asked for it
    assert {"approve_extension", "reject_extension"} <= set(offered(working, BOARD, TODAY))
    assert "extend" not in offered(working, OWNER, TODAY)
