"""Due dates: when the response, the plan, the next update and the target fall due, counted
in calendar days or in England and Wales working days (`Due` itself is in `states`)."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache
from typing import Any

from config import Rule
from states import ACTIVE, FINAL, Due


@cache
def _england_and_wales() -> Any:
    import holidays  # loaded on first use: most installations count calendar days

    # Bank holidays are the same in England and in Wales.
    return holidays.country_holidays("GB", subdiv="ENG")


def add_days(start: date, days: int, working_days: bool) -> date:
    """`start` plus `days` calendar days, or plus `days` England and Wales working days.

    It never raises: past the ends of the calendar it stays at the end (a date nobody reaches,
    which a stored date from before dates were checked could otherwise turn into a crash of
    every sweep).
    """
    try:
        if not working_days:
            return start + timedelta(days=days)
        if days == 0:
            return start
        day: date = _england_and_wales().get_nth_working_day(start, days)
        return day
    except (OverflowError, ValueError):
        return date.max if days >= 0 else date.min


def is_working_day(day: date) -> bool:
    return bool(_england_and_wales().is_working_day(day))


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
    # Built directly, not by `dataclasses.replace`: this runs on every event.
    return Due(before.response, before.plan, before.update, target if state in ACTIVE else None)
