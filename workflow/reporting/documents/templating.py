"""The Jinja2 environment both text renderings share: templates shipped in this package."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from workflow.reporting.documents.model import BulletList, Figure, Heading, Paragraph, Table

# Jinja tests, so that a template reads `{% if block is table %}`.
BLOCK_TESTS = {
    "heading": Heading,
    "paragraph": Paragraph,
    "bullet_list": BulletList,
    "table": Table,
    "figure": Figure,
}


def make_environment(
    autoescape: bool | Callable[[str | None], bool], **filters: Callable[..., Any]
) -> Environment:
    """An environment for `templates/`, strict about undefined names, with `filters` added."""
    env = Environment(
        loader=PackageLoader("workflow.reporting.documents", "templates"),
        autoescape=autoescape,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # templates ship with the code: no stat() per rendering
    )
    env.filters.update(filters)
    for name, kind in BLOCK_TESTS.items():
        env.tests[name] = lambda block, kind=kind: isinstance(block, kind)
    return env
