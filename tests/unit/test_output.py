"""Text for people's terminals: escape sequences and control characters never get through."""

from __future__ import annotations

import json

import pytest

from workflow.cli.output import emit_json, printable, printable_lines, shorten, table


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("\x1b[31mred\x1b[0m", "red"),  # colours (CSI)
        ("a\x1b[2Jb\x1b[1;1Hc", "abc"),  # clear the screen, move the cursor
        ("\x1b]0;new title\x07name", "name"),  # retitle the window (OSC, ended by BEL)
        ("\x1b]8;;http://evil.example\x1b\\link\x1b]8;;\x1b\\", "link"),  # a hyperlink (ST)
        ("x\x1b]0;never ended", "x"),  # a terminal would swallow the rest
        ("\x9b31mC1\x9d0;t\x9c", "C1"),  # 8-bit CSI and OSC
        ("reset\x1bc", "reset"),  # ESC c: reset the terminal
        ("bell\x07 back\x08 del\x7f nul\x00", "bell back del nul"),
        ("tab\tnew\nline\rcr\x0bvt\x0cff\x85nel", "tab new line cr vt ff nel"),
        ("Café – naïve ☃ 東京", "Café – naïve ☃ 東京"),
        (None, ""),
        (42, "42"),
    ],
)
def test_printable_keeps_the_text_and_drops_the_rest(text: object, shown: str) -> None:
    assert printable(text) == shown


def test_printable_lines_keeps_lines_and_tabs_for_documents() -> None:
    text = "# Title\x1b[2J\r\n\n| a\t| b\x07 |\rlast"
    assert printable_lines(text) == "# Title\n\n| a\t| b |\nlast"


def test_table_and_shorten_measure_what_is_shown(capsys: pytest.CaptureFixture[str]) -> None:
    """Widths come from the cleaned cells, so columns stay aligned."""
    table([("\x1b[31mab\x1b[0m", "x"), ("abc", "y")], ["H", "I"])
    assert capsys.readouterr().out == "H    I\nab   x\nabc  y\n"
    assert shorten("one\x1b]0;t\x07  two\nthree", 8) == "one two…"


def test_json_escapes_what_json_dumps_would_leave_raw(capsys: pytest.CaptureFixture[str]) -> None:
    """C1 controls and DEL are escaped; the decoded value is exactly the original."""
    value = {"name": "a\x9b31m\x7fb\x1b[0m é"}
    emit_json(value)
    out = capsys.readouterr().out
    assert not any("\x7f" <= ch <= "\x9f" or ch == "\x1b" for ch in out)
    assert json.loads(out) == value
