"""The sweep over 10k, 100k and 1M open recommendations, on SQLite and PostgreSQL.

Each size is a fresh database with 1% of its recommendations due (half a week ahead, half
ten days overdue, so both reminders and escalations are raised) and the rest due weeks away.
Each is measured in `--rounds` rounds on the same data (medians printed). For each, prints
the time of the first sweep (reminders, escalations, digests rendered and
queued, committed), of a repeat sweep (which must find nothing new), the peak Python memory
of the sweep (tracemalloc, on a separate dry run so that tracing does not slow the timing),
and, in the same run on the same data, a raw baseline: plain DBAPI code doing the minimum
the same work needs (select what is due through the same index, insert the reminder keys with
ON CONFLICT DO NOTHING, insert one outbox row per owner with a body built by string
formatting, commit), then `ratio sweep/raw`.

    .venv/bin/python bench/bench_sweep.py [--sizes 10000,100000,1000000] [--pg URL] [--no-sqlite]

Goals: 1M open recommendations with 1% due, first sweep under 1 s on SQLite and PostgreSQL;
ratio sweep/raw at most 4; with the due count fixed, time flat across sizes.
"""

from __future__ import annotations

import argparse
import itertools
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text

sys.path.insert(0, str(Path(__file__).parent))
from scratch import pg_schema

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


RAW_DUE = """
SELECT r.id, r.code, r.response_due, r.plan_due, r.update_due, r.target_date, p.email, p.name
FROM recommendation r JOIN person p ON p.id = r.owner_id
WHERE r.id IN (SELECT id FROM recommendation WHERE state IN {states} AND next_due <= {mark})"""
RAW_NOTICE = """INSERT INTO notice (rec_id, key, kind, due_date, stage, recipient, created_at)
VALUES ({marks}) ON CONFLICT (rec_id, key) DO NOTHING"""
RAW_OUTBOX = """INSERT INTO outbox (created_at, kind, recipient, subject, body_text, body_html,
recs, status, attempts, next_attempt_at) VALUES ({marks})"""


def raw_sweep(engine: Engine) -> float:
    """The raw baseline, timed: what is due, its reminder keys, one digest row per owner."""
    postgres = engine.dialect.name == "postgresql"
    mark = "%s" if postgres else "?"
    states = "('raised', 'responded', 'planned', 'in_progress', 'monitored')"
    horizon = TODAY + timedelta(days=7)
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        started = time.perf_counter()
        if not postgres:
            cur.execute("BEGIN IMMEDIATE")
        cur.execute(RAW_DUE.format(states=states, mark=mark), (horizon,))
        notices, digests = [], {}
        for rec_id, code, *dates, email, name in cur.fetchall():
            for kind, due in zip(("response", "plan", "update", "target"), dates, strict=True):
                if due is None or (due if postgres else date.fromisoformat(due)) > horizon:
                    continue
                due = due if postgres else date.fromisoformat(due)
                stage = "due" if due <= TODAY else "before"
                notices.append((rec_id, f"{kind}:{due}:{stage}", kind, due, stage, email, NOW))
                digests.setdefault((email, name), []).append(f"* {code}: {kind} due {due}")
        cur.executemany(RAW_NOTICE.format(marks=", ".join([mark] * 7)), notices)
        cur.executemany(
            RAW_OUTBOX.format(marks=", ".join([mark] * 10)),
            [
                (NOW, "reminder", email, f"rectrack: {len(lines)} items", f"Dear {name},\n"
                 + "\n".join(lines), "<p>" + "<br>".join(lines) + "</p>", None, "pending", 0, NOW)
                for (email, name), lines in digests.items()
            ],
        )  # fmt: skip
        raw.commit() if postgres else cur.execute("COMMIT")
        return time.perf_counter() - started
    finally:
        raw.close()


def undo_raw(engine: Engine) -> None:
    """Empty what the raw baseline wrote, so the sweep starts from the same data."""
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM notice"))
        conn.execute(text("DELETE FROM outbox"))
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.connection.driver_connection.autocommit = True  # type: ignore[union-attr]
            conn.exec_driver_sql("VACUUM ANALYZE notice, outbox")
            conn.connection.driver_connection.autocommit = False  # type: ignore[union-attr]


def one_round(engine: Engine, trace: bool) -> dict[str, Any]:
    """Warm up (a dry run), time the raw baseline and undo it, then time the first and a
    repeat sweep, all on the same data."""
    with unit_of_work(engine, FixedClock(NOW), default_rules()) as uow:
        if trace:
            tracemalloc.start()
        sweep(uow, dry_run=True)
        peak = tracemalloc.get_traced_memory()[1] if trace else 0
        tracemalloc.stop()
        raw = raw_sweep(engine)  # after the dry run: both find the data warm
        undo_raw(engine)
        started = time.perf_counter()
        result = sweep(uow)
        first = time.perf_counter() - started
        started = time.perf_counter()
        again = sweep(uow)
        repeat = time.perf_counter() - started
    if again.reminders or again.escalations:
        raise SystemExit("a repeat sweep must do nothing")
    return {
        "first": first,
        "raw": raw,
        "ratio": first / raw,
        "repeat": repeat,
        "peak_mib": peak / 2**20,
        "reminders": len(result.reminders),
        "escalations": len(result.escalations),
        "messages": result.messages,
    }


def median_of(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """Each figure's median over the rounds (this machine's speed drifts from run to run;
    the ratio is taken within each round, where raw and sweep share the same conditions).
    Counts are the same in every round; memory is traced in the first."""
    counts = ("reminders", "escalations", "messages", "peak_mib")
    timed = {k: statistics.median(r[k] for r in rounds) for k in rounds[0] if k not in counts}
    return {**timed, **{k: rounds[0][k] for k in counts}}


def run_sqlite(n: int, due: int, rounds: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        template = Path(tmp) / "template.db"
        engine = make_engine(f"sqlite:///{template}")
        migrate(engine)
        fill_sqlite(engine, n, due)
        engine.dispose()
        results = []
        for i in range(rounds):
            work = Path(tmp) / f"round{i}.db"
            shutil.copy(template, work)
            engine = make_engine(f"sqlite:///{work}")
            try:
                results.append(one_round(engine, trace=i == 0))
            finally:
                engine.dispose()
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{work}{suffix}").unlink(missing_ok=True)
        return median_of(results)


def reset_postgresql(engine: Engine) -> None:
    """Back to the data as filled: what a sweep wrote is emptied (the trail's triggers, which
    refuse TRUNCATE, are off for this one transaction)."""
    with engine.begin() as conn:
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        conn.execute(text("TRUNCATE notice, escalation, outbox_attachment, outbox, audit_event"))
    with engine.connect() as conn:
        conn.connection.driver_connection.autocommit = True  # type: ignore[union-attr]
        conn.exec_driver_sql("VACUUM ANALYZE notice, escalation, outbox, audit_event")
        conn.connection.driver_connection.autocommit = False  # type: ignore[union-attr]


def run_postgresql(url: str, n: int, due: int, rounds: int) -> dict[str, Any]:
    with pg_schema(url, "bench_sweep") as scoped:
        engine = make_engine(scoped)
        try:
            fill_postgresql(engine, n, due)
            results = []
            for i in range(rounds):
                results.append(one_round(engine, trace=i == 0))
                reset_postgresql(engine)
            return median_of(results)
        finally:
            engine.dispose()


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
    parser.add_argument("--rounds", type=int, default=3, help="per size; medians are printed")
    args = parser.parse_args(argv)
    configure_logging("WARNING")
    sizes = [int(s) for s in args.sizes.split(",")]
    backends = ([] if args.no_sqlite else ["sqlite"]) + (["postgresql"] if args.pg else [])
    header = (
        f"{'backend':<11} {'open recs':>10} {'due':>6} {'first s':>8} {'raw s':>6} "
        f"{'sweep/raw':>9} {'repeat s':>9} {'peak MiB':>9} {'reminders':>9} {'escal.':>7} "
        f"{'mails':>6}"
    )
    lines = [header]
    print(header, flush=True)
    times: dict[tuple[str, int, int], float] = {}
    ratios: dict[tuple[str, int, int], float] = {}
    series = [("1%", lambda n: max(1, n // 100))]
    if args.fixed_due:
        series.append((f"{args.fixed_due} due", lambda n: args.fixed_due))
    for backend in backends:
        for _, due_of in series:
            for n in sizes:
                due = due_of(n)
                r = (
                    run_sqlite(n, due, args.rounds)
                    if backend == "sqlite"
                    else run_postgresql(args.pg, n, due, args.rounds)
                )
                times[(backend, n, due)] = r["first"]
                line = (
                    f"{backend:<11} {n:>10} {due:>6} {r['first']:>8.2f} {r['raw']:>6.2f} "
                    f"{r['ratio']:>9.2f} {r['repeat']:>9.2f} {r['peak_mib']:>9.1f} "
                    f"{r['reminders']:>9} {r['escalations']:>7} {r['messages']:>6}"
                )
                ratios[(backend, n, due)] = r["ratio"]
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
    for (backend, n, due), t in times.items():
        if n == 1000000 and due == 10000:
            print(f"{backend} 1M with 1% due: first sweep {t:.2f} s (goal < 1 s)")
    for (backend, n, due), ratio in ratios.items():
        print(f"ratio sweep/raw {backend} {n} recs, {due} due: {ratio:.2f} (goal <= 4)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
