"""Read models: the recommendation list and the full view of one recommendation, typed.

`workflow.plain.plain` turns them into the JSON that `rec list --json` and `rec show --json`
print; the field names here are the JSON's keys.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Select, bindparam, select

from states import STATES, Due, due_in_state, running_states
from workflow.audit.query import AuditQuery, find_events
from workflow.directory.people import normalise_email
from workflow.errors import BadInput, UnknownRecommendation
from workflow.lifecycle.ids import normal_code
from workflow.lifecycle.written import as_written
from workflow.plain import INTERNAL, json_name
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
_action_owner = person.alias("action_owner")
_target, _source = recommendation.alias("target"), recommendation.alias("source")
DUE_STATES = tuple(sorted(set().union(*running_states().values())))
"""The states in which some deadline runs (so next_due may be set), as the machine says."""
_INVERSE = {"repeats": "repeated_by", "superseded_by": "supersedes", "related": "related"}


@dataclass(frozen=True, slots=True)
class RecSummary:
    """A recommendation as listed: what it says, where it stands, what it owes next."""

    id: str
    report: str
    ref: str
    subject: str | None
    text: str
    paragraph: str | None
    state: str
    owner: str | None
    statutory: bool
    degree: str
    version: int
    due: Due
    next_due: date | None
    overdue: bool
    target: date | None
    target_original: date | None
    category: str
    """A recommendation, an area for improvement or a cause of concern."""
    target_assumed: bool  # the source gives no target: this one is assumed


@dataclass(frozen=True, slots=True)
class SignOff:
    by: str
    at: datetime
    evidence: str | None


@dataclass(frozen=True, slots=True)
class ActionView:
    number: int
    text: str
    owner: str
    target: date
    done: bool
    done_at: datetime | None
    dropped_reason: str | None
    measure: str | None = None
    cost_estimate: Decimal | None = None
    benefit: str | None = None
    cost_actual: Decimal | None = None
    target_assumed: bool = False


@dataclass(frozen=True, slots=True)
class ResponseView:
    body: str
    text: str | None
    not_applicable: str | None
    by: str
    at: datetime
    considered_complete: bool = False  # "This recommendation is considered complete" (000)


@dataclass(frozen=True, slots=True)
class UpdateView:
    at: datetime
    by: str
    note: str
    degree: str | None
    evidence: str | None


@dataclass(frozen=True, slots=True)
class ExtensionView:
    from_date: date | None = field(metadata=json_name("from"))
    to: date
    reason: str
    status: str
    asked_by: str
    decided_by: str | None
    decision_reason: str | None


@dataclass(frozen=True, slots=True)
class LinkView:
    kind: str
    to: str
    note: str | None


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    at: datetime
    actor: str
    event: str
    from_state: str | None = field(metadata=json_name("from"))
    to: str | None
    note: str | None


@dataclass(frozen=True, slots=True)
class RecView(RecSummary):
    """Everything about one recommendation, with its history from the audit trail."""

    signed_off: SignOff | None
    closure_note: str | None
    actions: tuple[ActionView, ...]
    responses: tuple[ResponseView, ...]
    updates: tuple[UpdateView, ...]
    extensions: tuple[ExtensionView, ...]
    links: tuple[LinkView, ...]
    history: tuple[HistoryEntry, ...]
    statutory_known: bool  # these four as the report wrote them: see `lifecycle.written`
    timescale: str | None
    lead_accountable: str | None
    lead_responsible: str | None
    kind: str = field(metadata=INTERNAL)
    """Its report's kind, which (with the statutory flag) chooses its deadline rules."""
    bodies: tuple[str, ...] = field(metadata=INTERNAL)
    """The bodies that must respond to its report."""


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
            _r.category,
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
            _r.target_assumed,
            _r.signed_off_by,
            _r.signed_off_at,
            _r.completion_evidence,
            _r.closure_note,
            report.c.kind.label("report_kind"),
            report.c.responding_bodies,
        )
        .join(report, report.c.id == _r.report_id)
        .outerjoin(_owner, _owner.c.id == _r.owner_id)
    )


def _summary_fields(row: Any, today: date) -> dict[str, Any]:
    due = due_in_state(row.state, row.response_due, row.plan_due, row.update_due, row.target_date)
    next_due = due.next
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
        "due": due,
        "next_due": next_due,
        "overdue": next_due is not None and next_due < today,
        "target": row.target_date,
        "target_original": row.original_target_date,
        "category": row.category,
        "target_assumed": bool(row.target_assumed),
    }


def _filtered(
    stmt: Select[Any],
    today: date,
    state: str | None,
    owner: str | None,
    report_key: str | None,
    overdue: bool,
) -> Select[Any]:
    if state is not None and state not in STATES:
        raise BadInput(f"unknown state {state!r} (known: {', '.join(STATES)})")
    if state is not None:
        stmt = stmt.where(_r.state == state)
    if owner is not None:
        stmt = stmt.where(_owner.c.email == normalise_email(owner))
    if report_key is not None:
        stmt = stmt.where(report.c.key == report_key)
    if overdue:
        # Deadlines run only in these states: saying so lets the (state, next_due) index
        # find the overdue few instead of reading every row.
        stmt = stmt.where(_r.state.in_(DUE_STATES), _r.next_due < today)
    return stmt


def list_recommendations(
    uow: UnitOfWork,
    *,
    state: str | None = None,
    owner: str | None = None,
    report_key: str | None = None,
    overdue: bool = False,
    limit: int | None = None,
) -> list[RecSummary]:
    """Recommendations matching every filter given (the first `limit`), in one query."""
    with uow.read() as tx:
        stmt = _filtered(_summary_select(), tx.today, state, owner, report_key, overdue)
        stmt = stmt.order_by(report.c.key, _r.id).limit(limit)
        return [RecSummary(**_summary_fields(row, tx.today)) for row in tx.conn.execute(stmt)]


def recommendation_page(
    uow: UnitOfWork,
    *,
    state: str | None = None,
    owner: str | None = None,
    report_key: str | None = None,
    overdue: bool = False,
    after: int | None = None,
    limit: int = 100,
) -> tuple[list[RecSummary], int | None]:
    """One page of the recommendations matching the filters, in the order they were raised,
    after the one whose (internal) id is `after`; and the id to pass for the next page, or
    None if this is the last. Keyset paging: page 1000 costs what page 1 does."""
    with uow.read() as tx:
        stmt = _filtered(_summary_select(), tx.today, state, owner, report_key, overdue)
        if after is not None:
            stmt = stmt.where(_r.id > after)
        # The overdue are few: find them by the (state, next_due) index and sort them, rather
        # than walk the whole table in id order (`id + 0` keeps SQLite from choosing that).
        order = _r.id + 0 if overdue else _r.id
        rows = tx.conn.execute(stmt.order_by(order).limit(limit + 1)).all()
        found = [RecSummary(**_summary_fields(row, tx.today)) for row in rows[:limit]]
        return found, (rows[limit - 1].id if len(rows) > limit else None)


def _sign_off(extra: Any) -> tuple[SignOff | None, str | None]:
    signed = (
        SignOff(extra.signed_off_by, extra.signed_off_at, extra.completion_evidence)
        if extra.signed_off_by
        else None
    )
    return signed, extra.closure_note


def _actions(conn: Connection, rec_id: int) -> tuple[ActionView, ...]:
    owner = _action_owner
    a = action.c
    rows = conn.execute(
        select(a.number, a.text, owner.c.email, a.target_date, a.done_at, a.dropped_reason)
        .add_columns(a.measure, a.cost_estimate, a.benefit_estimate, a.cost_actual)
        .add_columns(a.target_assumed)
        .join(owner, owner.c.id == a.owner_id)
        .where(a.rec_id == rec_id)
        .order_by(a.number)
    )
    return tuple(
        ActionView(n, t, o, d, done is not None, done, dr, *money)
        for n, t, o, d, done, dr, *money in rows
    )


def _responses(conn: Connection, rec_id: int) -> tuple[ResponseView, ...]:
    c = response.c
    rows = conn.execute(
        select(c.body, c.text, c.not_applicable_reason, c.by_email, c.at, c.considered_complete)
        .where(c.rec_id == rec_id)
        .order_by(c.body)
    )
    return tuple(ResponseView(*row) for row in rows)


def _updates(conn: Connection, rec_id: int) -> tuple[UpdateView, ...]:
    c = progress_update.c
    rows = conn.execute(
        select(c.at, c.author_email, c.note, c.degree, c.evidence)
        .where(c.rec_id == rec_id)
        .order_by(c.at, c.id)
    )
    return tuple(UpdateView(*row) for row in rows)


def _extensions(conn: Connection, rec_id: int) -> tuple[ExtensionView, ...]:
    c = extension.c
    shown = (c.from_date, c.to_date, c.reason, c.status, c.requested_by, c.decided_by)
    rows = conn.execute(select(*shown, c.decision_reason).where(c.rec_id == rec_id).order_by(c.id))
    return tuple(ExtensionView(*row) for row in rows)


_l = rec_link.c
# Links from the recommendation and links to it, in one query (the two indexes, OR-ed).
_LINKS = (
    select(_l.kind, _l.rec_id, _source.c.code, _target.c.code, report.c.key, _l.note)
    .join(_source, _source.c.id == _l.rec_id)
    .outerjoin(_target, _target.c.id == _l.target_rec_id)
    .outerjoin(report, report.c.id == _l.target_report_id)
    .where((_l.rec_id == bindparam("rec")) | (_l.target_rec_id == bindparam("rec")))
    .order_by(_l.id)
)


def _links(conn: Connection, rec_id: int) -> tuple[LinkView, ...]:
    """Links from the recommendation, then links to it (named from its side)."""
    rows = conn.execute(_LINKS, {"rec": rec_id}).all()
    return tuple(
        LinkView(kind, to_rec or to_report, note)
        for kind, source, _, to_rec, to_report, note in rows
        if source == rec_id
    ) + tuple(
        LinkView(_INVERSE[kind], code, note)
        for kind, source, code, _, _, note in rows
        if source != rec_id
    )


def _history(conn: Connection, code: str) -> tuple[HistoryEntry, ...]:
    return tuple(
        HistoryEntry(e["at"], e["actor"], e["event"], e["from_state"], e["to_state"], e["note"])
        for e in find_events(conn, AuditQuery(rec=code))
    )


def show_recommendation(uow: UnitOfWork, code: str) -> RecView:
    """Everything about one recommendation, with its history from the audit trail."""
    code = normal_code(code)
    with uow.read() as tx:
        conn = tx.conn
        row = conn.execute(_summary_select().where(_r.code == code)).first()
        if row is None:
            raise UnknownRecommendation(code)
        signed_off, closure_note = _sign_off(row)
        return RecView(
            **_summary_fields(row, tx.today),
            signed_off=signed_off,
            closure_note=closure_note,
            actions=_actions(conn, row.id),
            responses=_responses(conn, row.id),
            updates=_updates(conn, row.id),
            extensions=_extensions(conn, row.id),
            links=_links(conn, row.id),
            history=_history(conn, code),
            **as_written(conn, row.id),
            kind=row.report_kind,
            bodies=tuple(row.responding_bodies),
        )
