"""What people read on a terminal carries no control characters nor escape sequences from data."""

from __future__ import annotations

import re
import sqlite3

from tests.e2e.conftest import Cli

# Chosen to get past click, which strips only CSI sequences (colours) when not on a terminal:
# an OSC that retitles the window, an 8-bit CSI, BEL, backspace, carriage return, DEL, and a
# CSI that clears the screen.
HOSTILE = "\x1b]0;owned\x07Eve \x9b31mRed\x08\x07\rX\x7f\x1b[2J\x1b[31mend"
SHOWN = "Eve Red Xend"  # what is left: the text between them, the CR as a space
UNSAFE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")  # any control but the newline


def safe(text: str) -> str:
    assert not UNSAFE.search(text), repr(text)
    return text


def test_names_and_texts_reach_the_terminal_harmless(cli: Cli) -> None:
    """Control characters are refused on the way in; data that holds them anyway (written
    before that check, or by hand) is still shown harmless."""
    cli.ok("people", "add", "ilau@x.org", "--name", "Ivy", "--role", "ilau")
    refused = cli(
        "people", "add", "eve@x.org", "--name", HOSTILE, "--role", "owner", "--actor", "ilau@x.org"
    )
    assert refused.code == 2 and "a control character" in safe(refused.err), refused.err
    cli.ok(
        "people", "add", "eve@x.org", "--name", "Eve", "--role", "owner", "--actor", "ilau@x.org"
    )
    cli.ok("import", "--actor", "ilau@x.org", _report(cli))
    rec = "r-2003/R1"
    cli.ok("rec", "raise", rec, "--actor", "ilau@x.org", "--text", "T", "--owner", "eve@x.org")
    with sqlite3.connect(cli.db) as db:
        db.execute("UPDATE person SET name = ? WHERE email = 'eve@x.org'", (HOSTILE,))
        db.execute("UPDATE recommendation SET text = ? WHERE code = ?", (HOSTILE, rec))
    assert SHOWN in safe(cli.ok("people", "list").out)
    assert SHOWN in safe(cli.ok("rec", "list").out)
    shown = safe(cli.ok("rec", "show", rec).out)
    assert f"text:      {SHOWN}" in shown
    safe(cli.ok("audit").out)
    # JSON keeps every value exactly (escaped, so that it cannot act on a terminal either).
    people = cli.ok("people", "list", "--json")
    assert safe(people.out) and HOSTILE in [p["name"] for p in people.json]
    assert cli.ok("rec", "show", rec, "--json").json["text"] == HOSTILE


def test_an_error_naming_hostile_input_is_one_harmless_line(cli: Cli) -> None:
    result = cli("report", "tracker", f"{HOSTILE}\nsecond line")
    assert result.code == 2
    assert result.err.startswith("error: ") and result.err.count("\n") == 1
    safe(result.err)


def _report(cli: Cli) -> str:
    path = cli.cwd / "report.yaml"
    path.write_text(
        "reports:\n"
        "  - {key: r-2003, title: A report, body: HMIC, kind: inspection,"
        " published: 2003-10-01, responding_bodies: [MPS], recommendations: []}\n"
    )
    return str(path)
