"""Committees, their members and secretary, and their meetings (added, or planned by cadence)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from dateutil.relativedelta import relativedelta
from sqlalchemy import Connection, func, insert, select, update

from workflow.directory.people import acting_as, get_person
from workflow.errors import AlreadyExists, BadInput, UnknownCommittee
from workflow.plain import INTERNAL
from workflow.store.tables import (
    CADENCES,
    COMMITTEE_KINDS,
    committee,
    committee_member,
    limit,
    meeting,
    person,
)
from workflow.store.uow import Tx, UnitOfWork

STEP = {
    "weekly": relativedelta(weeks=1),
    "fortnightly": relativedelta(weeks=2),
    "monthly": relativedelta(months=1),
    "quarterly": relativedelta(months=3),
    "six-monthly": relativedelta(months=6),
    "annually": relativedelta(years=1),
}


@dataclass(frozen=True, slots=True)
class Committee:
    """A committee that hears about recommendations: its kind, how often it meets, who
    serves it as secretary, who sits on it."""

    name: str
    kind: str
    cadence: str
    secretary: str | None
    members: tuple[str, ...]
    paper_by: str | None
    """Who its papers are "By:" (a post, as the papers print it); None: the ILAU."""
    secretary_name: str | None = field(metadata=INTERNAL)
    id: int = field(metadata=INTERNAL)


def get_committee(conn: Connection, name: str) -> Committee:
    c = committee.c
    row = conn.execute(
        select(
            c.id,
            c.name,
            c.kind,
            c.cadence,
            c.paper_by,
            person.c.email,
            person.c.name.label("sec"),
        )
        .outerjoin(person, person.c.id == c.secretary_id)
        .where(c.name == name)
    ).first()
    if row is None:
        raise UnknownCommittee(name)
    members = tuple(
        conn.execute(
            select(person.c.email)
            .join(committee_member, committee_member.c.person_id == person.c.id)
            .where(committee_member.c.committee_id == row.id)
            .order_by(person.c.email)
        ).scalars()
    )
    return Committee(
        row.name, row.kind, row.cadence, row.email, members, row.paper_by, row.sec, row.id
    )


def paper_by_text(text: str | None) -> str | None:
    """Who a committee's papers are "By:", checked: one line, at most as long as it may be;
    blank means none (the papers then say the ILAU)."""
    if text is None or not text.strip():
        return None
    text = " ".join(text.split())
    most = limit(committee.c.paper_by)
    if most is not None and len(text) > most:
        raise BadInput(f"--paper-by is {len(text)} characters long (at most {most})")
    if not text.isprintable():
        raise BadInput("--paper-by holds a character that cannot be printed")
    return text


def _checked_kind(uow: UnitOfWork, name: str, cadence: str, kind: str | None) -> str:
    """The committee's kind, checked with its cadence; by default `board` for the committee
    that escalations go to (the rules' `escalate_to`) and `scrutiny` for any other."""
    if cadence not in CADENCES:
        raise BadInput(f"unknown cadence {cadence!r} (known: {', '.join(CADENCES)})")
    if kind is None:
        kind = "board" if name == uow.rules.defaults.escalate_to else "scrutiny"
    if kind not in COMMITTEE_KINDS:
        raise BadInput(f"unknown committee kind {kind!r} (known: {', '.join(COMMITTEE_KINDS)})")
    return kind


def add_committee(
    uow: UnitOfWork,
    name: str,
    *,
    cadence: str,
    secretary: str | None = None,
    kind: str | None = None,
    members: tuple[str, ...] = (),
    actor: str | None = None,
    paper_by: str | None = None,
) -> Committee:
    """Register a committee (ilau or secretary). Its kind, unless given, is `board` for the
    committee that escalations go to (the rules' `escalate_to`) and `scrutiny` for any other;
    `paper_by` is who its papers are "By:"."""
    name = name.strip()
    if not name:
        raise BadInput("a committee needs a name")
    kind = _checked_kind(uow, name, cadence, kind)
    paper_by = paper_by_text(paper_by)
    with uow.write() as tx:
        recorded = acting_as(tx, actor, "committee.add")
        if tx.conn.execute(select(committee.c.id).where(committee.c.name == name)).first():
            raise AlreadyExists(f"committee {name!r} already exists")
        secretary_id = get_person(tx.conn, secretary).id if secretary else None
        member_ids = [get_person(tx.conn, m).id for m in members]
        values = {"name": name, "kind": kind, "cadence": cadence, "paper_by": paper_by}
        committee_id = tx.conn.execute(
            insert(committee)
            .values(**values, secretary_id=secretary_id, created_at=tx.now)
            .returning(committee.c.id)
        ).scalar_one()
        if member_ids:
            tx.conn.execute(
                insert(committee_member),
                [{"committee_id": committee_id, "person_id": p} for p in dict.fromkeys(member_ids)],
            )
        changes = {**values, "secretary": secretary, "members": list(members)}
        if paper_by is None:  # recorded when set: committees added before read as they did
            del changes["paper_by"]
        tx.audit.append(actor=recorded, event="committee.add", changes=changes)
        return get_committee(tx.conn, name)


def set_paper_by(
    uow: UnitOfWork, name: str, paper_by: str | None, *, actor: str | None = None
) -> Committee:
    """Say who a committee's papers are "By:" (ilau or secretary; blank: the ILAU again),
    audited as `committee.set`. Already so, nothing is written."""
    paper_by = paper_by_text(paper_by)
    with uow.write() as tx:
        recorded = acting_as(tx, actor, "committee.add")
        com = get_committee(tx.conn, name)
        if com.paper_by == paper_by:
            return com
        tx.conn.execute(update(committee).where(committee.c.id == com.id).values(paper_by=paper_by))
        tx.audit.append(
            actor=recorded,
            event="committee.set",
            changes={"name": com.name, "paper_by": paper_by, "was": com.paper_by},
        )
        return get_committee(tx.conn, name)


def list_committees(uow: UnitOfWork) -> list[Committee]:
    with uow.read() as tx:
        names = list(tx.conn.execute(select(committee.c.name).order_by(committee.c.name)).scalars())
        return [get_committee(tx.conn, n) for n in names]


def insert_meeting(tx: Tx, com: Committee, day: date, actor: str) -> bool:
    """Add a meeting unless it exists; True if added."""
    exists = tx.conn.execute(
        select(meeting.c.id).where(meeting.c.committee_id == com.id, meeting.c.date == day)
    ).first()
    if exists:
        return False
    tx.conn.execute(insert(meeting).values(committee_id=com.id, date=day))
    tx.audit.append(actor=actor, event="meeting.add", changes={"committee": com.name, "date": day})
    return True


def add_meeting(uow: UnitOfWork, name: str, day: date, *, actor: str | None = None) -> None:
    """Add a meeting of committee `name` on `day`; refused if it already meets then."""
    with uow.write() as tx:
        com = get_committee(tx.conn, name)
        if not insert_meeting(tx, com, day, acting_as(tx, actor, "meeting.add")):
            raise AlreadyExists(f"{name} already meets on {day}")


def meetings(conn: Connection, com: Committee) -> list[date]:
    return list(
        conn.execute(
            select(meeting.c.date).where(meeting.c.committee_id == com.id).order_by(meeting.c.date)
        ).scalars()
    )


def plan_meetings(tx: Tx, com: Committee, until: date, *, actor: str = "system") -> list[date]:
    """Add meetings at the committee's cadence after its last one, up to `until`."""
    known = meetings(tx.conn, com)
    if not known:
        return []
    added, step, n = [], STEP[com.cadence], 1
    while (day := known[-1] + step * n) <= until:
        insert_meeting(tx, com, day, actor)
        added.append(day)
        n += 1
    return added


def plan_meetings_until(
    uow: UnitOfWork, name: str, until: date, *, actor: str | None = None
) -> list[date]:
    """Add meetings of committee `name` at its cadence after its last one, up to `until`
    (ilau or secretary)."""
    with uow.write() as tx:
        recorded = acting_as(tx, actor, "meeting.plan")
        return plan_meetings(tx, get_committee(tx.conn, name), until, actor=recorded)


def previous_meeting(conn: Connection, com: Committee, day: date) -> date:
    """The committee's meeting before `day`, or one cadence step before it if none."""
    before = conn.execute(
        select(func.max(meeting.c.date)).where(
            meeting.c.committee_id == com.id, meeting.c.date < day
        )
    ).scalar()
    return before if before is not None else day - STEP[com.cadence]


def next_meeting(conn: Connection, com: Committee, today: date) -> date:
    found = conn.execute(
        select(meeting.c.date)
        .where(meeting.c.committee_id == com.id, meeting.c.date >= today)
        .order_by(meeting.c.date)
        .limit(1)
    ).scalar()
    if found is None:
        raise BadInput(
            f"{com.name} has no meeting on or after {today}: add one with "
            f"`rectrack meeting add {com.name!r} YYYY-MM-DD`"
        )
    day: date = found
    return day
