"""Rendering a document in a format by name, and the files it makes (with its figures)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from pathlib import Path

from workflow.reporting.documents.model import Document, Figure

FORMATS = ("md", "html", "docx", "xlsx")
BINARY_FORMATS = ("docx", "xlsx")  # files only: never printed


def render(doc: Document, fmt: str, *, when: datetime | None = None) -> bytes | str:
    """`doc` in `fmt` ("md", "html", "docx" or "xlsx"); bytes for DOCX and XLSX, else text.

    `when` dates a DOCX or XLSX (see `to_docx`); Markdown from here names no figure files.
    """
    # Each renderer is imported on first use: most commands never write a document, and
    # python-docx (with lxml) and openpyxl are not free to import.
    if fmt == "md":
        from workflow.reporting.documents.markdown import to_markdown

        return to_markdown(doc)
    if fmt == "html":
        from workflow.reporting.documents.html import to_html

        return to_html(doc)
    if fmt == "docx":
        from workflow.reporting.documents.docx import to_docx

        return to_docx(doc, when)
    if fmt == "xlsx":
        from workflow.reporting.documents.xlsx import to_xlsx

        return to_xlsx(doc, when)
    raise ValueError(f"unknown document format {fmt!r}: expected one of {', '.join(FORMATS)}")


def document_files(
    doc: Document, fmt: str, path: str, *, when: datetime | None = None
) -> list[tuple[str, bytes]]:
    """The files `doc` as `fmt` makes at `path`, each with its content, the document first.

    A Markdown file's figures go beside it as `<stem>-<figure.name>`. Writing them (all or
    none) is the caller's business: the command line has one writer for every file.
    """
    if fmt != "md":
        rendered = render(doc, fmt, when=when)
        return [(path, rendered if isinstance(rendered, bytes) else rendered.encode())]
    from workflow.reporting.documents.markdown import to_markdown

    figures = [block for block in doc.blocks if isinstance(block, Figure)]
    _check_distinct_names(figures)
    prefix = f"{Path(path).stem}-"
    text = to_markdown(doc, "", figure_prefix=prefix)
    files = [(path, text.encode())]
    for figure in figures:
        files.append((str(Path(path).with_name(prefix + figure.name)), figure.png))
    return files


def _check_distinct_names(figures: list[Figure]) -> None:
    # Two figures of one name would be written to one file, and both links would show the last.
    repeated = sorted(name for name, count in Counter(f.name for f in figures).items() if count > 1)
    if repeated:
        raise ValueError(f"figures need distinct names to be written: {', '.join(repeated)}")
