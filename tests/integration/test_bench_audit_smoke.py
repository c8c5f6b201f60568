"""The audit benchmark still runs (at a tiny size; the full-size run is on demand)."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).parents[2] / "bench" / "bench_audit.py"
TINY = ["--events", "3000", "--recs", "200", "--history-samples", "20", "--asof-samples", "5"]


def run_bench(argv: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "argv", ["bench_audit.py", *argv])
    with pytest.raises(SystemExit) as done:
        runpy.run_path(str(BENCH), run_name="__main__")
    assert done.value.code == 0


def test_bench_audit_prints_every_measure_against_its_goal(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    run_bench(TINY, monkeypatch)
    out = capsys.readouterr().out
    assert "3,000 events over 200 recommendations in 2 reports" in out
    for measure in (
        "history of one recommendation",
        "as-of one report, random instant",
        "as-of one report, end of trail",
        "verify the whole chain",
        "audit verify: chain, then replay",
        "as-of everyone, streamed",
        "export every event (JSON Lines)",
    ):
        assert measure in out
    assert "MISSED" not in out


@pytest.mark.external_service
def test_bench_audit_runs_on_postgresql(
    pg_schema_url: str | None,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if pg_schema_url is None:
        pytest.skip("no PostgreSQL server (set RECTRACK_TEST_PG to require one)")
    run_bench([*TINY, "--pg", pg_schema_url], monkeypatch)
    assert "on PostgreSQL: 3,000 events" in capsys.readouterr().out
