"""The forms of a recommendation's page: each reads its fields and calls the service layer,
which alone decides (permission, state, guards). A form's name is its address
(`/recs/KEY/REF/<form>`) and the event it fires."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from workflow.chasing.escalations import escalate
from workflow.clock import parse_day
from workflow.directory.decisions import BadDecision, add_decision
from workflow.errors import BadInput, UnknownCommittee, UnknownPerson
from workflow.lifecycle import service as svc
from workflow.lifecycle.evidence import StoredFile
from workflow.lifecycle.plans import PlannedAction, parse_money, record_cost
from workflow.store.uow import UnitOfWork

Fields = dict[str, str]
PLAN_ROWS = 5
PLAN_EXTRAS = ("target", "done", "measure", "cost_estimate", "benefit")
"""The fields of a plan form's row besides what is done and by whom."""


@dataclass(frozen=True, slots=True)
class Submission:
    """What a form sent: its fields, the version the page showed, a file if one came."""

    fields: Fields
    version: int | None
    file: StoredFile | None = None


class FieldError(BadInput):
    """Bad input in one field of a form: the page links its message to that field."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(message)


def _need(fields: Fields, name: str, message: str) -> str:
    value = fields.get(name, "").strip()
    if not value:
        raise FieldError(name, message)
    return value


def _day(fields: Fields, name: str, what: str) -> date:
    value = _need(fields, name, f"Enter {what}")
    try:
        return parse_day(value, what)
    except BadInput as exc:
        raise FieldError(name, str(exc)) from None


def _update(uow: UnitOfWork, code: str, actor: str, s: Submission) -> None:
    note = _need(s.fields, "note", "Enter a progress note")
    degree = s.fields.get("degree") or None
    if degree == s.fields.get("degree_was"):
        degree = None  # unchanged: recording it again would make the writer its recorder
    svc.record_update(
        uow, code, actor, note=note, degree=degree, evidence_file=s.file, expected_version=s.version
    )


def _respond(uow: UnitOfWork, code: str, actor: str, s: Submission) -> None:
    body = _need(s.fields, "body", "Say which body responds")
    complete = bool(s.fields.get("considered_complete"))
    if s.fields.get("not_applicable"):
        if complete:
            raise FieldError(
                "considered_complete",
                "A recommendation that does not apply cannot be considered complete: "
                "untick one of the two",
            )
        reason = _need(s.fields, "reason", "Enter why the recommendation does not apply")
        svc.respond(uow, code, actor, body=body, not_applicable=reason, expected_version=s.version)
    else:
        text = _need(s.fields, "response", "Enter the response, or tick Not applicable")
        svc.respond(
            uow,
            code,
            actor,
            body=body,
            text=text,
            considered_complete=complete,
            expected_version=s.version,
        )


def _money(fields: Fields, name: str, what: str) -> Decimal | None:
    """An amount in pounds from a field (None when left empty), such as 1234.50 or £1,234.50."""
    given = fields.get(name, "").strip()
    if not given:
        return None
    try:
        return parse_money(given, what)
    except BadInput as exc:
        raise FieldError(name, str(exc)) from None


def _plan_row(f: Fields, n: int, today: date) -> PlannedAction | None:
    """Row `n` of the plan form as an action, or None when it was left empty."""
    text, owner = f.get(f"text_{n}", "").strip(), f.get(f"owner_{n}", "").strip()
    given = {k: f.get(f"{k}_{n}", "").strip() for k in PLAN_EXTRAS}
    if not (text or any(given.values())):
        return None  # the owner alone is chosen for every row in advance: it does not count
    if not text:
        raise FieldError(f"text_{n}", f"Action {n}: say what will be done")
    if not owner:
        raise FieldError(f"owner_{n}", f"Action {n}: choose its owner")
    done = _day(f, f"done_{n}", f"the day action {n} was done") if given["done"] else None
    if done is not None and done > today:
        raise FieldError(
            f"done_{n}", f"Action {n}: work already done was done by today ({today:%d/%m/%Y})"
        )
    if given["target"]:
        target = _day(f, f"target_{n}", f"action {n}'s target date")
    elif done is not None:
        target = done  # done already: its target is the day it was done
    else:
        raise FieldError(
            f"target_{n}", f"Action {n}: enter its target date, or the day it was done"
        )
    return PlannedAction(
        text,
        owner.lower(),
        target,
        measure=given["measure"] or None,
        cost_estimate=_money(f, f"cost_estimate_{n}", f"Action {n}: estimated cost"),
        benefit=given["benefit"] or None,
        done=done,
    )


def _plan(uow: UnitOfWork, code: str, actor: str, s: Submission) -> None:
    today = uow.clock.today()
    rows = (_plan_row(s.fields, n, today) for n in range(1, PLAN_ROWS + 1))
    actions = [a for a in rows if a is not None]
    if not actions:
        raise FieldError("text_1", "Enter at least one action")
    svc.plan(uow, code, actor, actions=actions, expected_version=s.version)


def _start(uow: UnitOfWork, code: str, actor: str, s: Submission) -> None:
    svc.start(uow, code, actor, note=s.fields.get("note") or None, expected_version=s.version)


def _monitor(uow: UnitOfWork, code: str, actor: str, s: Submission) -> None:
    svc.monitor(uow, code, actor, note=s.fields.get("note") or None, expected_version=s.version)


def _number(s: Submission) -> int:
    try:
        return int(s.fields.get("number", ""))
    except ValueError:
        raise BadInput("no such action") from None


def _action_done(uow: UnitOfWork, code: str, actor: str, s: Submission) -> None:
    svc.close_action(uow, code, actor, number=_number(s), expected_version=s.version)


def _action_drop(uow: UnitOfWork, code: str, actor: str, s: Submission) -> None:
    number = _number(s)
    reason = _need(s.fields, "reason", "Enter why the action is dropped")
    svc.close_action(
        uow, code, actor, number=number, dropped_reason=reason, expected_version=s.version
    )


def _action_cost(uow: UnitOfWork, code: str, actor: str, s: Submission) -> None:
    number = _number(s)
    amount = _money(s.fields, "actual", f"Action {number}: actual cost")
    if amount is None:
        raise FieldError("actual", f"Enter what action {number} actually cost, such as 1234.50")
    record_cost(uow, code, actor, number=number, actual=amount, expected_version=s.version)


def _extend(uow: UnitOfWork, code: str, actor: str, s: Submission) -> None:
    to = _day(s.fields, "to", "the new target date")
    reason = _need(s.fields, "reason", "Enter why more time is needed")
    svc.request_extension(uow, code, actor, to=to, reason=reason, expected_version=s.version)


def _approve(uow: UnitOfWork, code: str, actor: str, s: Submission) -> None:
    svc.decide_extension(uow, code, actor, approve=True, expected_version=s.version)


def _reject(uow: UnitOfWork, code: str, actor: str, s: Submission) -> None:
    reason = _need(s.fields, "reason", "Enter why the extension is rejected")
    svc.decide_extension(uow, code, actor, approve=False, reason=reason, expected_version=s.version)


def _escalate(uow: UnitOfWork, code: str, actor: str, s: Submission) -> None:
    reason = _need(s.fields, "reason", "Enter why it is escalated")
    escalate(uow, code, actor, reason=reason, expected_version=s.version)


def _reassign(uow: UnitOfWork, code: str, actor: str, s: Submission) -> None:
    owner = _need(s.fields, "owner", "Choose the new owner")
    svc.reassign(uow, code, actor, owner=owner, expected_version=s.version)


def _supersede(uow: UnitOfWork, code: str, actor: str, s: Submission) -> None:
    by = s.fields.get("by", "").strip() or None
    rationale = s.fields.get("rationale", "").strip() or None
    if by is None and rationale is None:
        raise FieldError("by", "Name the recommendation that supersedes it, or give a rationale")
    svc.supersede(uow, code, actor, by=by, rationale=rationale, expected_version=s.version)


def _reopen(uow: UnitOfWork, code: str, actor: str, s: Submission) -> None:
    reason = _need(s.fields, "reason", "Enter why it is reopened")
    svc.reopen(uow, code, actor, reason=reason, expected_version=s.version)


def _complete(uow: UnitOfWork, code: str, actor: str, s: Submission) -> None:
    evidence = _need(s.fields, "evidence", "Enter the evidence that it is complete")
    svc.complete(uow, code, actor, evidence=evidence, expected_version=s.version)


def _decision(uow: UnitOfWork, code: str, actor: str, s: Submission) -> None:
    """What a committee decided about this recommendation; the service checks the rest and
    names the field at fault, which the page then points at."""
    committee = _need(s.fields, "committee", "Choose the committee that decided")
    meeting = _day(s.fields, "meeting", "the day of the meeting")
    text = _need(s.fields, "text", "Enter what was decided")
    owner = _need(s.fields, "owner", "Choose who is to carry it out")
    due = _day(s.fields, "due", "the date it is due")
    try:
        add_decision(
            uow, committee, meeting=meeting, rec=code, text=text, owner=owner, due=due, actor=actor
        )
    except BadDecision as exc:
        raise FieldError(exc.field, _sentence(str(exc))) from None
    except UnknownCommittee:
        raise FieldError("committee", f"There is no committee {committee!r}") from None
    except UnknownPerson:
        raise FieldError("owner", f"There is nobody with the email {owner}") from None


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


Handler = Callable[[UnitOfWork, str, str, Submission], None]

# form -> (the event it fires, what it does, what the page then says)
FORMS: dict[str, tuple[str, Handler, str]] = {
    "update": ("update", _update, "Your progress update has been recorded."),
    "respond": ("record_response", _respond, "The response has been recorded."),
    "plan": ("plan", _plan, "The implementation plan has been recorded."),
    "start": ("start", _start, "Work has started."),
    "monitor": ("monitor", _monitor, "It is now monitored."),
    "action-done": ("action_done", _action_done, "The action is done."),
    "action-drop": ("action_drop", _action_drop, "The action is dropped."),
    "action-cost": ("action_cost", _action_cost, "The action's actual cost is recorded."),
    "extend": ("extend", _extend, "Your request for more time awaits a decision."),
    "approve-extension": ("approve_extension", _approve, "The extension is approved."),
    "reject-extension": ("reject_extension", _reject, "The extension is rejected."),
    "escalate": ("escalate", _escalate, "It has been escalated; the Board has been told."),
    "reassign": ("reassign", _reassign, "It has a new owner; both owners have been told."),
    "supersede": ("supersede", _supersede, "It is superseded."),
    "reopen": ("reopen", _reopen, "It is reopened."),
    "complete": ("complete", _complete, "It is signed off as complete."),
    "decision": ("decision.add", _decision, "The committee's decision is recorded."),
}

# Which field a guard's refusal is about, so the error summary can link to it.
GUARD_FIELD = {
    "note_given": "note",
    "answer_given": "response",
    "has_actions": "text_1",
    "actions_owned_and_dated": "owner_1",
    "action_owners_active": "owner_1",
    "targets_in_future": "target_1",
    "targets_within_horizon": "target_1",
    "reason_given": "reason",
    "new_owner_active": "owner",
    "new_owner_differs": "owner",
    "revised_target_later": "to",
    "revised_target_within_horizon": "to",
    "evidence_given": "evidence",
    "successor_or_rationale": "by",
    "successor_not_self": "by",
}
