"""The import file's shape, validated with pydantic: people, reports and recommendations.

Every limit comes from the tables themselves (`workflow.store.tables.limit`) and every text
is checked for control characters as the tables check them, so that a file is refused here,
with its line and field, rather than by one database and not the other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)
from sqlalchemy import Column

from workflow.directory.people import normalise_email
from workflow.errors import BadInput
from workflow.lifecycle.ids import CODE
from workflow.store.tables import CATEGORIES, limit, person, recommendation, report, response

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
EARLIEST, LATEST = date(1900, 1, 1), date(2200, 12, 31)


def _no_control(text: str) -> str:
    found = _CONTROL.search(text)
    if found:
        raise ValueError(f"a control character ({found.group()!r}) is not allowed")
    return text


def _within(column: Column[Any] | None = None) -> StringConstraints:
    """Non-empty text, at most as long as `column` takes."""
    most = limit(column) if column is not None else None
    return StringConstraints(strip_whitespace=True, min_length=1, max_length=most)


_NO_CONTROL = AfterValidator(_no_control)


def _email(text: str) -> str:
    try:
        return normalise_email(text)
    except BadInput as exc:
        raise ValueError(str(exc)) from None


def _a_date(value: Any) -> Any:
    """A date given as a date (YAML) or as YYYY-MM-DD text; never a number (which pydantic
    would take for a Unix time)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise ValueError("expected a date as YYYY-MM-DD, not a number")
    return value


def _sane(day: date) -> date:
    if not EARLIEST <= day <= LATEST:
        raise ValueError(f"a date between {EARLIEST} and {LATEST} is expected")
    return day


def _once(items: list[str]) -> list[str]:
    repeated = sorted({i for i in items if items.count(i) > 1})
    if repeated:
        raise ValueError(f"listed more than once: {', '.join(repeated)}")
    return items


Key = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
        max_length=limit(report.c.key),
    ),
]
Ref = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
        max_length=limit(recommendation.c.ref),
    ),
]
Email = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_email)]
RecId = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, pattern=CODE.pattern, max_length=limit(recommendation.c.code)
    ),
]
Day = Annotated[date, BeforeValidator(_a_date), AfterValidator(_sane)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PersonIn(_Strict):
    email: Email
    name: Annotated[str, _within(person.c.name), _NO_CONTROL]
    roles: Annotated[list[Annotated[str, _within(), _NO_CONTROL]], Field(min_length=1)]
    group: Annotated[str, _within(person.c.group_name), _NO_CONTROL] | None = None
    title: Annotated[str, _within(person.c.title), _NO_CONTROL] | None = None
    """Their job title: how the public register shows them."""


class RecommendationIn(_Strict):
    ref: Ref
    text: Annotated[str, _within(recommendation.c.text), _NO_CONTROL]
    paragraph: Annotated[str, _within(recommendation.c.paragraph), _NO_CONTROL] | None = None
    owner: Email | None = None
    statutory: bool = False
    subject: Annotated[str, _within(recommendation.c.subject), _NO_CONTROL] | None = None
    repeats: RecId | None = None
    related: Annotated[list[RecId], AfterValidator(_once)] = []
    restricted: bool = False
    """Left out of the public register."""
    category: Literal[CATEGORIES] = "recommendation"  # type: ignore[valid-type]
    """What the report calls it: a recommendation, an area for improvement, a cause of
    concern."""

    @model_validator(mode="after")
    def _links_once(self) -> RecommendationIn:
        if self.repeats is not None and self.repeats in self.related:
            raise ValueError(f"{self.repeats} is listed both as repeated and as related")
        return self


class ReportIn(_Strict):
    key: Key
    title: Annotated[str, _within(report.c.title), _NO_CONTROL]
    body: Annotated[str, _within(report.c.body), _NO_CONTROL]
    kind: Annotated[str, _within(report.c.kind), _NO_CONTROL]
    published: Day | None = None
    committee: Annotated[str, _within(report.c.committee), _NO_CONTROL] | None = None
    responding_bodies: Annotated[
        list[Annotated[str, _within(response.c.body), _NO_CONTROL]],
        Field(min_length=1),
        AfterValidator(_once),
    ]
    recommendations: list[RecommendationIn] = []
    restricted: bool = False
    """Left out of the public register, with all its recommendations."""


class ImportDoc(_Strict):
    people: list[PersonIn] = []
    reports: list[ReportIn] = []


@dataclass(frozen=True, slots=True)
class ImportSummary:
    """What an import added."""

    reports: int
    recommendations: int
    people: int
