"""`rectrack paper issue|list|get`, as run: the JSON contract and the bytes kept."""

from __future__ import annotations

import hashlib
from pathlib import Path

from tests.e2e.conftest import Cli, assert_error
from tests.e2e.test_cli import setup_world

ILAU = "ilau@x.org"


def test_a_paper_issued_listed_and_got_back_exactly(cli: Cli, tmp_path: Path) -> None:
    setup_world(cli, tmp_path)
    cli.ok("committee", "add", "PPRC", "--cadence", "monthly", "--actor", ILAU)
    cli.ok("meeting", "add", "PPRC", "2003-12-01", "--actor", ILAU)
    issued = cli.ok("paper", "issue", "PPRC", "--meeting", "2003-12-01", "--actor", ILAU)
    assert issued.out.startswith("paper 1: PPRC 2003-12-01, report 1")
    (listed,) = cli.ok("paper", "list", "--json").json
    assert list(listed) == ["id", "committee", "meeting", "number", "issued_at", "sha256"]
    assert (listed["id"], listed["committee"], listed["meeting"], listed["number"]) == (
        1,
        "PPRC",
        "2003-12-01",
        "1",
    )
    docx = tmp_path / "out" / "pprc.docx"
    docx.parent.mkdir()
    cli.ok("paper", "get", "1", "--format", "docx", "--out", str(docx))
    assert hashlib.sha256(docx.read_bytes()).hexdigest() == listed["sha256"]
    md = tmp_path / "out" / "pprc.md"
    cli.ok("paper", "get", "1", "--format", "md", "--out", str(md))
    text = md.read_text()
    assert "(paper-chart.png)" in text and (md.parent / "paper-chart.png").stat().st_size > 0
    assert cli.ok("paper", "get", "1", "--format", "md").out == text  # to standard output
    later = cli.ok("paper", "get", "1", "--format", "md", now="2004-06-01").out
    assert later == text  # the same bytes, whenever asked
    assert_error(cli("paper", "get", "1", "--format", "docx"), 2, "standard output")
    assert_error(cli("paper", "get", "7", "--format", "md"), 2, "no issued paper 7")
    assert_error(
        cli("paper", "issue", "PPRC", "--meeting", "2003-12-01", "--actor", ILAU),
        2,
        "issued already",
    )
    assert "paper.issue" in {e["event"] for e in cli.ok("audit", "--json").json}
