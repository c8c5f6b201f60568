"""The service layer for recommendations: one function per operation, each one transaction."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from sqlalchemy import and_, insert, select, update

from states import DEGREES, ActionFacts, Actor, Answer, Case, PendingExtension, Request, authorise
from workflow.chasing.sweep import tell_ilau_of_unowned
from workflow.directory.people import get_person
from workflow.errors import AlreadyExists, BadInput, UnknownReport
from workflow.lifecycle.due import Due, after_event
from workflow.lifecycle.transition import Effect, Loaded, Outcome, transition
from workflow.mail.compose import reassign_notices, signoff_notice
from workflow.mail.outbox import enqueue
from workflow.store.prepared import Prepared
from workflow.store.tables import (
    action,
    extension,
    person,
    progress_update,
    rec_link,
    recommendation,
    report,
    response,
)
from workflow.store.uow import Tx, UnitOfWork

CODE = re.compile(r"^(?P<report>[A-Za-z0-9][A-Za-z0-9._-]*)/(?P<ref>[A-Za-z0-9][A-Za-z0-9._-]*)$")
_INSERT_UPDATE = Prepared(
    insert(progress_update),
    column_keys=["rec_id", "at", "author_email", "note", "degree", "evidence"],
)


def split_code(code: str) -> tuple[str, str]:
    """`REPORT_KEY/REF` as its two parts; BadInput if it is not shaped like one."""
    m = CODE.match(code.strip())
    if not m:
        raise BadInput(f"not a recommendation id (REPORT_KEY/REF): {code!r}")
    return m["report"], m["ref"]


def check_degree(degree: str | None) -> str | None:
    if degree is not None and degree not in DEGREES:
        raise BadInput(f"unknown degree {degree!r} (known: {', '.join(DEGREES)})")
    return degree


def _subject_and_text(tx: Tx, rec_id: int) -> tuple[str | None, str]:
    row = tx.conn.execute(
        select(recommendation.c.subject, recommendation.c.text).where(recommendation.c.id == rec_id)
    ).one()
    return row.subject, row.text


# --- facts the guards of some events need ----------------------------------------------------


def _answers(tx: Tx, rec: Loaded, case: Case) -> None:
    rows = tx.conn.execute(
        select(response.c.body, response.c.text, response.c.not_applicable_reason).where(
            response.c.rec_id == rec.id
        )
    )
    case.answers = {b: Answer(t, na) for b, t, na in rows}


def _actions(tx: Tx, rec: Loaded, case: Case) -> None:
    rows = tx.conn.execute(
        select(
            action.c.number,
            person.c.email,
            action.c.target_date,
            action.c.done_at,
            action.c.dropped_reason,
        )
        .join(person, person.c.id == action.c.owner_id)
        .where(action.c.rec_id == rec.id)
        .order_by(action.c.number)
    )
    case.actions = tuple(ActionFacts(n, o, t, d is not None, dr) for n, o, t, d, dr in rows)


def _pending_extension(tx: Tx, rec: Loaded, case: Case) -> None:
    row = tx.conn.execute(
        select(extension.c.requested_by, extension.c.to_date, extension.c.reason).where(
            extension.c.rec_id == rec.id, extension.c.status == "pending"
        )
    ).first()
    case.pending_extension = PendingExtension(*row) if row else None


# --- creating recommendations ----------------------------------------------------------------


def new_recommendation_row(
    tx: Tx,
    report_id: int,
    kind: str,
    code: str,
    ref: str,
    text: str,
    paragraph: str | None,
    statutory: bool,
    owner_id: int | None,
    subject: str | None = None,
) -> dict[str, Any]:
    """The row of a newly raised recommendation, due dates included."""
    rule = tx.rules.for_recommendation(kind, statutory)
    due = after_event("raise", "raised", Due(), None, tx.today, rule)
    return {
        "report_id": report_id,
        "ref": ref,
        "code": code,
        "subject": subject,
        "text": text,
        "paragraph": paragraph,
        "statutory": statutory,
        "owner_id": owner_id,
        "state": "raised",
        "degree": "none",
        "version": 1,
        "raised_at": tx.now,
        "state_changed_at": tx.now,
        "response_due": due.response,
        "plan_due": None,
        "update_due": None,
        "target_date": None,
        "original_target_date": None,
        "next_due": due.next,
    }


def audit_raise(
    tx: Tx, actor: str, row: dict[str, Any], report_key: str, owner: str | None
) -> None:
    tx.audit.append(
        actor=actor,
        event="raise",
        rec=row["code"],
        report=report_key,
        to_state="raised",
        changes={
            "text": row["text"],
            "paragraph": row["paragraph"],
            "statutory": row["statutory"],
            "owner": owner,
            "subject": row["subject"],
            "degree": "none",
            "response_due": row["response_due"],
            "next_due": row["next_due"],
        },
    )


def raise_recommendation(
    uow: UnitOfWork,
    code: str,
    text: str,
    actor: str,
    owner: str | None = None,
    paragraph: str | None = None,
    statutory: bool = False,
    subject: str | None = None,
) -> Outcome:
    """Record a new recommendation of a known report, in state raised."""
    report_key, ref = split_code(code)
    if not text.strip():
        raise BadInput("a recommendation needs its text")
    with uow.write() as tx:
        who = get_person(tx.conn, actor)
        authorise("raise", None, who.actor)
        rep = tx.conn.execute(
            select(report.c.id, report.c.kind).where(report.c.key == report_key)
        ).first()
        if rep is None:
            raise UnknownReport(report_key)
        code = f"{report_key}/{ref}"
        exists = tx.conn.execute(
            select(recommendation.c.id).where(recommendation.c.code == code)
        ).first()
        if exists:
            raise AlreadyExists(f"{code} already exists")
        owner_id = None
        if owner is not None:
            found = get_person(tx.conn, owner)
            if not found.active:
                raise BadInput(f"{found.email} is not active and cannot own a recommendation")
            owner, owner_id = found.email, found.id
        row = new_recommendation_row(
            tx, rep.id, rep.kind, code, ref, text.strip(), paragraph, statutory, owner_id, subject
        )
        tx.conn.execute(insert(recommendation).values(**row))
        audit_raise(tx, who.email, row, report_key, owner)
        if owner is None:
            tell_ilau_of_unowned(tx)
        return Outcome(code, "raise", "", "raised", 1)


# --- the events ------------------------------------------------------------------------------


def respond(
    uow: UnitOfWork,
    code: str,
    actor: str,
    body: str,
    text: str | None = None,
    not_applicable: str | None = None,
    expected_version: int | None = None,
) -> list[Outcome]:
    """Record one responding body's response; once every body has answered, move to responded."""
    if (text is None) == (not_applicable is None):
        raise BadInput("give either a response text or a 'not applicable' reason")
    answer = Answer(text=text, not_applicable_reason=not_applicable)
    all_answered = False

    def store(tx: Tx, rec: Loaded, case: Case, req: Request) -> Effect:
        values = {
            "text": text,
            "not_applicable_reason": not_applicable,
            "by_email": req.actor.email,
            "at": tx.now,
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
        return Effect(
            details={"response": {"body": body, **values}},
            note=f"{body}: "
            + (f"not applicable: {not_applicable}" if not_applicable else "response recorded"),
        )

    with uow.write() as tx:
        first = transition(
            tx,
            code,
            "record_response",
            actor,
            expected_version=expected_version,
            facts=(_answers,),
            apply=store,
            body=body,
            answer=answer,
        )
        outcomes = [first]
        # The transition loaded the bodies and their answers already: no need to ask again.
        if all_answered:
            outcomes.append(transition(tx, code, "respond", actor, facts=(_answers,)))
        return outcomes


def parse_action(spec: str, number: int) -> tuple[str, str, date]:
    """An action given as "TEXT|OWNER_EMAIL|YYYY-MM-DD"."""
    parts = spec.rsplit("|", 2)
    if len(parts) != 3 or not parts[0].strip():
        raise BadInput(f'action {number}: expected "TEXT|OWNER_EMAIL|YYYY-MM-DD", got {spec!r}')
    text, owner, target = (p.strip() for p in parts)
    try:
        day = date.fromisoformat(target)
    except ValueError:
        raise BadInput(f"action {number}: not a date (YYYY-MM-DD): {target!r}") from None
    return text, owner.lower(), day


def plan(
    uow: UnitOfWork,
    code: str,
    actor: str,
    actions: list[tuple[str, str, date]],
    expected_version: int | None = None,
) -> Outcome:
    """Agree the implementation plan: its actions, each with an owner and a target date."""
    with uow.write() as tx:
        owners: dict[str, int] = {}
        facts = []
        for number, (_, owner, target) in enumerate(actions, start=1):
            found = get_person(tx.conn, owner)
            owners[found.email] = found.id
            facts.append(ActionFacts(number, found.email, target))

        def store(tx: Tx, rec: Loaded, case: Case, req: Request) -> Effect:
            rows = [
                {
                    "rec_id": rec.id,
                    "number": n,
                    "text": text,
                    "owner_id": owners[owner],
                    "target_date": target,
                }
                for n, (text, owner, target) in enumerate(actions, start=1)
            ]
            tx.conn.execute(insert(action), rows)
            target = max(a[2] for a in actions)
            return Effect(
                columns={"target_date": target, "original_target_date": target},
                details={
                    "actions": [
                        {
                            "number": r["number"],
                            "text": r["text"],
                            "owner": o,
                            "target": r["target_date"],
                        }
                        for r, (_, o, _) in zip(rows, actions, strict=True)
                    ]
                },
            )

        return transition(
            tx,
            code,
            "plan",
            actor,
            expected_version=expected_version,
            apply=store,
            actions=tuple(facts),
        )


def start(
    uow: UnitOfWork,
    code: str,
    actor: str,
    note: str | None = None,
    expected_version: int | None = None,
) -> Outcome:
    """Implementation has begun."""
    with uow.write() as tx:
        return transition(tx, code, "start", actor, expected_version=expected_version, note=note)


def monitor(
    uow: UnitOfWork,
    code: str,
    actor: str,
    note: str | None = None,
    expected_version: int | None = None,
) -> Outcome:
    """Every action is closed: the recommendation is now watched for its effect."""
    with uow.write() as tx:
        return transition(
            tx,
            code,
            "monitor",
            actor,
            expected_version=expected_version,
            facts=(_actions,),
            note=note,
        )


def record_update(
    uow: UnitOfWork,
    code: str,
    actor: str,
    note: str,
    degree: str | None = None,
    evidence: str | None = None,
    expected_version: int | None = None,
) -> Outcome:
    """A progress update from the owner: resets the update clock, may record the degree met."""
    check_degree(degree)

    def store(tx: Tx, rec: Loaded, case: Case, req: Request) -> Effect:
        _INSERT_UPDATE.execute(
            tx.conn,
            {
                "rec_id": rec.id,
                "at": tx.now,
                "author_email": req.actor.email,
                "note": note,
                "degree": degree,
                "evidence": evidence,
            },
        )
        columns: dict[str, Any] = {"last_update_at": tx.now}
        if degree is not None:
            columns["degree"] = degree
        return Effect(columns=columns, details={"evidence": evidence} if evidence else {})

    with uow.write() as tx:
        return transition(
            tx,
            code,
            "update",
            actor,
            expected_version=expected_version,
            apply=store,
            note=note,
            degree=degree,
        )


def close_action(
    uow: UnitOfWork,
    code: str,
    number: int,
    actor: str,
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
        return Effect(
            details={"action": number, **values},
            note=f"action {number} "
            + ("done" if dropped_reason is None else f"dropped: {dropped_reason}"),
        )

    with uow.write() as tx:
        return transition(
            tx,
            code,
            event,
            actor,
            expected_version=expected_version,
            facts=(_actions,),
            apply=store,
            action_number=number,
            reason=dropped_reason,
        )


def complete(
    uow: UnitOfWork, code: str, actor: str, evidence: str, expected_version: int | None = None
) -> Outcome:
    """Sign off a recommendation as completely met, on the evidence given."""

    def store(tx: Tx, rec: Loaded, case: Case, req: Request) -> Effect:
        if rec.owner is not None:
            owner = get_person(tx.conn, rec.owner)
            subject, _ = _subject_and_text(tx, rec.id)
            enqueue(
                tx,
                [
                    signoff_notice(
                        rec.code,
                        subject,
                        (owner.email, owner.name),
                        req.actor.email,
                        evidence,
                        tx.today,
                    )
                ],
            )
        return Effect(
            columns={
                "signed_off_by": req.actor.email,
                "signed_off_at": tx.now,
                "completion_evidence": evidence,
            },
            note=evidence,
        )

    with uow.write() as tx:
        return transition(
            tx,
            code,
            "complete",
            actor,
            expected_version=expected_version,
            apply=store,
            evidence=evidence,
        )


def supersede(
    uow: UnitOfWork,
    code: str,
    actor: str,
    by: str | None = None,
    by_report: str | None = None,
    rationale: str | None = None,
    expected_version: int | None = None,
) -> Outcome:
    """Close a recommendation as superseded by another one or a report, or dropped with reasons."""
    if sum(x is not None for x in (by, by_report, rationale)) != 1:
        raise BadInput(
            "name exactly one of: a successor recommendation, a successor report, or a rationale"
        )
    with uow.write() as tx:
        target_rec = target_report = None
        successor = None
        if by is not None:
            key, ref = split_code(by)
            successor = f"{key}/{ref}"
            target_rec = tx.conn.execute(
                select(recommendation.c.id).where(recommendation.c.code == successor)
            ).scalar()
            if target_rec is None:
                raise BadInput(f"no recommendation {successor} to supersede with")
        elif by_report is not None:
            successor = by_report
            target_report = tx.conn.execute(
                select(report.c.id).where(report.c.key == by_report)
            ).scalar()
            if target_report is None:
                raise UnknownReport(by_report)

        def store(tx: Tx, rec: Loaded, case: Case, req: Request) -> Effect:
            if successor is not None:
                tx.conn.execute(
                    insert(rec_link).values(
                        rec_id=rec.id,
                        kind="superseded_by",
                        target_rec_id=target_rec,
                        target_report_id=target_report,
                        note=rationale,
                    )
                )
            return Effect(
                columns={"closure_note": rationale},
                details={"superseded_by": successor},
                note=rationale or f"superseded by {successor}",
            )

        return transition(
            tx,
            code,
            "supersede",
            actor,
            expected_version=expected_version,
            apply=store,
            successor=successor,
            rationale=rationale,
        )


def reopen(
    uow: UnitOfWork, code: str, actor: str, reason: str, expected_version: int | None = None
) -> Outcome:
    """Bring a complete or superseded recommendation back into progress."""

    def store(tx: Tx, rec: Loaded, case: Case, req: Request) -> Effect:
        return Effect(
            columns={
                "signed_off_by": None,
                "signed_off_at": None,
                "completion_evidence": None,
                "closure_note": None,
            }
        )

    with uow.write() as tx:
        return transition(
            tx, code, "reopen", actor, expected_version=expected_version, apply=store, reason=reason
        )


def edit(
    uow: UnitOfWork,
    code: str,
    actor: str,
    text: str | None = None,
    paragraph: str | None = None,
    subject: str | None = None,
    statutory: bool | None = None,
    expected_version: int | None = None,
) -> Outcome:
    """Correct what was recorded of a recommendation (ilau or admin); the trail keeps both."""
    if text is not None and not text.strip():
        raise BadInput("a recommendation needs its text")
    wanted = {"text": text, "paragraph": paragraph, "subject": subject, "statutory": statutory}
    wanted = {k: v for k, v in wanted.items() if v is not None}
    if not wanted:
        raise BadInput("nothing to change: give --text, --paragraph, --subject or --statutory")

    def store(tx: Tx, rec: Loaded, case: Case, req: Request) -> Effect:
        old = tx.conn.execute(
            select(*(recommendation.c[k] for k in wanted)).where(recommendation.c.id == rec.id)
        ).one()
        changed = {k: [o, v] for (k, v), o in zip(wanted.items(), old, strict=True) if o != v}
        if not changed:
            raise BadInput(f"{rec.code} already says that")
        return Effect(
            columns={k: v for k, (_, v) in changed.items()},
            details=changed,
            note="corrected " + ", ".join(changed),
        )

    with uow.write() as tx:
        return transition(tx, code, "edit", actor, expected_version=expected_version, apply=store)


def reassign(
    uow: UnitOfWork, code: str, actor: str, owner: str, expected_version: int | None = None
) -> Outcome:
    """Give a recommendation to a new owner (the old and new owner are told, see notifications)."""
    with uow.write() as tx:
        new = get_person(tx.conn, owner)

        def store(tx: Tx, rec: Loaded, case: Case, req: Request) -> Effect:
            subject, text = _subject_and_text(tx, rec.id)
            old = get_person(tx.conn, rec.owner) if rec.owner else None
            enqueue(
                tx,
                reassign_notices(
                    rec.code,
                    subject,
                    text,
                    (old.email, old.name) if old else None,
                    (new.email, new.name),
                    req.actor.email,
                    tx.today,
                ),
            )
            return Effect(
                columns={"owner_id": new.id},
                details={"owner": [rec.owner, new.email]},
                note=f"owner {rec.owner or 'none'} -> {new.email}",
            )

        return transition(
            tx,
            code,
            "reassign",
            actor,
            expected_version=expected_version,
            apply=store,
            new_owner=Actor(new.email, frozenset(new.roles), new.active),
        )


def request_extension(
    uow: UnitOfWork,
    code: str,
    actor: str,
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

    with uow.write() as tx:
        return transition(
            tx,
            code,
            "extend",
            actor,
            expected_version=expected_version,
            facts=(_pending_extension,),
            apply=store,
            new_target=to,
            reason=reason,
        )


def decide_extension(
    uow: UnitOfWork,
    code: str,
    actor: str,
    approve: bool,
    reason: str | None = None,
    expected_version: int | None = None,
) -> Outcome:
    """Approve (the revised date takes effect) or reject the pending extension."""
    event = "approve_extension" if approve else "reject_extension"

    def store(tx: Tx, rec: Loaded, case: Case, req: Request) -> Effect:
        pending = case.pending_extension
        assert pending is not None  # the extension_pending guard passed
        tx.conn.execute(
            update(extension)
            .where(and_(extension.c.rec_id == rec.id, extension.c.status == "pending"))
            .values(
                status="approved" if approve else "rejected",
                decided_by=req.actor.email,
                decided_at=tx.now,
                decision_reason=reason,
            )
        )
        details = {
            "extension": {
                "to": pending.to,
                "asked_by": pending.requested_by,
                "status": "approved" if approve else "rejected",
            }
        }
        if not approve:
            return Effect(details=details)
        columns = {"target_date": pending.to}
        if rec.columns["original_target_date"] is None:
            columns["original_target_date"] = rec.columns["target_date"]
        return Effect(
            columns=columns, details=details, note=reason or f"target revised to {pending.to}"
        )

    with uow.write() as tx:
        return transition(
            tx,
            code,
            event,
            actor,
            expected_version=expected_version,
            facts=(_pending_extension,),
            apply=store,
            reason=reason,
        )
