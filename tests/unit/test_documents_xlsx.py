"""Papers as XLSX: a sheet per table, bold frozen headers, and text that never runs as a formula."""

from __future__ import annotations

from io import BytesIO

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet

from tests.unit.test_documents import HEADERS, PNG, ROWS, SAMPLE
from workflow.reporting.documents import (
    Document,
    Figure,
    Heading,
    Paragraph,
    Table,
    render,
)
from workflow.reporting.documents.xlsx import sheet_name

FORMULAS = ("=1+1", '=HYPERLINK("http://evil.example","x")', "+44 20", "-2", "@SUM(A1)")


def workbook(doc: Document) -> openpyxl.Workbook:
    data = render(doc, "xlsx")
    assert isinstance(data, bytes)
    return openpyxl.load_workbook(BytesIO(data))


def values(sheet: Worksheet) -> list[tuple[object, ...]]:
    return [tuple(c.value for c in row) for row in sheet.iter_rows()]


def test_each_table_is_a_sheet_named_from_its_heading() -> None:
    """The sample's one table sits under "Progress": one sheet of that name, rows as given."""
    book = workbook(SAMPLE)
    assert book.sheetnames == ["Progress"]
    sheet = book["Progress"]
    assert values(sheet) == [HEADERS, *ROWS]
    assert all(c.font.b for c in sheet[1]) and not any(c.font.b for c in sheet[2])
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["B"].width > sheet.column_dimensions["A"].width


def test_text_that_looks_like_a_formula_stays_text() -> None:
    """A cell starting with =, +, - or @ is a string in the workbook, never a formula."""
    rows = tuple((text, "x") for text in FORMULAS)
    doc = Document("Formulas", (Heading("=cmd|' /C calc'!A0"), Table(("=A", "B"), rows)))
    sheet = workbook(doc).worksheets[0]
    assert values(sheet) == [("=A", "B"), *rows]
    assert {c.data_type for row in sheet.iter_rows() for c in row} == {"s"}


def test_sheet_names_are_valid_unique_and_short() -> None:
    """Excel's limits: 31 characters, no []:*?/\\, unique ignoring case, not "History"."""
    long = "1. Recommendations completed since the last meeting of the committee"
    tables = [Table(("a",), (("1",),)) for _ in range(4)]
    doc = Document(
        "Untitled: a document",
        (
            Heading(long),
            tables[0],
            Heading(long.upper()),
            tables[1],
            tables[2],
            Heading("History"),
            tables[3],
        ),
    )
    names = workbook(doc).sheetnames
    assert names == [long[:31], long.upper()[:27] + " (2)", "Untitled a document", "History (2)"]
    assert all(len(n) <= 31 for n in names)
    taken: set[str] = set()
    assert [sheet_name(t, taken) for t in ("a/b", "a?b", "", "'q'")] == [
        "a b",
        "a b (2)",
        "Table",
        "q",
    ]


def test_a_document_without_tables_still_opens() -> None:
    """A workbook needs a sheet: one says that the document has no tables."""
    doc = Document("Notes only", (Paragraph("text"), Figure(PNG, "chart")))
    assert values(workbook(doc).worksheets[0]) == [
        ("Note",),
        ("Notes only: this document has no tables.",),
    ]


def test_control_characters_xml_cannot_hold_are_dropped() -> None:
    """A form feed or an escape copied into a recommendation does not stop the workbook."""
    doc = Document("Feed", (Table(("a",), (("page\x0cone \x1b[31mred",),)),))
    assert values(workbook(doc).worksheets[0])[1] == ("pageone [31mred",)
