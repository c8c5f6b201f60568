"""XLSX sheets in which text is always text, never a formula (openpyxl, write-only: streamed).

openpyxl takes any string starting with "=" for a formula, so a note such as
`=HYPERLINK("http://evil.example", "Click")` would act when the sheet is opened. Every cell of
the audit export and of the papers' tables is therefore made by `cell`, which marks text as a
string whatever it starts with. XML cannot hold most control characters: they are dropped.

Imported only when a workbook is written: openpyxl is not free to import.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import suppress
from shutil import copyfileobj
from tempfile import TemporaryFile
from typing import IO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

Sheet = WriteOnlyWorksheet
BOLD = Font(bold=True)


def cell(sheet: Sheet, value: object, *, bold: bool = False) -> Cell:
    """A cell for `value`: numbers as numbers, anything else as text, never a formula."""
    if value is None or isinstance(value, int | float):  # bool is an int: TRUE or FALSE
        made = WriteOnlyCell(sheet, value)
    else:
        made = WriteOnlyCell(sheet, ILLEGAL_CHARACTERS_RE.sub("", str(value)))
        made.data_type = "s"  # after the value: setting a value starting "=" makes it "f"
    if bold:
        made.font = BOLD
    return made


def add_sheet(book: Workbook, title: str, headers: Sequence[str], widths: Sequence[float]) -> Sheet:
    """A sheet with its columns sized and a bold header row frozen at the top."""
    sheet: Sheet = book.create_sheet(title)
    # A write-only sheet takes its columns and panes before its first row. (Its columns are
    # set up at run time, copied from Worksheet, and missing from types-openpyxl.)
    columns = sheet.column_dimensions  # type: ignore[attr-defined]
    for number, width in enumerate(widths, start=1):
        columns[get_column_letter(number)].width = width
    sheet.freeze_panes = "A2"
    sheet.append([cell(sheet, h, bold=True) for h in headers])
    return sheet


def write_rows(
    out: IO[bytes],
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    widths: Sequence[float],
) -> int:
    """Write a workbook of one sheet, `rows` under `headers`, as they come; returns the count.

    Rows go to a temporary file as they are appended (openpyxl's write-only mode), so memory
    stays flat however many there are. The workbook (a zip of those files) is put together in
    another temporary file and then copied to `out`: openpyxl left half way, by a failed read
    or a full disk, would complain on stderr when collected.
    """
    book = Workbook(write_only=True)
    sheet = add_sheet(book, title, headers, widths)
    count = 0
    try:
        for row in rows:
            sheet.append([cell(sheet, value) for value in row])
            count += 1
        sheet.close()
    except BaseException:
        with suppress(Exception):
            sheet.close()  # ends its XML, so that nothing is left to fail when collected
        raise
    with TemporaryFile() as assembled:
        book.save(assembled)
        assembled.seek(0)
        copyfileobj(assembled, out)
    return count
