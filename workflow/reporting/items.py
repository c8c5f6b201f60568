"""Agenda items: what each is about, and the table the papers show of it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from workflow.plain import INTERNAL, OMIT_DEFAULT
from workflow.reporting.portfolio import RecFacts

RAGS = ("RED", "AMBER", "GREEN")
REC_COLUMNS = ["Recommendation", "Subject", "Owner", "State", "RAG"]


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


def rec_row(f: RecFacts) -> list[str]:
    """A recommendation's row under `REC_COLUMNS`."""
    return [f.code, subject_of(f), f.owner or "(none)", f.state.replace("_", " "), f.rag or ""]


def item(
    kind: str,
    title: str,
    facts: list[RecFacts],
    report_key: str | None = None,
    columns: list[str] | None = None,
    rows: list[list[str]] | None = None,
    note: str | None = None,
) -> AgendaItem:
    """An item about `facts`, shown as `rows` under `columns` (by default, a row each)."""
    detail: dict[str, Any] = {
        "columns": columns or REC_COLUMNS,
        "rows": rows if rows is not None else [rec_row(f) for f in facts],
    }
    if note:
        detail["note"] = note
    return AgendaItem(title, kind, tuple(f.code for f in facts), report_key, detail)


def unique(facts: list[RecFacts]) -> list[RecFacts]:
    """Each recommendation once, in the order first met."""
    return list({f.code: f for f in facts}.values())
