"""What people read on a terminal carries no control characters nor escape sequences from data."""

from __future__ import annotations

import re

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
    cli.ok("people", "add", "ilau@x.org", "--name", "Ivy", "--role", "ilau")
    cli.ok("people", "add", "eve@x.org", "--name", HOSTILE, "--role", "owner")
    cli.ok("import", "--actor", "ilau@x.org", _report(cli))
    rec = "r-2003/R1"
    cli.ok("rec", "raise", rec, "--actor", "ilau@x.org", "--text", HOSTILE, "--owner", "eve@x.org")
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
    assert (result.code, result.err) == (2, f"error: no report {SHOWN} second line\n")


def _report(cli: Cli) -> str:
    path = cli.cwd / "report.yaml"
    path.write_text(
        "reports:\n"
        "  - {key: r-2003, title: A report, body: HMIC, kind: inspection,"
        " published: 2003-10-01, responding_bodies: [MPS], recommendations: []}\n"
    )
    return str(path)
