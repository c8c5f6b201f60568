"""The one clock: every time-dependent path asks it for "now", so `--now` can move time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
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
        return _local_day(self.instant, self.timezone)

    def move_to(self, instant: datetime) -> None:
        self.instant = instant.astimezone(UTC)


@lru_cache(maxsize=64)
def _local_day(instant: datetime, timezone: str) -> date:
    """The date at `instant` where the organisation works: a clock that stands still asks
    it once per transaction, so it is kept rather than converted again each time."""
    return instant.astimezone(ZoneInfo(timezone)).date()


# Dates far from now are mistakes, and near the ends of the calendar date arithmetic fails:
# every date given to rectrack lies in this range.
EARLIEST = date(1900, 1, 1)
LATEST = date(2200, 12, 31)


def check_day(day: date, what: str = "date") -> date:
    """`day` if it lies between EARLIEST and LATEST, else BadInput naming `what`."""
    if not EARLIEST <= day <= LATEST:
        raise BadInput(f"{what} {day.isoformat()}: expected a date between {EARLIEST} and {LATEST}")
    return day


def parse_day(text: str, what: str = "date") -> date:
    """A date given as YYYY-MM-DD, within the range rectrack accepts."""
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise BadInput(f"{what}: not a date (YYYY-MM-DD): {text!r}") from None
    return check_day(day, what)


def parse_instant(text: str, timezone: str = LONDON) -> datetime:
    """An ISO date or date-time as a UTC instant.

    A bare date means noon of that day, and a date-time without an offset is local time; a
    local time that does not exist (the hour the clocks skip in spring) is refused.
    """
    zone = ZoneInfo(timezone)
    try:
        if len(text.strip()) == 10:
            parsed = datetime.combine(date.fromisoformat(text.strip()), time(12), zone)
        else:
            parsed = datetime.fromisoformat(text.strip())
    except ValueError:
        raise BadInput(f"not an ISO date or date-time: {text!r}") from None
    check_day(parsed.date(), "the time")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
        back = parsed.astimezone(UTC).astimezone(zone)
        if back.replace(tzinfo=None) != parsed.replace(tzinfo=None):
            raise BadInput(
                f"{text.strip()} does not exist in {timezone}: the clocks skip it "
                f"(give {back.replace(tzinfo=None).isoformat(sep=' ')} or an offset)"
            )
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
            day = check_day(date.fromisoformat(text))
        except ValueError:
            raise BadInput(f"not an ISO date: {text!r}") from None
        start = datetime.combine(day, time(0), ZoneInfo(timezone))
        return (start + timedelta(days=1) if end else start).astimezone(UTC)
    return parse_instant(text, timezone)


@lru_cache(maxsize=256)  # a transaction's events share its instant: each is spelled once
def instant_text(at: datetime) -> str:
    """An instant as stored and hashed in the audit trail: UTC, to the microsecond."""
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def iso(value: date | datetime | None) -> str | None:
    """A date or instant in ISO 8601, or None."""
    return value.isoformat() if value is not None else None
