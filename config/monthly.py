"""The ILAU monthly report's circulation: `[monthly]` (who receives it, and on which day).

    [monthly]
    recipients = ["inspection.units@x.org", "scrutiny@mpa.example"]
    day = 1        # of the month, 1 to 28: every month has it

002 §5 and §16: the report "is circulated to internal inspection units and external
agencies"; the scheduler sends it, with its DOCX, once a month on or after `day`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from config.errors import ConfigError

_KEYS = {"recipients", "day"}
_ADDRESS = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+$")
LAST_DAY = 28


@dataclass(frozen=True)
class MonthlySettings:
    """Who the monthly report goes to (none: it is not sent), and from which day of the month."""

    recipients: tuple[str, ...] = ()
    day: int = 1


def _recipients(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(
            f"{where} [monthly] recipients {value!r}: expected a list of e-mail addresses, "
            'as ["units@x.org", "audit@x.org"]'
        )
    bad = [v for v in value if not _ADDRESS.match(v.strip())]
    if bad:
        raise ConfigError(f"{where} [monthly] recipients: {bad[0]!r} is not an e-mail address")
    return tuple(dict.fromkeys(v.strip() for v in value))


def load_monthly(table: Any, where: str) -> MonthlySettings:
    """`[monthly]` from the settings file."""
    if not isinstance(table, Mapping):
        raise ConfigError(f"{where} [monthly]: expected a table of settings")
    unknown = set(table) - _KEYS
    if unknown:
        raise ConfigError(f"{where} [monthly]: unknown setting(s) {', '.join(sorted(unknown))}")
    day = table.get("day", 1)
    if not isinstance(day, int) or isinstance(day, bool) or not 1 <= day <= LAST_DAY:
        raise ConfigError(
            f"{where} [monthly] day {day!r}: expected a day of the month from 1 to {LAST_DAY}"
        )
    return MonthlySettings(recipients=_recipients(table.get("recipients", []), where), day=day)
