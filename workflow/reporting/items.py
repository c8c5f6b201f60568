"""Agenda items: what each is about, and the table the papers show of it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from workflow.directory.decisions import Decision
from workflow.plain import INTERNAL, OMIT_DEFAULT
from workflow.reporting.portfolio import RecFacts
from workflow.reporting.story import (
    decision_owner_text,
    latest_text,
    next_due_text,
    overdue_reasons,
    owner_text,
    reasons_cell,
    sentence,
    state_text,
)

RAGS = ("RED", "AMBER", "GREEN")
REC_COLUMNS = [
    "Recommendation",
    "Subject",
    "Owner",
    "State and latest update",
    "Why it is listed",
    "RAG",
]


@dataclass(frozen=True, slots=True)
class AgendaItem:
    """One item of a meeting's agenda, with the recommendations it is about; `detail` holds
    what the papers show of it (columns, rows, a note)."""

    title: str
    kind: str
    recs: tuple[str, ...]
    report: str | None = field(default=None, metadata=OMIT_DEFAULT)
    detail: dict[str, Any] = field(default_factory=dict, metadata=INTERNAL)


def day_text(value: date | None) -> str:
    return value.isoformat() if value else ""


def short(text: str, width: int = 80) -> str:
    """`text` on one line, cut to `width` characters with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def subject_of(f: RecFacts) -> str:
    return f.subject or short(f.text)


def rec_row(
    f: RecFacts,
    reasons: list[str],
    today: date,
    zone: ZoneInfo,
    last: tuple[str, ...] = (),
    overdue_first: bool = False,
) -> list[str]:
    """A recommendation's row under `REC_COLUMNS`: the reasons it is listed and what it has
    overdue (in that order, or the other), then `last`, or what it owes next."""
    coming = next_due_text(f, today)
    late = overdue_reasons(f, today)
    given = [*late, *reasons] if overdue_first else [*reasons, *late]
    why = [*given, *last, *([coming] if coming else [])]
    return [
        f.code,
        subject_of(f),
        owner_text(f),
        f"{sentence(state_text(f))}\n{latest_text(f, zone)}",
        reasons_cell(why),
        f.rag or "",
    ]


def item(
    kind: str,
    title: str,
    facts: list[RecFacts],
    report_key: str | None = None,
    columns: list[str] | None = None,
    rows: list[list[str]] | None = None,
    note: str | None = None,
) -> AgendaItem:
    """An item about `facts`, shown as `rows` under `columns` (by default `REC_COLUMNS`)."""
    detail: dict[str, Any] = {"columns": columns or REC_COLUMNS, "rows": rows or []}
    if note:
        detail["note"] = note
    return AgendaItem(title, kind, tuple(f.code for f in facts), report_key, detail)


def unique(facts: list[RecFacts]) -> list[RecFacts]:
    """Each recommendation once, in the order first met."""
    return list({f.code: f for f in facts}.values())


DECISION_COLUMNS = ["Decision", "Meeting", "Recommendation", "Decided", "Owner", "Due", "Status"]


def _decision_status(d: Decision, at: datetime, today: date) -> str:
    if not d.open_at(at) and d.done_at is not None:
        return f"done {d.done_at.date().isoformat()}"
    late = (today - d.due).days
    if late > 0:
        return f"overdue by {late} day{'s' if late != 1 else ''}"
    return "due today" if late == 0 else "open"


def decision_items(decisions: list[Decision], at: datetime, today: date) -> list[AgendaItem]:
    """The committee's earlier decisions still open at `at` (and those done since the last
    meeting), as one item; none without any."""
    if not decisions:
        return []
    rows = [
        [
            str(d.id),
            d.meeting.isoformat(),
            d.rec,
            d.text,
            decision_owner_text(d),
            d.due.isoformat(),
            _decision_status(d, at, today),
        ]
        for d in decisions
    ]
    recs = tuple(dict.fromkeys(d.rec for d in decisions))
    detail = {"columns": DECISION_COLUMNS, "rows": rows}
    return [AgendaItem("Decisions of earlier meetings", "decisions", recs, None, detail)]
