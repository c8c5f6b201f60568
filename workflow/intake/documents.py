"""Reading a report (plain text, Markdown, DOCX or PDF) as lines of text, without its page
headers and footers.

Every format becomes pages of lines, where an empty line is a paragraph break and a line
starting `• ` is an item of a list. A page's edges (its first and last lines in a text file,
whose pages are split by form feeds; the top and bottom tenth of a PDF page, by pdfplumber's
line positions) hold its furniture: an edge line that recurs in the same place on another
page (digits aside, so "Page 3" and "Page 4" are one), or that is only a page number, is
dropped, unless it starts something read ("Recommendation 4", "3.2.1 ..."). Pages are then
joined; a sentence running over a page break stays one paragraph.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import dropwhile, pairwise
from pathlib import Path
from statistics import median
from typing import Any

from workflow.errors import BadInput

TEXT_SUFFIXES = (".txt", ".text", ".md", ".markdown")
SUFFIXES = (*TEXT_SUFFIXES, ".docx", ".pdf")
BULLET = "• "
PAGE_BREAK = "\f"
"""Between pages: a paragraph break if the page ended a sentence, else nothing."""

_EDGE_LINES = 3  # of a text page, at each end
_EDGE_BAND = 0.1  # of a PDF page's height, at each end
_LIGATURES = str.maketrans(
    {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "\u00a0": " ", "\u2009": " "}
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\ufeff]")
_BAD_TEXT = re.compile(r"[\x00-\x08\x0e-\x1b]")
_BULLET_MARK = re.compile(r"^\s*(?:[-*+•▪●◦‣∙·■□➢►–]|\?|o(?=\s))\s+")
_HEADING_MARK = re.compile(r"^\s*(?:#{1,6}|>+)\s*")
_FENCE = re.compile(r"^\s*(```|~~~)")
_EMPHASIS = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1|(?<![\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?!\w)")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}")
# What a line that starts something read begins with: never furniture.
_READ = re.compile(
    r"^(?:recommendations?|areas?\s+for\s+improvement|causes?\s+of\s+concern|R\d+\b"
    r"|\d+(?:\.\d+)+\s)",
    re.I,
)
_PAGE_NUMBER = re.compile(
    r"^(?:page\s+)?[-–(]?\s*\d{1,4}\s*[-–)]?(?:\s*(?:of|/)\s*\d{1,4})?$|^[ivxlc]{1,6}$", re.I
)


@dataclass(frozen=True, slots=True)
class Page:
    """One page's lines ("" a paragraph break), and which of them lie at its edges: the
    index of each, with its place there (the same place on two pages has the same name)."""

    lines: tuple[str, ...]
    edges: Mapping[int, str] = field(default_factory=dict)


def read_lines(path: Path) -> tuple[list[str], list[str]]:
    """The file's lines, furniture dropped, and warnings about how it was read.

    Raises BadInput, naming the file, for a file that cannot be read as its kind says.
    """
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise BadInput(
            f"{path}: unknown format {suffix or '(no suffix)'}: use a .txt, .md, .docx or .pdf file"
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BadInput(f"{path}: cannot read: {exc.strerror or exc}") from None
    if not data.strip():
        raise BadInput(f"{path}: the file is empty")
    warnings: list[str] = []
    if suffix == ".pdf":
        pages = _pdf_pages(path)
    elif suffix == ".docx":
        pages = _docx_pages(path)
    else:
        pages = text_pages(_decode(path, data, warnings))
    lines = without_furniture(pages)
    if not any(line.strip() for line in lines):
        warnings.append(f"{path}: no text could be read (a scanned image has none)")
    return lines, warnings


def _decode(path: Path, data: bytes, warnings: list[str]) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
        warnings.append(f"{path}: not UTF-8 text: read as Windows-1252")
    if _BAD_TEXT.search(text[:65536]):
        raise BadInput(f"{path}: not a text file (it holds binary data)")
    return text


def clean(text: str) -> str:
    """A line without control characters, ligatures or odd spaces; tabs become spaces."""
    return _CONTROL.sub("", text.replace("\t", " ").translate(_LIGATURES)).rstrip()


def text_pages(text: str) -> list[Page]:
    """Plain text or Markdown as pages (split by form feeds) of cleaned lines; a text without
    form feeds has no pages, so no furniture."""
    chunks = text.replace("\r\n", "\n").replace("\r", "\n").split("\f")
    pages = []
    for chunk in chunks:
        lines = [line for raw in chunk.split("\n") for line in _markdown_line(raw)]
        filled = [i for i, line in enumerate(lines) if line.strip()] if len(chunks) > 1 else []
        edges = {i: f"top {n}" for n, i in enumerate(filled[:_EDGE_LINES])}
        edges |= {i: f"bottom {n}" for n, i in enumerate(reversed(filled[-_EDGE_LINES:]))}
        pages.append(Page(tuple(lines), edges))
    return pages


def _markdown_line(raw: str) -> list[str]:
    """One line of text as lines to read: Markdown's marks taken off, list items marked,
    a table row's (or a tab-separated line's) cells each a paragraph of its own."""
    if _FENCE.match(raw) or _TABLE_RULE.match(raw):
        return []
    line = raw.strip()
    if line.startswith("|") and line.endswith("|") and len(line) > 1:
        cells = line[1:-1].split("|")
    elif "\t" in line.strip():
        cells = re.split(r"\t+", line)
    else:
        return [_marked(line)]
    return [part for cell in cells if cell.strip() for part in (_marked(cell), "")]


def _marked(line: str) -> str:
    line = _HEADING_MARK.sub("", line)
    line = _EMPHASIS.sub(lambda m: m.group(2) or m.group(3) or "", line)
    bullet = False
    for _ in range(2):  # "- ? item": a list mark, and a bullet lost in conversion
        found = _BULLET_MARK.match(line)
        if found:
            line, bullet = line[found.end() :], True
    line = clean(line).strip()
    return BULLET + line if bullet and line else line


def without_furniture(pages: Sequence[Page]) -> list[str]:
    """All pages' lines joined, without the headers, footers and page numbers at their edges."""
    seen: Counter[tuple[str, str]] = Counter()
    for page in pages:
        seen.update({_shape(page.lines[i], at) for i, at in page.edges.items()})
    lines: list[str] = []
    for number, page in enumerate(pages):
        if number:
            lines.append(PAGE_BREAK)
        kept = [
            line
            for i, line in enumerate(page.lines)
            if i not in page.edges or not _furniture(line, seen[_shape(line, page.edges[i])])
        ]
        # The space around a page's furniture is no paragraph break: the page break decides.
        while kept and not kept[-1].strip():
            kept.pop()
        lines += list(dropwhile(lambda line: not line.strip(), kept))
    return lines


def _shape(line: str, at: str) -> tuple[str, str]:
    return re.sub(r"\d+", "#", " ".join(line.split()).casefold()), at


def _furniture(line: str, times: int) -> bool:
    text = line.removeprefix(BULLET).strip()
    if not text or _READ.match(text):
        return False
    return times > 1 or bool(_PAGE_NUMBER.match(text))


def _docx_pages(path: Path) -> list[Page]:
    """A DOCX's body (its headers and footers are kept apart by Word): each paragraph, and
    each table cell's, a paragraph; list paragraphs marked as items."""
    import docx
    from docx.oxml.ns import qn

    try:
        document = docx.Document(str(path))
    except Exception as exc:  # not a ZIP, no document part, a broken part (lxml's errors)
        raise BadInput(f"{path}: not a readable DOCX file ({_why(exc)})") from None
    lines: list[str] = []
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            lines.extend(_docx_paragraph(child))
        elif child.tag == qn("w:tbl"):
            for cell in _cells(child, qn):
                for paragraph in cell.iterchildren(qn("w:p")):
                    lines.extend(_docx_paragraph(paragraph))
    return [Page(tuple(lines))]


def _cells(table: Any, qn: Any) -> Iterable[Any]:
    for row in table.iterchildren(qn("w:tr")):
        yield from row.iterchildren(qn("w:tc"))


def _docx_paragraph(element: Any) -> list[str]:
    properties = element.pPr
    style = ""
    if properties is not None and properties.pStyle is not None:
        style = str(properties.pStyle.val)
    listed = "List" in style or (properties is not None and properties.numPr is not None)
    parts = [_marked(part) for part in str(element.text).split("\n")]
    parts = [p for p in parts if p]
    if not parts:
        return [""]
    if listed and not parts[0].startswith(BULLET):
        parts[0] = BULLET + parts[0]
    return [*parts, ""]


def _pdf_pages(path: Path) -> list[Page]:
    import pdfplumber

    try:
        with pdfplumber.open(path) as pdf:
            return [_pdf_page(page) for page in pdf.pages]
    except Exception as exc:  # pdfminer's many errors for a damaged, encrypted or non-PDF file
        raise BadInput(f"{path}: not a readable PDF file ({_why(exc)})") from None


def _pdf_page(page: Any) -> Page:
    """A PDF page's lines, top to bottom, with a paragraph break where the gap between two
    lines is clearly wider than the page's line spacing."""
    found = sorted(
        (float(f["top"]), float(f["bottom"]), str(f["text"]))
        for f in page.extract_text_lines(strip=True, return_chars=False)
    )
    if not found:
        return Page(())
    gaps = [b[0] - a[1] for a, b in pairwise(found)]
    height = median(bottom - top for top, bottom, _ in found)
    # Lines of a paragraph lie closest together; a gap half a line wider is a new paragraph.
    wide = max(0.6 * height, max(min(gaps, default=0.0), 0.0) + 0.3 * height)
    band = _EDGE_BAND * float(page.height)
    lines: list[str] = []
    edges: dict[int, str] = {}
    for n, (top, bottom, text) in enumerate(found):
        if n and gaps[n - 1] > wide:
            lines.append("")
        if top < band or bottom > float(page.height) - band:
            edges[len(lines)] = f"at {round(top / 2)}"  # within two points
        lines.append(_marked(text))
    return Page(tuple(lines), edges)


def _why(exc: BaseException) -> str:
    text = " ".join(str(exc).split())[:120]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
