"""The HTML rendering: one standalone page, every piece of text escaped, figures inline."""

from __future__ import annotations

import base64
from functools import cache

from jinja2 import Environment, select_autoescape
from markupsafe import Markup, escape

from workflow.reporting.documents.model import Document, rag_fill
from workflow.reporting.documents.templating import make_environment


def nl2br(text: str) -> Markup:
    """`text` escaped, its newlines as `<br>`."""
    return Markup("<br>\n").join(escape(line) for line in text.splitlines())


def _base64(png: bytes) -> str:
    return base64.b64encode(png).decode("ascii")


@cache
def _environment() -> Environment:
    # Built on first use, not at import. Autoescape by default too, so that a renamed
    # template cannot silently stop escaping recommendation text.
    autoescape = select_autoescape(("html.j2", "html"), default=True)
    return make_environment(autoescape, nl2br=nl2br, base64=_base64, rag_fill=rag_fill)


def to_html(doc: Document) -> str:
    """`doc` as a complete HTML5 page with an embedded stylesheet and images."""
    return _environment().get_template("document.html.j2").render(doc=doc)
