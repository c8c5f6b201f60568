"""What the implementation plans cost and claim, per report, as the trail has it at an instant
(section D of the committee report): the estimated costs of the actions planned (less those
dropped since), the actual costs recorded, and the benefits claimed.

Read from the audit trail, as every paper is, so that a paper built "as of" a day shows the
costs known that day: a `plan` event records each action's estimate and benefit, an
`action_cost` event its actual cost, an `action_drop` event that it was dropped.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, select

from workflow.store.tables import audit_event, report

_t = audit_event.c
_EVENTS = ("plan", "action_cost", "action_drop")


@dataclass(frozen=True, slots=True)
class Benefit:
    rec: str
    number: int
    text: str
    benefit: str
    measure: str | None


@dataclass(slots=True)
class ReportCosts:
    key: str
    title: str
    estimate: Decimal | None = None
    actual: Decimal | None = None


@dataclass(slots=True)
class Costs:
    """Per report (in the order asked, then by key), and the benefits claimed."""

    reports: list[ReportCosts] = field(default_factory=list)
    benefits: list[Benefit] = field(default_factory=list)

    @property
    def recorded(self) -> bool:
        return bool(self.benefits) or any(
            r.estimate is not None or r.actual is not None for r in self.reports
        )

    @property
    def estimate(self) -> Decimal | None:
        found = [r.estimate for r in self.reports if r.estimate is not None]
        return sum(found, Decimal(0)) if found else None

    @property
    def actual(self) -> Decimal | None:
        found = [r.actual for r in self.reports if r.actual is not None]
        return sum(found, Decimal(0)) if found else None


@dataclass(slots=True)
class _Action:
    report: str
    estimate: Decimal | None = None
    actual: Decimal | None = None
    dropped: bool = False


def _money(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def plan_costs(conn: Connection, keys: list[str] | None, at: datetime) -> Costs:
    """The costs and benefits of the plans of reports `keys` (None: every report) at `at`."""
    stmt = (
        select(_t.rec, _t.report, _t.event, _t.changes)
        .where(_t.event.in_(_EVENTS), _t.at <= at)
        .order_by(_t.id)
    )
    if keys is not None:
        stmt = stmt.where(_t.report.in_(keys))
    actions: dict[tuple[str, int], _Action] = {}
    benefits: list[Benefit] = []
    for rec, key, event, changes in conn.execute(stmt):
        found = json.loads(changes)
        if event == "plan":
            for a in found.get("actions", []):
                actions[(rec, a["number"])] = _Action(key, _money(a.get("cost_estimate")))
                if a.get("benefit"):
                    benefits.append(
                        Benefit(rec, a["number"], a["text"], a["benefit"], a.get("measure"))
                    )
            continue
        one = actions.setdefault((rec, int(found["action"])), _Action(key))
        if event == "action_drop":
            one.dropped = True
        else:
            one.actual = _money(found["cost_actual"][1])
    return Costs(_by_report(conn, keys, actions), benefits)


def _by_report(
    conn: Connection, keys: list[str] | None, actions: dict[tuple[str, int], _Action]
) -> list[ReportCosts]:
    wanted = list(dict.fromkeys([*(keys or []), *sorted({a.report for a in actions.values()})]))
    titles = dict(
        conn.execute(select(report.c.key, report.c.title).where(report.c.key.in_(wanted))).all()
    )
    rows = {k: ReportCosts(k, titles.get(k, k)) for k in wanted}
    for a in actions.values():
        row = rows[a.report]
        if a.estimate is not None and not a.dropped:
            row.estimate = (row.estimate or Decimal(0)) + a.estimate
        if a.actual is not None:
            row.actual = (row.actual or Decimal(0)) + a.actual
    return list(rows.values())


def pounds(amount: Decimal | None) -> str:
    """£1,234.56; a dash for none recorded."""
    return "-" if amount is None else f"£{amount:,.2f}"
