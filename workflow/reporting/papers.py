"""The documents: committee report, ILAU monthly progress report, action plan tracker.

Each is built as a neutral `Document` from the data (see `workflow.reporting.documents`), in
the layout of the seed documents: "Report / Date / By / Summary / A. Recommendations / B. Supporting
information / C. Equality and diversity implications / D. Financial implications / E.
Background papers / F. Contact details" for the committee report, and the District Audit
tracker table for the action plan summary.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection, func, select

from states import OPEN, STATES
from workflow.audit.timeline import month_ends, open_by_state
from workflow.errors import UnknownReport
from workflow.lifecycle.rag import rag_rule_text
from workflow.reporting.agenda import Agenda
from workflow.reporting.documents import BulletList, Document, Figure, Heading, Paragraph, Table
from workflow.reporting.items import RAGS
from workflow.reporting.portfolio import (
    RecFacts,
    ReportFacts,
    load_recommendations,
    reports_info,
)
from workflow.store.tables import action, recommendation, report
from workflow.store.uow import UnitOfWork

AUTHOR = "Inspection Liaison and Analysis Unit"


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def chart(
    conn: Connection,
    facts: list[RecFacts],
    keys: list[str] | None,
    today: date,
    timezone: str,
    title: str,
) -> Figure:
    """Open recommendations by state over the last twelve months, and by RAG today."""
    from workflow.reporting.documents.chart import open_recommendations_chart

    points = month_ends(today, 12)
    by_state = open_by_state(conn, points, keys, timezone)
    rag = Counter(f.rag for f in facts if f.rag)
    png = open_recommendations_chart(points, by_state, {c: rag.get(c, 0) for c in RAGS}, title)
    return Figure(
        png,
        f"{title}: open recommendations by state at each month end, and by RAG "
        f"status on {_long(today)}",
        "chart.png",
    )


def _rec_table(facts: list[RecFacts]) -> Table:
    return Table(
        ("Recommendation", "Subject", "Owner", "State", "Degree met", "Next due", "RAG"),
        tuple(
            (
                f.code,
                f.subject or f.text,
                f.owner or "(none)",
                f.state.replace("_", " "),
                f.degree,
                f.due.next.isoformat() if f.due.next else "",
                f.rag or "",
            )
            for f in facts
        ),
        rag_column=6,
    )


def _costs(conn: Connection, keys: list[str] | None) -> tuple[Any, Any]:
    a, r = action.c, recommendation.c
    stmt = (
        select(func.sum(a.cost_estimate), func.sum(a.cost_actual))
        .join(recommendation, r.id == a.rec_id)
        .join(report, report.c.id == r.report_id)
    )
    if keys is not None:
        stmt = stmt.where(report.c.key.in_(keys))
    estimate, actual = conn.execute(stmt).one()
    return estimate, actual


def committee_report(
    uow: UnitOfWork, agenda: Agenda, number: str = "1", timezone: str = "Europe/London"
) -> Document:
    """The committee report for a meeting, in the layout of the MPA committee reports."""
    com = agenda.committee
    keys = None if com.kind == "board" else [r.key for r in agenda.reports]
    with uow.read() as tx:
        figure = chart(tx.conn, agenda.facts, keys, tx.today, timezone, com.name)
        estimate, actual = _costs(tx.conn, keys)
        rule = tx.rules.defaults
    blocks: list[Any] = [
        Paragraph(number, label="Report"),
        Paragraph(_long(agenda.meeting), label="Date"),
        Paragraph(AUTHOR, label="By"),
        Heading("Summary", 2),
        Paragraph(_summary(agenda)),
        Heading("A. Recommendations", 2),
        Paragraph("That members"),
        BulletList(tuple(_asks(agenda)), ordered=True),
        Heading("B. Supporting information", 2),
        *_supporting(agenda),
        figure,
        *_closing_sections(agenda, estimate, actual),
        Heading("Notes", 2),
        Paragraph(rag_rule_text(rule)),
    ]
    return Document(
        f"{com.name}: implementation of inspection, audit and review recommendations",
        tuple(blocks),
        subtitle=f"Meeting of {_long(agenda.meeting)}",
    )


def _escalated(agenda: Agenda) -> list[str]:
    found = [r for i in agenda.items if i.kind == "open_escalations" for r in i.recs]
    return list(dict.fromkeys(found))


def _summary(agenda: Agenda) -> str:
    com, facts = agenda.committee, agenda.facts
    open_ = [f for f in facts if f.state in OPEN]
    rags = Counter(f.rag for f in open_)
    n = len(agenda.reports)
    opening = (
        f"This report brings to the {com.name} the recommendations escalated to it for "
        f"missed dates or by the ILAU ({len(_escalated(agenda))} at present), those cleared "
        f"since {_long(agenda.since)}, those without an owner, and the reports received since. "
        if com.kind == "board"
        else f"This report sets out the progress made since {_long(agenda.since)} in "
        f"implementing the recommendations of {n} inspection, audit and review "
        f"report{'s' if n != 1 else ''} monitored by the {com.name}. "
    )
    return opening + (
        f"Of {len(facts)} recommendations tracked, {len(open_)} remain open: {rags['RED']} "
        f"red, {rags['AMBER']} amber and {rags['GREEN']} green."
    )


def _asks(agenda: Agenda) -> list[str]:
    """What the paper asks the committee to do."""
    asks = ["note the progress made in implementing the recommendations in section B"]
    sign_off = [r for i in agenda.items if i.kind == "sign_off" for r in i.recs]
    if sign_off:
        asks.append(
            "agree that the recommendations proposed for sign-off ("
            + ", ".join(sign_off)
            + ") are complete"
        )
    escalated = _escalated(agenda)
    if escalated:
        asks.append(
            "consider the escalated recommendations ("
            + ", ".join(escalated)
            + ") and direct action on each"
        )
    if any(i.kind == "extensions_pending" for i in agenda.items):
        asks.append("decide on the extensions of target dates awaiting approval")
    return asks


def _supporting(agenda: Agenda) -> list[Any]:
    """Section B: each agenda item under its heading, its note and its table."""
    if not agenda.items:
        return [Paragraph("There is nothing to report since the last meeting.")]
    blocks: list[Any] = []
    for n, item in enumerate(agenda.items, start=1):
        blocks.append(Heading(f"{n}. {item.title}", 3))
        if item.detail.get("note"):
            blocks.append(Paragraph(item.detail["note"]))
        columns = tuple(item.detail["columns"])
        blocks.append(
            Table(
                columns,
                tuple(tuple(r) for r in item.detail["rows"]),
                rag_column=columns.index("RAG") if "RAG" in columns else None,
            )
        )
    return blocks


def _closing_sections(agenda: Agenda, estimate: Any, actual: Any) -> list[Any]:
    """Sections C to F: equality, finance, background papers, contacts."""
    com = agenda.committee
    secretary = (
        f"; committee secretary {com.secretary_name} ({com.secretary})" if com.secretary else ""
    )
    papers = tuple(
        f"{r.title} ({r.body}, {_long(r.published) if r.published else 'undated'})"
        for r in agenda.reports
    )
    return [
        Heading("C. Equality and diversity implications", 2),
        Paragraph(
            "Any equality and diversity implications of the recommendations are assessed "
            "by their owners in the implementation plans and reported to this committee "
            "with their progress."
        ),
        Heading("D. Financial implications", 2),
        Paragraph(_financial(estimate, actual)),
        Heading("E. Background papers", 2),
        BulletList(papers or ("None",)),
        Heading("F. Contact details", 2),
        Paragraph(f"{AUTHOR}{secretary}", label="Report author"),
    ]


def _financial(estimate: Any, actual: Any) -> str:
    if estimate is None and actual is None:
        return (
            "No costs have been recorded against the implementation plans of these "
            "recommendations; any financial implications form part of each plan."
        )
    return (
        f"The implementation plans estimate costs of £{estimate or 0:,.2f}; £{actual or 0:,.2f} "
        "has been recorded as spent."
    )


def progress_report(uow: UnitOfWork, timezone: str = "Europe/London") -> Document:
    """The ILAU monthly progress report: new inspections, progress on all, outstanding ones."""
    with uow.read() as tx:
        today = tx.today
        facts = load_recommendations(tx.conn, tx.rules, today, at=tx.now)
        reps = reports_info(tx.conn, at=tx.now)
        figure = chart(tx.conn, facts, None, today, timezone, "All reports")
    since = today - timedelta(days=31)
    new = [r for r in reps if r.created_at.date() >= since]
    outstanding = [f for f in facts if f.rag == "RED"]
    summary = (
        f"{len(reps)} reports with {len(facts)} recommendations are being tracked; "
        f"{sum(1 for f in facts if f.state in OPEN)} remain open, of which "
        f"{len(outstanding)} are red. {len(new)} new report"
        f"{'s were' if len(new) != 1 else ' was'} received in the last month."
    )
    blocks: list[Any] = [
        Paragraph(_long(today), label="Date"),
        Paragraph(AUTHOR, label="By"),
        Heading("Summary", 2),
        Paragraph(summary),
        Heading("1. New inspections, audits and reviews", 2),
        _new_reports_table(new),
        Heading("2. Progress on all recommendations", 2),
        _progress_table(reps, facts),
        figure,
        Heading("3. Outstanding recommendations", 2),
        _rec_table(outstanding)
        if outstanding
        else Paragraph("No recommendation is overdue or escalated."),
        Heading("Notes", 2),
        Paragraph(rag_rule_text(uow.rules.defaults)),
    ]
    return Document(
        "Inspection Liaison and Analysis Unit: monthly progress report",
        tuple(blocks),
        subtitle=f"{today:%B %Y}",
    )


def _new_reports_table(new: list[ReportFacts]) -> Table | Paragraph:
    if not new:
        return Paragraph("No new reports were received in the last month.")
    return Table(
        ("Report", "Title", "From", "Kind", "Published"),
        tuple(
            (r.key, r.title, r.body, r.kind, r.published.isoformat() if r.published else "")
            for r in new
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


def tracker(uow: UnitOfWork, report_key: str) -> Document:
    """The action plan progress summary of one report (the District Audit tracker layout)."""
    with uow.read() as tx:
        reps = reports_info(tx.conn, [report_key], at=tx.now)
        if not reps:
            raise UnknownReport(report_key)
        facts = load_recommendations(
            tx.conn, tx.rules, tx.today, [report_key], with_updates=True, at=tx.now
        )
        today = tx.today
    rep = reps[0]
    rows = []
    for f in facts:
        progress = f.latest_update[1] if f.latest_update else "No progress update yet."
        rows.append(
            (
                f.ref,
                _subject_cell(f),
                f.owner_name or f.owner or "(no owner)",
                _timescale(f),
                f.text,
                f"{progress}\nRecommendation met: {f.degree}",
                f.rag or "",
            )
        )
    published = rep.published.isoformat() if rep.published else ""
    columns = (
        "No",
        "Subject",
        "Lead",
        "Timescales",
        "Recommendation",
        "Progress update and degree to which recommendation met",
        "RAG",
    )
    return Document(
        f"Action plan progress summary: {rep.title}",
        (
            Paragraph(_long(today), label="Date"),
            Paragraph(f"{rep.body}, {published}".strip(", "), label="Report"),
            Table(columns, tuple(rows), rag_column=6),
            Heading("Notes", 2),
            Paragraph(rag_rule_text(uow.rules.defaults)),
        ),
        subtitle=f"{rep.key}, as at {_long(today)}",
    )


def _subject_cell(f: RecFacts) -> str:
    """The tracker's Subject: the subject, what the report calls it (when not a plain
    recommendation) and whether it is statutory."""
    kind = f.category.capitalize() if f.category != "recommendation" else ""
    lines = (f.subject or "", kind, "STATUTORY" if f.statutory else "Non-statutory")
    return "\n".join(line for line in lines if line)


def _timescale(f: RecFacts) -> str:
    if f.target is None:
        return "No plan agreed yet"
    if f.original_target and f.original_target != f.target:
        return f"{_long(f.target)} (revised; originally {_long(f.original_target)})"
    return _long(f.target)
