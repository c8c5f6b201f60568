"""The owner's path through the lifecycle: respond, plan, start, report progress, close the
plan's actions, ask for more time, hand over for monitoring.

Each function is one event in one transaction (`fire_event`); after the recommendation and
the actor, every parameter is keyword-only.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import insert, update

from states import DEGREES, ActionFacts, Answer, Case, Request
from workflow.directory.people import Person, get_person
from workflow.errors import BadInput
from workflow.lifecycle import facts
from workflow.lifecycle.evidence import StoredFile
from workflow.lifecycle.plans import PlannedAction, done_instant
from workflow.lifecycle.plans import parse_action as parse_action  # re-exported
from workflow.lifecycle.transition import (
    Apply,
    Effect,
    Loaded,
    Outcome,
    fire_event,
    transition,
    with_retries,
)
from workflow.store.access import evidence_file as evidence_file_table
from workflow.store.prepared import Prepared
from workflow.store.tables import action, extension, progress_update, response
from workflow.store.uow import Tx, UnitOfWork

_INSERT_UPDATE = Prepared(
    insert(progress_update),
    column_keys=["rec_id", "at", "author_email", "note", "degree", "evidence"],
)


def check_degree(degree: str | None) -> str | None:
    """`degree` if it is one of the degrees met, else BadInput."""
    if degree is not None and degree not in DEGREES:
        raise BadInput(f"unknown degree {degree!r} (known: {', '.join(DEGREES)})")
    return degree


def respond(
    uow: UnitOfWork,
    code: str,
    actor: str,
    *,
    body: str,
    text: str | None = None,
    not_applicable: str | None = None,
    considered_complete: bool = False,
    expected_version: int | None = None,
) -> list[Outcome]:
    """Record one responding body's response; once every body has answered, move to responded.
    `considered_complete`: the body's verdict, "This recommendation is considered complete"."""
    answer = _answer(text, not_applicable, considered_complete)
    all_answered = False

    def store(tx: Tx, rec: Loaded, case: Case, req: Request) -> Effect:
        values = {
            "text": text,
            "not_applicable_reason": not_applicable,
            "by_email": req.actor.email,
            "at": tx.now,
            "considered_complete": considered_complete,
        }
        done = tx.conn.execute(
            update(response)
            .where(response.c.rec_id == rec.id, response.c.body == body)
            .values(**values)
        )
        if done.rowcount == 0:
            tx.conn.execute(insert(response).values(rec_id=rec.id, body=body, **values))
        case.answers[body] = answer
        nonlocal all_answered
        all_answered = set(case.responding_bodies) <= set(case.answers)
        said = f"not applicable: {not_applicable}" if not_applicable else "response recorded"
        if considered_complete:  # the trail says so only when the body does
            said += "; considered complete"
        else:
            del values["considered_complete"]
        return Effect(details={"response": {"body": body, **values}}, note=f"{body}: {said}")

    def fire(tx: Tx) -> list[Outcome]:
        first = transition(
            tx,
            code,
            "record_response",
            actor,
            expected_version=expected_version,
            facts=(facts.answers,),
            apply=store,
            body=body,
            answer=answer,
        )
        outcomes = [first]
        # The transition loaded the bodies and their answers already: no need to ask again.
        if all_answered:
            outcomes.append(transition(tx, code, "respond", actor, facts=(facts.answers,)))
        return outcomes

    return with_retries(uow, code, fire, pinned=expected_version is not None)


def _answer(text: str | None, not_applicable: str | None, considered_complete: bool) -> Answer:
    if (text is None) == (not_applicable is None):
        raise BadInput("give either a response text or a 'not applicable' reason")
    if considered_complete and not_applicable is not None:
        raise BadInput("a recommendation that does not apply cannot be considered complete")
    return Answer(text=text, not_applicable_reason=not_applicable)


def plan(
    uow: UnitOfWork,
    code: str,
    actor: str,
    *,
    actions: Sequence[PlannedAction | tuple[str, str, date]],
    expected_version: int | None = None,
) -> Outcome:
    """Agree the implementation plan: its actions, each with an owner and a target date, and
    perhaps a measure, an estimated cost and benefit, or the day it was already done."""
    given = [PlannedAction(*a) for a in actions]

    def fire(tx: Tx) -> Outcome:
        owners = [get_person(tx.conn, a.owner) for a in given]
        planned = tuple(
            ActionFacts(
                n,
                who.email,
                a.target,
                done=a.done is not None,
                owner_active=who.active,
                done_on=a.done,
            )
            for n, (who, a) in enumerate(zip(owners, given, strict=True), start=1)
        )
        return transition(
            tx,
            code,
            "plan",
            actor,
            expected_version=expected_version,
            apply=_store_plan(given, owners),
            actions=planned,
        )

    return with_retries(uow, code, fire, pinned=expected_version is not None)


def _store_plan(actions: list[PlannedAction], owners: list[Person]) -> Apply:
    """How a plan is kept: its actions (those already done, as done on their day), and the
    plan's target (its latest action's)."""

    def store(tx: Tx, rec: Loaded, case: Case, req: Request) -> Effect:
        rows = [
            {
                "rec_id": rec.id,
                "number": n,
                "text": a.text,
                "owner_id": who.id,
                "target_date": a.target,
                "target_assumed": a.target_assumed,
                "measure": a.measure,
                "cost_estimate": a.cost_estimate,
                "benefit_estimate": a.benefit,
                "done_at": done_instant(tx, a.done) if a.done is not None else None,
            }
            for n, (who, a) in enumerate(zip(owners, actions, strict=True), start=1)
        ]
        tx.conn.execute(insert(action), rows)
        target = max(a.target for a in actions)
        # The plan's target is assumed if an action that sets it has an assumed target.
        assumed = any(a.target_assumed for a in actions if a.target == target)
        pairs = zip(actions, owners, strict=True)
        shown = [_shown(n, a, who) for n, (a, who) in enumerate(pairs, start=1)]
        return Effect(
            columns={
                "target_date": target,
                "original_target_date": target,
                "target_assumed": assumed,
            },
            details={"actions": shown},
        )

    return store


def _shown(number: int, a: PlannedAction, who: Person) -> dict[str, Any]:
    """An action as the trail records it: the optional parts only where given."""
    shown: dict[str, Any] = {"number": number, "text": a.text, "owner": who.email}
    shown["target"] = a.target
    if a.target_assumed:
        shown["target_assumed"] = True
    extra = {"measure": a.measure, "cost_estimate": a.cost_estimate, "benefit": a.benefit}
    shown.update((k, v) for k, v in extra.items() if v is not None)
    if a.done is not None:
        shown["done"] = a.done
    return shown


def start(
    uow: UnitOfWork,
    code: str,
    actor: str,
    *,
    note: str | None = None,
    expected_version: int | None = None,
) -> Outcome:
    """Implementation has begun."""
    return fire_event(uow, code, "start", actor, expected_version=expected_version, note=note)


def monitor(
    uow: UnitOfWork,
    code: str,
    actor: str,
    *,
    note: str | None = None,
    expected_version: int | None = None,
) -> Outcome:
    """Every action is closed: the recommendation is now watched for its effect."""
    return fire_event(
        uow,
        code,
        "monitor",
        actor,
        expected_version=expected_version,
        facts=(facts.actions,),
        note=note,
    )


def record_update(
    uow: UnitOfWork,
    code: str,
    actor: str,
    *,
    note: str,
    degree: str | None = None,
    evidence: str | None = None,
    evidence_file: StoredFile | None = None,
    expected_version: int | None = None,
) -> Outcome:
    """A progress update from the owner: resets the update clock, may record the degree met
    and evidence (said in words, or a file already kept, whose hash the trail records)."""
    check_degree(degree)

    def store(tx: Tx, rec: Loaded, case: Case, req: Request) -> Effect:
        values = {
            "rec_id": rec.id,
            "at": tx.now,
            "author_email": req.actor.email,
            "note": note,
            "degree": degree,
            "evidence": evidence,
        }
        details: dict[str, Any] = {"evidence": evidence} if evidence else {}
        if evidence_file is None:
            _INSERT_UPDATE.execute(tx.conn, values)
        else:
            details["evidence_file"] = _keep_file(tx, rec, values, evidence_file)
        columns: dict[str, Any] = {"last_update_at": tx.now}
        if degree is not None:
            columns["degree"] = degree
        return Effect(columns=columns, details=details)

    return fire_event(
        uow,
        code,
        "update",
        actor,
        expected_version=expected_version,
        apply=store,
        note=note,
        degree=degree,
    )


def _keep_file(tx: Tx, rec: Loaded, update: dict[str, Any], kept: StoredFile) -> dict[str, Any]:
    """Record the update, and beside it the file it brought; what the trail says of it."""
    update_id = tx.conn.execute(
        insert(progress_update).values(**update).returning(progress_update.c.id)
    ).scalar_one()
    tx.conn.execute(
        insert(evidence_file_table).values(
            rec_id=rec.id,
            update_id=update_id,
            sha256=kept.sha256,
            filename=kept.filename,
            media_type=kept.media_type,
            size=kept.size,
            uploaded_by=update["author_email"],
            uploaded_at=tx.now,
        )
    )
    return {
        "sha256": kept.sha256,
        "name": kept.filename,
        "type": kept.media_type,
        "size": kept.size,
    }


def close_action(
    uow: UnitOfWork,
    code: str,
    actor: str,
    *,
    number: int,
    dropped_reason: str | None = None,
    expected_version: int | None = None,
) -> Outcome:
    """Mark action `number` done, or dropped with a reason."""
    event = "action_done" if dropped_reason is None else "action_drop"

    def store(tx: Tx, rec: Loaded, case: Case, req: Request) -> Effect:
        values: dict[str, Any] = (
            {"done_at": tx.now} if dropped_reason is None else {"dropped_reason": dropped_reason}
        )
        tx.conn.execute(
            update(action)
            .where(action.c.rec_id == rec.id, action.c.number == number)
            .values(**values)
        )
        what = "done" if dropped_reason is None else f"dropped: {dropped_reason}"
        return Effect(details={"action": number, **values}, note=f"action {number} {what}")

    return fire_event(
        uow,
        code,
        event,
        actor,
        expected_version=expected_version,
        facts=(facts.actions,),
        apply=store,
        action_number=number,
        reason=dropped_reason,
    )


def request_extension(
    uow: UnitOfWork,
    code: str,
    actor: str,
    *,
    to: date,
    reason: str,
    expected_version: int | None = None,
) -> Outcome:
    """Ask for a revised target date; it applies only once an ilau or board member approves."""

    def store(tx: Tx, rec: Loaded, case: Case, req: Request) -> Effect:
        tx.conn.execute(
            insert(extension).values(
                rec_id=rec.id,
                requested_by=req.actor.email,
                requested_at=tx.now,
                from_date=case.target,
                to_date=to,
                reason=reason,
                status="pending",
            )
        )
        return Effect(details={"extension": {"from": case.target, "to": to, "status": "pending"}})

    return fire_event(
        uow,
        code,
        "extend",
        actor,
        expected_version=expected_version,
        facts=(facts.pending_extension,),
        apply=store,
        new_target=to,
        reason=reason,
    )
