"""Escalations: raised by the sweep for missed dates, or by the ILAU by hand."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, insert, select

from states import Case, Request
from workflow.chasing.sweep import board_mails, escalation_view
from workflow.clock import iso
from workflow.lifecycle.transition import Effect, Loaded, Outcome, transition
from workflow.mail.outbox import enqueue
from workflow.store.tables import escalation, recommendation
from workflow.store.uow import Tx, UnitOfWork


def escalate(
    uow: UnitOfWork, code: str, actor: str, reason: str, expected_version: int | None = None
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
        enqueue(
            tx,
            board_mails(
                tx, [escalation_view(rec.code, subject, "manual", None, rule.escalate_to, reason)]
            ),
        )
        return Effect(details={"escalation": {"reason": "manual", "committee": rule.escalate_to}})

    with uow.write() as tx:
        return transition(
            tx,
            code,
            "escalate",
            actor,
            expected_version=expected_version,
            apply=store,
            reason=reason,
        )


def list_escalations(uow: UnitOfWork, open_only: bool = False) -> list[dict[str, Any]]:
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
            e.cleared_at,
            e.cleared_by,
            e.clear_note,
        )
        .join(recommendation, r.id == e.rec_id)
        .order_by(e.raised_at, e.id)
    )
    if open_only:
        stmt = stmt.where(e.cleared_at.is_(None))
    with uow.read() as tx:
        return [
            {
                "id": row.id,
                "rec": row.code,
                "reason": row.reason,
                "due": row.due_date.isoformat() if row.due_date else None,
                "committee": row.committee,
                "raised_at": iso(row.raised_at),
                "raised_by": row.raised_by,
                "note": row.note,
                "open": row.cleared_at is None,
                "cleared_at": iso(row.cleared_at),
                "cleared_by": row.cleared_by,
                "clear_note": row.clear_note,
            }
            for row in tx.conn.execute(stmt)
        ]
