"""What the ILAU and the Board decide: sign-off, supersession, reopening, reassignment,
corrections, and decisions on extensions.

Each function is one event in one transaction (`fire_event`); after the recommendation and
the actor, every parameter is keyword-only.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, insert, select, update

from states import Actor, Case, Request
from workflow.directory.people import Person, get_person
from workflow.errors import BadInput, RectrackError, UnknownReport
from workflow.lifecycle import facts
from workflow.lifecycle.ids import normal_code
from workflow.lifecycle.transition import (
    Apply,
    Effect,
    Loaded,
    Outcome,
    fire_event,
    transition,
    with_retries,
)
from workflow.mail.compose import reassign_notices, signoff_notice
from workflow.mail.outbox import enqueue
from workflow.store.tables import extension, rec_link, recommendation, report
from workflow.store.uow import Tx, UnitOfWork


def complete(
    uow: UnitOfWork,
    code: str,
    actor: str,
    *,
    evidence: str,
    expected_version: int | None = None,
) -> Outcome:
    """Sign off a recommendation as completely met, on the evidence given."""

    def store(tx: Tx, rec: Loaded, case: Case, req: Request) -> Effect:
        if rec.owner is not None:
            owner = get_person(tx.conn, rec.owner)
            subject, _ = facts.subject_and_text(tx, rec.id)
            notice = signoff_notice(
                rec.code,
                subject,
                (owner.email, owner.name),
                req.actor.email,
                evidence,
                tx.today,
                links=tx.links,
            )
            enqueue(tx, [notice])
        return Effect(
            columns={
                "signed_off_by": req.actor.email,
                "signed_off_at": tx.now,
                "completion_evidence": evidence,
            },
            note=evidence,
        )

    return fire_event(
        uow,
        code,
        "complete",
        actor,
        expected_version=expected_version,
        facts=(facts.sign_off_history,),
        apply=store,
        evidence=evidence,
    )


def _successor(tx: Tx, by: str | None, by_report: str | None) -> tuple[str | None, dict[str, int]]:
    """The successor's name and its link target: a recommendation or a report."""
    if by is not None:
        successor = normal_code(by)
        found = tx.conn.execute(
            select(recommendation.c.id).where(recommendation.c.code == successor)
        ).scalar()
        if found is None:
            raise BadInput(f"no recommendation {successor} to supersede with")
        return successor, {"target_rec_id": found}
    if by_report is not None:
        found = tx.conn.execute(select(report.c.id).where(report.c.key == by_report)).scalar()
        if found is None:
            raise UnknownReport(by_report)
        return by_report, {"target_report_id": found}
    return None, {}


def supersede(
    uow: UnitOfWork,
    code: str,
    actor: str,
    *,
    by: str | None = None,
    by_report: str | None = None,
    rationale: str | None = None,
    expected_version: int | None = None,
) -> Outcome:
    """Close a recommendation as superseded by another one or a report (with why, if given),
    or dropped with reasons."""
    if by is not None and by_report is not None:
        raise BadInput("name at most one successor: a recommendation or a report")
    if by is None and by_report is None and rationale is None:
        raise BadInput("name a successor recommendation or report, a rationale, or both")

    def fire(tx: Tx) -> Outcome:
        successor, target = _successor(tx, by, by_report)
        return transition(
            tx,
            code,
            "supersede",
            actor,
            expected_version=expected_version,
            apply=_store_supersession(successor, target, rationale),
            successor=successor,
            rationale=rationale,
        )

    return with_retries(uow, code, fire, pinned=expected_version is not None)


def _store_supersession(
    successor: str | None, target: dict[str, int], rationale: str | None
) -> Apply:
    def store(tx: Tx, rec: Loaded, case: Case, req: Request) -> Effect:
        if successor is not None:
            link = {"rec_id": rec.id, "kind": "superseded_by", "note": rationale, **target}
            tx.conn.execute(insert(rec_link).values(**link))
        return Effect(
            columns={"closure_note": rationale},
            details={"superseded_by": successor},
            note=f"superseded by {successor}" + (f": {rationale}" if rationale else "")
            if successor is not None
            else rationale,
        )

    return store


def reopen(
    uow: UnitOfWork,
    code: str,
    actor: str,
    *,
    reason: str,
    expected_version: int | None = None,
) -> Outcome:
    """Bring a complete or superseded recommendation back into progress."""

    def store(tx: Tx, rec: Loaded, case: Case, req: Request) -> Effect:
        cleared = ("signed_off_by", "signed_off_at", "completion_evidence", "closure_note")
        return Effect(columns=dict.fromkeys(cleared))

    return fire_event(
        uow, code, "reopen", actor, expected_version=expected_version, apply=store, reason=reason
    )


def edit(
    uow: UnitOfWork,
    code: str,
    actor: str,
    *,
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
    if statutory is not None:  # saying whether it is statutory makes it known
        wanted["statutory_known"] = True

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

    return fire_event(uow, code, "edit", actor, expected_version=expected_version, apply=store)


def reassign(
    uow: UnitOfWork,
    code: str,
    actor: str,
    *,
    owner: str,
    expected_version: int | None = None,
) -> Outcome:
    """Give a recommendation to a new owner; the old and the new owner are told."""

    def fire(tx: Tx) -> Outcome:
        new = get_person(tx.conn, owner)
        return transition(
            tx,
            code,
            "reassign",
            actor,
            expected_version=expected_version,
            apply=_store_reassignment(new),
            new_owner=Actor(new.email, frozenset(new.roles), new.active),
        )

    return with_retries(uow, code, fire, pinned=expected_version is not None)


def _store_reassignment(new: Person) -> Apply:
    def store(tx: Tx, rec: Loaded, case: Case, req: Request) -> Effect:
        subject, text = facts.subject_and_text(tx, rec.id)
        old = get_person(tx.conn, rec.owner) if rec.owner else None
        notices = reassign_notices(
            rec.code,
            subject,
            text,
            (old.email, old.name) if old else None,
            (new.email, new.name),
            req.actor.email,
            tx.today,
            links=tx.links,
        )
        enqueue(tx, notices)
        return Effect(
            columns={"owner_id": new.id},
            details={"owner": [rec.owner, new.email]},
            note=f"owner {rec.owner or 'none'} -> {new.email}",
        )

    return store


def decide_extension(
    uow: UnitOfWork,
    code: str,
    actor: str,
    *,
    approve: bool,
    reason: str | None = None,
    expected_version: int | None = None,
) -> Outcome:
    """Approve (the revised date takes effect) or reject the pending extension."""
    event = "approve_extension" if approve else "reject_extension"
    status = "approved" if approve else "rejected"

    def store(tx: Tx, rec: Loaded, case: Case, req: Request) -> Effect:
        pending = case.pending_extension
        if pending is None:  # the extension_pending guard lets no such case through
            raise RectrackError(f"{rec.code}: no extension awaits a decision")
        tx.conn.execute(
            update(extension)
            .where(and_(extension.c.rec_id == rec.id, extension.c.status == "pending"))
            .values(
                status=status, decided_by=req.actor.email, decided_at=tx.now, decision_reason=reason
            )
        )
        details = {
            "extension": {"to": pending.to, "asked_by": pending.requested_by, "status": status}
        }
        if not approve:
            return Effect(details=details)
        columns: dict[str, Any] = {"target_date": pending.to, "target_assumed": False}
        if rec.columns["original_target_date"] is None:
            columns["original_target_date"] = rec.columns["target_date"]
        note = reason or f"target revised to {pending.to}"
        return Effect(columns=columns, details=details, note=note)

    return fire_event(
        uow,
        code,
        event,
        actor,
        expected_version=expected_version,
        facts=(facts.pending_extension, facts.sign_off_history),
        apply=store,
        reason=reason,
    )
