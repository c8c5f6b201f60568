"""The state machine: every transition allowed when its guards hold, refused naming the guard."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from states import (
    EVENTS,
    MACHINE,
    STATES,
    ActionFacts,
    Actor,
    Answer,
    Case,
    EventNotAllowed,
    GuardRefused,
    PendingExtension,
    Request,
    fire,
    mermaid,
    sources,
)

TODAY = date(2004, 1, 12)
OWNER = Actor("owner@x.org", frozenset({"owner"}))
ILAU = Actor("ilau@x.org", frozenset({"ilau"}))
BOARD = Actor("board@x.org", frozenset({"board"}))
NEW_OWNER = Actor("new@x.org", frozenset({"owner"}))
FUTURE = TODAY + timedelta(days=60)
BODIES = ("MPS", "MPA")
ANSWERED = {"MPS": Answer("ok"), "MPA": Answer(None, "MPA issue")}
OPEN_ACTION = ActionFacts(1, OWNER.email, FUTURE)
DONE_ACTION = ActionFacts(1, OWNER.email, FUTURE, done=True)
PENDING = PendingExtension(OWNER.email, FUTURE + timedelta(days=30), "late")


def case(state: str, **kw: object) -> Case:
    base = {
        "owner": OWNER.email,
        "responding_bodies": BODIES,
        "answers": dict(ANSWERED),
        "actions": (DONE_ACTION,),
        "degree": "completely",
        "target": FUTURE,
    }
    base.update(kw)
    return Case(state=state, **base)  # type: ignore[arg-type]


# For each event: an actor and request under which every guard holds.
GOOD: dict[str, Request] = {
    "record_response": Request(ILAU, TODAY, body="MPS", answer=Answer("yes")),
    "respond": Request(OWNER, TODAY),
    "plan": Request(OWNER, TODAY, actions=(OPEN_ACTION,)),
    "start": Request(OWNER, TODAY),
    "update": Request(OWNER, TODAY, note="progress"),
    "action_done": Request(OWNER, TODAY, action_number=1),
    "action_drop": Request(OWNER, TODAY, action_number=1, reason="overtaken"),
    "monitor": Request(OWNER, TODAY),
    "complete": Request(ILAU, TODAY, evidence="minutes"),
    "supersede": Request(ILAU, TODAY, successor="md-2003/R1", subject="botj-2003/R1"),
    "reopen": Request(ILAU, TODAY, reason="not done after all"),
    "reassign": Request(ILAU, TODAY, new_owner=NEW_OWNER),
    "extend": Request(OWNER, TODAY, new_target=FUTURE + timedelta(days=30), reason="late"),
    "approve_extension": Request(BOARD, TODAY),
    "reject_extension": Request(BOARD, TODAY, reason="no"),
    "escalate": Request(ILAU, TODAY, reason="missed update"),
    "edit": Request(ILAU, TODAY),
}
# Facts an event needs that the default case does not have.
FACTS: dict[str, dict[str, object]] = {
    "action_done": {"actions": (OPEN_ACTION,)},
    "action_drop": {"actions": (OPEN_ACTION,)},
    "approve_extension": {"pending_extension": PENDING},
    "reject_extension": {"pending_extension": PENDING},
}
EXPECTED_DEST = {
    "respond": "responded",
    "plan": "planned",
    "start": "in_progress",
    "monitor": "monitored",
    "complete": "complete",
    "supersede": "superseded",
    "reopen": "in_progress",
}


def test_every_event_has_a_good_request() -> None:
    """The table above covers every event the machine defines."""
    assert set(GOOD) == set(EVENTS)


@pytest.mark.parametrize("event", EVENTS)
@pytest.mark.parametrize("state", STATES)
def test_event_fires_exactly_from_its_source_states(event: str, state: str) -> None:
    """With every guard satisfied, an event moves from its sources and is refused elsewhere."""
    c = case(state, **FACTS.get(event, {}))
    if state == "in_progress" and event == "complete":
        c.complete_from_in_progress = True
    if state in sources(event):
        assert fire(event, c, GOOD[event]) == EXPECTED_DEST.get(event, state)
        assert c.state == EXPECTED_DEST.get(event, state)
    else:
        with pytest.raises(EventNotAllowed) as err:
            fire(event, c, GOOD[event])
        assert err.value.state == state
        assert c.state == state


def test_the_lifecycle_table_matches_the_design() -> None:
    """Sources of each event are those of DESIGN.md's state machine table."""
    assert sources("respond") == ("raised",)
    assert sources("plan") == ("responded",)
    assert sources("start") == ("planned",)
    assert sources("update") == ("planned", "in_progress", "monitored")
    assert sources("monitor") == ("in_progress",)
    assert sources("complete") == ("in_progress", "monitored")
    assert sources("supersede") == ("raised", "responded", "planned", "in_progress", "monitored")
    assert sources("reopen") == ("complete", "superseded")
    assert sources("reassign") == sources("supersede")
    assert sources("extend") == ("planned", "in_progress")


# (event, state, case changes, request changes, guard expected to fail)
REFUSALS = [
    ("record_response", "raised", {}, {"body": "HMIC"}, "body_is_responding"),
    ("record_response", "raised", {}, {"answer": Answer(" ")}, "answer_given"),
    ("record_response", "raised", {}, {"answer": Answer(None, "")}, "answer_given"),
    ("respond", "raised", {"owner": None}, {"actor": ILAU}, "owner_assigned"),
    ("respond", "raised", {"answers": {"MPS": Answer("ok")}}, {}, "every_body_answered"),
    (
        "respond",
        "raised",
        {"answers": {"MPS": Answer("ok"), "MPA": Answer(None, " ")}},
        {},
        "every_body_answered",
    ),
    ("plan", "responded", {}, {"actions": ()}, "has_actions"),
    (
        "plan",
        "responded",
        {},
        {"actions": (ActionFacts(1, None, FUTURE),)},
        "actions_owned_and_dated",
    ),
    (
        "plan",
        "responded",
        {},
        {"actions": (ActionFacts(1, OWNER.email, None),)},
        "actions_owned_and_dated",
    ),
    (
        "plan",
        "responded",
        {},
        {"actions": (ActionFacts(1, OWNER.email, TODAY + timedelta(days=30), owner_active=False),)},
        "action_owners_active",
    ),
    (
        "plan",
        "responded",
        {},
        {"actions": (ActionFacts(1, OWNER.email, TODAY),)},
        "targets_in_future",
    ),
    (
        "plan",
        "responded",
        {},
        {"actions": (ActionFacts(1, OWNER.email, TODAY + timedelta(3650)),)},
        "targets_within_horizon",
    ),
    ("update", "in_progress", {}, {"note": "  "}, "note_given"),
    ("update", "monitored", {}, {"note": None}, "note_given"),
    ("monitor", "in_progress", {"actions": (OPEN_ACTION,)}, {}, "actions_closed"),
    (
        "monitor",
        "in_progress",
        {"actions": (replace(OPEN_ACTION, dropped_reason=""),)},
        {},
        "actions_closed",
    ),
    ("action_done", "in_progress", {"actions": (DONE_ACTION,)}, {}, "action_open"),
    (
        "action_done",
        "in_progress",
        {"actions": (OPEN_ACTION,)},
        {"action_number": 2},
        "action_open",
    ),
    ("action_drop", "in_progress", {"actions": (OPEN_ACTION,)}, {"reason": None}, "reason_given"),
    ("complete", "monitored", {"degree": "significantly"}, {}, "degree_completely"),
    ("complete", "monitored", {}, {"evidence": ""}, "evidence_given"),
    ("complete", "in_progress", {}, {}, "completion_from_in_progress_allowed"),
    ("supersede", "planned", {}, {"successor": None, "rationale": " "}, "successor_or_rationale"),
    ("supersede", "planned", {}, {"successor": "botj-2003/R1"}, "successor_not_self"),
    ("reopen", "complete", {}, {"reason": ""}, "reason_given"),
    ("reassign", "raised", {}, {"new_owner": replace(NEW_OWNER, active=False)}, "new_owner_active"),
    ("reassign", "raised", {}, {"new_owner": OWNER}, "new_owner_differs"),
    ("extend", "in_progress", {}, {"reason": None}, "reason_given"),
    ("extend", "in_progress", {"pending_extension": PENDING}, {}, "no_extension_pending"),
    ("extend", "in_progress", {}, {"new_target": TODAY}, "revised_target_later"),
    ("extend", "in_progress", {"target": FUTURE}, {"new_target": FUTURE}, "revised_target_later"),
    (
        "extend",
        "in_progress",
        {},
        {"new_target": TODAY + timedelta(days=3 * 366)},
        "revised_target_within_horizon",
    ),
    ("approve_extension", "in_progress", {"pending_extension": None}, {}, "extension_pending"),
    (
        "approve_extension",
        "planned",
        {"pending_extension": replace(PENDING, requested_by=BOARD.email)},
        {},
        "decider_not_requester",
    ),
    (
        "reject_extension",
        "in_progress",
        {"pending_extension": PENDING},
        {"reason": ""},
        "reason_given",
    ),
    ("escalate", "raised", {}, {"reason": ""}, "reason_given"),
]


@pytest.mark.parametrize(
    ("event", "state", "case_kw", "req_kw", "guard"),
    REFUSALS,
    ids=[f"{r[0]}-{r[4]}" for r in REFUSALS],
)
def test_a_failed_guard_is_named_and_changes_nothing(
    event: str, state: str, case_kw: dict[str, object], req_kw: dict[str, object], guard: str
) -> None:
    """A refused event raises GuardRefused naming the guard, and leaves the state as it was."""
    c = case(state, **{**FACTS.get(event, {}), **case_kw})
    with pytest.raises(GuardRefused) as err:
        fire(event, c, replace(GOOD[event], **req_kw))
    assert err.value.guard == guard
    assert err.value.event == event
    assert guard in str(err.value)
    assert c.state == state


def test_every_guard_has_a_refusal_test() -> None:
    """No guard is left untested by the refusal table."""
    guards = {
        cond.func.name
        for t in MACHINE.events.values()
        for ts in t.transitions.values()
        for tr in ts
        for cond in tr.conditions
    }
    assert guards == {r[4] for r in REFUSALS}


def test_one_machine_serves_every_case() -> None:
    """Cases are not added to the machine: it holds no models, whatever has been fired."""
    for _ in range(3):
        fire("start", case("planned"), GOOD["start"])
    assert MACHINE.models == []


def test_complete_from_in_progress_when_the_report_rules_allow() -> None:
    c = case("in_progress", complete_from_in_progress=True)
    assert fire("complete", c, GOOD["complete"]) == "complete"


def test_mermaid_lists_every_state_change() -> None:
    text = mermaid()
    assert text.startswith("stateDiagram-v2")
    assert "monitored --> complete: complete" in text
    assert "superseded --> in_progress: reopen" in text
