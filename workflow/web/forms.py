"""The forms of a recommendation's page: each reads its fields and calls the service layer,
which alone decides (permission, state, guards). A form's name is its address
(`/recs/KEY/REF/<form>`) and the event it fires."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from workflow.chasing.escalations import escalate
from workflow.clock import parse_day
from workflow.errors import BadInput
from workflow.lifecycle import service as svc
from workflow.lifecycle.evidence import StoredFile
from workflow.store.uow import UnitOfWork

Fields = dict[str, str]
PLAN_ROWS = 5


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
    if s.fields.get("not_applicable"):
        reason = _need(s.fields, "reason", "Enter why the recommendation does not apply")
        svc.respond(uow, code, actor, body=body, not_applicable=reason, expected_version=s.version)
    else:
        text = _need(s.fields, "response", "Enter the response, or tick Not applicable")
        svc.respond(uow, code, actor, body=body, text=text, expected_version=s.version)


def _plan(uow: UnitOfWork, code: str, actor: str, s: Submission) -> None:
    actions = []
    for n in range(1, PLAN_ROWS + 1):
        text, owner = s.fields.get(f"text_{n}", "").strip(), s.fields.get(f"owner_{n}", "")
        target = s.fields.get(f"target_{n}", "").strip()
        if not (text or target):
            continue
        if not text:
            raise FieldError(f"text_{n}", f"Action {n}: say what will be done")
        if not owner:
            raise FieldError(f"owner_{n}", f"Action {n}: choose its owner")
        actions.append(
            (text, owner.lower(), _day(s.fields, f"target_{n}", f"action {n}'s target date"))
        )
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
    "extend": ("extend", _extend, "Your request for more time awaits a decision."),
    "approve-extension": ("approve_extension", _approve, "The extension is approved."),
    "reject-extension": ("reject_extension", _reject, "The extension is rejected."),
    "escalate": ("escalate", _escalate, "It has been escalated; the Board has been told."),
    "reassign": ("reassign", _reassign, "It has a new owner; both owners have been told."),
    "supersede": ("supersede", _supersede, "It is superseded."),
    "reopen": ("reopen", _reopen, "It is reopened."),
    "complete": ("complete", _complete, "It is signed off as complete."),
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
