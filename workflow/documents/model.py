"""The document model every report is built as, whatever format it is written in."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Heading:
    text: str
    level: int = 1  # 1 to 3


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph; with a `label`, a labelled line such as "Report: 14" or "By: Clerk"."""

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


@dataclass(frozen=True, slots=True)
class Figure:
    """A PNG image with its caption (embedded in HTML and DOCX; saved beside Markdown)."""

    png: bytes
    caption: str
    name: str = "figure.png"  # the file name used when written beside a Markdown file


Block = Heading | Paragraph | BulletList | Table | Figure


@dataclass(frozen=True, slots=True)
class Document:
    title: str
    blocks: tuple[Block, ...]
    subtitle: str | None = None
