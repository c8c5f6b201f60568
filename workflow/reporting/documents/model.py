"""The document model every report is built as, whatever format it is written in."""

from __future__ import annotations

from dataclasses import dataclass

# Shading for RAG cells, shared by the HTML and DOCX renderings (hex RGB, no "#").
RAG_FILLS = {"RED": "f4cccc", "AMBER": "fde9c7", "GREEN": "d9ead3"}


def rag_fill(cell: str) -> str | None:
    """The shading for a RAG cell ("Red", " GREEN " and so on), or None for anything else."""
    return RAG_FILLS.get(cell.strip().upper())


@dataclass(frozen=True, slots=True)
class Heading:
    text: str
    level: int = 1  # 1 to 3

    def __post_init__(self) -> None:
        if self.level not in (1, 2, 3):
            raise ValueError(f"heading level must be 1, 2 or 3, not {self.level}")


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph; with a `label`, a labelled line such as "Report: 14" or "By: Clerk".

    The label is given without its colon (`Paragraph("14", label="Report")`); a newline in
    `text` is a line break.
    """

    text: str
    label: str | None = None


@dataclass(frozen=True, slots=True)
class BulletList:
    items: tuple[str, ...]
    ordered: bool = False


@dataclass(frozen=True, slots=True)
class Table:
    """A table of plain-text cells (a cell may hold several lines, separated by newlines).

    `rag_column`, if set, is the index of a column holding RED, AMBER or GREEN, which the
    HTML and DOCX renderings shade in that colour. `widths`, if set, are the columns' relative
    widths (any positive numbers: only their proportions count; see `content_widths`), which
    the HTML and DOCX renderings keep to; otherwise every column is as wide as the next.
    `font_size`, in points, sets the DOCX table's text size (its default otherwise).
    """

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str | None = None
    rag_column: int | None = None
    widths: tuple[float, ...] | None = None
    font_size: float | None = None

    def __post_init__(self) -> None:
        # A ragged row would shift cells under the wrong header in one format and not another.
        width = len(self.headers)
        for number, row in enumerate(self.rows, start=1):
            if len(row) != width:
                raise ValueError(f"table row {number} has {len(row)} cells, not {width}")
        if self.rag_column is not None and not 0 <= self.rag_column < width:
            raise ValueError(f"rag_column {self.rag_column} is not a column of this table")
        if self.widths is not None and (
            len(self.widths) != width or not all(w > 0 for w in self.widths)
        ):
            raise ValueError(f"widths must be {width} positive numbers, not {self.widths}")
        if self.font_size is not None and not 4 <= self.font_size <= 72:
            raise ValueError(f"font_size must be between 4 and 72 points, not {self.font_size}")


@dataclass(frozen=True, slots=True)
class Figure:
    """A PNG image with its caption (embedded in HTML and DOCX; saved beside Markdown)."""

    png: bytes
    caption: str
    name: str = "figure.png"  # the file name used when written beside a Markdown file

    def __post_init__(self) -> None:
        # The name becomes a file name beside the Markdown: it must not reach elsewhere.
        if self.name in ("", ".", "..") or any(sep in self.name for sep in "/\\"):
            raise ValueError(f"figure name must be a plain file name, not {self.name!r}")


Block = Heading | Paragraph | BulletList | Table | Figure


@dataclass(frozen=True, slots=True)
class Document:
    """A document; `landscape`: laid out on A4 landscape pages (the DOCX's page, the HTML's
    printed page), for a wide table such as the action plan tracker."""

    title: str
    blocks: tuple[Block, ...]
    subtitle: str | None = None
    landscape: bool = False


BOLD = 1.15
"""How much wider a bold word is than the same word set plain."""


def _width(word: str) -> float:
    """A word's width in average characters: capitals (RED, AMBER) are wider."""
    return len(word) + 0.4 * sum(c.isupper() for c in word)


def content_widths(
    headers: tuple[str, ...],
    rows: tuple[tuple[str, ...], ...],
    *,
    line: float,
    longest_word: int = 16,
    padding: float = 3,
) -> tuple[float, ...]:
    """Column widths proportioned to the content, in characters, for a table `line`
    characters wide: each column gets its longest word (up to `longest_word` characters, so
    that words are not split) and `padding` (the cell's margins), and a share of what is left
    in proportion to how much text it holds, so that the rows are as short as they can be."""
    columns = list(zip(headers, *rows, strict=True))
    floors = [
        min(
            longest_word,
            max(
                (
                    _width(w) * (BOLD if n == 0 else 1)  # the header is set in bold
                    for n, cell in enumerate(col)
                    for w in cell.split()
                ),
                default=1,
            ),
        )
        + padding
        for col in columns
    ]
    text = [sum(len(cell) for cell in col[1:]) or len(col[0]) or 1 for col in columns]
    rest = max(line - sum(floors), 0.0)
    return tuple(f + rest * t / sum(text) for f, t in zip(floors, text, strict=True))
