"""Printing results: JSON for programs, aligned plain text for people."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import click

from workflow.plain import plain


def emit_json(value: Any) -> None:
    """Print a read model (or plain data) as JSON: the one way every `--json` prints."""
    click.echo(json.dumps(plain(value), indent=2, ensure_ascii=False))


def table(rows: Sequence[Sequence[Any]], headers: Sequence[str]) -> None:
    """Print rows under headers, each column as wide as its widest cell."""
    cells = [[str(h) for h in headers]] + [["" if c is None else str(c) for c in r] for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    for row in cells:
        click.echo("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())


def shorten(text: str | None, width: int = 60) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[: width - 1] + "…"
