"""Reading a report for its recommendations, with the stored ones each may repeat: what
`rectrack ingest` prints, and the draft import file it makes from it (`draft_file`).

Nothing is written to the database: the ILAU checks the draft, then imports it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import select

from config.ingest import IngestSettings
from workflow.errors import BadInput
from workflow.intake.documents import clean, read_lines
from workflow.intake.extract import Extraction, Found, extract
from workflow.intake.read import DEFAULT_RESPONDING_BODIES
from workflow.intake.similar import Candidate, most_like, stored_texts
from workflow.plain import INTERNAL, OMIT_DEFAULT
from workflow.store.tables import limit, report
from workflow.store.uow import UnitOfWork

DEFAULT_KIND = "inspection"
_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_BODIES = (
    ("HMICFRS", re.compile(r"\bHMICFRS\b|Inspectorate of Constabulary and Fire", re.I)),
    ("HMIC", re.compile(r"\bHMIC\b|Majesty['’]s Inspector|\bHMI\b")),
    ("District Audit", re.compile(r"\bDistrict Audit\b")),
    ("Audit Commission", re.compile(r"\bAudit Commission\b")),
)


@dataclass(frozen=True, slots=True)
class PossibleRepeat:
    """A stored recommendation like the one found: its id, score (0 to 1) and words."""

    id: str
    score: float
    text: str


@dataclass(frozen=True, slots=True)
class FoundRecommendation:
    """A recommendation found in the report, with the stored ones most like it, best first."""

    ref: str
    text: str
    paragraph: str | None
    category: str
    possible_repeats: tuple[PossibleRepeat, ...]
    subject: str | None = field(default=None, metadata=OMIT_DEFAULT)
    repeats: str | None = field(default=None, metadata=INTERNAL)
    """The one proposed as repeated: the best, if it scores `repeat_threshold` or more."""


@dataclass(frozen=True, slots=True)
class DraftReport:
    """The report as the draft import file names it."""

    key: str
    title: str
    body: str
    kind: str
    published: date | None
    responding_bodies: tuple[str, ...]
    source: str
    made: date


@dataclass(frozen=True, slots=True)
class Ingested:
    """What `rectrack ingest` found in a file (`--json` prints the first two)."""

    recommendations: tuple[FoundRecommendation, ...]
    warnings: tuple[str, ...]
    report: DraftReport = field(metadata=INTERNAL)


def ingest_file(
    uow: UnitOfWork,
    path: Path,
    *,
    report_key: str | None = None,
    title: str | None = None,
    body: str | None = None,
    published: date | None = None,
    settings: IngestSettings | None = None,
) -> Ingested:
    """The recommendations in the report at `path`, each with its possible repeats among the
    stored recommendations; reads the database, writes nothing."""
    settings = settings or IngestSettings()
    key = _key(report_key, path)
    lines, warnings = read_lines(path)
    found = extract(lines)
    warnings += found.warnings
    text = "\n".join(lines)
    with uow.read() as tx:
        if tx.conn.execute(select(report.c.id).where(report.c.key == key)).first() is not None:
            warnings.append(
                f"report {key} is already stored: give the draft another key (--report-key) "
                "before importing it"
            )
        stored = stored_texts(tx.conn, leaving_out=key)
        today = tx.today
    ranked = most_like(
        [f.text for f in found.found],
        stored,
        floor=settings.related_threshold,
        most=settings.candidates,
    )
    if not found.found:
        warnings.append(f"{path}: no recommendations found")
    draft = DraftReport(
        key,
        _title(title, found, path),
        _body(body, text, warnings),
        DEFAULT_KIND,
        published,
        DEFAULT_RESPONDING_BODIES,
        path.name,
        today,
    )
    recs = tuple(
        _found(f, c, settings.repeat_threshold) for f, c in zip(found.found, ranked, strict=True)
    )
    return Ingested(recs, tuple(warnings), draft)


def _found(
    found: Found, candidates: list[Candidate], repeat_threshold: float
) -> FoundRecommendation:
    best = candidates[0] if candidates and candidates[0].score >= repeat_threshold else None
    return FoundRecommendation(
        found.ref,
        found.text,
        found.paragraph,
        found.category,
        tuple(PossibleRepeat(c.id, c.score, c.text) for c in candidates),
        found.subject,
        best.id if best is not None else None,
    )


def _key(given: str | None, path: Path) -> str:
    most = limit(report.c.key) or 64
    if given is not None:
        given = given.strip()
        if not _KEY.match(given) or len(given) > most:
            raise BadInput(
                f"--report-key {given!r}: letters, digits, '.', '_' and '-' only (at most "
                f"{most}), starting with a letter or digit"
            )
        return given
    slug = re.sub(r"[^a-z0-9._-]+", "-", path.stem.casefold()).strip("-._")
    return slug[:most].rstrip("-._") or "report"


def _title(given: str | None, found: Extraction, path: Path) -> str:
    if given is not None and clean(given).strip():
        return " ".join(clean(given).split())
    return found.title or path.stem


def _body(given: str | None, text: str, warnings: list[str]) -> str:
    most = limit(report.c.body) or 120
    if given is not None and clean(given).strip():
        return " ".join(clean(given).split())[:most]
    for name, pattern in _BODIES:
        if pattern.search(text):
            warnings.append(f"no --body given: the report seems to be {name}'s (check it)")
            return name
    warnings.append("no --body given, and none found in the report: HMICFRS assumed (check it)")
    return "HMICFRS"
