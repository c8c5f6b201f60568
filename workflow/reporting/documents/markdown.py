"""The Markdown rendering (GitHub-flavoured): escaped so that text never turns into markup."""

from __future__ import annotations

import posixpath
import re
from functools import cache
from urllib.parse import quote

from jinja2 import Environment

from workflow.reporting.documents.model import Document, Figure
from workflow.reporting.documents.templating import make_environment

# Characters that start markup anywhere in a line (`|` only in tables, but harmless elsewhere).
_INLINE = re.compile(r"([\\`*_\[\]<|~])")
# `&` only matters where it would start an entity such as `&lt;`.
_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
# Markers that start a block at the beginning of a line: headings, quotes, lists, rules.
_LINE_START = re.compile(r"^[#>+=-]|^\d+[.)](?=\s|$)")


def md_inline(text: str) -> str:
    """`text` on one line with every inline Markdown special escaped."""
    text = " ".join(text.splitlines()).strip()
    return _ENTITY.sub(r"\\&", _INLINE.sub(r"\\\1", text))


def _lines(text: str) -> list[str]:
    # Blank lines would end the paragraph, list item or table row they sit in.
    return [md_inline(line) for line in text.splitlines() if line.strip()]


def _escape_marker(match: re.Match[str]) -> str:
    marker = match.group()  # "#", "-", "12." ...: escaping its last character disarms it
    return f"{marker[:-1]}\\{marker[-1]}"


def md_block(text: str, indent: int = 0) -> str:
    """`text` as a paragraph (or list item body): newlines become hard line breaks."""
    lines = [_LINE_START.sub(_escape_marker, line) for line in _lines(text)]
    return ("\\\n" + " " * indent).join(lines)


def md_heading(text: str) -> str:
    """`text` for an ATX heading, where a trailing `#` would be taken as a closing sequence."""
    return md_inline(text).replace("#", "\\#")


def md_cell(text: str) -> str:
    """`text` for a table cell: pipes escaped, newlines as `<br>` (the GFM way)."""
    return "<br>".join(_lines(text))


@cache
def _environment() -> Environment:
    # Built on first use, not at import. No autoescape: the md_* filters do Markdown's escaping.
    return make_environment(
        False, md_inline=md_inline, md_block=md_block, md_heading=md_heading, md_cell=md_cell
    )


def to_markdown(doc: Document, figure_dir: str | None = None, *, figure_prefix: str = "") -> str:
    """`doc` as Markdown; figures are linked from `figure_dir` if given, else only captioned.

    A figure's file is `figure_dir/<figure_prefix><figure.name>` ("" is the Markdown's own
    directory); writing the PNG files there is the caller's business (see `write_document`).
    """

    def figure_href(figure: Figure) -> str:
        return quote(posixpath.join(figure_dir or "", figure_prefix + figure.name))

    template = _environment().get_template("document.md.j2")
    return template.render(doc=doc, figure_dir=figure_dir, figure_href=figure_href)
