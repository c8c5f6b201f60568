"""Documents: committee reports, progress reports and trackers as Markdown, HTML, DOCX, XLSX.

Reports are built as a neutral `Document` (headings, paragraphs, tables, lists, figures);
each format is one renderer of it, so they always say the same thing (XLSX: the tables only).
"""

from workflow.reporting.documents.model import (
    Block,
    BulletList,
    Document,
    Figure,
    Heading,
    Paragraph,
    Table,
    content_widths,
)
from workflow.reporting.documents.write import BINARY_FORMATS, FORMATS, document_files, render

__all__ = [
    "BINARY_FORMATS",
    "FORMATS",
    "Block",
    "BulletList",
    "Document",
    "Figure",
    "Heading",
    "Paragraph",
    "Table",
    "content_widths",
    "document_files",
    "render",
]
