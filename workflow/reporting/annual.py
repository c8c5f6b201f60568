"""The annual inspection activity report (002 §5: "an annual inspection activity report will
be produced"): the year's visits, the reports published in it with their recommendations,
the recommendations completed or closed in it, and those still open at its end.

As of the year's end (its last instant in the organisation's timezone), or of the clock's
instant while the year runs: nothing recorded later is shown.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from states import FINAL, OPEN
from workflow.directory.inspections import InspectionVisit, visits
from workflow.errors import BadInput
from workflow.reporting.dates import long_day
from workflow.reporting.documents import Document, Heading, Paragraph, Table
from workflow.reporting.items import day_text, subject_of
from workflow.reporting.monthly import reports_table
from workflow.reporting.papers import AUTHOR
from workflow.reporting.portfolio import (
    RecFacts,
    ReportFacts,
    load_recommendations,
    reports_info,
)
from workflow.reporting.story import plural
from workflow.store.uow import UnitOfWork

_REC = ("Recommendation", "Subject", "Owner", "State", "Degree met")


def _row(f: RecFacts) -> tuple[str, ...]:
    return (
        f.code,
        subject_of(f),
        f.owner_name or f.owner or "(none)",
        f.state.replace("_", " "),
        f.degree,
    )


def annual_report(uow: UnitOfWork, year: int, timezone: str = "Europe/London") -> Document:
    """The inspection activity of `year`, as at its end (or now, if it has not ended)."""
    zone = ZoneInfo(timezone)
    if not 1900 <= year <= 2200:
        raise BadInput(f"year {year}: expected a year from 1900 to 2200")
    begins = datetime(year, 1, 1, tzinfo=zone)
    ends = datetime(year + 1, 1, 1, tzinfo=zone) - timedelta(microseconds=1)
    with uow.read() as tx:
        if begins > tx.now:
            raise BadInput(f"{year} has not begun yet: there is no activity to report")
        at = min(ends, tx.now)
        last = at.astimezone(zone).date()
        facts = load_recommendations(tx.conn, tx.rules, last, at=at)
        reps = reports_info(tx.conn, at=at)
        seen = visits(tx.conn, at=at, ending_from=date(year, 1, 1), starting_by=last)
    published = [r for r in reps if r.published is not None and r.published.year == year]
    counts = Counter(f.report for f in facts)
    closed = sorted(
        (f for f in facts if f.state in FINAL and begins <= f.state_changed_at <= at),
        key=lambda f: (f.state_changed_at, f.code),
    )
    open_ = [f for f in facts if f.state in OPEN]
    whole = at == ends
    blocks: list[Any] = [
        Paragraph(long_day(last), label="Date"),
        Paragraph(AUTHOR, label="By"),
        Heading("Summary", 2),
        Paragraph(
            f"In {year}{'' if whole else ' to ' + long_day(last)}: "
            f"{plural(len(seen), 'inspection visit')}; {plural(len(published), 'report')} "
            f"published, with {plural(sum(counts[r.key] for r in published), 'recommendation')}; "
            f"{plural(len(closed), 'recommendation')} completed or closed; "
            f"{len(open_)} open at {long_day(last)}."
        ),
        Heading("1. Inspection visits", 2),
        _visits(seen, year),
        Heading("2. Reports published", 2),
        _published(published, counts, year),
        Heading("3. Recommendations completed or closed", 2),
        *_closed(closed, zone, year),
        Heading(f"4. Recommendations open at {long_day(last)}", 2),
        Table(_REC, tuple(_row(f) for f in open_))
        if open_
        else Paragraph("No recommendation is open."),
    ]
    span = f"1 January to {long_day(last)}"
    return Document(
        f"Inspection Liaison and Analysis Unit: annual inspection activity report {year}",
        tuple(blocks),
        subtitle=span if whole else f"{span} (the year so far)",
    )


def _visits(seen: list[InspectionVisit], year: int) -> Table | Paragraph:
    if not seen:
        return Paragraph(f"No inspection visit is recorded in {year}.")
    return Table(
        ("Inspecting body", "Inspection", "From", "To", "Units visited"),
        tuple((v.body, v.title, day_text(v.starts), day_text(v.ends), v.units or "") for v in seen),
    )


def _published(published: list[ReportFacts], counts: Counter[str], year: int) -> Table | Paragraph:
    if not published:
        return Paragraph(f"No report published in {year} is recorded.")
    return reports_table(published, counts)


def _closed(closed: list[RecFacts], zone: ZoneInfo, year: int) -> list[Table | Paragraph]:
    if not closed:
        return [Paragraph(f"No recommendation was completed or closed in {year}.")]
    rows = tuple(
        (
            *_row(f),
            f.state_changed_at.astimezone(zone).date().isoformat(),
            (f.successor or "") if f.state == "superseded" else "",
        )
        for f in closed
    )
    return [Table((*_REC, "On", "Superseded by"), rows)]
