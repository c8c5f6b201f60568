"""Committee papers end to end: the agenda's JSON, and the report as DOCX, HTML and Markdown."""

from __future__ import annotations

from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path

import docx

from tests.e2e.conftest import Cli, assert_error

WORLD = """\
people:
  - {email: ilau@x.org, name: Ivy Lau, roles: [ilau]}
  - {email: board@x.org, name: Bea Board, roles: [board]}
  - {email: clerk@x.org, name: Clerk, roles: [secretary]}
  - {email: owner@x.org, name: Owen Owner, roles: [owner], group: TP}
reports:
  - key: botj-2003
    title: Bringing Offenders to Justice
    body: HMIC
    kind: inspection
    published: 2003-10-01
    committee: PPRC
    responding_bodies: [MPS]
    recommendations:
      - {ref: R1, subject: "Aims <script>alert('x')</script>", text: Aims, owner: owner@x.org}
      - {ref: R2, subject: Benchmarking, text: "Benchmark", owner: owner@x.org}
"""


def setup(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "world.yaml").write_text(WORLD)
    cli.ok("import", str(tmp_path / "world.yaml"))
    cli.ok(
        "committee",
        "add",
        "PPRC",
        "--cadence",
        "six-monthly",
        "--secretary",
        "clerk@x.org",
        "--actor",
        "ilau@x.org",
    )
    cli.ok(
        "committee",
        "add",
        "--actor",
        "ilau@x.org",
        "Performance Board",
        "--cadence",
        "monthly",
        "--secretary",
        "clerk@x.org",
        "--member",
        "board@x.org",
    )
    for name, day in (
        ("PPRC", "2003-10-09"),
        ("PPRC", "2004-04-08"),
        ("Performance Board", "2004-04-01"),
    ):
        cli.ok("meeting", "add", name, day, "--actor", "clerk@x.org")  # the secretary
    cli.ok(
        "rec",
        "respond",
        "botj-2003/R2",
        "--actor",
        "ilau@x.org",
        "--body",
        "MPS",
        "--text",
        "Accepted",
        now="2003-11-10",
    )
    cli.ok("sweep", now="2004-01-07")  # R1's response is late: escalated


def test_agenda_json_and_the_committee_report_in_every_format(cli: Cli, tmp_path: Path) -> None:
    setup(cli, tmp_path)
    agenda = cli.ok("agenda", "PPRC", "--json", now="2004-04-01").json
    assert agenda["committee"] == "PPRC" and agenda["meeting"] == "2004-04-08"
    assert [(i["kind"], i["recs"]) for i in agenda["items"]] == [
        ("progress", ["botj-2003/R1", "botj-2003/R2"]),
        ("overdue", ["botj-2003/R1", "botj-2003/R2"]),
        ("new_reports", ["botj-2003/R1", "botj-2003/R2"]),
    ]
    board = cli.ok("agenda", "Performance Board", "--json", now="2004-03-25").json
    assert board["since"] == "2004-03-01"  # no meeting before: one cadence step back
    assert [(i["kind"], i["title"], i["recs"]) for i in board["items"]] == [
        ("open_escalations", "Open escalations (TP): Response not given", ["botj-2003/R1"]),
    ]

    out = tmp_path / "pprc.docx"
    cli.ok("agenda", "PPRC", "--format", "docx", "--out", str(out), now="2004-04-01")
    word = docx.Document(BytesIO(out.read_bytes()))
    headings = [p.text for p in word.paragraphs if p.style.name.startswith("Heading")]
    for expected in (
        "Summary",
        "A. Recommendations",
        "B. Supporting information",
        "C. Equality and diversity implications",
        "D. Financial implications",
        "E. Background papers",
        "F. Contact details",
    ):
        assert expected in headings
    cells = {c.text for t in word.tables for row in t.rows for c in row.cells}
    assert {"botj-2003/R1", "botj-2003/R2", "RED"} <= cells
    assert word.inline_shapes, "the chart is embedded"

    html = tmp_path / "pprc.html"
    cli.ok("agenda", "PPRC", "--format", "html", "--out", str(html), now="2004-04-01")
    text = html.read_text()

    class Tags(HTMLParser):
        seen: list[str] = []

        def handle_starttag(self, tag: str, attrs: object) -> None:
            self.seen.append(tag)

    parser = Tags()
    parser.feed(text)
    assert "script" not in parser.seen and "table" in parser.seen and "img" in parser.seen
    assert "Aims &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in text

    md = cli.ok("agenda", "PPRC", "--format", "md", now="2004-04-01").out
    assert md.startswith("# PPRC: implementation of inspection, audit and review")
    assert "**Date:** 8 April 2004" in md
    assert_error(cli("agenda", "PPRC", "--format", "docx", now="2004-04-01"), 2, "--out")
    assert_error(cli("agenda", "Nobody"), 2, "no committee 'Nobody'")


def test_tracker_and_progress_report(cli: Cli, tmp_path: Path) -> None:
    setup(cli, tmp_path)
    tracker = cli.ok("report", "tracker", "botj-2003", now="2004-04-01").out
    header = next(line for line in tracker.splitlines() if line.startswith("| No"))
    assert header.split("|")[1:-1] == [
        " No ",
        " Subject ",
        " Lead ",
        " Timescales ",
        " Recommendation ",
        " Progress update and degree to which recommendation met ",
        " RAG ",
    ]
    assert "Recommendation met: none" in tracker and "Owen Owner" in tracker
    out = tmp_path / "progress.docx"
    cli.ok("report", "progress", "--format", "docx", "--out", str(out), now="2004-04-01")
    word = docx.Document(BytesIO(out.read_bytes()))
    assert (
        word.paragraphs[0].text == "Inspection Liaison and Analysis Unit: monthly progress report"
    )
    assert any("botj-2003" in c.text for t in word.tables for row in t.rows for c in row.cells)
    assert_error(cli("report", "tracker", "nope"), 2, "no report nope")
