"""Rendering a document in a format by name, and writing it (with its figures) to a file."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from pathlib import Path

from workflow.reporting.documents.model import Document, Figure

FORMATS = ("md", "html", "docx")


def render(doc: Document, fmt: str, *, when: datetime | None = None) -> bytes | str:
    """`doc` in `fmt` ("md", "html" or "docx"); bytes for DOCX, text otherwise.

    `when` dates a DOCX (see `to_docx`); Markdown from here names no figure files.
    """
    # Each renderer is imported on first use: most commands never write a document, and
    # python-docx (with lxml) is not free to import.
    if fmt == "md":
        from workflow.reporting.documents.markdown import to_markdown

        return to_markdown(doc)
    if fmt == "html":
        from workflow.reporting.documents.html import to_html

        return to_html(doc)
    if fmt == "docx":
        from workflow.reporting.documents.docx import to_docx

        return to_docx(doc, when)
    raise ValueError(f"unknown document format {fmt!r}: expected one of {', '.join(FORMATS)}")


def write_document(
    doc: Document, fmt: str, path: Path, *, when: datetime | None = None
) -> list[Path]:
    """Write `doc` as `fmt` to `path` (Markdown with its figures beside it); the paths written.

    A Markdown file's figures are written as `<stem>-<figure.name>` in the same directory.
    """
    if fmt != "md":
        rendered = render(doc, fmt, when=when)
        if isinstance(rendered, bytes):
            path.write_bytes(rendered)
        else:
            path.write_text(rendered, encoding="utf-8")
        return [path]
    from workflow.reporting.documents.markdown import to_markdown

    figures = [block for block in doc.blocks if isinstance(block, Figure)]
    _check_distinct_names(figures)
    prefix = f"{path.stem}-"
    path.write_text(to_markdown(doc, "", figure_prefix=prefix), encoding="utf-8")
    written = [path]
    for figure in figures:
        figure_path = path.with_name(prefix + figure.name)
        figure_path.write_bytes(figure.png)
        written.append(figure_path)
    return written


def _check_distinct_names(figures: list[Figure]) -> None:
    # Two figures of one name would be written to one file, and both links would show the last.
    repeated = sorted(name for name, count in Counter(f.name for f in figures).items() if count > 1)
    if repeated:
        raise ValueError(f"figures need distinct names to be written: {', '.join(repeated)}")
