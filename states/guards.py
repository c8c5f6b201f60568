"""Guards: named checks on a transition; each returns None if satisfied, or what is missing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from states.model import Answer, Case, Refusal, Request

Check = Callable[[Case, Request], str | None]


class Guard:
    """A `transitions` condition that records which guard failed, and why, on the case."""

    __slots__ = ("check", "name", "on_case")

    def __init__(self, name: str, check: Check, *, on_case: bool = False) -> None:
        self.name = name
        self.check = check
        self.on_case = on_case
        """Judges the case and who asks, never what they give: an event whose such guard
        fails is not offered at all (see `states.offered`)."""

    def __call__(self, event_data: Any) -> bool:
        case: Case = event_data.model
        problem = self.check(case, event_data.kwargs["request"])
        if problem is None:
            return True
        case.refused = Refusal(self.name, problem)
        return False

    def __repr__(self) -> str:
        return f"Guard({self.name})"


def _blank(text: str | None) -> bool:
    return not (text or "").strip()


def _owner_assigned(case: Case, req: Request) -> str | None:
    return "no owner is assigned (use reassign first)" if case.owner is None else None


def _every_body_answered(case: Case, req: Request) -> str | None:
    missing = [b for b in case.responding_bodies if not case.answers.get(b, _NO_ANSWER).given]
    return f"no response yet from {', '.join(missing)}" if missing else None


def _body_is_responding(case: Case, req: Request) -> str | None:
    if req.body in case.responding_bodies:
        return None
    return (
        f"{req.body} is not a responding body (expected one of {', '.join(case.responding_bodies)})"
    )


def _answer_given(case: Case, req: Request) -> str | None:
    if req.answer is not None and req.answer.given:
        return None
    return "a response needs a text, or 'not applicable' with a reason"


def _has_actions(case: Case, req: Request) -> str | None:
    return None if req.actions else "a plan needs at least one action"


def _actions_owned_and_dated(case: Case, req: Request) -> str | None:
    bad = [a.number for a in req.actions if a.owner is None or a.target is None]
    return f"action(s) {_nums(bad)} lack an owner or a target date" if bad else None


def _action_owners_active(case: Case, req: Request) -> str | None:
    # Work already done may have been done by someone who has left since.
    gone = [f"{a.number} ({a.owner})" for a in req.actions if not a.owner_active and not a.done]
    return f"action(s) {', '.join(gone)} are owned by someone no longer active" if gone else None


def _targets_in_future(case: Case, req: Request) -> str | None:
    """An open action's target lies ahead; an action already done was done by today (its
    target, met or not, may lie in the past)."""
    ahead = [a.number for a in req.actions if a.done_on is not None and a.done_on > req.today]
    if ahead:
        return f"action(s) {_nums(ahead)} are recorded as done on a day after today ({req.today})"
    bad = [
        a.number
        for a in req.actions
        if not a.done and a.target is not None and a.target <= req.today
    ]
    return f"action(s) {_nums(bad)} have a target date not after {req.today}" if bad else None


def _targets_within_horizon(case: Case, req: Request) -> str | None:
    limit = req.today + timedelta(days=req.horizon_days)
    bad = [a.number for a in req.actions if a.target is not None and a.target > limit]
    if bad:
        return f"action(s) {_nums(bad)} have a target date after the planning horizon ({limit})"
    return None


def _note_given(case: Case, req: Request) -> str | None:
    return "an update needs a note" if _blank(req.note) else None


def _actions_closed(case: Case, req: Request) -> str | None:
    open_ = [a.number for a in case.actions if not a.closed]
    return f"action(s) {_nums(open_)} are neither done nor dropped with a reason" if open_ else None


def _action_open(case: Case, req: Request) -> str | None:
    action = next((a for a in case.actions if a.number == req.action_number), None)
    if action is None:
        return f"there is no action {req.action_number}"
    if action.done:
        return f"action {action.number} is already done"
    if action.dropped_reason:
        return f"action {action.number} was dropped: {action.dropped_reason}"
    return None


def _degree_completely(case: Case, req: Request) -> str | None:
    if case.degree == "completely":
        return None
    return f"degree met is {case.degree}, not completely (record it with an update first)"


def _evidence_given(case: Case, req: Request) -> str | None:
    return "sign-off needs evidence" if _blank(req.evidence) else None


def _completion_from_in_progress_allowed(case: Case, req: Request) -> str | None:
    if case.complete_from_in_progress:
        return None
    return "this report's rules require the monitored state before completion"


def _successor_or_rationale(case: Case, req: Request) -> str | None:
    if req.successor or not _blank(req.rationale):
        return None
    return "name the successor recommendation or report, or record a rationale for dropping it"


def _successor_not_self(case: Case, req: Request) -> str | None:
    if req.successor is not None and req.successor == req.subject:
        return "a recommendation cannot supersede itself"
    return None


def _reason_given(case: Case, req: Request) -> str | None:
    return "a reason is required" if _blank(req.reason) else None


def _new_owner_active(case: Case, req: Request) -> str | None:
    if req.new_owner is not None and not req.new_owner.active:
        return f"{req.new_owner.email} is no longer active"
    return None


def _new_owner_differs(case: Case, req: Request) -> str | None:
    if req.new_owner is not None and req.new_owner.email == case.owner:
        return f"{case.owner} already owns it"
    return None


def _no_extension_pending(case: Case, req: Request) -> str | None:
    pending = case.pending_extension
    if pending is None:
        return None
    return f"an extension to {pending.to} asked by {pending.requested_by} awaits a decision"


def _revised_target_later(case: Case, req: Request) -> str | None:
    new = req.new_target
    if new is None or new <= req.today:
        return f"the revised target date must be after today ({req.today})"
    if case.target is not None and new <= case.target:
        return f"the revised target date must be later than the current target {case.target}"
    return None


def _revised_target_within_horizon(case: Case, req: Request) -> str | None:
    limit = req.today + timedelta(days=req.horizon_days)
    if req.new_target is not None and req.new_target > limit:
        return f"the revised target date is after the planning horizon ({limit})"
    return None


def _extension_pending(case: Case, req: Request) -> str | None:
    return None if case.pending_extension is not None else "no extension is awaiting a decision"


def _decider_not_requester(case: Case, req: Request) -> str | None:
    pending = case.pending_extension
    if pending is not None and pending.requested_by == req.actor.email:
        return "the person who asked for an extension cannot decide on it"
    return None


def _nums(numbers: list[int]) -> str:
    return ", ".join(str(n) for n in numbers)


_NO_ANSWER = Answer()

OWNER_ASSIGNED = Guard("owner_assigned", _owner_assigned)
EVERY_BODY_ANSWERED = Guard("every_body_answered", _every_body_answered)
BODY_IS_RESPONDING = Guard("body_is_responding", _body_is_responding)
ANSWER_GIVEN = Guard("answer_given", _answer_given)
HAS_ACTIONS = Guard("has_actions", _has_actions)
ACTIONS_OWNED_AND_DATED = Guard("actions_owned_and_dated", _actions_owned_and_dated)
ACTION_OWNERS_ACTIVE = Guard("action_owners_active", _action_owners_active)
TARGETS_IN_FUTURE = Guard("targets_in_future", _targets_in_future)
TARGETS_WITHIN_HORIZON = Guard("targets_within_horizon", _targets_within_horizon)
NOTE_GIVEN = Guard("note_given", _note_given)
ACTIONS_CLOSED = Guard("actions_closed", _actions_closed, on_case=True)
ACTION_OPEN = Guard("action_open", _action_open)
DEGREE_COMPLETELY = Guard("degree_completely", _degree_completely, on_case=True)
EVIDENCE_GIVEN = Guard("evidence_given", _evidence_given)
COMPLETION_FROM_IN_PROGRESS_ALLOWED = Guard(
    "completion_from_in_progress_allowed", _completion_from_in_progress_allowed, on_case=True
)
SUCCESSOR_OR_RATIONALE = Guard("successor_or_rationale", _successor_or_rationale)
SUCCESSOR_NOT_SELF = Guard("successor_not_self", _successor_not_self)
REASON_GIVEN = Guard("reason_given", _reason_given)
NEW_OWNER_ACTIVE = Guard("new_owner_active", _new_owner_active)
NEW_OWNER_DIFFERS = Guard("new_owner_differs", _new_owner_differs)
NO_EXTENSION_PENDING = Guard("no_extension_pending", _no_extension_pending, on_case=True)
REVISED_TARGET_LATER = Guard("revised_target_later", _revised_target_later)
REVISED_TARGET_WITHIN_HORIZON = Guard(
    "revised_target_within_horizon", _revised_target_within_horizon
)
EXTENSION_PENDING = Guard("extension_pending", _extension_pending, on_case=True)
DECIDER_NOT_REQUESTER = Guard("decider_not_requester", _decider_not_requester, on_case=True)
