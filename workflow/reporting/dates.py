"""How a report's publication date is printed: as the source gives it, or marked assumed.

Kept apart from `story` (which needs the portfolio and the mail labels), so that the command
line's report listing can print dates without loading the papers.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

ASSUMED = " (assumed)"


def long_day(day: date) -> str:
    """A date as papers print it: "1 October 2003"."""
    return f"{day.day} {day:%B %Y}"


def assumed_mark(assumed: bool) -> str:
    """What follows a date the source does not give (it says only "October 2003"), or ""."""
    return ASSUMED if assumed else ""


def published_text(
    day: date | None,
    assumed: bool,
    style: Literal["iso", "long"] = "iso",
    undated: str = "",
) -> str:
    """A report's publication date as every paper prints it: "2003-10-01" or "1 October 2003",
    followed by " (assumed)" when the date is assumed; `undated` without a date."""
    if day is None:
        return undated
    text = day.isoformat() if style == "iso" else long_day(day)
    return text + assumed_mark(assumed)
