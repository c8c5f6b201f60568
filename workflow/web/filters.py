"""Template filters: dates as people write them, states in words."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from workflow.mail.compose import REASON_LABEL
from workflow.mail.links import rec_path
from workflow.reporting.costs import pounds
from workflow.reporting.dates import assumed_mark
from workflow.reporting.dates import long_day as paper_day

if TYPE_CHECKING:
    from jinja2 import Environment

STATE_LABEL = {
    "raised": "Raised",
    "responded": "Responded",
    "planned": "Planned",
    "in_progress": "In progress",
    "monitored": "Monitored",
    "complete": "Complete",
    "superseded": "Superseded",
}


def long_date(value: date | datetime | None, zone: ZoneInfo) -> str:
    """5 April 2004 (an instant: its date and time where the organisation works)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        local = value.astimezone(zone)
        return f"{local.day} {local:%B %Y, %H:%M}"
    return paper_day(value)


def long_day(value: date | datetime | None, zone: ZoneInfo) -> str:
    """5 April 2004: a date, or an instant's date where the organisation works (for what is
    done on a day, as an action already done when its plan was agreed)."""
    if isinstance(value, datetime):
        value = value.astimezone(zone).date()
    return long_date(value, zone)


def state_label(state: str | None) -> str:
    return STATE_LABEL.get(state or "", state or "")


def size(n: int) -> str:
    if n < 1024:
        return f"{n} bytes"
    if n < 1024 * 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n / 1024 / 1024:.1f} MB"


def install(env: Environment, timezone: str) -> None:
    """The filters, dates shown in `timezone` (the clock's)."""
    zone = ZoneInfo(timezone)
    env.filters["long_date"] = lambda value: long_date(value, zone)
    env.filters["long_day"] = lambda value: long_day(value, zone)
    env.filters["state"] = state_label
    env.filters["rec_path"] = rec_path
    env.filters["size"] = size
    env.filters["pounds"] = pounds
    env.globals["assumed"] = assumed_mark  # " (assumed)" after an assumed date, or ""
    env.filters["reason"] = lambda r: REASON_LABEL.get(r, r.replace("_", " ").capitalize())
