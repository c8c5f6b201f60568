"""A scrutiny committee's items for each report it monitors: progress counted by state and
RAG, then the exceptions (proposed for sign-off, extensions awaiting approval, overdue, targets
revised, completed, superseded) and the other open recommendations, each recommendation once
with its owner, its latest update and every reason it is listed; and, for every committee, new
reports received."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from zoneinfo import ZoneInfo

from states import OPEN, STATES
from workflow.reporting.dates import published_text
from workflow.reporting.items import RAGS, AgendaItem, day_text, item, rec_row
from workflow.reporting.portfolio import RecFacts, ReportFacts
from workflow.reporting.story import (
    local_day,
    overdue_reasons,
    superseded_text,
)

# What a committee hears of a report's recommendations, in the order of its items. A
# recommendation of which several are true is listed once, under the first, with every reason
# in its row: the decisions asked of the committee first, then what went wrong, then the news.
ORDER = (
    "sign_off",
    "extensions_pending",
    "overdue",
    "targets_revised",
    "completed",
    "superseded",
    "other_open",
)
TITLES = {
    "sign_off": "proposed for sign-off",
    "extensions_pending": "extensions awaiting approval",
    "overdue": "overdue",
    "targets_revised": "target dates revised",
    "completed": "completed since the last meeting",
    "superseded": "superseded",
    "other_open": "progress on the other open recommendations",
}


def report_items(
    rep: ReportFacts, facts: list[RecFacts], since_at: datetime, today: date, zone: ZoneInfo
) -> list[AgendaItem]:
    """The items of one report: its progress, then each kind of exception found, and the
    progress of the open recommendations of which none is true; each recommendation once."""
    listed: dict[str, list[tuple[RecFacts, list[str]]]] = {kind: [] for kind in ORDER}
    # (an open escalation alone lists a recommendation among the other open ones)
    for f in facts:
        found = reasons(f, since_at, today, zone)
        kinds = [k for k in ORDER if k in found]
        if not kinds and f.state not in OPEN:
            continue
        why = [r for k in kinds for r in found[k]]
        listed[kinds[0] if kinds else "other_open"].append((f, why))
    items = [_progress(rep, facts)]
    for kind in ORDER:
        if listed[kind]:
            recs = [f for f, _ in listed[kind]]
            first = kind == "overdue"
            rows = [rec_row(f, why, today, zone, _escalated(f), first) for f, why in listed[kind]]
            items.append(item(kind, f"{rep.key}: {TITLES[kind]}", recs, rep.key, rows=rows))
    return items


def _progress(rep: ReportFacts, facts: list[RecFacts]) -> AgendaItem:
    # The counts; each recommendation follows in an item of its own kind.
    states = Counter(f.state for f in facts)
    rags = Counter(f.rag for f in facts if f.rag)
    counts = ", ".join(f"{states[s]} {s.replace('_', ' ')}" for s in STATES if states[s])
    rag_text = ", ".join(f"{rags[c]} {c.lower()}" for c in RAGS if rags[c]) or "none open"
    by_state_rag = Counter((f.state, f.rag) for f in facts)
    return item(
        "progress",
        f"{rep.title} ({rep.key}): implementation progress",
        facts,
        rep.key,
        columns=["State", "Recommendations", *RAGS],
        rows=[
            [s.replace("_", " "), str(states[s]), *(str(by_state_rag[(s, c)]) for c in RAGS)]
            for s in STATES
            if states[s]
        ],
        note=f"{len(facts)} recommendations: {counts}. RAG: {rag_text}.",
    )


def reasons(f: RecFacts, since_at: datetime, today: date, zone: ZoneInfo) -> dict[str, list[str]]:
    """What is true of `f` that a committee hears of, by item kind, in words (overdue dates
    are added to every row by `rec_row`, so "overdue" only names the kind here)."""
    found: dict[str, list[str]] = {}
    if f.state == "monitored" and f.degree == "completely":
        found["sign_off"] = ["met completely: proposed for sign-off"]
    if f.pending_extension is not None:
        found["extensions_pending"] = [
            f"extension of the target date from {day_text(f.target)} to "
            f"{day_text(f.pending_extension)} awaiting approval"
        ]
    if overdue_reasons(f, today):
        found["overdue"] = []
    revised = [rev for rev in f.revisions if rev[2] >= since_at]
    if revised:
        found["targets_revised"] = [
            f"target date revised from {day_text(old or f.original_target)} to "
            f"{day_text(new)} (agreed {local_day(at, zone)})"
            for old, new, at in revised
        ]
    if f.signed_off_at is not None and f.signed_off_at >= since_at:
        found["completed"] = [f"signed off as complete on {local_day(f.signed_off_at, zone)}"]
    if f.state == "superseded" and f.state_changed_at >= since_at:
        found["superseded"] = [superseded_text(f)]
    return found


def _escalated(f: RecFacts) -> tuple[str, ...]:
    return ("escalated",) if f.escalated else ()


def new_reports(
    reps: list[ReportFacts], facts: list[RecFacts], since_at: datetime
) -> list[AgendaItem]:
    """The reports received since the last meeting, with how many recommendations each."""
    new = [rep for rep in reps if rep.created_at >= since_at]
    if not new:
        return []
    keys = {rep.key for rep in new}
    counts = Counter(f.report for f in facts)
    return [
        item(
            "new_reports",
            "New reports received since the last meeting",
            [f for f in facts if f.report in keys],
            columns=["Report", "Title", "From", "Published", "Recommendations"],
            rows=[
                [
                    rep.key,
                    rep.title,
                    rep.body,
                    published_text(rep.published, rep.published_assumed),
                    str(counts[rep.key]),
                ]
                for rep in new
            ],
        )
    ]
