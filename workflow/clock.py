"""The one clock: every time-dependent path asks it for "now", so `--now` can move time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from workflow.errors import BadInput

LONDON = "Europe/London"


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware, in UTC."""
        ...

    def today(self) -> date:
        """The current date where the organisation works."""
        ...


@dataclass(frozen=True, slots=True)
class SystemClock:
    timezone: str = LONDON

    def now(self) -> datetime:
        return datetime.now(UTC)

    def today(self) -> date:
        return self.now().astimezone(ZoneInfo(self.timezone)).date()


@dataclass(slots=True)
class FixedClock:
    """A clock that stands still at `instant` until moved (simulation and tests)."""

    instant: datetime
    timezone: str = LONDON

    def now(self) -> datetime:
        return self.instant

    def today(self) -> date:
        return self.instant.astimezone(ZoneInfo(self.timezone)).date()

    def move_to(self, instant: datetime) -> None:
        self.instant = instant.astimezone(UTC)


def parse_instant(text: str, timezone: str = LONDON) -> datetime:
    """An ISO date or date-time as a UTC instant.

    A bare date means noon of that day, and a date-time without an offset is local time.
    """
    zone = ZoneInfo(timezone)
    try:
        if len(text.strip()) == 10:
            parsed = datetime.combine(date.fromisoformat(text.strip()), time(12), zone)
        else:
            parsed = datetime.fromisoformat(text.strip())
    except ValueError:
        raise BadInput(f"not an ISO date or date-time: {text!r}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    return parsed.astimezone(UTC)


def make_clock(now: str | None, timezone: str = LONDON) -> Clock:
    """The system clock, or a fixed one when `now` (from `--now` / RECTRACK_NOW) is given."""
    if now:
        return FixedClock(parse_instant(now, timezone), timezone)
    return SystemClock(timezone)


def parse_bound(text: str, timezone: str = LONDON, end: bool = False) -> datetime:
    """A query bound: a bare date is the start of that day (or, with `end`, of the next)."""
    text = text.strip()
    if len(text) == 10:
        try:
            day = date.fromisoformat(text)
        except ValueError:
            raise BadInput(f"not an ISO date: {text!r}") from None
        start = datetime.combine(day, time(0), ZoneInfo(timezone))
        return (start + timedelta(days=1) if end else start).astimezone(UTC)
    return parse_instant(text, timezone)


def instant_text(at: datetime) -> str:
    """An instant as stored and hashed in the audit trail: UTC, to the microsecond."""
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def iso(value: date | datetime | None) -> str | None:
    """A date or instant in ISO 8601, or None."""
    return value.isoformat() if value is not None else None
