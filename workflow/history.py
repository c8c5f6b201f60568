"""How many recommendations stood in each state at given instants, from the audit trail."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from sqlalchemy import Connection, or_, select

from states import OPEN, TRANSITIONS
from workflow.tables import audit_event

STATE_EVENTS = ("raise", *dict.fromkeys(t["trigger"] for t in TRANSITIONS if t["dest"]))


def month_ends(today: date, months: int) -> list[date]:
    """The last day of each of the `months` months before today's, then today."""
    first = today.replace(day=1)
    return [
        first - relativedelta(months=n) + relativedelta(months=1) - timedelta(days=1)
        for n in range(months - 1, 0, -1)
    ] + [today]


def open_by_state(
    conn: Connection, points: list[date], report_keys: list[str] | None, timezone: str
) -> dict[str, list[int]]:
    """Open recommendations in each state at the end of each day in `points` (ascending).

    One pass over the state-changing events, in chain order; events that leave the state
    as it was (updates, responses, ...) are not read.
    """
    a = audit_event.c
    zone = ZoneInfo(timezone)
    ends = [datetime.combine(p + timedelta(days=1), time(0), zone) for p in points]
    # The events that can move a state, found by the (event, id) index as a subquery: a few
    # per recommendation, where the (report, id) index would read every update too.
    moves = select(audit_event.c.id).where(audit_event.c.event.in_(STATE_EVENTS))
    stmt = (
        select(a.rec, a.at, a.to_state)
        .where(
            a.id.in_(moves),
            a.rec.is_not(None),
            a.to_state.is_not(None),
            or_(a.from_state.is_(None), a.from_state != a.to_state),
            a.at < ends[-1],
        )
        .order_by(a.id)
    )
    if report_keys is not None:
        stmt = stmt.where(a.report.in_(report_keys))
    state: dict[str, str] = {}
    series: dict[str, list[int]] = {s: [] for s in OPEN}
    events = list(conn.execute(stmt))
    events.sort(key=lambda e: e.at)  # chain order is commit order; the clock may be moved
    i = 0
    for end in ends:
        while i < len(events) and events[i].at < end:
            state[events[i].rec] = events[i].to_state
            i += 1
        counts = Counter(state.values())
        for s in OPEN:
            series[s].append(counts.get(s, 0))
    return series
