"""Rendering a message from its templates: plain text and HTML, HTML autoescaped."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jinja2 import Environment


@dataclass(frozen=True, slots=True)
class Rendered:
    subject: str
    text: str
    html: str


@cache
def _environment() -> Environment:
    # Built on first use, not at import: Jinja2 is not even loaded until a message is rendered.
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    return Environment(
        loader=PackageLoader("notifications", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # templates ship with the code: no stat() per message
    )


def render(template: str, subject: str, **context: Any) -> Rendered:
    """Render `<template>.txt` and `<template>.html` with `context`."""
    env = _environment()
    context = {"subject": subject, **context}
    return Rendered(
        subject=subject,
        text=env.get_template(f"{template}.txt").render(**context),
        html=env.get_template(f"{template}.html").render(**context),
    )
