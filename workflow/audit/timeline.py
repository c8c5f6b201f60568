"""How many recommendations stood in each state at given instants, from the audit trail."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from sqlalchemy import Connection, case, or_, select

from states import OPEN, TRANSITIONS
from workflow.store.tables import audit_event

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

    One pass over the state-changing events in time order; events that leave the state as
    it was (updates, responses, ...) are not read. The database sorts by time and says which
    point each event falls before, so no timestamp is converted in Python.
    """
    a = audit_event.c
    zone = ZoneInfo(timezone)
    ends = [datetime.combine(p + timedelta(days=1), time(0), zone) for p in points]
    # The events that can move a state, found by the (event, id) index as a subquery: a few
    # per recommendation, where the (report, id) index would read every update too.
    moves = select(audit_event.c.id).where(audit_event.c.event.in_(STATE_EVENTS))
    bucket = case(*((a.at < end, n) for n, end in enumerate(ends)), else_=len(ends))
    stmt = (
        select(a.rec, a.to_state, bucket)
        .where(
            a.id.in_(moves),
            a.rec.is_not(None),
            a.to_state.is_not(None),
            or_(a.from_state.is_(None), a.from_state != a.to_state),
            a.at < ends[-1],
        )
        # by time, not chain order: the clock may have been moved back (simulations)
        .order_by(a.at, a.id)
    )
    if report_keys is not None:
        stmt = stmt.where(a.report.in_(report_keys))
    state: dict[str, str] = {}
    counts: Counter[str] = Counter()
    series: dict[str, list[int]] = {s: [] for s in OPEN}
    done = 0  # points already counted
    for rec, to_state, before in conn.execute(stmt):
        while done < before:
            _snapshot(series, counts)
            done += 1
        old = state.get(rec)
        if old is not None:
            counts[old] -= 1
        state[rec] = to_state
        counts[to_state] += 1
    while done < len(ends):
        _snapshot(series, counts)
        done += 1
    return series


def _snapshot(series: dict[str, list[int]], counts: Counter[str]) -> None:
    for s in OPEN:
        series[s].append(counts[s])
