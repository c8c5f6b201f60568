"""Documents: committee reports, progress reports and trackers as Markdown, HTML and DOCX.

Reports are built as a neutral `Document` (headings, paragraphs, tables, lists, figures);
each format is one renderer of it, so the three always say the same thing.
"""

from workflow.reporting.documents.model import (
    Block,
    BulletList,
    Document,
    Figure,
    Heading,
    Paragraph,
    Table,
)
from workflow.reporting.documents.write import FORMATS, render, write_document

__all__ = [
    "FORMATS",
    "Block",
    "BulletList",
    "Document",
    "Figure",
    "Heading",
    "Paragraph",
    "Table",
    "render",
    "write_document",
]
