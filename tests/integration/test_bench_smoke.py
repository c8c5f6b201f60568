"""The benchmarks still run (at a tiny size; full-size runs are on demand, see bench/)."""

from __future__ import annotations

import os
import runpy
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).parents[2] / "bench"


def run_bench(
    script: str,
    args: list[str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> str:
    """Run bench/<script> as `python bench/<script> ARGS`; returns what it printed."""
    monkeypatch.setattr(sys, "argv", [script, *args])
    with pytest.raises(SystemExit) as done:
        runpy.run_path(str(BENCH / script), run_name="__main__")
    assert done.value.code == 0
    return capsys.readouterr().out


def test_bench_transitions_prints_both_rates_and_the_ratio(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    out = run_bench("bench_transitions.py", ["--n", "60", "--rounds", "2"], capsys, monkeypatch)
    assert "transitions per side: 60" in out
    assert "plain sqlite3 loop:" in out and "rectrack engine:" in out
    ratio = float(out.split("ratio engine/plain:")[1].split()[0])
    assert ratio > 0


def test_bench_sweep_prints_a_row_per_size(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    out = run_bench(
        "bench_sweep.py",
        ["--sizes", "1000,2000", "--fixed-due", "5", "--rounds", "2"],
        capsys,
        monkeypatch,
    )
    table = [line.split() for line in out.splitlines() if line.startswith("sqlite ")]
    assert [(row[1], row[2]) for row in table[:4]] == [
        ("1000", "10"),
        ("2000", "20"),
        ("1000", "5"),
        ("2000", "5"),
    ]
    # ... reminders, escalations, mails: one reminder per due item
    assert all(int(row[-3]) == int(row[2]) for row in table[:4])
    ratios = [line for line in out.splitlines() if line.startswith("ratio sweep/raw sqlite")]
    assert len(ratios) == 4 and all(float(r.split(":")[1].split()[0]) > 0 for r in ratios)


def test_bench_report_times_each_stage(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    out = run_bench("bench_report.py", ["--recs", "300", "--events", "3000"], capsys, monkeypatch)
    for stage in (
        "agenda",
        "committee report document",
        "render md",
        "render html",
        "render docx",
        "agenda + report + slowest format",
    ):
        assert stage in out


def test_bench_startup_prints_the_ratio(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The bench runs the venv's `rectrack`, perhaps an editable install of another checkout.
    paths = (str(BENCH.parent), os.environ.get("PYTHONPATH"))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(p for p in paths if p))
    out = run_bench("bench_startup.py", ["--runs", "1"], capsys, monkeypatch)
    assert "rectrack rec show:" in out
    assert float(out.split("ratio startup/import-sqlalchemy:")[1].split()[0]) > 0


def test_bench_web_prints_each_page_type_and_the_ratio(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    out = run_bench(
        "bench_web.py",
        ["--recs", "1000", "--clients", "3", "--seconds", "2", "--think", "0.1", "--workers", "1"],
        capsys,
        monkeypatch,
    )
    for kind in ("home page", "recommendation page", "static file"):
        line = next(line for line in out.splitlines() if line.startswith(kind))
        assert int(line.split()[len(kind.split())]) > 0  # requests were made and timed
    assert "p99 < 100 ms" in out and "requests per second:" in out
    assert float(out.split("ratio rec-page/static:")[1].split()[0]) > 0


def test_bench_api_walks_the_overdue_pages_and_prints_the_ratio(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    out = run_bench(
        "bench_api.py",
        ["--recs", "2000", "--clients", "2", "--seconds", "1", "--think", "0", "--workers", "1"],
        capsys,
        monkeypatch,
    )
    line = next(line for line in out.splitlines() if line.startswith("GET /api/v1/recs"))
    assert int(line.split()[2]) > 0 and "p99 < 50 ms" in line
    assert "10 overdue" in out  # the data's overdue, each page walked to its end
    assert float(out.split("ratio api/sql:")[1].split()[0]) > 0
