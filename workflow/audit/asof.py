"""Point in time: every recommendation as it stood at a past instant, rebuilt from the trail.

Nothing but the audit events is read. Each event that changes a recommendation records the
columns it changed as `{column: [old, new]}` (the `raise` event records the first values
plainly), so folding a recommendation's events in chain order, up to the instant, gives back
its state, owner, degree met and due dates; `due` is then worked out by the same
`due_in_state` that `rec show` uses, so the two agree by construction.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Select, exists, select

from states import Due, due_in_state
from workflow.clock import parse_bound
from workflow.errors import UnknownReport
from workflow.store.tables import audit_event, report

_t = audit_event.c
# What `rec show` reports that a point-in-time view must rebuild, besides the state.
_DATES = ("response_due", "plan_due", "update_due", "target_date")
FOLDED = ("owner", "degree", *_DATES, "target_assumed")
_STREAM_BATCH = 2000


@dataclass(frozen=True, slots=True)
class StateAt:
    """One recommendation as it stood at an instant."""

    id: str
    state: str
    owner: str | None
    degree: str
    due: Due


class Fold:
    """The state and the values of one recommendation so far, as its events are applied in
    chain order. As-of and `audit verify`'s replay both fold the trail with it, so that the
    two read it alike."""

    KEYS: tuple[str, ...] = FOLDED
    """The values folded: those `rec show` reports besides the state."""
    _MARKERS = tuple(f'"{k}"' for k in KEYS)
    __slots__ = ("code", "state", "values")

    def __init__(self, code: str) -> None:
        self.code = code
        self.state: str | None = None
        self.values: dict[str, Any] = dict.fromkeys(self.KEYS)
        self.values["degree"] = "none"
        self.values["target_assumed"] = False

    def apply(self, event: str, to_state: str | None, changes_text: str) -> None:
        if event == "raise":
            # The raise event records the first values plainly, not as [old, new] pairs.
            first = json.loads(changes_text)
            self.values = {k: first.get(k) for k in self.KEYS}
            self.values["degree"] = self.values["degree"] or "none"
            self.values["target_assumed"] = bool(self.values["target_assumed"])
        elif any(m in changes_text for m in self._MARKERS):  # most events change none
            for key, change in json.loads(changes_text).items():
                if key in self.values and isinstance(change, list) and len(change) == 2:
                    self.values[key] = change[1]
        if to_state is not None:
            self.state = to_state

    def result(self) -> StateAt | None:
        if self.state is None:  # events about it, but never raised (by then): not there yet
            return None
        v = self.values
        dates = [date.fromisoformat(v[k]) if v.get(k) else None for k in _DATES]
        return StateAt(
            self.code, self.state, v["owner"], v["degree"], due_in_state(self.state, *dates)
        )


def as_of_instant(text: str, timezone: str) -> datetime:
    """The instant an as-of query names: a bare date is the end of that day (local time), a
    date-time is taken as given (local time if it has no offset)."""
    if len(text.strip()) == 10:
        # Instants are stored to the microsecond: the last one of the day is the day's end.
        return parse_bound(text, timezone, end=True) - timedelta(microseconds=1)
    return parse_bound(text, timezone)


def as_of_select(at: datetime, report_key: str | None = None) -> Select[Any]:
    """The one query behind a point-in-time view: one report's events along the (report, id)
    index in chain order, or everyone's along (rec, id), grouped by recommendation."""
    stmt = select(_t.rec, _t.event, _t.to_state, _t.changes).where(_t.rec.is_not(None), _t.at <= at)
    if report_key is not None:
        return stmt.where(_t.report == report_key).order_by(_t.id)
    return stmt.order_by(_t.rec, _t.id)


def report_as_of(conn: Connection, at: datetime, report_key: str) -> list[StateAt]:
    """The recommendations of one report as they stood at `at`, ordered by id (as text).

    One query on the (report, id) index; the folding is in memory, one entry per
    recommendation of the report. UnknownReport if no such report was ever recorded.
    """
    folds: dict[str, Fold] = {}
    for code, event, to_state, changes in conn.execute(as_of_select(at, report_key)):
        fold = folds.get(code)
        if fold is None:
            fold = folds[code] = Fold(code)
        fold.apply(event, to_state, changes)
    if not folds and not _report_known(conn, report_key):
        raise UnknownReport(report_key)
    found = (fold.result() for _, fold in sorted(folds.items()))
    return [s for s in found if s is not None]


def _report_known(conn: Connection, key: str) -> bool:
    return bool(conn.execute(select(exists().where(report.c.key == key))).scalar())


def iter_as_of(conn: Connection, at: datetime) -> Iterator[StateAt]:
    """Every recommendation as it stood at `at`, streamed in constant memory.

    One query, in (rec, id) order along that index, so each recommendation's events arrive
    together and only one recommendation is held at a time. They come in the database's
    collation order of ids (on PostgreSQL that may not be the code-point order `as_of` uses).
    """
    rows = conn.execute(as_of_select(at).execution_options(yield_per=_STREAM_BATCH))
    try:
        yield from _fold_grouped(rows)
    finally:
        rows.close()


def _fold_grouped(rows: Iterable[Any]) -> Iterator[StateAt]:
    fold: Fold | None = None
    for code, event, to_state, changes in rows:
        if fold is None or fold.code != code:
            if fold is not None and (done := fold.result()) is not None:
                yield done
            fold = Fold(code)
        fold.apply(event, to_state, changes)
    if fold is not None and (done := fold.result()) is not None:
        yield done


def as_of(conn: Connection, at: datetime, report_key: str | None = None) -> list[StateAt]:
    """The recommendations (of one report, or all) as they stood at `at`, ordered by id (as text).

    Events with `at` up to and including the instant count: those of a transaction share
    one instant, so a transaction is either wholly in or wholly out.
    """
    if report_key is not None:
        return report_as_of(conn, at, report_key)
    return sorted(iter_as_of(conn, at), key=lambda s: s.id)
