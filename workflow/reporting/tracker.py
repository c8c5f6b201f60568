"""The action plan progress summary of one report, in the layout of the District Audit tracker
(seed 003): No, Subject, Lead, Timescales, Recommendation, Progress update and degree met.

What the report or its action plan wrote is shown as written: the timescale beside the target
date ("Ongoing", "September 02"), the lead of two levels (who is accountable, who is
responsible; the owner, who is chased, besides), statutory, non-statutory or not stated, the
paragraph a recommendation comes from, and the report's graded judgements. The DOCX is A4
landscape, its columns as wide as their content asks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, select

from workflow.errors import UnknownReport
from workflow.lifecycle.rag import rag_rule_text
from workflow.reporting.dates import assumed_mark, long_day, published_text
from workflow.reporting.documents import Document, Heading, Paragraph, Table, content_widths
from workflow.reporting.portfolio import RecFacts, load_recommendations, reports_info
from workflow.reporting.story import local_day, owner_text
from workflow.store.outward import issued_paper
from workflow.store.tables import committee, progress_update, recommendation, report
from workflow.store.uow import UnitOfWork

COLUMNS = (
    "No",
    "Subject",
    "Lead",
    "Timescales",
    "Recommendation",
    "Progress update and degree to which recommendation met",
    "RAG",
)
FONT_SIZE = 9  # points: 13 rows of 003 on A4 landscape in a few pages, still easy to read
# Characters of FONT_SIZE across the DOCX's text width (A4 landscape, 297 mm less 15 mm
# margins): 267 mm, at half an em (4.5 pt, 1.59 mm) a character, a generous average.
LINE = 267 / (FONT_SIZE / 2 * 25.4 / 72)


@dataclass(frozen=True, slots=True)
class AsWritten:
    """What the report (or its action plan) wrote of a recommendation, kept as written."""

    timescale: str | None
    accountable: str | None
    responsible: str | None
    statutory_known: bool


def as_written(conn: Connection, report_key: str) -> dict[int, AsWritten]:
    """Each recommendation of the report (by id): its timescale, lead and statutory flag."""
    r = recommendation.c
    rows = conn.execute(
        select(r.id, r.timescale, r.lead_accountable, r.lead_responsible, r.statutory_known)
        .join(report, report.c.id == r.report_id)
        .where(report.c.key == report_key)
    )
    return {
        row.id: AsWritten(
            row.timescale, row.lead_accountable, row.lead_responsible, bool(row.statutory_known)
        )
        for row in rows
    }


def judgements(conn: Connection, report_key: str) -> list[tuple[str, str]]:
    """The report's graded judgements, (area, grade), in its own order."""
    found: Any = conn.execute(
        select(report.c.judgements).where(report.c.key == report_key)
    ).scalar()
    return [(str(j["area"]), str(j["grade"])) for j in found or []]


def judgement_text(area: str, grade: str) -> str:
    """ "How good is the service? Fair", "Leadership: Good"."""
    return f"{area} {grade}" if area.endswith(("?", ":")) else f"{area}: {grade}"


def tracker(uow: UnitOfWork, report_key: str, timezone: str = "Europe/London") -> Document:
    """The action plan progress summary of one report (the District Audit tracker layout)."""
    zone = ZoneInfo(timezone)
    with uow.read() as tx:
        reps = reports_info(tx.conn, [report_key], at=tx.now)
        if not reps:
            raise UnknownReport(report_key)
        facts = load_recommendations(
            tx.conn, tx.rules, tx.today, [report_key], with_updates=True, at=tx.now
        )
        written = as_written(tx.conn, report_key)
        graded = judgements(tx.conn, report_key)
        paper = last_paper(tx.conn, reps[0].committee, tx.now)
        since = updates_since(tx.conn, [f.id for f in facts], paper and paper[1], tx.now)
        today = tx.today
    rep = reps[0]
    unknown = AsWritten(None, None, None, True)
    rows = tuple(
        _row(f, written.get(f.id, unknown), _progress(f, since.get(f.id, []), paper, zone))
        for f in facts
    )
    published = published_text(rep.published, rep.published_assumed)
    head = [
        Paragraph(long_day(today), label="Date"),
        Paragraph(f"{rep.body}, {published}".strip(", "), label="Report"),
        Paragraph(_progress_note(paper, zone), label="Progress"),
    ]
    if graded:
        text = "\n".join(judgement_text(area, grade) for area, grade in graded)
        head.append(Paragraph(text, label="Judgements"))
    table = Table(
        COLUMNS,
        rows,
        rag_column=6,
        widths=content_widths(COLUMNS, rows, line=LINE),
        font_size=FONT_SIZE,
    )
    return Document(
        f"Action plan progress summary: {rep.title}",
        (
            *head,
            table,
            Heading("Notes", 2),
            Paragraph(rag_rule_text(uow.rules.defaults)),
        ),
        subtitle=f"{rep.key}, as at {long_day(today)}",
        landscape=True,
    )


def last_paper(
    conn: Connection, committee_name: str | None, at: datetime
) -> tuple[str, datetime] | None:
    """The committee and the instant of the last paper issued by `at`: of the report's
    committee, or of any when the report has none; None before the first."""
    p = issued_paper.c
    stmt = select(committee.c.name, p.issued_at).join(committee, committee.c.id == p.committee_id)
    stmt = stmt.where(p.issued_at <= at).order_by(p.issued_at.desc(), p.id.desc()).limit(1)
    if committee_name is not None:
        stmt = stmt.where(committee.c.name == committee_name)
    row = conn.execute(stmt).first()
    return (row[0], row[1]) if row is not None else None


def updates_since(
    conn: Connection, ids: list[int], since: datetime | None, at: datetime
) -> dict[int, list[tuple[datetime, str]]]:
    """The progress updates of recommendations `ids` after `since` (all, if None) and by
    `at`, the latest first; one query (the ids of one report are few)."""
    u = progress_update.c
    stmt = select(u.rec_id, u.at, u.note).where(u.rec_id.in_(ids), u.at <= at)
    if since is not None:
        stmt = stmt.where(u.at > since)
    found: dict[int, list[tuple[datetime, str]]] = {}
    for rec_id, when, note in conn.execute(stmt.order_by(u.at.desc(), u.id.desc())):
        found.setdefault(rec_id, []).append((when, note))
    return found


def _progress_note(paper: tuple[str, datetime] | None, zone: ZoneInfo) -> str:
    if paper is None:
        return "Every progress update, the latest first (no paper has been issued yet)."
    name, when = paper
    return (
        f"The progress updates since the {name} paper issued on "
        f"{long_day(when.astimezone(zone).date())}, the latest first."
    )


def _progress(
    f: RecFacts,
    since: list[tuple[datetime, str]],
    paper: tuple[str, datetime] | None,
    zone: ZoneInfo,
) -> str:
    """The dated updates since the last paper; none since, that, and the latest before."""
    if since:
        return "\n".join(
            f"{when.astimezone(zone).date().isoformat()}: {note}" for when, note in since
        )
    if f.latest_update is None:
        return "No progress update yet."
    when, note, _ = f.latest_update
    day = local_day(when, zone)
    last = long_day(paper[1].astimezone(zone).date()) if paper else ""
    return f"No update since the paper of {last}; the latest, {day}: {note}"


def _row(f: RecFacts, written: AsWritten, progress: str) -> tuple[str, ...]:
    return (
        f.ref,
        _subject_cell(f, written),
        _lead_cell(f, written),
        _timescale(f, written),
        f"{f.text}\n(paragraph {f.paragraph})" if f.paragraph else f.text,
        f"{progress}\nRecommendation met: {f.degree}",
        f.rag or "",
    )


def statutory_text(statutory: bool, known: bool) -> str:
    """How the tracker says it: STATUTORY, Non-statutory, or that the report does not say."""
    if statutory:
        return "STATUTORY"
    return "Non-statutory" if known else "Statutory: not stated"


def _subject_cell(f: RecFacts, written: AsWritten) -> str:
    """The tracker's Subject: the subject, what the report calls it (when not a plain
    recommendation) and whether it is statutory."""
    kind = f.category.capitalize() if f.category != "recommendation" else ""
    lines = (f.subject or "", kind, statutory_text(f.statutory, written.statutory_known))
    return "\n".join(line for line in lines if line)


def _lead_cell(f: RecFacts, written: AsWritten) -> str:
    """The lead as the report names it (accountable, then responsible), and the owner who is
    chased when that is someone else; without a lead, the owner."""
    owner = owner_text(f) if f.owner else None
    levels = [v for v in (written.accountable, written.responsible) if v]
    if not levels:
        return owner or "(no owner)"
    if len(levels) == 2:
        lines = [f"{levels[0]} (accountable)", f"{levels[1]} (responsible)"]
    else:
        lines = levels
    named = {v.casefold() for v in levels}
    if owner is None:
        lines.append("Owner: (none)")
    elif owner.casefold() not in named:
        lines.append(f"Owner: {owner}")
    return "\n".join(lines)


def _target(f: RecFacts) -> str:
    if f.target is None:
        return "No plan agreed yet"
    target = long_day(f.target) + assumed_mark(f.target_assumed)
    if f.original_target and f.original_target != f.target:
        return f"{target} (revised; originally {long_day(f.original_target)})"
    return target


def _timescale(f: RecFacts, written: AsWritten) -> str:
    """The timescale as written, with the target date beside it (or the date alone)."""
    if not written.timescale:
        return _target(f)
    return f"{written.timescale}\nTarget date: {_target(f)}"
