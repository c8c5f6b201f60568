"""A scrutiny committee's items for each report it monitors: progress counted by state and
RAG, then the exceptions (completed, overdue, targets revised, extensions awaiting approval,
proposed for sign-off, superseded); and, for every committee, new reports received."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime

from states import STATES
from workflow.mail.compose import KIND_LABEL
from workflow.reporting.items import RAGS, AgendaItem, day_text, item, subject_of
from workflow.reporting.portfolio import RecFacts, ReportFacts


def report_items(
    rep: ReportFacts, facts: list[RecFacts], since_at: datetime, today: date
) -> list[AgendaItem]:
    """The items of one report: its progress, then each kind of exception found."""
    key = rep.key
    found = [
        _progress(rep, facts),
        _completed(key, facts, since_at),
        _overdue(key, facts, today),
        _revised(key, facts, since_at),
        _pending(key, facts),
        _sign_off(key, facts),
        _superseded(key, facts, since_at),
    ]
    return [i for i in found if i is not None]


def _progress(rep: ReportFacts, facts: list[RecFacts]) -> AgendaItem:
    # The counts, not every recommendation: the exceptions follow as items of their own,
    # and the tracker (`rectrack report tracker`) lists them all.
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


def _completed(key: str, facts: list[RecFacts], since_at: datetime) -> AgendaItem | None:
    done = [f for f in facts if f.signed_off_at is not None and f.signed_off_at >= since_at]
    return (
        item("completed", f"{key}: completed since the last meeting", done, key) if done else None
    )


def _overdue(key: str, facts: list[RecFacts], today: date) -> AgendaItem | None:
    overdue = [f for f in facts if f.due.next is not None and f.due.next < today]
    if not overdue:
        return None
    return item(
        "overdue",
        f"{key}: overdue",
        overdue,
        key,
        columns=["Recommendation", "Subject", "Owner", "What is overdue", "Due", "RAG"],
        rows=[
            [
                f.code,
                subject_of(f),
                f.owner or "(none)",
                overdue_what(f, today),
                day_text(f.due.next),
                f.rag or "",
            ]
            for f in overdue
        ],
    )


def overdue_what(f: RecFacts, today: date) -> str:
    """Which of its dates a recommendation has missed, in words."""
    due = f.due
    dates = (("response", due.response), ("plan", due.plan), ("update", due.update))
    late = [k for k, d in (*dates, ("target", due.target)) if d is not None and d < today]
    return ", ".join(KIND_LABEL[k].lower() for k in late)


def _revised(key: str, facts: list[RecFacts], since_at: datetime) -> AgendaItem | None:
    revised = [(f, rev) for f in facts for rev in f.revisions if rev[2] >= since_at]
    if not revised:
        return None
    return item(
        "targets_revised",
        f"{key}: target dates revised",
        [f for f, _ in revised],
        key,
        columns=["Recommendation", "Subject", "Original target", "Revised target"],
        rows=[
            [f.code, subject_of(f), day_text(f.original_target or rev[0]), day_text(rev[1])]
            for f, rev in revised
        ],
    )


def _pending(key: str, facts: list[RecFacts]) -> AgendaItem | None:
    pending = [f for f in facts if f.pending_extension is not None]
    if not pending:
        return None
    return item(
        "extensions_pending",
        f"{key}: extensions awaiting approval",
        pending,
        key,
        columns=["Recommendation", "Subject", "Current target", "Asked for"],
        rows=[
            [f.code, subject_of(f), day_text(f.target), day_text(f.pending_extension)]
            for f in pending
        ],
    )


def _sign_off(key: str, facts: list[RecFacts]) -> AgendaItem | None:
    ready = [f for f in facts if f.state == "monitored" and f.degree == "completely"]
    return item("sign_off", f"{key}: proposed for sign-off", ready, key) if ready else None


def _superseded(key: str, facts: list[RecFacts], since_at: datetime) -> AgendaItem | None:
    gone = [f for f in facts if f.state == "superseded" and f.state_changed_at >= since_at]
    if not gone:
        return None
    return item(
        "superseded",
        f"{key}: superseded",
        gone,
        key,
        columns=["Recommendation", "Subject", "Superseded by, or why dropped"],
        rows=[[f.code, subject_of(f), f.successor or f.closure_note or ""] for f in gone],
    )


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
                [rep.key, rep.title, rep.body, day_text(rep.published), str(counts[rep.key])]
                for rep in new
            ],
        )
    ]
