"""Printing results: JSON for programs, aligned plain text for people.

Whatever people read goes through `printable` first (`echo`, `table` and `shorten` call it):
names, texts and notes come from users and import files, and an escape sequence in one could
recolour, retitle or rewrite the reader's terminal. JSON prints every value exactly.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

import click

from workflow.plain import plain

# Escape sequences, removed whole: strings (OSC, DCS, SOS, PM, APC) up to their terminator or,
# unterminated, to the end (a terminal would swallow that much); CSI (colours, cursor moves,
# erasing), 7-bit and 8-bit; any other ESC with its intermediate and final bytes.
_SEQUENCE = re.compile(
    r"(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|\x1b[ -/]*[0-~]?"
)
# What is left of the C0 controls, DEL and the C1 controls; those that space text out.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_BUT_TAB = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")
_SPACING = re.compile(r"[\t\n\r\x0b\x0c\x85]")
_BREAK = re.compile(r"\r\n?|\n")
# For JSON: C1 controls and DEL pass json.dumps raw when ensure_ascii is off.
_JSON_RAW = re.compile(r"[\x7f-\x9f]")


def printable(value: object) -> str:
    """`value` as text on one line, safe for a terminal: no control characters, no escape
    sequences; line breaks and tabs become spaces."""
    text = "" if value is None else str(value)
    return _CONTROL.sub("", _SPACING.sub(" ", _SEQUENCE.sub("", text)))


def printable_lines(text: str) -> str:
    """`text` safe for a terminal but keeping its lines (and tabs): for whole documents."""
    lines = _BREAK.split(_SEQUENCE.sub("", text))
    return "\n".join(_CONTROL_BUT_TAB.sub("", line) for line in lines)


def echo(line: object = "", *, err: bool = False) -> None:
    """Print one line for people (stdout, or stderr with `err`), made `printable`."""
    click.echo(printable(line), err=err)


def emit_json(value: Any) -> None:
    """Print a read model (or plain data) as JSON: the one way every `--json` prints."""
    text = json.dumps(plain(value), indent=2, ensure_ascii=False)
    # Escaped, they decode to the same values and cannot act on a terminal.
    click.echo(_JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text))


def table(
    rows: Sequence[Sequence[Any]], headers: Sequence[str], notes: Sequence[str | None] = ()
) -> None:
    """Print rows under headers, each column as wide as its widest cell; a row's note (the
    same place in `notes`), if it has one, on the line below it, under its second column."""
    cells = [[printable(h) for h in headers]] + [[printable(c) for c in r] for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    for i, row in enumerate(cells):
        click.echo("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        note = notes[i - 1] if 0 < i <= len(notes) else None
        if note:
            click.echo(" " * (widths[0] + 2) + printable(note))


def shorten(text: str | None, width: int = 60) -> str:
    """`text` made `printable`, spaces collapsed, cut to `width` with an ellipsis."""
    text = " ".join(printable(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"
