"""The documents: the committee report (the ILAU monthly progress report is in
`workflow.reporting.monthly`, the action plan tracker in `workflow.reporting.tracker`).

Each is built as a neutral `Document` from the data (see `workflow.reporting.documents`), in
the layout of the seed documents: "Report / Date / By / Summary / A. Recommendations / B. Supporting
information / C. Equality and diversity implications / D. Financial implications / E.
Background papers / F. Contact details" for the committee report, and the District Audit
tracker table for the action plan summary.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection

from states import OPEN
from workflow.audit.timeline import month_ends, open_by_state
from workflow.lifecycle.rag import rag_rule_text
from workflow.reporting.agenda import Agenda
from workflow.reporting.costs import Costs, plan_costs, pounds
from workflow.reporting.dates import long_day, published_text
from workflow.reporting.documents import (
    BulletList,
    Document,
    Figure,
    Heading,
    Paragraph,
    Table,
    content_widths,
)
from workflow.reporting.items import RAGS
from workflow.reporting.portfolio import RecFacts
from workflow.reporting.rewind import paper_by_at
from workflow.store.uow import UnitOfWork

AUTHOR = "Inspection Liaison and Analysis Unit"
TABLE_FONT = 9  # points: six columns of words across A4 portrait without splitting them
# Characters across the table at that size (170 mm, half an em a character), for widths
# proportioned to content.
LINE = 170 / (TABLE_FONT / 2 * 25.4 / 72)


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
        f"status on {long_day(today)}",
        "chart.png",
    )


def _costs(conn: Connection, keys: list[str] | None, at: datetime) -> tuple[Costs, None]:
    """Section D's facts, as the trail has them at `at`: the costs per report and the
    benefits claimed (the second part is kept for the caller's shape)."""
    return plan_costs(conn, keys, at), None


def committee_report(
    uow: UnitOfWork, agenda: Agenda, number: str = "1", timezone: str = "Europe/London"
) -> Document:
    """The committee report for a meeting, in the layout of the MPA committee reports."""
    com = agenda.committee
    keys = None if com.kind == "board" else [r.key for r in agenda.reports]
    with uow.read() as tx:
        figure = chart(tx.conn, agenda.facts, keys, tx.today, timezone, com.name)
        estimate, actual = _costs(tx.conn, keys, tx.now)
        by = paper_by_at(tx.conn, com.name, tx.now)
        rule = tx.rules.defaults
    blocks: list[Any] = [
        Paragraph(number, label="Report"),
        Paragraph(long_day(agenda.meeting), label="Date"),
        Paragraph(by or AUTHOR, label="By"),  # the committee's setting then, or the ILAU
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
        subtitle=f"Meeting of {long_day(agenda.meeting)}",
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
        f"since {long_day(agenda.since)}, those without an owner, and the reports received since. "
        if com.kind == "board"
        else f"This report sets out the progress made since {long_day(agenda.since)} in "
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
    if any(i.kind == "decisions" for i in agenda.items):
        asks.append(
            "review the decisions of earlier meetings still open and direct action on any overdue"
        )
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
        rows = tuple(tuple(r) for r in item.detail["rows"])
        blocks.append(
            Table(
                columns,
                rows,
                rag_column=columns.index("RAG") if "RAG" in columns else None,
                widths=content_widths(columns, rows, line=LINE) if rows else None,
                font_size=TABLE_FONT,
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
        f"{r.title} ({r.body}, "
        f"{published_text(r.published, r.published_assumed, 'long', 'undated')})"
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
        *_financial(estimate, actual),
        Heading("E. Background papers", 2),
        BulletList(papers or ("None",)),
        Heading("F. Contact details", 2),
        Paragraph(f"{AUTHOR}{secretary}", label="Report author"),
    ]


def _financial(costs: Costs, _: None = None) -> list[Any]:
    """Section D: the estimated and actual costs of the plans, per report, and the benefits
    their actions claim."""
    if not costs.recorded:
        return [
            Paragraph(
                "No costs have been recorded against the implementation plans of these "
                "recommendations; any financial implications form part of each plan."
            )
        ]
    rows = [(f"{r.title} ({r.key})", pounds(r.estimate), pounds(r.actual)) for r in costs.reports]
    if len(rows) > 1:
        rows.append(("Total", pounds(costs.estimate), pounds(costs.actual)))
    blocks: list[Any] = [
        Paragraph(
            f"The implementation plans estimate costs of {pounds(costs.estimate or Decimal(0))} "
            f"(leaving out actions since dropped); {pounds(costs.actual or Decimal(0))} has "
            "been recorded as spent to date. By report:"
        ),
        Table(("Report", "Estimated cost", "Actual cost to date"), tuple(rows)),
    ]
    if costs.benefits:
        blocks.append(Paragraph("The benefits claimed:"))
        blocks.append(
            BulletList(
                tuple(
                    f"{b.rec}, action {b.number} ({b.text}): {b.benefit}"
                    + (f" (measured by: {b.measure})" if b.measure else "")
                    for b in costs.benefits
                )
            )
        )
    return blocks
