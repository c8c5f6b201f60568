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


def _upto(most: int) -> StringConstraints:
    """Non-empty text of at most `most` characters (in a JSON column, which has no limit)."""
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


# How a report or a spreadsheet says whether a recommendation is statutory (003 writes
# "STATUTORY" and "Non-statutory", and for some says nothing).
STATUTORY_WORDS: dict[str, bool | None] = {
    **dict.fromkeys(("true", "yes", "y", "1", "statutory"), True),
    **dict.fromkeys(("false", "no", "n", "0", "non-statutory", "non statutory"), False),
    **dict.fromkeys(("unknown", "not stated", "not known"), None),
}


def parse_statutory(value: Any) -> Any:
    """yes, no or unknown (None) from a word of `STATUTORY_WORDS`, any case; a YAML or JSON
    boolean stays as it is (and anything else is left to be refused as not a boolean)."""
    if not isinstance(value, str):
        return value
    word = " ".join(value.split()).lower()
    if word not in STATUTORY_WORDS:
        raise ValueError(f"expected yes, no or unknown, got {value!r}")
    return STATUTORY_WORDS[word]


def parse_lead(text: str) -> tuple[str, str | None]:
    """A lead as 003 writes it: "ACPRS / Head of Corporate Performance" is two levels (who
    is accountable, who is responsible), "ACHR" one; more than two levels is refused."""
    parts = [" ".join(part.split()) for part in text.split("/")]
    if len(parts) > 2:
        raise ValueError(
            "a lead has at most two levels, as 'accountable / responsible' (for a name "
            "that holds '/', give {accountable: ..., responsible: ...})"
        )
    if not all(parts):
        raise ValueError("each level of the lead needs a name, as 'accountable / responsible'")
    return parts[0], parts[1] if len(parts) == 2 else None


def _lead_fields(value: Any) -> Any:
    if isinstance(value, str):
        accountable, responsible = parse_lead(value)
        return {"accountable": accountable, "responsible": responsible}
    return value


def _as_text(value: Any) -> Any:
    """A number written where text is meant (a timescale of `2003`) taken as its text."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


Statutory = Annotated[bool | None, BeforeValidator(parse_statutory)]
"""True, False, or None: the report does not say."""


class LeadIn(_Strict):
    """Who leads on a recommendation, as the report names them (posts, not people): who is
    accountable and who is responsible. The owner, who is chased, is given apart."""

    accountable: Annotated[str, _within(recommendation.c.lead_accountable), _NO_CONTROL]
    responsible: Annotated[str, _within(recommendation.c.lead_responsible), _NO_CONTROL] | None = (
        None
    )


class JudgementIn(_Strict):
    """One of a report's graded judgements: "How good is the service?" graded "Fair"."""

    area: Annotated[str, _upto(300), _NO_CONTROL]
    grade: Annotated[str, _upto(60), _NO_CONTROL]


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
    statutory: Statutory = False
    """yes, no or unknown (the report does not say)."""
    timescale: (
        Annotated[
            str,
            _within(recommendation.c.timescale),
            _NO_CONTROL,
            BeforeValidator(_as_text),
        ]
        | None
    ) = None
    """The timescale as written ("Ongoing", "September 02"), kept beside the target date."""
    lead: Annotated[LeadIn, BeforeValidator(_lead_fields)] | None = None
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
    published_assumed: bool = False
    """The publication date is assumed: the source gives only, say, "October 2003"."""
    committee: Annotated[str, _within(report.c.committee), _NO_CONTROL] | None = None
    responding_bodies: Annotated[
        list[Annotated[str, _within(response.c.body), _NO_CONTROL]],
        Field(min_length=1),
        AfterValidator(_once),
    ]
    recommendations: list[RecommendationIn] = []
    restricted: bool = False
    """Left out of the public register, with all its recommendations."""
    judgements: list[JudgementIn] = []
    """Its graded judgements, in its own order (HMIC: "Fair", "Uncertain")."""


class ImportDoc(_Strict):
    people: list[PersonIn] = []
    reports: list[ReportIn] = []


@dataclass(frozen=True, slots=True)
class ImportSummary:
    """What an import added."""

    reports: int
    recommendations: int
    people: int
