"""The tracker of 003 (issue 12, item 8): the District Audit action plan walked to where the
summary of 31 March 2002 left it, then its tracker read back row by row, and its DOCX read
back with python-docx: A4 landscape, columns as wide as their content, every row there.

The page count is measured twice: `_pages` estimates it from the column widths and the font
size, with a generous average character width (half an em; Calibri's is nearer 0.45) and line
height, and LibreOffice lays the DOCX out where it is installed (CI installs it)."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime
from io import BytesIO
from pathlib import Path

import docx
from docx.enum.section import WD_ORIENT

from tests.office import docx_pages
from workflow.clock import FixedClock
from workflow.demo.seeds import DISTRICT_AUDIT, OWNERS
from workflow.intake.load import import_file
from workflow.lifecycle import service as svc
from workflow.reporting.documents.docx import to_docx
from workflow.reporting.documents.markdown import to_markdown
from workflow.reporting.documents.model import Document, Table
from workflow.reporting.tracker import FONT_SIZE, tracker
from workflow.store.uow import UnitOfWork

DEMO = Path(__file__).parents[2] / "workflow" / "demo"
ILAU = "ilau@mps.example.org"
KEY = "da-bvpp-2001"
MM_PER_PT = 25.4 / 72


def _at(clock: FixedClock, day: str) -> None:
    clock.move_to(datetime.fromisoformat(day).replace(hour=12, tzinfo=UTC))


def walk_district_audit(uow: UnitOfWork, clock: FixedClock) -> None:
    """The demo's walk of seed 003, in process: respond, plan, start, update with the degree
    met, as on 31 March 2002."""
    _at(clock, "2002-01-07")
    import_file(uow, DEMO / "da-2001.yaml", actor=ILAU)
    steps = [
        ("2002-01-21", lambda c, o, a: svc.respond(uow, c, ILAU, body="MPS", text="Accepted")),
        ("2002-02-04", lambda c, o, a: svc.plan(uow, c, o, actions=[a])),
        ("2002-02-11", lambda c, o, a: svc.start(uow, c, o)),
    ]
    for day, step in steps:
        _at(clock, day)
        for ref, (action, target, _, _) in DISTRICT_AUDIT.items():
            owner = f"{OWNERS[ref]}@mps.example.org"
            step(f"{KEY}/{ref}", owner, (action, owner, date.fromisoformat(target)))
    _at(clock, "2002-03-31")
    for ref, (_, _, degree, progress) in DISTRICT_AUDIT.items():
        owner = f"{OWNERS[ref]}@mps.example.org"
        svc.record_update(uow, f"{KEY}/{ref}", owner, note=progress, degree=degree)
    _at(clock, "2002-04-02")


def _rows(doc: Document) -> dict[str, tuple[str, ...]]:
    table = next(b for b in doc.blocks if isinstance(b, Table))
    return {row[0].split("\n")[0]: row for row in table.rows}


def test_the_tracker_keeps_what_003_wrote(uow: UnitOfWork, clock: FixedClock) -> None:
    walk_district_audit(uow, clock)
    doc = tracker(uow, KEY)
    rows = _rows(doc)
    assert list(rows) == [f"R{n}" for n in range(1, 14)]
    # Subject: the statutory flag as written, or that 003 gives none (R4, R7, R10, R13).
    assert rows["R1"][1].endswith("\nSTATUTORY")
    assert rows["R2"][1].endswith("\nNon-statutory")
    assert [r for r, row in rows.items() if row[1].endswith("Statutory: not stated")] == [
        "R4",
        "R7",
        "R10",
        "R13",
    ]
    # Lead: two levels; the owner (who is chased) only when not one of them.
    assert rows["R1"][2] == ("ACPRS (accountable)\nHead of Corporate Performance (responsible)")
    assert rows["R6"][2] == "ACHR\nOwner: AC Human Resources"
    assert rows["R13"][2].endswith(
        "(responsible)\nOwner: Head of the Inspection Liaison and Analysis Unit"
    )
    # Timescales: as written, the target date beside it; none written, the date alone.
    assert rows["R3"][3] == "Ongoing\nTarget date: 31 March 2003"
    assert rows["R1"][3].startswith("This depends on future amendments to the BVPI suite.")
    assert rows["R4"][3] == "31 March 2002"
    assert rows["R9"][5].endswith("\nRecommendation met: significantly")
    text = to_markdown(doc, "")
    assert "| R3 | Integration of Best Value principles<br>STATUTORY |" in text


def _text_width(section: object) -> int:
    s = section
    return int(s.page_width - s.left_margin - s.right_margin)  # type: ignore[attr-defined]


def _lines(text: str, width_mm: float) -> int:
    """Lines a cell's text takes at FONT_SIZE in a column `width_mm` wide (less its margins
    of 0.19 cm a side), at half an em a character."""
    per_line = max(1, int((width_mm - 3.81) / (FONT_SIZE / 2 * MM_PER_PT)))
    return sum(max(1, math.ceil(len(par) / per_line)) for par in text.split("\n"))


def _pages(doc: Document, widths_mm: list[float], height_mm: float) -> float:
    """Pages the tracker takes: its rows at single spacing (1.25 lines of FONT_SIZE), the
    header row repeated on every page, and a generous 60 mm for the title and the lines
    above the table."""
    table = next(b for b in doc.blocks if isinstance(b, Table))
    line_mm = FONT_SIZE * 1.25 * MM_PER_PT

    def height(cells: tuple[str, ...]) -> float:
        return max(_lines(c, w) for c, w in zip(cells, widths_mm, strict=True)) * line_mm + 0.5

    body = sum(height(row) for row in table.rows)
    per_page = height_mm - height(table.headers)
    return (60 + body) / per_page


def test_the_docx_is_a4_landscape_with_columns_for_their_content(
    uow: UnitOfWork, clock: FixedClock
) -> None:
    walk_district_audit(uow, clock)
    doc = tracker(uow, KEY)
    word = docx.Document(BytesIO(to_docx(doc)))
    section = word.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (297, 210)
    table = word.tables[0]
    assert len(table.rows) == 1 + 13
    assert [row.cells[0].paragraphs[0].text for row in table.rows[1:]] == [
        f"R{n}" for n in range(1, 14)
    ]
    widths = [int(column.width) for column in table.columns]
    assert len(set(widths)) == len(widths)
    assert sum(widths) == _text_width(section)
    cells = [int(c.width) for c in table.rows[5].cells]
    assert cells == widths  # every row keeps to the grid
    # The widest columns are the recommendation and the progress: the most text.
    assert sorted(range(7), key=lambda i: widths[i])[-2:] in ([4, 5], [5, 4])
    runs = table.rows[3].cells[4].paragraphs[0].runs
    assert runs[0].font.size.pt == FONT_SIZE
    height = section.page_height.mm - section.top_margin.mm - section.bottom_margin.mm
    pages = _pages(doc, [w / 36000 for w in widths], height)
    print(f"estimated pages: {pages:.2f}; widths mm: {[round(w / 36000, 1) for w in widths]}")
    assert pages <= 4, f"about {pages:.1f} pages"


def test_the_district_audit_tracker_fits_in_four_pages_as_libreoffice_lays_it_out(
    uow: UnitOfWork, clock: FixedClock, tmp_path: Path
) -> None:
    walk_district_audit(uow, clock)
    pages = docx_pages(to_docx(tracker(uow, KEY)), tmp_path)
    assert 1 <= pages <= 4, f"{pages} pages"


def test_only_the_tracker_is_landscape() -> None:
    plain = Document("Plain", (Table(("A", "B"), (("1", "2"),)),))
    word = docx.Document(BytesIO(to_docx(plain)))
    assert word.sections[0].orientation == WD_ORIENT.PORTRAIT
    widths = [int(c.width) for c in word.tables[0].columns]
    assert len(set(widths)) == 1
