"""Every `--out` through one writer: whole files or none, `-` for text, exit 2 when it cannot."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
from io import BytesIO
from pathlib import Path

import openpyxl
import pytest

from tests.e2e.conftest import Cli, Result
from tests.e2e.test_committee_papers import setup

# Every command with --out, in a text format: (command line, file suffix, what it starts with).
WRITERS = [
    (["audit", "export", "--format", "csv"], "csv", "id,at,actor"),
    (["audit", "export", "--format", "jsonl", "--as-of", "2004-01-01"], "jsonl", '{"id": '),
    (["agenda", "PPRC", "--format", "html"], "html", "<!DOCTYPE html>"),
    (["report", "progress"], "md", "# Inspection Liaison"),
    (["report", "tracker", "botj-2003", "--format", "md"], "md", "# Action plan"),
]
NOW = "2004-04-01"
FULL = pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full on this machine")


def named(args: list[str]) -> str:
    return "-".join(a for a in args if not a.startswith("-"))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The committee papers' world, built once for the module."""
    home = tmp_path_factory.mktemp("out-world")
    cli = Cli(str(home / "rectrack.db"), home)
    cli.ok("init")
    setup(cli, home)
    return home / "rectrack.db"


@pytest.fixture
def world(built: Path, tmp_path: Path) -> Cli:
    """The command line on this test's own copy of the world, in a directory of its own."""
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(built, home / "rectrack.db")
    return Cli(str(home / "rectrack.db"), home)


def only_error(result: Result, line: str) -> None:
    """Exit 2 and exactly this one line on stderr."""
    assert (result.code, result.err) == (2, line + "\n")


def files(directory: Path) -> list[str]:
    """Everything in `directory`, hidden files (a temporary `.partial`) included."""
    return sorted(os.listdir(directory))


@pytest.mark.parametrize(("args", "suffix", "start"), WRITERS, ids=[named(w[0]) for w in WRITERS])
def test_every_out_goes_through_the_writer(
    world: Cli, tmp_path: Path, args: list[str], suffix: str, start: str
) -> None:
    """A missing directory is exit 2 and one line; `--out -` prints and makes no file `-`."""
    path = tmp_path / "missing" / f"out.{suffix}"
    only_error(
        world(*args, "--out", str(path), now=NOW),
        f"error: cannot write {path}: No such file or directory",
    )
    assert not (tmp_path / "missing").exists()
    dashed = world.ok(*args, "--out", "-", now=NOW)
    assert dashed.out.startswith(start) and dashed.err == ""
    assert files(world.cwd) == ["rectrack.db"]


def test_a_directory_as_target_is_exit_2_and_leaves_nothing(world: Cli, tmp_path: Path) -> None:
    target = tmp_path / "papers"
    target.mkdir()
    before = files(tmp_path)
    for args in (["audit", "export", "--format", "csv"], ["report", "tracker", "botj-2003"]):
        only_error(
            world(*args, "--out", str(target), now=NOW),
            f"error: cannot write {target}: Is a directory",
        )
    assert files(tmp_path) == before and files(target) == []


@FULL
def test_a_full_device_is_exit_2(world: Cli) -> None:
    for fmt in ("csv", "jsonl", "xlsx"):
        only_error(
            world("audit", "export", "--format", fmt, "--out", "/dev/full"),
            "error: cannot write /dev/full: No space left on device",
        )


@FULL
def test_a_full_device_leaves_no_figure_behind(world: Cli) -> None:
    """The Markdown paper's chart goes beside it in /dev: it is not left there either."""
    only_error(
        world("report", "progress", "--out", "/dev/full", now=NOW),
        "error: cannot write /dev/full: No space left on device",
    )
    assert not [name for name in os.listdir("/dev") if name.startswith((".full", "full-"))]


def test_a_failed_markdown_paper_leaves_neither_text_nor_figures(
    world: Cli, tmp_path: Path
) -> None:
    """The chart cannot be written (a directory has its name): the Markdown is not written
    either, and the file it would have replaced is kept."""
    paper = tmp_path / "progress.md"
    paper.write_text("last month's")
    (tmp_path / "progress-chart.png").mkdir()
    before = files(tmp_path)
    only_error(
        world("report", "progress", "--out", str(paper), now=NOW),
        f"error: cannot write {tmp_path / 'progress-chart.png'}: Is a directory",
    )
    assert files(tmp_path) == before and paper.read_text() == "last month's"


def test_a_failed_export_keeps_the_file_it_would_replace(world: Cli, tmp_path: Path) -> None:
    """An error after the output was opened (a bad date) leaves the old file as it was."""
    out = tmp_path / "trail.csv"
    out.write_text("yesterday's")
    before = files(tmp_path)
    bad = world("audit", "export", "--format", "csv", "--out", str(out), "--as-of", "2004-13-01")
    assert bad.code == 2 and bad.err.startswith("error: ") and "not an ISO date" in bad.err
    assert files(tmp_path) == before and out.read_text() == "yesterday's"


def test_binary_formats_are_refused_for_standard_output(world: Cli) -> None:
    """DOCX and XLSX need a file: without --out, or with `-`, exit 2 and nothing made."""
    refused = [
        (["audit", "export", "--format", "xlsx"], "an XLSX workbook"),
        (["agenda", "PPRC", "--format", "docx", "--out", "-"], "a DOCX document"),
        (["report", "progress", "--format", "xlsx", "--out", "-"], "an XLSX workbook"),
        (["report", "tracker", "botj-2003", "--format", "docx"], "a DOCX document"),
    ]
    for args, what in refused:
        only_error(
            world(*args, now=NOW),
            f"error: {what} is binary: it needs --out PATH, a file (not standard output)",
        )
    assert files(world.cwd) == ["rectrack.db"]


def test_a_file_is_written_whole_with_the_usual_permissions(world: Cli, tmp_path: Path) -> None:
    """A new file gets the mode any new file gets (not a temporary file's 0600)."""
    out = tmp_path / "trail.jsonl"
    done = world.ok("audit", "export", "--format", "jsonl", "--out", str(out))
    lines = out.read_text().splitlines()
    assert done.err == f"{len(lines)} events written to {out}\n"
    assert [json.loads(line)["id"] for line in lines] == list(range(1, len(lines) + 1))
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask
    assert files(tmp_path) == sorted(["home", "trail.jsonl"])


def test_the_csv_export_neutralises_formulas(world: Cli, tmp_path: Path) -> None:
    """Notes starting with =, +, - or @ reach the CSV with a leading ', the JSON Lines as is."""
    notes = ['=HYPERLINK("http://evil.example","x")', "+1", "-1", "@SUM(A1)"]
    for note in notes:
        world.ok(
            "rec", "escalate", "botj-2003/R2", "--actor", "ilau@x.org", "--reason", note, now=NOW
        )
    query = ["audit", "--actor", "ilau@x.org", "--event", "escalate", "export"]
    out = tmp_path / "updates.csv"
    world.ok(*query, "--format", "csv", "--out", str(out))
    with out.open(newline="") as f:
        assert [row["note"] for row in csv.DictReader(f)] == ["'" + n for n in notes]
    lines = world.ok(*query, "--format", "jsonl").out.splitlines()
    assert [json.loads(line)["note"] for line in lines] == notes


def test_the_xlsx_export_and_paper_hold_text_as_text(world: Cli, tmp_path: Path) -> None:
    """Read back: the values of the JSON Lines and of the tracker, formulas as strings."""
    escalate = ("rec", "escalate", "botj-2003/R2", "--actor", "ilau@x.org", "--reason", "=1+1")
    world.ok(*escalate, now=NOW)
    world.ok("rec", "edit", "botj-2003/R2", "--actor", "ilau@x.org", "--subject", "=2+2", now=NOW)
    trail = tmp_path / "trail.xlsx"
    world.ok("audit", "export", "--format", "xlsx", "--out", str(trail))
    sheet = openpyxl.load_workbook(BytesIO(trail.read_bytes())).worksheets[0]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    events = [
        json.loads(line)
        for line in world.ok("audit", "export", "--format", "jsonl").out.splitlines()
    ]
    assert [dict(zip(rows[0], row, strict=True)) for row in rows[1:]] == events
    formula = [row[8] for row in sheet.iter_rows() if row[8].value == "=1+1"]
    assert [c.data_type for c in formula] == ["s"]
    paper = tmp_path / "tracker.xlsx"
    world.ok("report", "tracker", "botj-2003", "--format", "xlsx", "--out", str(paper), now=NOW)
    book = openpyxl.load_workbook(BytesIO(paper.read_bytes()))
    assert len(book.worksheets) == 1
    table = [[c for c in row] for row in book.worksheets[0].iter_rows()]
    assert [c.value for c in table[0]][:3] == ["No", "Subject", "Lead"]
    assert [row[0].value for row in table[1:]] == ["R1", "R2"]
    subject = table[2][1]
    assert subject.value == "=2+2\nNon-statutory" and subject.data_type == "s"


@pytest.mark.parametrize(
    "args",
    [["audit", "export", "--format", "jsonl"], ["report", "tracker", "botj-2003", "--out", "-"]],
    ids=["audit-export", "report-tracker"],
)
def test_a_reader_that_stops_early_is_not_an_error(world: Cli, args: list[str]) -> None:
    """`| head`: the pipe is closed before anything is written; exit 0, nothing on stderr."""
    proc = subprocess.Popen(
        world.argv(*args, now=NOW),
        cwd=world.cwd,
        env=world.environ(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None
    proc.stdout.close()
    _, err = proc.communicate(timeout=60)
    assert (proc.returncode, err) == (0, b"")
