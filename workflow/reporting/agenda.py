"""Agendas: the items each meeting should hear, generated from the data, each with its
recommendations; stored per meeting, and regenerated idempotently."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, delete, func, insert, select, update

from workflow.audit.trail import canonical
from workflow.directory.committees import (
    Committee,
    get_committee,
    list_committees,
    meetings,
    next_meeting,
    plan_meetings,
    previous_meeting,
)
from workflow.directory.decisions import decisions_to_hear
from workflow.errors import BadInput
from workflow.mail.compose import agenda_notice
from workflow.mail.outbox import enqueue
from workflow.plain import plain
from workflow.reporting.board import board_items
from workflow.reporting.items import AgendaItem, decision_items
from workflow.reporting.portfolio import RecFacts, ReportFacts, load_recommendations, reports_info
from workflow.reporting.scrutiny import new_reports, report_items
from workflow.store.outward import issued_paper
from workflow.store.tables import agenda_item, meeting, report
from workflow.store.uow import Tx, UnitOfWork


@dataclass(frozen=True, slots=True)
class AgendaSummary:
    """A meeting's agenda as `rectrack agenda --json` prints it."""

    committee: str
    meeting: date
    since: date
    items: list[AgendaItem]


@dataclass
class Agenda:
    """A meeting's agenda, with what the papers need: the reports and recommendations it
    was built from."""

    committee: Committee
    meeting: date
    since: date
    items: list[AgendaItem]
    changed: bool = False
    reports: list[ReportFacts] = field(default_factory=list)
    facts: list[RecFacts] = field(default_factory=list)

    @property
    def summary(self) -> AgendaSummary:
        return AgendaSummary(self.committee.name, self.meeting, self.since, self.items)


def _start(day: date, timezone: str) -> datetime:
    return datetime.combine(day, time(0), ZoneInfo(timezone))


# --- generation and storage -----------------------------------------------------------------


def _since(tx: Tx, com: Committee, day: date, timezone: str) -> tuple[date, datetime]:
    """Where "since the last meeting" starts: when the committee's last paper (for an
    earlier meeting) was issued, for that is what members were last told; without one, the
    start of the previous meeting's day."""
    issued: datetime | None = tx.conn.execute(
        select(func.max(issued_paper.c.issued_at)).where(
            issued_paper.c.committee_id == com.id,
            issued_paper.c.meeting < day,
            issued_paper.c.issued_at <= tx.now,  # as it stood then, for a paper run in the past
        )
    ).scalar()
    if issued is not None:
        return issued.astimezone(ZoneInfo(timezone)).date(), issued
    since = previous_meeting(tx.conn, com, day)
    return since, _start(since, timezone)


def build_agenda(tx: Tx, com: Committee, day: date, timezone: str) -> Agenda:
    """The items of `com`'s meeting on `day`, from the data as of now."""
    since, since_at = _since(tx, com, day, timezone)
    own = list(
        tx.conn.execute(select(report.c.key).where(report.c.committee == com.name)).scalars()
    )
    keys = None if com.kind == "board" else own
    facts = load_recommendations(tx.conn, tx.rules, tx.today, keys, with_updates=True, at=tx.now)
    zone = ZoneInfo(timezone)
    reps = reports_info(tx.conn, keys, at=tx.now)
    # Matters arising first: what the committee decided earlier and who has not yet done it.
    items: list[AgendaItem] = decision_items(
        decisions_to_hear(tx.conn, com.id, day, tx.now, since_at), tx.now, tx.today
    )
    if com.kind == "board":
        items += board_items(tx, com, since_at, facts, zone)
    by_report: dict[str, list[RecFacts]] = defaultdict(list)
    for f in facts:
        by_report[f.report].append(f)
    for rep in reps:
        if rep.key in own and by_report[rep.key]:
            items += report_items(rep, by_report[rep.key], since_at, tx.today, zone)
    items += new_reports(reps, facts, since_at)
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
    *,
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
                        links=tx.links,
                    )
                ],
            )
        return agenda


def generate_due_agendas(
    uow: UnitOfWork, *, days_before: int, timezone: str, actor: str = "system:scheduler"
) -> list[Agenda]:
    """For each committee: plan meetings at its cadence, and generate (once) the agenda of
    every meeting within `days_before` days; their secretaries are e-mailed."""
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
    return [generate_agenda(uow, name, day=d, timezone=timezone, actor=actor) for name, d in due]


@dataclass(frozen=True, slots=True)
class StoredItem:
    """An agenda item as generated and kept with its meeting."""

    position: int
    kind: str
    title: str
    recs: tuple[str, ...]


def stored_items(conn: Connection, com: Committee, day: date) -> list[StoredItem] | None:
    """The items kept with a meeting's agenda; None if its agenda was never generated."""
    m, i = meeting.c, agenda_item.c
    generated = conn.execute(
        select(m.id, m.agenda_generated_at).where(m.committee_id == com.id, m.date == day)
    ).first()
    if generated is None or generated.agenda_generated_at is None:
        return None
    rows = conn.execute(
        select(i.position, i.kind, i.title, i.recs)
        .where(i.meeting_id == generated.id)
        .order_by(i.position)
    )
    return [StoredItem(p, k, t, tuple(r.split())) for p, k, t, r in rows]
