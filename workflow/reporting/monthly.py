"""The ILAU monthly progress report of 002 §5: it "details forthcoming inspection visits and
the progress on implementation of all recommendations", with "a summary of all new and
outstanding inspection activity", and the repeated recommendations of 002 §11.

Sections: forthcoming visits (the next three months), new reports (since the same day last
month), progress on every open recommendation, the outstanding ones (overdue, escalated,
awaiting sign-off, each once with all its reasons), the repeated ones. True to its date:
everything comes from what was recorded at or before the clock's instant (see `rewind`).
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from sqlalchemy import Connection

from states import OPEN, STATES
from workflow.directory.inspections import InspectionVisit, visits
from workflow.lifecycle.rag import rag_rule_text
from workflow.reporting.dates import long_day, published_text
from workflow.reporting.documents import Document, Heading, Paragraph, Table
from workflow.reporting.items import RAGS, day_text, subject_of
from workflow.reporting.papers import AUTHOR, chart
from workflow.reporting.portfolio import (
    RecFacts,
    ReportFacts,
    load_recommendations,
    reports_info,
)
from workflow.reporting.rewind import repeats_at
from workflow.reporting.story import (
    latest_text,
    next_due_cell,
    outstanding_reasons,
    owner_text,
    plural,
)
from workflow.store.uow import UnitOfWork

TITLE = "Inspection Liaison and Analysis Unit: monthly progress report"
FORTHCOMING_MONTHS = 3


def monthly_report(uow: UnitOfWork, timezone: str = "Europe/London") -> Document:
    """The monthly report as of the clock's instant."""
    with uow.read() as tx:
        today, now = tx.today, tx.now
        facts = load_recommendations(tx.conn, tx.rules, today, with_updates=True, at=now)
        reps = reports_info(tx.conn, at=now)
        figure = chart(tx.conn, facts, None, today, timezone, "All reports")
        coming = visits(
            tx.conn,
            at=now,
            ending_from=today,
            starting_by=today + relativedelta(months=FORTHCOMING_MONTHS),
        )
        repeats = repeat_links(tx.conn, now, facts)
    since = today - relativedelta(months=1)
    zone = ZoneInfo(timezone)
    new = [r for r in reps if r.created_at.astimezone(zone).date() > since]
    open_ = [f for f in facts if f.state in OPEN]
    outstanding = [(f, why) for f in open_ if (why := outstanding_reasons(f, today))]
    blocks: list[Any] = [
        Paragraph(long_day(today), label="Date"),
        Paragraph(AUTHOR, label="By"),
        Heading("Summary", 2),
        Paragraph(_summary(reps, facts, open_, outstanding, new, coming, since)),
        Heading("1. Forthcoming inspection visits", 2),
        _visits_table(coming),
        Heading("2. New inspections, audits and reviews", 2),
        _new_reports_table(new, facts, since),
        Heading("3. Progress on all open recommendations", 2),
        _progress_table(reps, facts),
        figure,
        _open_table(open_, zone, today) if open_ else Paragraph("No recommendation is open."),
        Heading("4. Outstanding recommendations", 2),
        _outstanding_table(outstanding)
        if outstanding
        else Paragraph("No recommendation is overdue, escalated or awaiting sign-off."),
        Heading("5. Repeated recommendations", 2),
        _repeats_table(repeats),
        Heading("Notes", 2),
        Paragraph(rag_rule_text(uow.rules.defaults)),
    ]
    return Document(TITLE, tuple(blocks), subtitle=f"{today:%B %Y}", landscape=True)


def _summary(
    reps: list[ReportFacts],
    facts: list[RecFacts],
    open_: list[RecFacts],
    outstanding: list[tuple[RecFacts, list[str]]],
    new: list[ReportFacts],
    coming: list[InspectionVisit],
    since: date,
) -> str:
    rags = Counter(f.rag for f in open_)
    return (
        f"{plural(len(reps), 'report')} with {plural(len(facts), 'recommendation')} "
        f"{'is' if len(reps) == 1 else 'are'} being tracked; {len(open_)} remain open "
        f"({rags['RED']} red, {rags['AMBER']} amber, {rags['GREEN']} green), of which "
        f"{len(outstanding)} {'is' if len(outstanding) == 1 else 'are'} outstanding. "
        f"{plural(len(new), 'new report')} received since {long_day(since)}; "
        f"{plural(len(coming), 'inspection visit')} expected in the next "
        f"{FORTHCOMING_MONTHS} months."
    )


def _visits_table(coming: list[InspectionVisit]) -> Table | Paragraph:
    if not coming:
        return Paragraph(
            f"No inspection visit is recorded for the next {FORTHCOMING_MONTHS} months."
        )
    return Table(
        ("Inspecting body", "Inspection", "From", "To", "Units visited"),
        tuple(
            (v.body, v.title, day_text(v.starts), day_text(v.ends), v.units or "") for v in coming
        ),
    )


def _new_reports_table(
    new: list[ReportFacts], facts: list[RecFacts], since: date
) -> Table | Paragraph:
    if not new:
        return Paragraph(f"No new report has been received since {long_day(since)}.")
    return reports_table(new, Counter(f.report for f in facts))


def reports_table(reps: list[ReportFacts], counts: Counter[str]) -> Table:
    """Reports received or published, each with how many recommendations it makes."""
    return Table(
        ("Report", "Title", "From", "Kind", "Published", "Recommendations"),
        tuple(
            (
                r.key,
                r.title,
                r.body,
                r.kind,
                published_text(r.published, r.published_assumed),
                str(counts[r.key]),
            )
            for r in reps
        ),
    )


def _progress_table(reps: list[ReportFacts], facts: list[RecFacts]) -> Table:
    """Each report's recommendations counted by state and by RAG."""
    by_report: dict[str, list[RecFacts]] = {}
    for f in facts:
        by_report.setdefault(f.report, []).append(f)
    rows = []
    for r in reps:
        recs = by_report.get(r.key, [])
        states = Counter(f.state for f in recs)
        rags = Counter(f.rag for f in recs if f.rag)
        rows.append(
            (
                r.key,
                r.title,
                str(len(recs)),
                *(str(states[s]) for s in STATES),
                *(str(rags[c]) for c in RAGS),
            )
        )
    return Table(
        ("Report", "Title", "Recs", *(s.replace("_", " ") for s in STATES), *RAGS), tuple(rows)
    )


def _open_table(open_: list[RecFacts], zone: ZoneInfo, today: date) -> Table:
    return Table(
        (
            "Recommendation",
            "Subject",
            "Owner",
            "State",
            "Degree met",
            "Latest update",
            "Next due",
            "RAG",
        ),
        tuple(
            (
                f.code,
                subject_of(f),
                owner_text(f),
                f.state.replace("_", " "),
                f.degree,
                latest_text(f, zone),
                next_due_cell(f, today),
                f.rag or "",
            )
            for f in open_
        ),
        rag_column=7,
    )


def _outstanding_table(outstanding: list[tuple[RecFacts, list[str]]]) -> Table:
    return Table(
        ("Recommendation", "Subject", "Owner", "State", "Outstanding", "RAG"),
        tuple(
            (
                f.code,
                subject_of(f),
                owner_text(f),
                f.state.replace("_", " "),
                "; ".join(why),
                f.rag or "",
            )
            for f, why in outstanding
        ),
        rag_column=5,
    )


def repeat_links(
    conn: Connection, at: datetime, facts: list[RecFacts]
) -> list[tuple[RecFacts, RecFacts]]:
    """(recommendation, the one it repeats) for each `repeats` link standing at `at`; both
    as they stood then."""
    by_code = {f.code: f for f in facts}
    standing = repeats_at(conn, at)
    return [(by_code[a], by_code[b]) for a, b in standing if a in by_code and b in by_code]


def _repeats_table(repeats: list[tuple[RecFacts, RecFacts]]) -> Table | Paragraph:
    if not repeats:
        return Paragraph("No recommendation is recorded as repeating another.")
    return Table(
        ("Recommendation", "Subject", "State", "Repeats", "Its state", "Its degree met"),
        tuple(
            (
                f.code,
                subject_of(f),
                f.state.replace("_", " "),
                earlier.code,
                earlier.state.replace("_", " "),
                earlier.degree,
            )
            for f, earlier in repeats
        ),
    )
