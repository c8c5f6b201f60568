"""The sweep: one pass over the store at "now" that reminds, escalates and clears.

Set-based: candidates come from the (state, next_due) and action target indexes, so the cost
grows with what is due, not with what is stored. Idempotent: every reminder, notice and
escalation has a natural key under a unique constraint and is inserted with ON CONFLICT DO
NOTHING, so a repeated sweep, or two at once, gives each thing once; after downtime, each
thing due gets one reminder at its current stage, not one per day missed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import structlog
from sqlalchemy import Connection, Table, select, text, update
from sqlalchemy.dialects import postgresql, sqlite

from config import Rule
from states import ACTIVE, OPEN
from workflow.lifecycle.due import add_days
from workflow.mail.compose import DueItem, escalation_digest, ilau_digest, reminder_digest
from workflow.mail.outbox import Mail, enqueue, recipients_with_role
from workflow.store.engine import advisory_lock_sql
from workflow.store.tables import action, escalation, notice, person, recommendation, report
from workflow.store.uow import Tx, UnitOfWork

log = structlog.get_logger("rectrack.sweep")
SWEEPER = "system:sweep"

# which due date applies in which states, and what missing it is called
DUE_KINDS: dict[str, tuple[str, tuple[str, ...], str]] = {
    "response": ("response_due", ("raised",), "missed_response"),
    "plan": ("plan_due", ("responded",), "missed_plan"),
    "update": ("update_due", ACTIVE, "missed_update"),
    "target": ("target_date", ACTIVE, "missed_target"),
}
WHAT = {
    "response": "record the response of each responding body ({bodies})",
    "plan": "agree the implementation plan: actions, each with an owner and a target date",
    "update": "send a progress update, with the degree to which it is met",
    "target": "complete the implementation, or ask for a revised target date with a reason",
    "action": "finish action {number}: {text}",
}


@dataclass
class SweepResult:
    """What this sweep newly did (a repeat sweep returns empty lists)."""

    reminders: list[dict[str, Any]] = field(default_factory=list)
    escalations: list[dict[str, Any]] = field(default_factory=list)
    cleared: list[str] = field(default_factory=list)
    unowned: list[str] = field(default_factory=list)
    messages: int = 0
    skipped: bool = False

    def as_dict(self) -> dict[str, Any]:
        out = {
            "reminders": self.reminders,
            "escalations": self.escalations,
            "cleared": self.cleared,
            "messages": self.messages,
        }
        if self.unowned:
            out["unowned"] = self.unowned
        if self.skipped:
            out["skipped"] = True
        return out


class _DryRun(Exception):
    def __init__(self, result: SweepResult) -> None:
        self.result = result


def _insert_ignoring_duplicates(conn: Connection, table: Table, keys: list[str]) -> Any:
    dialect_insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    return dialect_insert(table).on_conflict_do_nothing(index_elements=keys)


@dataclass(frozen=True, slots=True)
class _Due:
    rec_id: int
    rec: str
    subject: str | None
    state: str
    kind: str
    due: date
    rule: Rule
    recipient: tuple[str, str] | None  # (email, name) of an active owner
    what: str
    key: str  # "update:2004-02-25", "action:2:2004-04-30"


def reminder_stage(due: date, today: date, rule: Rule) -> str | None:
    """Which reminder is due today for a date: "before" it (within `remind_before_days`),
    "due" (on the day or after), or none yet. Only the current stage is ever sent."""
    if due <= today:
        return "due"
    if due <= add_days(today, rule.remind_before_days, rule.working_days):
        return "before"
    return None


def escalation_due(due: date, today: date, rule: Rule) -> bool:
    """Whether a date is more than `grace_days` past, and so goes to the committee."""
    return add_days(due, rule.grace_days, rule.working_days) < today


def _rules(tx: Tx) -> tuple[dict[tuple[str, bool], Rule], date]:
    """The rule of every (report kind, statutory) pair, and the widest reminder horizon."""
    kinds = list(tx.conn.execute(select(report.c.kind).distinct()).scalars())
    rules = {(k, s): tx.rules.for_recommendation(k, s) for k in kinds for s in (False, True)}
    horizon = max(
        (add_days(tx.today, r.remind_before_days, r.working_days) for r in rules.values()),
        default=tx.today,
    )
    return rules, horizon


def _recommendation_dues(
    tx: Tx, rules: dict[tuple[str, bool], Rule], horizon: date
) -> Iterator[_Due]:
    r = recommendation.c
    rows = tx.conn.execute(
        select(
            r.id,
            r.code,
            r.subject,
            r.state,
            r.statutory,
            report.c.kind,
            report.c.responding_bodies,
            r.response_due,
            r.plan_due,
            r.update_due,
            r.target_date,
            person.c.email,
            person.c.name,
            person.c.active,
        )
        .join(report, report.c.id == r.report_id)
        .outerjoin(person, person.c.id == r.owner_id)
        # The candidates come from the (state, next_due) index alone, as a subquery: joined
        # directly, SQLite's planner may start from the report table and scan every row.
        .where(
            r.id.in_(
                select(recommendation.c.id).where(
                    recommendation.c.state.in_(OPEN), recommendation.c.next_due <= horizon
                )
            )
        )
    )
    for row in rows:
        m = row._mapping
        owner = (row.email, row.name) if row.email and row.active else None
        for kind, (column, states, _) in DUE_KINDS.items():
            due = m[column]
            if due is None or row.state not in states:
                continue
            what = WHAT[kind].format(bodies=", ".join(row.responding_bodies))
            yield _Due(
                row.id,
                row.code,
                row.subject,
                row.state,
                kind,
                due,
                rules[(row.kind, bool(row.statutory))],
                owner,
                what,
                f"{kind}:{due}",
            )


def _action_dues(tx: Tx, rules: dict[tuple[str, bool], Rule], horizon: date) -> Iterator[_Due]:
    a, r = action.c, recommendation.c
    rows = tx.conn.execute(
        select(
            r.id,
            r.code,
            r.subject,
            r.state,
            r.statutory,
            report.c.kind,
            a.number,
            a.text,
            a.target_date,
            person.c.email,
            person.c.name,
            person.c.active,
        )
        .join(recommendation, r.id == a.rec_id)
        .join(report, report.c.id == r.report_id)
        .join(person, person.c.id == a.owner_id)
        .where(
            a.id.in_(  # from the target_date index alone, as above
                select(action.c.id).where(
                    action.c.target_date <= horizon,
                    action.c.done_at.is_(None),
                    action.c.dropped_reason.is_(None),
                )
            ),
            r.state.in_(("planned", "in_progress")),
        )
    )
    for row in rows:
        owner = (row.email, row.name) if row.active else None
        what = WHAT["action"].format(number=row.number, text=row.text)
        yield _Due(
            row.id,
            row.code,
            row.subject,
            row.state,
            "action",
            row.target_date,
            rules[(row.kind, bool(row.statutory))],
            owner,
            what,
            f"action:{row.number}:{row.target_date}",
        )


def _remind(tx: Tx, dues: list[_Due], result: SweepResult) -> list[Mail]:
    rows, by_key = [], {}
    for item in dues:
        stage = reminder_stage(item.due, tx.today, item.rule)
        if stage is None or item.recipient is None:
            continue
        key = f"{item.key}:{stage}"
        by_key[(item.rec_id, key)] = (item, stage)
        rows.append(
            {
                "rec_id": item.rec_id,
                "key": key,
                "kind": item.kind,
                "due_date": item.due,
                "stage": stage,
                "recipient": item.recipient[0],
                "created_at": tx.now,
            }
        )
    if not rows:
        return []
    stmt = _insert_ignoring_duplicates(tx.conn, notice, ["rec_id", "key"])
    new = tx.conn.execute(stmt.returning(notice.c.rec_id, notice.c.key), rows).all()
    digests: dict[tuple[str, str], list[DueItem]] = defaultdict(list)
    for rec_id, key in sorted(new):  # by recommendation (creation order: R2 before R10)
        item, stage = by_key[(rec_id, key)]
        assert item.recipient is not None
        entry: dict[str, Any] = {
            "rec": item.rec,
            "kind": item.kind,
            "to": item.recipient[0],
            "due": item.due.isoformat(),
            "stage": stage,
        }
        if item.kind == "action":
            entry["action"] = int(item.key.split(":")[1])
        result.reminders.append(entry)
        digests[item.recipient].append(
            DueItem(item.rec, item.subject, item.kind, item.due, item.what)
        )
    return [
        reminder_digest(email, name, items, tx.today)
        for (email, name), items in sorted(digests.items())
    ]


def _escalate(tx: Tx, dues: list[_Due], result: SweepResult) -> list[dict[str, Any]]:
    rows, by_key = [], {}
    for item in dues:
        if item.kind == "action":
            continue  # actions are reminded; the recommendation's own dates are escalated
        if not escalation_due(item.due, tx.today, item.rule):
            continue
        reason = DUE_KINDS[item.kind][2]
        by_key[(item.rec_id, item.key)] = (item, reason)
        rows.append(
            {
                "rec_id": item.rec_id,
                "reason": reason,
                "key": item.key,
                "due_date": item.due,
                "committee": item.rule.escalate_to,
                "raised_at": tx.now,
                "raised_by": SWEEPER,
            }
        )
    if not rows:
        return []
    stmt = _insert_ignoring_duplicates(tx.conn, escalation, ["rec_id", "key"])
    new = tx.conn.execute(stmt.returning(escalation.c.rec_id, escalation.c.key), rows).all()
    raised = []
    for rec_id, key in sorted(new):  # by recommendation (creation order: R2 before R10)
        item, reason = by_key[(rec_id, key)]
        raised.append(
            escalation_view(item.rec, item.subject, reason, item.due, item.rule.escalate_to, None)
        )
        tx.audit.append(
            actor=SWEEPER,
            event="escalate",
            rec=item.rec,
            report=item.rec.split("/")[0],
            from_state=item.state,
            to_state=item.state,
            note=f"{reason} (due {item.due})",
            changes={
                "escalation": {
                    "reason": reason,
                    "due": item.due,
                    "committee": item.rule.escalate_to,
                }
            },
        )
    result.escalations.extend(
        {"rec": e["rec"], "reason": e["reason"], "committee": e["committee"]} for e in raised
    )
    return raised


def escalation_view(
    rec: str, subject: str | None, reason: str, due: date | None, committee: str, note: str | None
) -> dict[str, Any]:
    return {
        "rec": rec,
        "subject": subject,
        "reason": reason,
        "due": due,
        "committee": committee,
        "note": note,
        "owner": None,
        "group": None,
    }


_CURED = {
    "missed_response": ("response_due", "response recorded"),
    "missed_plan": ("plan_due", "implementation plan agreed"),
    "missed_update": ("update_due", "progress update received"),
    "missed_target": ("target_date", "target met or revised"),
}


def _clear(tx: Tx, result: SweepResult) -> None:
    """Close open escalations whose cause is cured, each with an audit event."""
    e, r = escalation.c, recommendation.c
    rows = tx.conn.execute(
        select(
            e.id,
            e.reason,
            e.due_date,
            e.raised_at,
            r.code,
            r.state,
            r.state_changed_at,
            r.response_due,
            r.plan_due,
            r.update_due,
            r.target_date,
        )
        .join(recommendation, r.id == e.rec_id)
        .where(e.cleared_at.is_(None))
        .order_by(r.id, e.id)
    )
    for row in rows:
        m = row._mapping
        why: str | None
        if row.state in ("complete", "superseded"):
            why = f"recommendation {row.state}"
        elif row.reason == "manual":
            why = f"state moved on to {row.state}" if row.state_changed_at > row.raised_at else None
        else:
            column, cured = _CURED[row.reason]
            gone = m[column] != row.due_date or (
                column == "target_date" and row.state not in ACTIVE
            )
            why = cured if gone else None
        if why is None:
            continue
        tx.conn.execute(
            update(escalation)
            .where(e.id == row.id)
            .values(cleared_at=tx.now, cleared_by=SWEEPER, clear_note=why)
        )
        tx.audit.append(
            actor=SWEEPER,
            event="escalation.clear",
            rec=row.code,
            report=row.code.split("/")[0],
            from_state=row.state,
            to_state=row.state,
            note=why,
            changes={"escalation": {"reason": row.reason, "due": row.due_date}},
        )
        result.cleared.append(row.code)


def tell_ilau_of_unowned(tx: Tx) -> list[str]:
    """Queue, in this transaction, the ILAU's notice of unowned recommendations not yet told.

    Called by the sweep, and at once when recommendations are raised or imported without one.
    """
    result = SweepResult()
    unowned = _unowned(tx, result)
    if unowned:
        enqueue(
            tx,
            [
                ilau_digest(email, name, unowned, tx.today)
                for email, name in recipients_with_role(tx, "ilau")
            ],
        )
    return result.unowned


def _unowned(tx: Tx, result: SweepResult) -> list[dict[str, Any]]:
    """Open recommendations with no owner, or an inactive one, not yet reported to the ILAU."""
    r = recommendation.c
    none = tx.conn.execute(
        select(r.id, r.code, r.subject).where(r.owner_id.is_(None), r.state.in_(OPEN))
    )
    # Inactive people first (few), then their open recommendations by the owner index.
    inactive: dict[int, str] = {
        pid: email
        for pid, email in tx.conn.execute(
            select(person.c.id, person.c.email).where(person.c.active.is_(False))
        )
    }
    gone = (
        tx.conn.execute(
            select(r.id, r.code, r.subject, r.owner_id).where(
                r.owner_id.in_(inactive), r.state.in_(OPEN)
            )
        ).all()
        if inactive
        else []
    )
    found = [(i, c, s, "owner:none", "no owner is assigned") for i, c, s in none] + [
        (i, c, s, f"owner:inactive:{inactive[o]}", f"owner {inactive[o]} is no longer active")
        for i, c, s, o in gone
    ]
    if not found:
        return []
    rows = [
        {
            "rec_id": i,
            "key": key,
            "kind": "owner",
            "due_date": None,
            "stage": "notice",
            "recipient": None,
            "created_at": tx.now,
        }
        for i, _, _, key, _ in found
    ]
    stmt = _insert_ignoring_duplicates(tx.conn, notice, ["rec_id", "key"])
    new = set(tx.conn.execute(stmt.returning(notice.c.rec_id, notice.c.key), rows).all())
    out = [
        {"rec": c, "subject": s, "problem": p}
        for i, c, s, key, p in sorted(found)
        if (i, key) in new
    ]
    result.unowned.extend(u["rec"] for u in out)
    return out


def _fill_owners(tx: Tx, raised: list[dict[str, Any]]) -> None:
    if not raised:
        return
    r = recommendation.c
    owners = {
        code: (email, group)
        for code, email, group in tx.conn.execute(
            select(r.code, person.c.email, person.c.group_name)
            .join(person, person.c.id == r.owner_id)
            .where(r.code.in_([e["rec"] for e in raised]))
        )
    }
    for e in raised:
        e["owner"], e["group"] = owners.get(e["rec"], (None, None))


def board_mails(tx: Tx, raised: list[dict[str, Any]]) -> list[Mail]:
    """One message per board member per committee, listing its new escalations."""
    _fill_owners(tx, raised)
    by_committee: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for e in raised:
        by_committee[e["committee"]].append(e)
    return [
        escalation_digest(email, name, committee, items, tx.today)
        for committee, items in sorted(by_committee.items())
        for email, name in recipients_with_role(tx, "board")
    ]


@contextmanager
def _sweep_lock(tx: Tx) -> Iterator[bool]:
    if tx.dialect == "postgresql":
        got = tx.conn.execute(text(advisory_lock_sql("sweep", wait=False))).scalar()
        yield bool(got)
    else:
        yield True  # BEGIN IMMEDIATE: one writer at a time


def sweep(uow: UnitOfWork, dry_run: bool = False) -> SweepResult:
    """Remind, escalate, clear and report unowned recommendations as of the clock's now."""
    try:
        with uow.write() as tx, _sweep_lock(tx) as locked:
            result = SweepResult()
            if not locked:
                log.info("sweep skipped: another sweep holds the lock")
                result.skipped = True
                return result
            rules, horizon = _rules(tx)
            dues = [*_recommendation_dues(tx, rules, horizon), *_action_dues(tx, rules, horizon)]
            mails = _remind(tx, dues, result)
            mails += board_mails(tx, _escalate(tx, dues, result))
            _clear(tx, result)
            unowned = _unowned(tx, result)
            if unowned:
                mails += [
                    ilau_digest(email, name, unowned, tx.today)
                    for email, name in recipients_with_role(tx, "ilau")
                ]
            result.messages = enqueue(tx, mails)
            if result.reminders or result.escalations or result.cleared or result.unowned:
                tx.audit.append(
                    actor=SWEEPER,
                    event="sweep",
                    note=(
                        f"{len(result.reminders)} reminder(s), {len(result.escalations)} "
                        f"escalation(s), {len(result.cleared)} cleared, {result.messages} "
                        "message(s)"
                    ),
                    changes={"candidates": len(dues)},
                )
            log.info(
                "sweep done",
                candidates=len(dues),
                reminders=len(result.reminders),
                escalations=len(result.escalations),
                cleared=len(result.cleared),
                messages=result.messages,
                dry_run=dry_run,
            )
            if dry_run:
                raise _DryRun(result)
            return result
    except _DryRun as done:
        return done.result
