"""`make demo` runs the whole story from a fresh database and writes the committee papers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from docx import Document as WordDocument

from tests.e2e.conftest import CHECKOUT


def test_the_demo_runs_end_to_end(tmp_path: Path) -> None:
    """Every step exits as the story expects; mail arrives; the papers are written."""
    done = subprocess.run(
        [sys.executable, "-m", "workflow.demo.run"],
        cwd=tmp_path,
        env=os.environ | {"PYTHONPATH": CHECKOUT},  # this checkout, whatever the venv installed
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Demo finished" in done.stdout
    assert "demo failed" not in done.stderr
    out = tmp_path / "demo-out"
    board = out / "performance-board-2004-09-04.md"
    assert board.read_text().startswith("# Performance Board: implementation of")
    assert (out / "pprc-2004-09-09.html").read_text().count("<table") >= 1
    tracker = WordDocument(str(out / "tracker-da-bvpp-2001.docx"))
    assert len(tracker.tables[0].rows) == 14  # the header and R1-R13
    assert "What the owners and the Board received:" in done.stdout
    # The web application, opened from the last reminder's link: signed in by the link alone.
    web = done.stdout.split("## The web application", 1)[1]
    assert "opened: HTTP 200 at http://127.0.0.1:" in web and "?t=" not in web.split("opened:")[1]
    assert "signed in as: nobody" not in web and "forms offered: Send a progress update" in web
