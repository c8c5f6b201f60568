"""How long `rectrack rec show ID` takes from a cold process, beside `python -c "import
sqlalchemy, click"` (the least any rectrack command must load), in the same run.

The two are run alternately, `--runs` times each, as separate processes; the medians are
printed, with `ratio startup/import-sqlalchemy` (goal: at most 2).

    .venv/bin/python bench/bench_startup.py [--runs 15]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RECTRACK = str(Path(sys.executable).parent / "rectrack")
DEMO = Path(__file__).parents[1] / "workflow" / "demo" / "hmic-2003.yaml"


def timed(argv: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "startup.db")
        now = ["--db", db, "--now", "2003-11-03"]
        subprocess.run([RECTRACK, *now, "init"], check=True, stdout=subprocess.DEVNULL)
        subprocess.run([RECTRACK, *now, "import", str(DEMO)], check=True, stdout=subprocess.DEVNULL)
        show = [RECTRACK, *now, "rec", "show", "botj-2003/R1"]
        bare = [sys.executable, "-c", "import sqlalchemy, click"]
        timed(show), timed(bare)  # warm the file cache
        shows, bares = [], []
        for _ in range(args.runs):
            shows.append(timed(show))
            bares.append(timed(bare))
    s, b = statistics.median(shows), statistics.median(bares)
    print(f"rectrack rec show: {s * 1000:.0f} ms (median of {args.runs})")
    print(f"python -c 'import sqlalchemy, click': {b * 1000:.0f} ms")
    print(f"ratio startup/import-sqlalchemy: {s / b:.2f} (goal <= 2)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
