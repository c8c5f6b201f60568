"""bench/bench_repeats.py still runs, at a tiny size, and prints what it measures."""

from __future__ import annotations

import pytest

from tests.integration.test_bench_smoke import run_bench


def test_bench_repeats_prints_precision_recall_and_the_time(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    out = run_bench(
        "bench_repeats.py",
        ["--stored", "300", "--new", "5", "--rounds", "1", "--sweep"],
        capsys,
        monkeypatch,
    )
    repeats = next(line for line in out.splitlines() if line.startswith("repeats at "))
    precision = float(repeats.split("precision ")[1].split()[0])
    recall = float(repeats.split("recall ")[1].split()[0])
    assert precision >= 0.85 and recall >= 0.9
    assert "links at " in out and "threshold  repeat-P" in out
    assert "stored 300 new 5: read" in out and "best total:" in out
