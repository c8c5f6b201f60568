"""Agendas: the items each meeting should hear, generated from the data, each with its
recommendations; stored per meeting, and regenerated idempotently."""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, insert, select, update

from states import OPEN, STATES
from workflow.audit.trail import canonical
from workflow.directory.committees import Committee, get_committee, next_meeting, previous_meeting
from workflow.errors import BadInput
from workflow.mail.compose import KIND_LABEL, REASON_LABEL, agenda_notice
from workflow.mail.outbox import enqueue
from workflow.plain import INTERNAL, OMIT_DEFAULT, plain
from workflow.reporting.portfolio import RecFacts, load_recommendations, reports_info
from workflow.store.tables import agenda_item, escalation, meeting, person, recommendation, report
from workflow.store.uow import Tx, UnitOfWork

RAGS = ("RED", "AMBER", "GREEN")


@dataclass(frozen=True, slots=True)
class AgendaItem:
    """One item of a meeting's agenda, with the recommendations it is about; `detail` holds
    what the papers show of it (columns, rows, a note)."""

    title: str
    kind: str
    recs: tuple[str, ...]
    report: str | None = field(default=None, metadata=OMIT_DEFAULT)
    detail: dict[str, Any] = field(default_factory=dict, metadata=INTERNAL)


@dataclass(frozen=True, slots=True)
class AgendaSummary:
    """A meeting's agenda as `rectrack agenda --json` prints it."""

    committee: str
    meeting: date
    since: date
    items: list[AgendaItem]


@dataclass
class Agenda:
    committee: Committee
    meeting: date
    since: date
    items: list[AgendaItem]
    changed: bool = False
    reports: list[dict[str, Any]] = field(default_factory=list)
    facts: list[RecFacts] = field(default_factory=list)

    @property
    def summary(self) -> AgendaSummary:
        return AgendaSummary(self.committee.name, self.meeting, self.since, self.items)


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def _rec_row(f: RecFacts) -> list[str]:
    return [
        f.code,
        f.subject or _short(f.text),
        f.owner or "(none)",
        f.state.replace("_", " "),
        f.rag or "",
    ]


_REC_COLUMNS = ["Recommendation", "Subject", "Owner", "State", "RAG"]


def _short(text: str, width: int = 80) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def _item(
    kind: str,
    title: str,
    facts: list[RecFacts],
    report_key: str | None = None,
    columns: list[str] | None = None,
    rows: list[list[str]] | None = None,
    note: str | None = None,
) -> AgendaItem:
    detail: dict[str, Any] = {
        "columns": columns or _REC_COLUMNS,
        "rows": rows if rows is not None else [_rec_row(f) for f in facts],
    }
    if note:
        detail["note"] = note
    return AgendaItem(title, kind, tuple(f.code for f in facts), report_key, detail)


def _unique(facts: list[RecFacts]) -> list[RecFacts]:
    return list({f.code: f for f in facts}.values())


def _start(day: date, timezone: str) -> datetime:
    return datetime.combine(day, time(0), ZoneInfo(timezone))


# --- the Performance Board ------------------------------------------------------------------


def _board_items(
    tx: Tx, com: Committee, since_at: datetime, facts: list[RecFacts]
) -> list[AgendaItem]:
    by_code = {f.code: f for f in facts}
    e, r = escalation.c, recommendation.c
    rows = tx.conn.execute(
        select(e.reason, e.due_date, e.raised_at, e.note, e.cleared_at, e.clear_note, r.code)
        .join(recommendation, r.id == e.rec_id)
        .where(e.committee == com.name, (e.cleared_at.is_(None)) | (e.cleared_at >= since_at))
        .order_by(r.code, e.id)
    ).all()
    items: list[AgendaItem] = []
    grouped: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for row in rows:
        if row.cleared_at is None:
            grouped[(row.reason, by_code[row.code].group or "")].append(row)
    order = list(REASON_LABEL)
    for (reason, group), found in sorted(
        grouped.items(), key=lambda g: (order.index(g[0][0]), g[0][1])
    ):
        recs = [by_code[row.code] for row in found]
        items.append(
            _item(
                "open_escalations",
                f"Open escalations ({group or 'no business group'}): {REASON_LABEL[reason]}",
                _unique(recs),
                columns=["Recommendation", "Subject", "Owner", "Due", "Escalated", "RAG"],
                rows=[
                    [
                        row.code,
                        by_code[row.code].subject or _short(by_code[row.code].text),
                        by_code[row.code].owner or "(none)",
                        _day(row.due_date),
                        row.raised_at.date().isoformat(),
                        by_code[row.code].rag or "",
                    ]
                    for row in found
                ],
                note=next((row.note for row in found if row.note), None),
            )
        )
    cleared = [row for row in rows if row.cleared_at is not None]
    if cleared:
        items.append(
            _item(
                "escalations_cleared",
                "Escalations cleared since the last meeting",
                _unique([by_code[row.code] for row in cleared]),
                columns=["Recommendation", "Reason", "Cleared", "Why"],
                rows=[
                    [
                        row.code,
                        REASON_LABEL[row.reason],
                        row.cleared_at.date().isoformat(),
                        row.clear_note or "",
                    ]
                    for row in cleared
                ],
            )
        )
    inactive = set(
        tx.conn.execute(select(person.c.email).where(person.c.active.is_(False))).scalars()
    )
    unowned = [f for f in facts if f.state in OPEN and (f.owner is None or f.owner in inactive)]
    if unowned:
        items.append(_item("unowned", "Recommendations without an active owner", unowned))
    return items


# --- a scrutiny committee's reports ---------------------------------------------------------


def _report_items(
    rep: dict[str, Any], facts: list[RecFacts], since_at: datetime, today: date
) -> list[AgendaItem]:
    key, title = rep["key"], rep["title"]
    states = Counter(f.state for f in facts)
    rags = Counter(f.rag for f in facts if f.rag)
    counts = ", ".join(f"{states[s]} {s.replace('_', ' ')}" for s in STATES if states[s])
    rag_text = ", ".join(f"{rags[c]} {c.lower()}" for c in RAGS if rags[c]) or "none open"
    # The counts, not every recommendation: the exceptions follow as items of their own,
    # and the tracker (`rectrack report tracker`) lists them all.
    by_state_rag = Counter((f.state, f.rag) for f in facts)
    items = [
        _item(
            "progress",
            f"{title} ({key}): implementation progress",
            facts,
            key,
            columns=["State", "Recommendations", *RAGS],
            rows=[
                [s.replace("_", " "), str(states[s]), *(str(by_state_rag[(s, c)]) for c in RAGS)]
                for s in STATES
                if states[s]
            ],
            note=f"{len(facts)} recommendations: {counts}. RAG: {rag_text}.",
        )
    ]
    done = [f for f in facts if f.signed_off_at is not None and f.signed_off_at >= since_at]
    if done:
        items.append(_item("completed", f"{key}: completed since the last meeting", done, key))
    overdue = [f for f in facts if f.due.next is not None and f.due.next < today]
    if overdue:
        items.append(
            _item(
                "overdue",
                f"{key}: overdue",
                overdue,
                key,
                columns=["Recommendation", "Subject", "Owner", "What is overdue", "Due", "RAG"],
                rows=[
                    [
                        f.code,
                        f.subject or _short(f.text),
                        f.owner or "(none)",
                        _overdue_what(f, today),
                        _day(f.due.next),
                        f.rag or "",
                    ]
                    for f in overdue
                ],
            )
        )
    revised = [(f, rev) for f in facts for rev in f.revisions if rev[2] >= since_at]
    if revised:
        items.append(
            _item(
                "targets_revised",
                f"{key}: target dates revised",
                [f for f, _ in revised],
                key,
                columns=["Recommendation", "Subject", "Original target", "Revised target"],
                rows=[
                    [
                        f.code,
                        f.subject or _short(f.text),
                        _day(f.original_target or rev[0]),
                        _day(rev[1]),
                    ]
                    for f, rev in revised
                ],
            )
        )
    pending = [f for f in facts if f.pending_extension is not None]
    if pending:
        items.append(
            _item(
                "extensions_pending",
                f"{key}: extensions awaiting approval",
                pending,
                key,
                columns=["Recommendation", "Subject", "Current target", "Asked for"],
                rows=[
                    [f.code, f.subject or _short(f.text), _day(f.target), _day(f.pending_extension)]
                    for f in pending
                ],
            )
        )
    sign_off = [f for f in facts if f.state == "monitored" and f.degree == "completely"]
    if sign_off:
        items.append(_item("sign_off", f"{key}: proposed for sign-off", sign_off, key))
    superseded = [f for f in facts if f.state == "superseded" and f.state_changed_at >= since_at]
    if superseded:
        items.append(
            _item(
                "superseded",
                f"{key}: superseded",
                superseded,
                key,
                columns=["Recommendation", "Subject", "Superseded by, or why dropped"],
                rows=[
                    [f.code, f.subject or _short(f.text), f.successor or f.closure_note or ""]
                    for f in superseded
                ],
            )
        )
    return items


def _overdue_what(f: RecFacts, today: date) -> str:
    late = [
        (label, d)
        for label, d in (
            ("response", f.due.response),
            ("plan", f.due.plan),
            ("update", f.due.update),
            ("target", f.due.target),
        )
        if d is not None and d < today
    ]
    return ", ".join(KIND_LABEL[k].lower() for k, _ in late)


def _new_reports(
    reps: list[dict[str, Any]], facts: list[RecFacts], since_at: datetime
) -> list[AgendaItem]:
    new = [rep for rep in reps if rep["created_at"] >= since_at]
    if not new:
        return []
    keys = {rep["key"] for rep in new}
    return [
        _item(
            "new_reports",
            "New reports received since the last meeting",
            [f for f in facts if f.report in keys],
            columns=["Report", "Title", "From", "Published", "Recommendations"],
            rows=[
                [
                    rep["key"],
                    rep["title"],
                    rep["body"],
                    _day(rep["published"]),
                    str(sum(1 for f in facts if f.report == rep["key"])),
                ]
                for rep in new
            ],
        )
    ]


# --- generation and storage -----------------------------------------------------------------


def build_agenda(tx: Tx, com: Committee, day: date, timezone: str) -> Agenda:
    """The items of `com`'s meeting on `day`, from the data as of now."""
    since = previous_meeting(tx.conn, com, day)
    since_at = _start(since, timezone)
    own = list(
        tx.conn.execute(select(report.c.key).where(report.c.committee == com.name)).scalars()
    )
    keys = None if com.kind == "board" else own
    facts = load_recommendations(tx.conn, tx.rules, tx.today, keys)
    reps = reports_info(tx.conn, keys)
    items: list[AgendaItem] = []
    if com.kind == "board":
        items += _board_items(tx, com, since_at, facts)
    by_report: dict[str, list[RecFacts]] = defaultdict(list)
    for f in facts:
        by_report[f.report].append(f)
    for rep in reps:
        if rep["key"] in own and by_report[rep["key"]]:
            items += _report_items(rep, by_report[rep["key"]], since_at, tx.today)
    items += _new_reports(reps, facts, since_at)
    return Agenda(com, day, since, items, reports=reps, facts=facts)


def _fingerprint(items: list[AgendaItem]) -> str:
    # What the secretary is told about: the items and their recommendations, not the
    # details (days overdue, say), which move every day.
    return hashlib.sha256(
        canonical([[i.kind, i.title, i.report, list(i.recs)] for i in items]).encode()
    ).hexdigest()


def store_agenda(tx: Tx, agenda: Agenda, actor: str) -> bool:
    """Keep the agenda with its meeting; True if its items changed (or it is new)."""
    m = meeting.c
    row = tx.conn.execute(
        select(m.id, m.agenda_hash).where(
            m.committee_id == agenda.committee.id, m.date == agenda.meeting
        )
    ).one()
    fingerprint = _fingerprint(agenda.items)
    tx.conn.execute(delete(agenda_item).where(agenda_item.c.meeting_id == row.id))
    if agenda.items:
        tx.conn.execute(
            insert(agenda_item),
            [
                {
                    "meeting_id": row.id,
                    "position": n,
                    "kind": i.kind,
                    "title": i.title,
                    "report": i.report,
                    "recs": " ".join(i.recs),
                    "detail": canonical(i.detail),
                }
                for n, i in enumerate(agenda.items, start=1)
            ],
        )
    tx.conn.execute(
        update(meeting)
        .where(m.id == row.id)
        .values(agenda_hash=fingerprint, agenda_generated_at=tx.now)
    )
    changed: bool = row.agenda_hash != fingerprint
    if changed:
        tx.audit.append(
            actor=actor,
            event="agenda.generate",
            changes={
                "committee": agenda.committee.name,
                "meeting": agenda.meeting,
                "items": [[i.kind, i.title, list(i.recs)] for i in agenda.items],
            },
        )
    agenda.changed = changed
    return changed


def generate_agenda(
    uow: UnitOfWork,
    committee_name: str,
    day: date | None = None,
    timezone: str = "Europe/London",
    actor: str = "system",
) -> Agenda:
    """Generate (or regenerate) a meeting's agenda; its next meeting if no date is given.

    The secretary is e-mailed when the agenda is new or its items have changed.
    """
    with uow.write() as tx:
        com = get_committee(tx.conn, committee_name)
        day = day or next_meeting(tx.conn, com, tx.today)
        exists = tx.conn.execute(
            select(meeting.c.id).where(meeting.c.committee_id == com.id, meeting.c.date == day)
        ).first()
        if exists is None:
            raise BadInput(
                f"{com.name} has no meeting on {day}: add it with "
                f"`rectrack meeting add {com.name!r} {day}`"
            )
        agenda = build_agenda(tx, com, day, timezone)
        if store_agenda(tx, agenda, actor) and com.secretary:
            enqueue(
                tx,
                [
                    agenda_notice(
                        com.secretary,
                        com.secretary_name or com.secretary,
                        com.name,
                        day,
                        [plain(i) for i in agenda.items],
                        tx.today,
                    )
                ],
            )
        return agenda


def generate_due_agendas(
    uow: UnitOfWork, days_before: int, timezone: str, actor: str = "system:scheduler"
) -> list[Agenda]:
    """For each committee: plan meetings at its cadence, and generate (once) the agenda of
    every meeting within `days_before` days; their secretaries are e-mailed."""
    from workflow.directory.committees import list_committees, meetings, plan_meetings

    horizon = uow.clock.today() + timedelta(days=days_before)
    due: list[tuple[str, date]] = []
    for com in list_committees(uow):
        with uow.write() as tx:
            plan_meetings(tx, com, horizon, actor=actor)
            generated = {
                d
                for (d,) in tx.conn.execute(
                    select(meeting.c.date).where(
                        meeting.c.committee_id == com.id, meeting.c.agenda_generated_at.is_not(None)
                    )
                )
            }
            due += [
                (com.name, d)
                for d in meetings(tx.conn, com)
                if tx.today <= d <= horizon and d not in generated
            ]
    return [generate_agenda(uow, name, d, timezone, actor) for name, d in due]
