"""Due dates: when the response, the plan, the next update and the target fall due."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cache
from typing import Any

from config import Rule
from states import ACTIVE, FINAL
from workflow.clock import iso


@cache
def _england_and_wales() -> Any:
    import holidays  # loaded on first use: most installations count calendar days

    # Bank holidays are the same in England and in Wales.
    return holidays.country_holidays("GB", subdiv="ENG")


def add_days(start: date, days: int, working_days: bool) -> date:
    """`start` plus `days` calendar days, or plus `days` England and Wales working days."""
    if not working_days:
        return start + timedelta(days=days)
    if days == 0:
        return start
    day: date = _england_and_wales().get_nth_working_day(start, days)
    return day


def is_working_day(day: date) -> bool:
    return bool(_england_and_wales().is_working_day(day))


@dataclass(frozen=True, slots=True)
class Due:
    """The due dates a recommendation has now; None where one does not apply."""

    response: date | None = None
    plan: date | None = None
    update: date | None = None
    target: date | None = None

    @property
    def next(self) -> date | None:
        dates = [d for d in (self.response, self.plan, self.update, self.target) if d is not None]
        return min(dates) if dates else None

    def as_dict(self) -> dict[str, str | None]:
        return {
            "response": iso(self.response),
            "plan": iso(self.plan),
            "update": iso(self.update),
            "target": iso(self.target),
        }


def due_in_state(
    state: str,
    response_due: date | None,
    plan_due: date | None,
    update_due: date | None,
    target: date | None,
) -> Due:
    """What is due from the stored dates: the target only counts while being implemented."""
    return Due(response_due, plan_due, update_due, target if state in ACTIVE else None)


def after_event(
    event: str, state: str, before: Due, target: date | None, today: date, rule: Rule
) -> Due:
    """The due dates once `event` has moved a recommendation to `state` today."""

    def days(n: int) -> date:
        return add_days(today, n, rule.working_days)

    if state in FINAL:
        return Due()
    if event == "raise":
        return Due(response=days(rule.response_days))
    if event == "respond":
        return Due(plan=days(rule.plan_days))
    if event in ("plan", "update", "reopen"):
        return Due(update=days(rule.update_every_days), target=target)
    return replace(before, target=target if state in ACTIVE else None)
