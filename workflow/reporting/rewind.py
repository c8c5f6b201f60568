"""Reports true to their date: the facts of recommendations as they stood at an instant.

A paper dated 15 March 2004 must not show what happened in April. When the store holds
events later than a report's instant (a report run with `--now` in the past), the facts
loaded from the current tables are rewound: state, owner, degree met and due dates come from
the audit trail folded up to that instant (as `audit as-of` does, with the same `Fold`);
escalations, extensions, the latest progress update and sign-off are taken as they stood
then, from their own timestamps. Recommendations raised later are left out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, func, select

from states import due_in_state
from workflow.audit.asof import Fold
from workflow.audit.query import chain_head_at
from workflow.store.tables import (
    audit_event,
    escalation,
    extension,
    person,
    progress_update,
)

_t = audit_event.c
CLOSED = ("complete", "superseded")


def needs_rewind(conn: Connection, at: datetime) -> bool:
    """Whether the store holds anything after `at` (else today's tables are `at`'s)."""
    last = chain_head_at(conn)
    return last is not None and last > at


@dataclass(slots=True)
class Then:
    """One recommendation at the instant: its fold, and what the fold does not keep."""

    fold: Fold
    state_changed_at: datetime | None = None
    signed_off_at: datetime | None = None


def _folds(
    conn: Connection, at: datetime, codes: set[str], keys: list[str] | None
) -> dict[str, Then]:
    then: dict[str, Then] = {}
    stmt = select(_t.rec, _t.event, _t.from_state, _t.to_state, _t.changes, _t.at).where(
        _t.rec.is_not(None), _t.at <= at
    )
    if keys is not None:  # along the (report, id) index
        stmt = stmt.where(_t.report.in_(keys))
    rows = conn.execute(stmt.order_by(_t.rec, _t.id))
    for code, event, from_state, to_state, changes, when in rows:
        if code not in codes:
            continue
        got = then.get(code)
        if got is None:
            got = then[code] = Then(Fold(code))
        got.fold.apply(event, to_state, changes)
        if to_state is not None and to_state != from_state:
            got.state_changed_at = when
        if event == "complete":
            got.signed_off_at = when
    return then


def _people(
    conn: Connection, emails: set[str]
) -> dict[str, tuple[str | None, str | None, str | None]]:
    if not emails:
        return {}
    p = person.c
    rows = conn.execute(select(p.email, p.name, p.group_name, p.title).where(p.email.in_(emails)))
    return {email: (name, group, title) for email, name, group, title in rows}


def rewind(
    conn: Connection, facts: list[Any], at: datetime, keys: list[str] | None = None
) -> list[Any]:
    """`facts` (RecFacts loaded from today's tables) as they stood at `at`; those not yet
    raised then are dropped. Details are re-read as of `at` by `rewind_details`."""
    then = _folds(conn, at, {f.code for f in facts}, keys)
    kept = [f for f in facts if f.code in then and then[f.code].fold.state is not None]
    owners = _people(conn, {o for f in kept if (o := then[f.code].fold.values["owner"])})
    for f in kept:
        past = then[f.code]
        v, state = past.fold.values, str(past.fold.state)
        dates = [date.fromisoformat(v[k]) if v.get(k) else None for k in _DATES]
        f.state, f.degree = state, v["degree"] or "none"
        f.owner = v["owner"]
        f.owner_name, f.group, f.owner_title = (
            owners.get(f.owner, (None, None, None)) if f.owner else (None, None, None)
        )
        f.due = due_in_state(state, *dates)
        f.target = dates[3]
        f.target_assumed = bool(v.get("target_assumed"))
        f.state_changed_at = past.state_changed_at or f.state_changed_at
        f.signed_off_at = past.signed_off_at if state == "complete" else None
        if state not in CLOSED:
            f.closure_note = None
            f.successor = f.successor_why = None
        f.escalated, f.pending_extension, f.revisions, f.latest_update = False, None, [], None
    return kept


def repeats_at(conn: Connection, at: datetime | None) -> list[tuple[str, str]]:
    """(recommendation, the one it repeats) for each `repeats` link standing at `at` (now,
    if None), folded from the trail's link and unlink events, in the order made."""
    standing: dict[tuple[str, str], None] = {}
    stmt = select(_t.event, _t.rec, _t.changes).where(_t.event.in_(("link", "unlink")))
    if at is not None:
        stmt = stmt.where(_t.at <= at)
    for event, rec, changes in conn.execute(stmt.order_by(_t.id)):
        change = json.loads(changes)
        if change.get("kind") != "repeats" or rec is None:
            continue
        pair = (str(rec), str(change.get("to")))
        if event == "link":
            standing[pair] = None
        else:
            standing.pop(pair, None)
    return list(standing)


_DATES = ("response_due", "plan_due", "update_due", "target_date")


def rewind_details(
    conn: Connection, facts: dict[int, Any], ids: list[int], at: datetime, with_updates: bool
) -> None:
    """Escalations open, extensions pending or approved, and the latest update, at `at`."""
    e, x = escalation.c, extension.c
    for (rec_id,) in conn.execute(
        select(e.rec_id).where(
            e.rec_id.in_(ids),
            e.raised_at <= at,
            e.cleared_at.is_(None) | (e.cleared_at > at),
        )
    ):
        facts[rec_id].escalated = True
    for rec_id, status, from_date, to_date, decided_at in conn.execute(
        select(x.rec_id, x.status, x.from_date, x.to_date, x.decided_at)
        .where(x.rec_id.in_(ids), x.requested_at <= at)
        .order_by(x.id)
    ):
        if decided_at is None or decided_at > at:
            facts[rec_id].pending_extension = to_date
        elif status == "approved":
            facts[rec_id].revisions.append((from_date, to_date, decided_at))
    if with_updates:
        u = progress_update.c
        latest = (
            select(u.rec_id, func.max(u.id).label("last"))
            .where(u.rec_id.in_(ids), u.at <= at)
            .group_by(u.rec_id)
            .subquery()
        )
        for rec_id, when, note, degree in conn.execute(
            select(u.rec_id, u.at, u.note, u.degree).join(latest, latest.c.last == u.id)
        ):
            facts[rec_id].latest_update = (when, note, degree)


def paper_by_at(conn: Connection, committee: str, at: datetime) -> str | None:
    """Who the committee's papers were "By:" at `at`, from its `committee.add` and
    `committee.set` events (a paper dated in the past says what it said then)."""
    said: str | None = None
    stmt = (
        select(_t.changes)
        .where(_t.event.in_(("committee.add", "committee.set")), _t.at <= at)
        .order_by(_t.id)
    )
    for (changes,) in conn.execute(stmt):
        change = json.loads(changes)
        if change.get("name") == committee and "paper_by" in change:
            said = change["paper_by"]
    return said
