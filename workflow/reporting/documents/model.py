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
    HTML and DOCX renderings shade in that colour.
    """

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str | None = None
    rag_column: int | None = None

    def __post_init__(self) -> None:
        # A ragged row would shift cells under the wrong header in one format and not another.
        width = len(self.headers)
        for number, row in enumerate(self.rows, start=1):
            if len(row) != width:
                raise ValueError(f"table row {number} has {len(row)} cells, not {width}")
        if self.rag_column is not None and not 0 <= self.rag_column < width:
            raise ValueError(f"rag_column {self.rag_column} is not a column of this table")


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
    title: str
    blocks: tuple[Block, ...]
    subtitle: str | None = None
