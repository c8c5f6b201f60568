"""Assumed publication dates (issue 12, item 11): a report imported with `published_assumed:
true` has its date followed by "(assumed)" wherever a paper prints it (the committee paper, the
tracker, the monthly and annual reports, the public register), and one without prints none; a
bad value is refused with its file, line and field. On both backends, in process."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from config import PublishSettings
from tests import world
from tests.web_support import clock_of, sign_in
from workflow.clock import FixedClock
from workflow.directory.committees import add_committee, add_meeting
from workflow.directory.reports import list_reports
from workflow.errors import ImportFileError
from workflow.intake.load import import_file
from workflow.reporting.agenda import generate_agenda
from workflow.reporting.annual import annual_report
from workflow.reporting.documents.markdown import to_markdown
from workflow.reporting.documents.model import Document, Paragraph
from workflow.reporting.monthly import monthly_report
from workflow.reporting.papers import committee_report
from workflow.reporting.register import build_register, register_files
from workflow.reporting.tracker import tracker
from workflow.store.tables import report
from workflow.store.uow import UnitOfWork

ILAU = "ilau@example.org"
OWNER = "owner@example.org"
TZ = "Europe/London"
ASSUMED, DATED = "assumed-2003", "dated-2003"

REPORTS = f"""\
people:
  - {{email: {ILAU}, name: Ivy Lau, roles: [ilau]}}
  - {{email: {OWNER}, name: Owen Owner, roles: [owner]}}
reports:
  - key: {ASSUMED}
    title: Managing Demand
    body: HMIC
    kind: inspection
    published: 2003-12-01
    published_assumed: true
    committee: PPRC
    responding_bodies: [MPS]
    recommendations:
      - {{ref: R1, text: Review the aims, owner: {OWNER}}}
  - key: {DATED}
    title: Bringing Offenders to Justice
    body: HMIC
    kind: inspection
    published: 2003-12-15
    committee: PPRC
    responding_bodies: [MPS]
    recommendations:
      - {{ref: R1, text: Benchmark abroad, owner: {OWNER}}}
"""


def _at(clock: FixedClock, day: str) -> None:
    clock.move_to(datetime.fromisoformat(day).replace(hour=12, tzinfo=UTC))


@pytest.fixture
def imported(uow: UnitOfWork, clock: FixedClock, tmp_path: Path) -> UnitOfWork:
    """The two reports imported on 20 December 2003; a PPRC meeting on 12 January 2004; the
    clock on 5 January 2004."""
    _at(clock, "2003-12-20")
    path = tmp_path / "reports.yaml"
    path.write_text(REPORTS, encoding="utf-8")
    import_file(uow, path, actor=ILAU)
    add_committee(uow, "PPRC", cadence="monthly", secretary=ILAU, actor=ILAU)
    add_meeting(uow, "PPRC", date(2004, 1, 12), actor=ILAU)
    _at(clock, "2004-01-05")
    return uow


def _rows(text: str, heading: str) -> dict[str, list[str]]:
    """The rows of the table under `heading` (a markdown `###` or a bold line), by first cell."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if heading in line and not line.startswith("|"))
    found: dict[str, list[str]] = {}
    for line in lines[start + 1 :]:
        if line.startswith(("#", "**")) and found:
            break
        if line.startswith("| "):
            cells = [c.strip() for c in line.strip("|").split("|")]
            if cells[0] and set(cells[0]) != {"-"}:
                found[cells[0]] = cells
    return found


def _label(doc: Document, label: str) -> str:
    return next(b.text for b in doc.blocks if isinstance(b, Paragraph) and b.label == label)


def test_the_flag_is_stored_and_listed(imported: UnitOfWork) -> None:
    assert {(r.key, r.published_assumed) for r in list_reports(imported)} == {
        (ASSUMED, True),
        (DATED, False),
    }


def test_the_committee_paper_marks_the_assumed_date(imported: UnitOfWork) -> None:
    agenda = generate_agenda(imported, "PPRC", day=date(2004, 1, 12))
    text = to_markdown(committee_report(imported, agenda, timezone=TZ), "")
    rows = _rows(text, "New reports received since the last meeting")
    assert rows[ASSUMED][1:] == ["Managing Demand", "HMIC", "2003-12-01 (assumed)", "1"]
    assert rows[DATED][1:] == ["Bringing Offenders to Justice", "HMIC", "2003-12-15", "1"]
    # The background papers.
    assert "Managing Demand (HMIC, 1 December 2003 (assumed))" in text
    assert "Bringing Offenders to Justice (HMIC, 15 December 2003)" in text
    assert text.count("(assumed)") == 2


def test_the_tracker_marks_the_assumed_date(imported: UnitOfWork) -> None:
    assert _label(tracker(imported, ASSUMED, TZ), "Report") == "HMIC, 2003-12-01 (assumed)"
    assert _label(tracker(imported, DATED, TZ), "Report") == "HMIC, 2003-12-15"


def test_the_monthly_and_annual_reports_mark_the_assumed_date(imported: UnitOfWork) -> None:
    monthly = to_markdown(monthly_report(imported, TZ), "")
    rows = _rows(monthly, "2. New inspections, audits and reviews")
    assert rows[ASSUMED][4] == "2003-12-01 (assumed)"
    assert rows[DATED][4] == "2003-12-15"
    annual = to_markdown(annual_report(imported, 2003, TZ), "")
    rows = _rows(annual, "2. Reports published")
    assert rows[ASSUMED][4] == "2003-12-01 (assumed)"
    assert rows[DATED][4] == "2003-12-15"
    assert monthly.count("(assumed)") == annual.count("(assumed)") == 1


def test_the_public_register_marks_the_assumed_date(imported: UnitOfWork) -> None:
    files = {
        p: c.decode("utf-8") for p, c in register_files(build_register(imported, PublishSettings()))
    }
    index = files["index.html"]
    assert index.count("1 December 2003</time> (assumed)") == 2  # the table and the section
    assert "15 December 2003</time> (assumed)" not in index
    assert "15 December 2003</time>." in files[f"reports/{DATED}.html"]
    assert "1 December 2003</time> (assumed)." in files[f"reports/{ASSUMED}.html"]
    shown = {
        r["key"]: r["published_assumed"] for r in json.loads(files["register.json"])["reports"]
    }
    assert shown == {ASSUMED: True, DATED: False}
    rows = csv.DictReader(io.StringIO(files["register.csv"]))
    assert {(r["report"], r["published"], r["published_assumed"]) for r in rows} == {
        (ASSUMED, "2003-12-01", "yes"),
        (DATED, "2003-12-15", "no"),
    }


@pytest.mark.parametrize(
    ("change", "line", "problem"),
    [
        ("published_assumed: maybe", 10, "boolean"),
        ("published_assumed: [true]", 10, "boolean"),
    ],
)
def test_a_bad_value_is_refused_naming_the_field(
    uow: UnitOfWork, tmp_path: Path, change: str, line: int, problem: str
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(REPORTS.replace("published_assumed: true", change), encoding="utf-8")
    with pytest.raises(ImportFileError) as err:
        import_file(uow, path, actor=ILAU)
    assert (err.value.file, err.value.line, err.value.field) == (
        str(path),
        line,
        "published_assumed",
    )
    assert problem in err.value.problem
    assert list_reports(uow) == []


def test_an_assumed_date_needs_a_date(uow: UnitOfWork, tmp_path: Path) -> None:
    path = tmp_path / "undated.yaml"
    path.write_text(REPORTS.replace("    published: 2003-12-01\n", ""), encoding="utf-8")
    with pytest.raises(ImportFileError) as err:
        import_file(uow, path, actor=ILAU)
    assert (err.value.line, err.value.field) == (9, "published_assumed")
    assert "no published date" in err.value.problem


CSV_HEAD = "report_key,report_title,body,kind,published,ref,text,paragraph,owner,statutory"


def test_csv_takes_an_optional_column(uow: UnitOfWork, tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text(
        f"{CSV_HEAD},published_assumed\n"
        "a,A,HMIC,inspection,2003-10-01,R1,text,,,no,yes\n"
        "a,A,HMIC,inspection,2003-10-01,R2,text,,,no,yes\n"
        "b,B,HMIC,inspection,2003-11-01,R1,text,,,no,\n",
        encoding="utf-8",
    )
    import_file(uow, path)
    assert {(r.key, r.published_assumed) for r in list_reports(uow)} == {("a", True), ("b", False)}


def test_csv_refuses_a_bad_value_with_its_line(uow: UnitOfWork, tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text(
        f"{CSV_HEAD},published_assumed\n"
        "a,A,HMIC,inspection,2003-10-01,R1,text,,,no,\n"
        "b,B,HMIC,inspection,2003-11-01,R1,text,,,no,perhaps\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportFileError) as err:
        import_file(uow, path)
    assert (err.value.line, err.value.field) == (3, "published_assumed")
    assert list_reports(uow) == []


def test_the_web_home_page_marks_the_assumed_date(web: Any) -> None:
    app, client = web
    recent = clock_of(app).today() - timedelta(days=5)
    with app.engine.begin() as conn:  # the known world's report, published of late, assumed
        conn.execute(update(report).values(published=recent, published_assumed=True))
    sign_in(client, app, world.ILAU)
    home = client.get("/")
    assert home.status_code == 200
    shown = f"published {recent.day} {recent:%B %Y} (assumed); 3 recommendations"
    assert shown in home.text
    with app.engine.begin() as conn:
        conn.execute(update(report).values(published_assumed=False))
    home = client.get("/")
    assert f"published {recent.day} {recent:%B %Y}; 3 recommendations" in home.text
    assert "(assumed)" not in home.text
