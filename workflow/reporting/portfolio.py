"""Everything reports need to know about many recommendations, in a handful of set-based queries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, func, select

from config import RuleBook
from states import Due, due_in_state
from workflow.lifecycle.rag import rag_status
from workflow.reporting.rewind import needs_rewind, repeats_at, rewind, rewind_details
from workflow.store.tables import (
    escalation,
    extension,
    person,
    progress_update,
    rec_link,
    recommendation,
    report,
)


@dataclass(slots=True)
class RecFacts:
    """One recommendation as the agenda and the reports see it."""

    id: int
    code: str
    report: str
    ref: str
    subject: str | None
    text: str
    paragraph: str | None
    statutory: bool
    state: str
    degree: str
    owner: str | None
    owner_name: str | None
    group: str | None
    due: Due
    target: date | None
    original_target: date | None
    state_changed_at: datetime
    signed_off_at: datetime | None
    closure_note: str | None
    escalated: bool = False
    pending_extension: date | None = None
    revisions: list[tuple[date | None, date, datetime]] = field(default_factory=list)
    successor: str | None = None
    latest_update: tuple[datetime, str, str | None] | None = None
    rag: str | None = None
    category: str = "recommendation"
    owner_title: str | None = None
    target_assumed: bool = False
    """The target is one assumed to chase it by (the source gives none): "(assumed)"."""
    successor_why: str | None = None


def _chunks(ids: list[int], size: int = 900) -> Iterable[list[int]]:
    # SQLite limits bound parameters per statement; PostgreSQL does not mind small batches.
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


_r = recommendation.c
_FACTS = (
    select(
        _r.id,
        _r.code,
        report.c.key,
        report.c.kind,
        _r.ref,
        _r.subject,
        _r.text,
        _r.paragraph,
        _r.statutory,
        _r.state,
        _r.degree,
        person.c.email,
        person.c.name,
        person.c.title,
        person.c.group_name,
        _r.response_due,
        _r.plan_due,
        _r.update_due,
        _r.target_date,
        _r.original_target_date,
        _r.target_assumed,
        _r.state_changed_at,
        _r.signed_off_at,
        _r.closure_note,
        _r.category,
    )
    .join(report, report.c.id == _r.report_id)
    .outerjoin(person, person.c.id == _r.owner_id)
    .order_by(report.c.published, report.c.key, _r.id)
)


def _facts(row: Any) -> RecFacts:
    return RecFacts(
        id=row.id,
        code=row.code,
        report=row.key,
        ref=row.ref,
        subject=row.subject,
        text=row.text,
        paragraph=row.paragraph,
        statutory=bool(row.statutory),
        state=row.state,
        degree=row.degree,
        owner=row.email,
        owner_name=row.name,
        group=row.group_name,
        due=due_in_state(
            row.state, row.response_due, row.plan_due, row.update_due, row.target_date
        ),
        target=row.target_date,
        original_target=row.original_target_date,
        state_changed_at=row.state_changed_at,
        signed_off_at=row.signed_off_at,
        closure_note=row.closure_note,
        category=row.category,
        owner_title=row.title,
        target_assumed=bool(row.target_assumed),
    )


def load_recommendations(
    conn: Connection,
    rules: RuleBook,
    today: date,
    report_keys: list[str] | None = None,
    with_updates: bool = False,
    at: datetime | None = None,
) -> list[RecFacts]:
    """Facts and RAG status of every recommendation (of `report_keys`, if given), as they
    stood at `at` (see `rewind`: only when the store holds anything later)."""
    stmt = _FACTS if report_keys is None else _FACTS.where(report.c.key.in_(report_keys))
    facts: dict[int, RecFacts] = {}
    kinds: dict[int, str] = {}
    for row in conn.execute(stmt):
        facts[row.id] = _facts(row)
        kinds[row.id] = row.kind
    for chunk in _chunks(list(facts)):
        _add_details(conn, facts, chunk, with_updates)
    if at is not None and needs_rewind(conn, at):
        facts = {f.id: f for f in rewind(conn, list(facts.values()), at, report_keys)}
        for chunk in _chunks(list(facts)):
            rewind_details(conn, facts, chunk, at, with_updates)
    _why_superseded(conn, list(facts.values()), at)
    for rec in facts.values():
        rule = rules.for_recommendation(kinds[rec.id], rec.statutory)
        rec.rag = rag_status(
            rec.state,
            rec.due,
            today,
            rule,
            rec.escalated,
            rec.pending_extension is not None,
            bool(rec.revisions),
        )
    return list(facts.values())


def _add_details(
    conn: Connection, facts: dict[int, RecFacts], ids: list[int], with_updates: bool
) -> None:
    e, x = escalation.c, extension.c
    for (rec_id,) in conn.execute(
        select(e.rec_id).where(e.rec_id.in_(ids), e.cleared_at.is_(None))
    ):
        facts[rec_id].escalated = True
    for rec_id, status, from_date, to_date, decided_at in conn.execute(
        select(x.rec_id, x.status, x.from_date, x.to_date, x.decided_at)
        .where(x.rec_id.in_(ids), x.status.in_(("pending", "approved")))
        .order_by(x.id)
    ):
        if status == "pending":
            facts[rec_id].pending_extension = to_date
        else:
            facts[rec_id].revisions.append((from_date, to_date, decided_at))
    target = recommendation.alias("successor")
    for rec_id, code, key, note in conn.execute(
        select(rec_link.c.rec_id, target.c.code, report.c.key, rec_link.c.note)
        .outerjoin(target, target.c.id == rec_link.c.target_rec_id)
        .outerjoin(report, report.c.id == rec_link.c.target_report_id)
        .where(rec_link.c.rec_id.in_(ids), rec_link.c.kind == "superseded_by")
    ):
        facts[rec_id].successor = code or key
        facts[rec_id].successor_why = note
    if with_updates:
        u = progress_update.c
        latest = (
            select(u.rec_id, func.max(u.id).label("last"))
            .where(u.rec_id.in_(ids))
            .group_by(u.rec_id)
            .subquery()
        )
        for rec_id, at, note, degree in conn.execute(
            select(u.rec_id, u.at, u.note, u.degree).join(latest, latest.c.last == u.id)
        ):
            facts[rec_id].latest_update = (at, note, degree)


def _why_superseded(conn: Connection, facts: list[RecFacts], at: datetime | None) -> None:
    """Why each superseded recommendation was: the rationale or the link's note as recorded,
    else that it repeats its successor or its successor repeats it (a `repeats` link
    standing at `at`)."""
    gone = [f for f in facts if f.state == "superseded"]
    if not gone:
        return
    repeats = set(repeats_at(conn, at)) if any(f.successor for f in gone) else set()
    for f in gone:
        why = f.successor_why or f.closure_note
        if why is None and (f.code, f.successor) in repeats:
            why = f"it repeats {f.successor}"
        elif why is None and (f.successor, f.code) in repeats:
            why = f"{f.successor} repeats it"
        f.successor_why = why


@dataclass(frozen=True, slots=True)
class ReportFacts:
    """A report as the agenda and the papers see it."""

    key: str
    title: str
    body: str
    kind: str
    published: date | None
    committee: str | None
    created_at: datetime
    published_assumed: bool
    """The publication date is assumed (the source gives only the month, say)."""


def reports_info(
    conn: Connection, keys: list[str] | None = None, at: datetime | None = None
) -> list[ReportFacts]:
    """The reports (those of `keys`, if given, and recorded by `at`), oldest first."""
    r = report.c
    stmt = select(
        r.key, r.title, r.body, r.kind, r.published, r.committee, r.created_at, r.published_assumed
    )
    stmt = stmt.order_by(r.published, r.key)
    if at is not None:
        stmt = stmt.where(r.created_at <= at)
    if keys is not None:
        stmt = stmt.where(r.key.in_(keys))
    return [ReportFacts(*row) for row in conn.execute(stmt)]
