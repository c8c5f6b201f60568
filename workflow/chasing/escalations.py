"""Escalations: raised by the sweep when a date is missed past its grace period, or by the
ILAU by hand; cleared once their cause is cured. The committee's members hear of each."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import (
    String,
    and_,
    case,
    cast,
    exists,
    false,
    func,
    insert,
    literal,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.sql.expression import Case as Case_
from sqlalchemy.sql.expression import Exists

from config import Rule
from states import FINAL, MISSED, Case, Request
from workflow.chasing.candidates import Obligation, Policy
from workflow.directory.people import get_person, recipients_with_role
from workflow.lifecycle.due import add_days
from workflow.lifecycle.transition import Effect, Loaded, Outcome, fire_event
from workflow.mail.compose import EscalationNotice, escalation_digest
from workflow.mail.outbox import Mail, enqueue
from workflow.store.dialect import bulk_insert
from workflow.store.governance import decision
from workflow.store.tables import escalation, recommendation
from workflow.store.uow import Tx, UnitOfWork

SWEEPER = "system:sweep"
# What clears an escalation for a missed date, in words.
CURED = {
    "missed_response": "response recorded",
    "missed_plan": "implementation plan agreed",
    "missed_update": "progress update received",
    "missed_target": "target met or revised",
}
# A committee's decision not done by its date is escalated under its own key "decision:ID:DUE",
# with the decision as its note; only the decision being done clears it.
REASONS = {**MISSED, "decision": "missed_decision"}
DECISION_DONE = "decision done"


def escalation_due(due: date, today: date, rule: Rule) -> bool:
    """Whether a date is more than `grace_days` past, and so goes to the committee."""
    return add_days(due, rule.grace_days, rule.working_days) < today


def raise_escalations(tx: Tx, owed: list[Obligation], policy: Policy) -> list[EscalationNotice]:
    """Escalate every deadline past its grace period, once each, where the machine lets
    `escalate` fire; each with an audit event. Actions are reminded, never escalated."""
    rows, by_key = [], {}
    for item in owed:
        if item.kind == "action" or item.state not in policy.escalate:
            continue
        if not escalation_due(item.due, tx.today, item.rule):
            continue
        by_key[(item.rec_id, item.key)] = item
        rows.append(
            {
                "rec_id": item.rec_id,
                "reason": REASONS[item.kind],
                "key": item.key,
                "note": _note(item),
                "due_date": item.due,
                "committee": item.rule.escalate_to,
                "raised_at": tx.now,
                "raised_by": SWEEPER,
            }
        )
    if not rows:
        return []
    new = bulk_insert(
        tx.conn, escalation, rows, skip_existing=("rec_id", "key"), returning=("rec_id", "key")
    )
    raised = []
    for rec_id, key in sorted(new):  # by recommendation (creation order: R2 before R10)
        item = by_key[(rec_id, key)]
        reason, committee = REASONS[item.kind], item.rule.escalate_to
        note = _note(item)
        raised.append(
            EscalationNotice(
                item.rec, item.subject, reason, item.due, committee, note, item.owner, item.group
            )
        )
        tx.audit.append(
            actor=SWEEPER,
            event="escalate",
            rec=item.rec,
            report=item.rec.split("/")[0],
            from_state=item.state,
            to_state=item.state,
            note=f"{reason} (due {item.due})" if note is None else f"{note} (due {item.due})",
            changes={"escalation": {"reason": reason, "due": item.due, "committee": committee}},
        )
    return raised


def _note(item: Obligation) -> str | None:
    """What an escalation says beside its reason: a missed decision, what was decided."""
    return item.what if item.kind == "decision" else None


def _decision_done() -> Exists:
    """Whether the decision an escalation (keyed "decision:ID:DUE") is about has been done."""
    d, e = decision.c, escalation.c
    return exists().where(
        d.rec_id == e.rec_id,
        d.due == e.due_date,
        d.done_at.is_not(None),
        e.key.startswith(literal("decision:") + cast(d.id, String) + literal(":")),
    )


def _cure(policy: Policy) -> Case_[str]:
    """Why an open escalation is cured, in words; NULL while it is not."""
    e, r = escalation.c, recommendation.c
    return case(
        (e.reason == REASONS["decision"], case((_decision_done(), DECISION_DONE))),
        (r.state.in_(sorted(FINAL)), literal("recommendation ") + r.state),
        (
            e.reason == "manual",
            case((r.state_changed_at > e.raised_at, "state moved on to " + r.state)),
        ),
        (
            (e.reason == "missed_response") & r.response_due.is_distinct_from(e.due_date),
            CURED["missed_response"],
        ),
        (
            (e.reason == "missed_plan") & r.plan_due.is_distinct_from(e.due_date),
            CURED["missed_plan"],
        ),
        (
            (e.reason == "missed_update") & r.update_due.is_distinct_from(e.due_date),
            CURED["missed_update"],
        ),
        (
            (e.reason == "missed_target")
            & or_(
                r.target_date.is_distinct_from(e.due_date),
                r.state.not_in(sorted(policy.running["target"])),
            ),
            CURED["missed_target"],
        ),
    )


def clear_cured(tx: Tx, policy: Policy) -> list[str]:
    """Close, in one UPDATE, every open escalation whose cause is cured, each with an audit
    event; returns their recommendations in creation order."""
    e, r = escalation.c, recommendation.c
    why = _cure(policy)
    cleared = tx.conn.execute(
        update(escalation)
        .where(e.rec_id == r.id, e.cleared_at.is_(None), why.is_not(None))
        .values(cleared_at=tx.now, cleared_by=SWEEPER, clear_note=why)
        .returning(e.id, e.rec_id, e.reason, e.due_date, e.clear_note)
    ).all()
    if not cleared:
        return []
    recs = dict(
        (i, (code, state))
        for i, code, state in tx.conn.execute(
            select(r.id, r.code, r.state).where(r.id.in_({row.rec_id for row in cleared}))
        )
    )
    codes = []
    for row in sorted(cleared, key=lambda c: (c.rec_id, c.id)):
        code, state = recs[row.rec_id]
        tx.audit.append(
            actor=SWEEPER,
            event="escalation.clear",
            rec=code,
            report=code.split("/")[0],
            from_state=state,
            to_state=state,
            note=row.clear_note,
            changes={"escalation": {"reason": row.reason, "due": row.due_date}},
        )
        codes.append(code)
    return codes


def board_mails(tx: Tx, raised: list[EscalationNotice]) -> list[Mail]:
    """One message per board member per committee, listing its new escalations."""
    if not raised:
        return []
    by_committee: dict[str, list[EscalationNotice]] = defaultdict(list)
    for e in raised:
        by_committee[e.committee].append(e)
    return [
        escalation_digest(email, name, committee, items, tx.today, links=tx.links)
        for committee, items in sorted(by_committee.items())
        for email, name in recipients_with_role(tx.conn, "board")
    ]


def escalate(
    uow: UnitOfWork, code: str, actor: str, *, reason: str, expected_version: int | None = None
) -> Outcome:
    """Raise a recommendation to the committee by hand (ILAU only); the board hears at once."""

    def store(tx: Tx, rec: Loaded, case: Case, req: Request) -> Effect:
        rule = tx.rules.for_recommendation(rec.kind, rec.statutory)
        manual = tx.conn.execute(
            select(func.count())
            .select_from(escalation)
            .where(escalation.c.rec_id == rec.id, escalation.c.reason == "manual")
        ).scalar_one()
        tx.conn.execute(
            insert(escalation).values(
                rec_id=rec.id,
                reason="manual",
                key=f"manual:{manual + 1}",
                due_date=None,
                committee=rule.escalate_to,
                raised_at=tx.now,
                raised_by=req.actor.email,
                note=reason,
            )
        )
        subject = tx.conn.execute(
            select(recommendation.c.subject).where(recommendation.c.id == rec.id)
        ).scalar()
        group = get_person(tx.conn, rec.owner).group if rec.owner else None
        notice = EscalationNotice(
            rec.code, subject, "manual", None, rule.escalate_to, reason, rec.owner, group
        )
        enqueue(tx, board_mails(tx, [notice]))
        return Effect(details={"escalation": {"reason": "manual", "committee": rule.escalate_to}})

    return fire_event(
        uow, code, "escalate", actor, expected_version=expected_version, apply=store, reason=reason
    )


@dataclass(frozen=True, slots=True)
class EscalationRecord:
    """An escalation as listed: why, to whom, when raised and, once cured, when cleared."""

    id: int
    rec: str
    reason: str
    due: date | None
    committee: str
    raised_at: datetime
    raised_by: str
    note: str | None
    open: bool
    cleared_at: datetime | None
    cleared_by: str | None
    clear_note: str | None
    due_assumed: bool = False
    """The missed date is a target the source does not give (one assumed): "(assumed)"."""


def list_escalations(
    uow: UnitOfWork, *, open_only: bool = False, rec: str | None = None
) -> list[EscalationRecord]:
    """Escalations, oldest first; with `open_only`, those not yet cleared; with `rec`, only
    that recommendation's."""
    e, r = escalation.c, recommendation.c
    stmt = (
        select(
            e.id,
            r.code,
            e.reason,
            e.due_date,
            e.committee,
            e.raised_at,
            e.raised_by,
            e.note,
            e.cleared_at.is_(None),
            e.cleared_at,
            e.cleared_by,
            e.clear_note,
            case(
                (
                    and_(
                        e.reason == "missed_target",
                        r.target_assumed,
                        e.due_date == r.target_date,
                    ),
                    true(),
                ),
                else_=false(),
            ),
        )
        .join(recommendation, r.id == e.rec_id)
        .order_by(e.raised_at, e.id)
    )
    if open_only:
        stmt = stmt.where(e.cleared_at.is_(None))
    if rec is not None:
        stmt = stmt.where(r.code == rec)
    with uow.read() as tx:
        return [EscalationRecord(*row) for row in tx.conn.execute(stmt)]
