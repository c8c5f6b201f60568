"""A person's calendar feed (RFC 5545, by the icalendar library): the due dates of the
recommendations they own (response, plan, update, target), the targets of the plan actions
they own, and the meetings of the committees they sit on or serve.

Each item is an all-day event with a UID that stays the same while its date moves, so a
calendar that refreshes the feed moves the event rather than adding another.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from icalendar import Calendar, Event
from sqlalchemy import Connection, or_, select

from states import due_in_state
from workflow.directory.people import Person
from workflow.mail.links import rec_path
from workflow.store.tables import (
    action,
    committee,
    committee_member,
    meeting,
    recommendation,
)
from workflow.store.uow import UnitOfWork

CLOSED = ("complete", "superseded")
PAST_MEETINGS = timedelta(days=90)
"""Meetings are listed from this long ago: a calendar shows what was, too."""
_WHAT = {
    "response": "Response due",
    "plan": "Implementation plan due",
    "update": "Progress update due",
    "target": "Target date",
}
_r = recommendation.c


@dataclass(frozen=True, slots=True)
class Item:
    uid: str
    day: date
    summary: str
    description: str
    url: str | None


def _recommendation_items(conn: Connection, who: Person, base: str) -> list[Item]:
    rows = conn.execute(
        select(
            _r.code,
            _r.subject,
            _r.text,
            _r.state,
            _r.response_due,
            _r.plan_due,
            _r.update_due,
            _r.target_date,
        ).where(_r.owner_id == who.id, _r.state.not_in(CLOSED))
    )
    items = []
    for row in rows:
        due = due_in_state(
            row.state, row.response_due, row.plan_due, row.update_due, row.target_date
        )
        about = row.subject or row.text
        for kind, day in (
            ("response", due.response),
            ("plan", due.plan),
            ("update", due.update),
            ("target", due.target),
        ):
            if day is not None:
                items.append(
                    Item(
                        f"{row.code}/{kind}",
                        day,
                        f"{_WHAT[kind]}: {row.code}",
                        about,
                        base + rec_path(row.code),
                    )
                )
    return items


def _action_items(conn: Connection, who: Person, base: str) -> list[Item]:
    a = action.c
    rows = conn.execute(
        select(_r.code, a.number, a.text, a.target_date)
        .join(recommendation, _r.id == a.rec_id)
        .where(
            a.owner_id == who.id,
            a.done_at.is_(None),
            a.dropped_reason.is_(None),
            _r.state.not_in(CLOSED),
        )
    )
    return [
        Item(
            f"{row.code}/action/{row.number}",
            row.target_date,
            f"Action {row.number} target: {row.code}",
            row.text,
            base + rec_path(row.code),
        )
        for row in rows
    ]


def _meeting_items(conn: Connection, who: Person, today: date, base: str) -> list[Item]:
    c = committee.c
    member = select(committee_member.c.committee_id).where(committee_member.c.person_id == who.id)
    rows = conn.execute(
        select(c.name, meeting.c.date)
        .join(meeting, meeting.c.committee_id == c.id)
        .where(
            or_(c.id.in_(member), c.secretary_id == who.id),
            meeting.c.date >= today - PAST_MEETINGS,
        )
    )
    return [
        Item(
            f"meeting/{row.name}/{row.date.isoformat()}",
            row.date,
            f"{row.name} meeting",
            f"The {row.name} meets; its agenda and paper are in rectrack.",
            f"{base}/meetings",
        )
        for row in rows
    ]


def feed_items(uow: UnitOfWork, who: Person, base_url: str) -> list[Item]:
    """Every item of `who`'s feed, by date: three queries, whatever the number of items."""
    with uow.read() as tx:
        items = [
            *_recommendation_items(tx.conn, who, base_url),
            *_action_items(tx.conn, who, base_url),
            *_meeting_items(tx.conn, who, tx.today, base_url),
        ]
    return sorted(items, key=lambda i: (i.day, i.uid))


def feed(uow: UnitOfWork, who: Person, base_url: str, host: str) -> bytes:
    """`who`'s calendar, as the bytes of an iCalendar file."""
    cal = Calendar()
    cal.add("prodid", "-//rectrack//calendar feed//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"rectrack: {who.name}")
    cal.add("x-published-ttl", "PT1H")
    stamp = uow.clock.now()
    for item in feed_items(uow, who, base_url):
        event = Event()
        event.add("uid", f"{item.uid}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", item.day)
        event.add("dtend", item.day + timedelta(days=1))
        event.add("summary", item.summary)
        event.add("description", item.description)
        event.add("transp", "TRANSPARENT")
        if item.url is not None:
            event.add("url", item.url)
        cal.add_component(event)
    return bytes(cal.to_ical())
