"""The XLSX rendering: the document's tables, one sheet each, for those who work in a spreadsheet.

Each sheet is named from the heading before its table (else its caption, else the document's
title), cut to Excel's 31 characters and made unique; its first row is the table's headers, in
bold and frozen. Text stays text, never a formula (`workflow.audit.xlsx.cell`). Paragraphs,
lists and figures are not carried over: the other formats are for reading.
"""

from __future__ import annotations

import re
from datetime import datetime
from io import BytesIO

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, PatternFill

from workflow.audit.xlsx import Sheet, add_sheet, cell
from workflow.reporting.documents.model import Document, Heading, Table, rag_fill

# Excel refuses these in a sheet's name, and a name of more than 31 characters.
_NOT_IN_NAME = re.compile(r"[\[\]:*?/\\\x00-\x1f\x7f]")
_NAME_LENGTH = 31
_WIDEST = 60  # characters: longer cells wrap
_WRAPPED = Alignment(wrap_text=True, vertical="top")


def to_xlsx(doc: Document, when: datetime | None = None) -> bytes:
    """`doc`'s tables as a workbook, one sheet per table (a note if it has none)."""
    book = Workbook(write_only=True)
    book.properties.title = doc.title
    if when is not None:
        book.properties.created = when.replace(tzinfo=None)
    names: set[str] = set()
    heading: str | None = None
    for block in doc.blocks:
        if isinstance(block, Heading):
            heading = block.text
        elif isinstance(block, Table):
            name = sheet_name(heading or block.caption or doc.title, names)
            _add_table(book, name, block)
            heading = None  # a second table under one heading takes its caption or the title
    if not names:
        sheet = add_sheet(book, sheet_name(doc.title, names), ["Note"], [_WIDEST])
        sheet.append([cell(sheet, f"{doc.title}: this document has no tables.")])
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def sheet_name(text: str, taken: set[str]) -> str:
    """`text` as a sheet name Excel accepts, unlike any in `taken` (to which it is added)."""
    base = " ".join(_NOT_IN_NAME.sub(" ", text).split()).strip("'") or "Table"
    name, number = base[:_NAME_LENGTH].rstrip(), 1
    while name.casefold() in {t.casefold() for t in taken} or name.casefold() == "history":
        number += 1
        suffix = f" ({number})"
        name = base[: _NAME_LENGTH - len(suffix)].rstrip() + suffix
    taken.add(name)
    return name


def _add_table(book: Workbook, name: str, table: Table) -> None:
    sheet = add_sheet(book, name, table.headers, _widths(table))
    for row in table.rows:
        sheet.append(
            [_cell(sheet, text, column == table.rag_column) for column, text in enumerate(row)]
        )


def _cell(sheet: Sheet, text: str, rag: bool) -> Cell:
    made = cell(sheet, text)
    if "\n" in text or len(text) > _WIDEST:
        made.alignment = _WRAPPED
    fill = rag_fill(text) if rag else None
    if fill is not None:
        made.fill = PatternFill(fill_type="solid", start_color=fill, end_color=fill)
    return made


def _widths(table: Table) -> list[float]:
    """Each column as wide as its longest line (between 8 and 60 characters), plus a margin."""
    widths: list[float] = []
    for column, header in enumerate(table.headers):
        lines = [header, *(line for row in table.rows for line in row[column].splitlines())]
        widths.append(min(max(8, *(len(line) for line in lines)), _WIDEST) + 2)
    return widths
