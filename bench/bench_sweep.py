"""The sweep over 10k, 100k and 1M open recommendations, on SQLite and PostgreSQL.

Each size is a fresh database with 1% of its recommendations due (half a week ahead, half
ten days overdue, so both reminders and escalations are raised) and the rest due weeks away.
For each, prints the time of the first sweep, of a repeat sweep (which must find nothing new),
and the peak Python memory of the sweep (tracemalloc, measured on a separate dry run so that
the timing is not slowed by tracing).

    .venv/bin/python bench/bench_sweep.py [--sizes 10000,100000,1000000] [--pg URL] [--no-sqlite]

Goal: cost grows with what is due, not with what is stored (100k with 1% due within twice the
time of 10k with 1% due), and 1M under 10 s on PostgreSQL.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from config import default_rules
from config.logging import configure_logging
from workflow.bootstrap import unit_of_work
from workflow.chasing.sweep import sweep
from workflow.clock import FixedClock
from workflow.store.engine import make_engine, migrate

NOW = datetime(2004, 3, 1, 12, tzinfo=UTC)
TODAY = NOW.date()
STAMP = NOW.replace(tzinfo=None).isoformat(sep=" ")


def rows(n: int, due_count: int) -> dict[str, Iterator[tuple[Any, ...]]]:
    """People, reports, recommendations and one action each; `due_count` of them due."""
    owners = max(10, min(1000, n // 10))
    far = TODAY + timedelta(days=20)
    spacing = max(1, n // due_count)

    def due(i: int) -> date:
        if i % spacing:
            return far + timedelta(days=i % 380)  # spread over the year ahead
        if (i // spacing) % 2:
            return TODAY - timedelta(days=10)  # overdue past the grace period: escalated
        return TODAY + timedelta(days=3)  # within the reminder window

    return {
        "person": (
            (p, f"owner{p}@example.org", f"Owner {p}", "owner", f"G{p % 12}", True, STAMP)
            for p in range(1, owners + 1)
        ),
        "report": (
            (k, f"rep-{k}", f"Report {k}", "HMIC", ("inspection", "audit")[k % 2], '["MPS"]', STAMP)
            for k in range(1, n // 1000 + 2)
        ),
        "recommendation": (
            (
                i,
                i // 1000 + 1,
                f"R{i}",
                f"rep-{i // 1000 + 1}/R{i}",
                f"Recommendation {i}",
                i % 7 == 0,
                (i // spacing) % owners + 1,
                "in_progress",
                "none",
                3,
                STAMP,
                STAMP,
                due(i),
                TODAY + timedelta(days=200),
                min(due(i), TODAY + timedelta(days=200)),
            )
            for i in range(1, n + 1)
        ),
        "action": (
            (i, i, 1, f"Action for {i}", i % owners + 1, TODAY + timedelta(days=120))
            for i in range(1, n + 1)
        ),
    }


COLUMNS = {
    "person": "id, email, name, roles, group_name, active, created_at",
    "report": "id, key, title, body, kind, responding_bodies, created_at",
    "recommendation": "id, report_id, ref, code, text, statutory, owner_id, state, degree, "
    "version, raised_at, state_changed_at, update_due, target_date, next_due",
    "action": "id, rec_id, number, text, owner_id, target_date",
}


def fill_sqlite(engine: Engine, n: int, due: int) -> None:
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute("BEGIN")
        for table, values in rows(n, due).items():
            marks = ", ".join("?" * len(COLUMNS[table].split(",")))
            cur.executemany(
                f"INSERT INTO {table} ({COLUMNS[table]}) VALUES ({marks})",
                ((*(v.isoformat() if isinstance(v, date) else v for v in row),) for row in values),
            )
        cur.execute("COMMIT")
        cur.execute("ANALYZE")
    finally:
        raw.close()


def fill_postgresql(engine: Engine, n: int, due: int) -> None:
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        for table, values in rows(n, due).items():
            with cur.copy(f"COPY {table} ({COLUMNS[table]}) FROM STDIN") as copy:  # type: ignore[attr-defined]
                for row in values:
                    copy.write_row(row)
        raw.commit()
        raw.driver_connection.autocommit = True  # type: ignore[union-attr]
        cur.execute("VACUUM ANALYZE")
        raw.driver_connection.autocommit = False  # type: ignore[union-attr]  # back to the pool as found
    finally:
        raw.close()


def measure(engine: Engine) -> dict[str, Any]:
    clock = FixedClock(NOW)
    with unit_of_work(engine, clock, default_rules()) as uow:
        tracemalloc.start()
        sweep(uow, dry_run=True)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        started = time.perf_counter()
        result = sweep(uow)
        first = time.perf_counter() - started
        started = time.perf_counter()
        again = sweep(uow)
        repeat = time.perf_counter() - started
    assert not again.reminders and not again.escalations, "a repeat sweep must do nothing"
    return {
        "first": first,
        "repeat": repeat,
        "peak_mib": peak / 2**20,
        "reminders": len(result.reminders),
        "escalations": len(result.escalations),
        "messages": result.messages,
    }


def run_sqlite(n: int, due: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'sweep.db'}")
        migrate(engine)
        fill_sqlite(engine, n, due)
        try:
            return measure(engine)
        finally:
            engine.dispose()


def run_postgresql(url: str, n: int, due: int) -> dict[str, Any]:
    schema = f"bench_sweep_{uuid.uuid4().hex[:8]}"
    admin = make_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    scoped = make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
    engine = make_engine(scoped.render_as_string(hide_password=False))
    try:
        migrate(engine)
        fill_postgresql(engine, n, due)
        return measure(engine)
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument(
        "--fixed-due",
        type=int,
        default=100,
        help="the second series: this many due at every size (0: skip it)",
    )
    parser.add_argument("--pg", metavar="URL", help="also on this PostgreSQL database")
    parser.add_argument("--no-sqlite", action="store_true")
    args = parser.parse_args(argv)
    configure_logging("WARNING")
    sizes = [int(s) for s in args.sizes.split(",")]
    backends = ([] if args.no_sqlite else ["sqlite"]) + (["postgresql"] if args.pg else [])
    header = (
        f"{'backend':<11} {'open recs':>10} {'due':>6} {'first s':>8} {'repeat s':>9} "
        f"{'peak MiB':>9} {'reminders':>9} {'escal.':>7} {'mails':>6}"
    )
    lines = [header]
    print(header, flush=True)
    times: dict[tuple[str, int, int], float] = {}
    series = [("1%", lambda n: max(1, n // 100))]
    if args.fixed_due:
        series.append((f"{args.fixed_due} due", lambda n: args.fixed_due))
    for backend in backends:
        for _, due_of in series:
            for n in sizes:
                due = due_of(n)
                r = run_sqlite(n, due) if backend == "sqlite" else run_postgresql(args.pg, n, due)
                times[(backend, n, due)] = r["first"]
                line = (
                    f"{backend:<11} {n:>10} {due:>6} {r['first']:>8.2f} "
                    f"{r['repeat']:>9.2f} {r['peak_mib']:>9.1f} {r['reminders']:>9} "
                    f"{r['escalations']:>7} {r['messages']:>6}"
                )
                lines.append(line)
                print(line, flush=True)
    print("\n" + "\n".join(lines) + "\n")
    for backend in backends:
        for label, due_of in series:
            pairs = [(n, times.get((backend, n, due_of(n)))) for n in sizes]
            known = [(n, t) for n, t in pairs if t is not None]
            for (n1, t1), (n2, t2) in itertools.pairwise(known):
                print(
                    f"{backend} {label}: {n2 // 1000}k / {n1 // 1000}k = {t2 / t1:.2f}x the time "
                    f"for {n2 // n1}x the recommendations and {due_of(n2) / due_of(n1):.0f}x "
                    "the due work"
                )
    one_million = [t for (b, n, _), t in times.items() if b == "postgresql" and n == 1000000]
    if one_million:
        print(f"postgresql 1M: {max(one_million):.2f} s at most (goal < 10 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
