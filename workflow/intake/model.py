"""The import file's shape, validated with pydantic: people, reports and recommendations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from workflow.directory.people import EMAIL
from workflow.lifecycle.ids import CODE

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Key = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$", max_length=64
    ),
]
Email = Annotated[
    str, StringConstraints(strip_whitespace=True, to_lower=True, pattern=EMAIL.pattern)
]
RecId = Annotated[str, StringConstraints(strip_whitespace=True, pattern=CODE.pattern)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PersonIn(_Strict):
    email: Email
    name: Text
    roles: Annotated[list[Text], Field(min_length=1)]
    group: Text | None = None


class RecommendationIn(_Strict):
    ref: Key
    text: Text
    paragraph: Text | None = None
    owner: Email | None = None
    statutory: bool = False
    subject: Text | None = None
    repeats: RecId | None = None
    related: list[RecId] = []


class ReportIn(_Strict):
    key: Key
    title: Text
    body: Text
    kind: Text
    published: date | None = None
    committee: Text | None = None
    responding_bodies: Annotated[list[Text], Field(min_length=1)]
    recommendations: list[RecommendationIn] = []


class ImportDoc(_Strict):
    people: list[PersonIn] = []
    reports: list[ReportIn] = []


@dataclass(frozen=True, slots=True)
class ImportSummary:
    """What an import added."""

    reports: int
    recommendations: int
    people: int
