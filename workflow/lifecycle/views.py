"""Read models: the recommendation list and the full view of one recommendation."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection, Select, select

from states import STATES
from workflow.audit.query import AuditQuery, find_events
from workflow.audit.trail import instant_text
from workflow.clock import iso
from workflow.directory.people import normalise_email
from workflow.errors import BadInput, UnknownRecommendation
from workflow.lifecycle.due import due_in_state
from workflow.lifecycle.events import split_code
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
from workflow.store.uow import UnitOfWork

_r = recommendation.c
_owner = person.alias("owner")
_INVERSE = {"repeats": "repeated_by", "superseded_by": "supersedes", "related": "related"}


def _summary_select() -> Select[Any]:
    return (
        select(
            _r.id,
            _r.code,
            report.c.key.label("report"),
            _r.ref,
            _r.subject,
            _r.text,
            _r.paragraph,
            _r.state,
            _owner.c.email.label("owner"),
            _r.statutory,
            _r.degree,
            _r.version,
            _r.response_due,
            _r.plan_due,
            _r.update_due,
            _r.target_date,
            _r.original_target_date,
            _r.next_due,
        )
        .join(report, report.c.id == _r.report_id)
        .outerjoin(_owner, _owner.c.id == _r.owner_id)
    )


def _summary(row: Any, today: date) -> dict[str, Any]:
    due = due_in_state(row.state, row.response_due, row.plan_due, row.update_due, row.target_date)
    return {
        "id": row.code,
        "report": row.report,
        "ref": row.ref,
        "subject": row.subject,
        "text": row.text,
        "paragraph": row.paragraph,
        "state": row.state,
        "owner": row.owner,
        "statutory": bool(row.statutory),
        "degree": row.degree,
        "version": row.version,
        "due": due.as_dict(),
        "next_due": iso(due.next),
        "overdue": due.next is not None and due.next < today,
        "target": iso(row.target_date),
        "target_original": iso(row.original_target_date),
    }


def list_recommendations(
    uow: UnitOfWork,
    state: str | None = None,
    owner: str | None = None,
    report_key: str | None = None,
    overdue: bool = False,
) -> list[dict[str, Any]]:
    """Recommendations matching every filter given, in one query."""
    if state is not None and state not in STATES:
        raise BadInput(f"unknown state {state!r} (known: {', '.join(STATES)})")
    stmt = _summary_select()
    if state is not None:
        stmt = stmt.where(_r.state == state)
    if owner is not None:
        stmt = stmt.where(_owner.c.email == normalise_email(owner))
    if report_key is not None:
        stmt = stmt.where(report.c.key == report_key)
    with uow.read() as tx:
        if overdue:
            stmt = stmt.where(_r.next_due < tx.today)
        stmt = stmt.order_by(report.c.key, _r.id)
        return [_summary(row, tx.today) for row in tx.conn.execute(stmt)]


def _rows(conn: Connection, stmt: Select[Any]) -> list[dict[str, Any]]:
    return [dict(r._mapping) for r in conn.execute(stmt)]


def show_recommendation(uow: UnitOfWork, code: str) -> dict[str, Any]:
    """Everything about one recommendation, with its history from the audit trail."""
    report_key, ref = split_code(code)
    code = f"{report_key}/{ref}"
    with uow.read() as tx:
        conn = tx.conn
        row = conn.execute(_summary_select().where(_r.code == code)).first()
        if row is None:
            raise UnknownRecommendation(code)
        view = _summary(row, tx.today)
        extra = conn.execute(
            select(
                _r.signed_off_by, _r.signed_off_at, _r.completion_evidence, _r.closure_note
            ).where(_r.id == row.id)
        ).one()
        view["signed_off"] = (
            {
                "by": extra.signed_off_by,
                "at": instant_text(extra.signed_off_at),
                "evidence": extra.completion_evidence,
            }
            if extra.signed_off_by
            else None
        )
        view["closure_note"] = extra.closure_note
        action_owner = person.alias("action_owner")
        view["actions"] = [
            {
                "number": a["number"],
                "text": a["text"],
                "owner": a["owner"],
                "target": iso(a["target_date"]),
                "done": a["done_at"] is not None,
                "done_at": instant_text(a["done_at"]) if a["done_at"] else None,
                "dropped_reason": a["dropped_reason"],
            }
            for a in _rows(
                conn,
                select(action, action_owner.c.email.label("owner"))
                .join(action_owner, action_owner.c.id == action.c.owner_id)
                .where(action.c.rec_id == row.id)
                .order_by(action.c.number),
            )
        ]
        view["responses"] = [
            {
                "body": r["body"],
                "text": r["text"],
                "not_applicable": r["not_applicable_reason"],
                "by": r["by_email"],
                "at": instant_text(r["at"]),
            }
            for r in _rows(
                conn, select(response).where(response.c.rec_id == row.id).order_by(response.c.body)
            )
        ]
        view["updates"] = [
            {
                "at": instant_text(u["at"]),
                "by": u["author_email"],
                "note": u["note"],
                "degree": u["degree"],
                "evidence": u["evidence"],
            }
            for u in _rows(
                conn,
                select(progress_update)
                .where(progress_update.c.rec_id == row.id)
                .order_by(progress_update.c.at, progress_update.c.id),
            )
        ]
        view["extensions"] = [
            {
                "from": iso(e["from_date"]),
                "to": iso(e["to_date"]),
                "reason": e["reason"],
                "status": e["status"],
                "asked_by": e["requested_by"],
                "decided_by": e["decided_by"],
                "decision_reason": e["decision_reason"],
            }
            for e in _rows(
                conn, select(extension).where(extension.c.rec_id == row.id).order_by(extension.c.id)
            )
        ]
        target = recommendation.alias("target")
        view["links"] = [
            {"kind": k, "to": to_rec or to_report, "note": note}
            for k, to_rec, to_report, note in conn.execute(
                select(rec_link.c.kind, target.c.code, report.c.key, rec_link.c.note)
                .outerjoin(target, target.c.id == rec_link.c.target_rec_id)
                .outerjoin(report, report.c.id == rec_link.c.target_report_id)
                .where(rec_link.c.rec_id == row.id)
                .order_by(rec_link.c.id)
            )
        ]
        source = recommendation.alias("source")
        view["links"] += [
            {"kind": _INVERSE[k], "to": code_, "note": note}
            for k, code_, note in conn.execute(
                select(rec_link.c.kind, source.c.code, rec_link.c.note)
                .join(source, source.c.id == rec_link.c.rec_id)
                .where(rec_link.c.target_rec_id == row.id)
                .order_by(rec_link.c.id)
            )
        ]
        view["history"] = [
            {
                "at": instant_text(e["at"]),
                "actor": e["actor"],
                "event": e["event"],
                "from": e["from_state"],
                "to": e["to_state"],
                "note": e["note"],
            }
            for e in find_events(conn, AuditQuery(rec=code))
        ]
        return view
