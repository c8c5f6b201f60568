"""Guarded transitions per second through the service layer, beside a plain sqlite3 loop.

Each engine transition is `start` (planned -> in progress) through the service layer:
permission and guard checks on the shared Machine, an optimistic version check, the due-date
rules, and a hash-chained audit event, each in its own committed transaction. The plain loop
does the bare writes on an identical database: read the row, update state and version, insert
an event, commit. Both use the same SQLite settings (WAL, synchronous=NORMAL, BEGIN IMMEDIATE),
and they run in alternating rounds so that neither gets a quieter machine; the ratio printed
is the median of the rounds' ratios.

    .venv/bin/python bench/bench_transitions.py [--n 20000] [--rounds 8]
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import insert

from config import default_rules
from config.logging import configure_logging
from workflow.bootstrap import unit_of_work
from workflow.clock import FixedClock
from workflow.lifecycle import service as svc
from workflow.store.engine import make_engine, migrate
from workflow.store.tables import person, recommendation, report
from workflow.store.uow import UnitOfWork

NOW = datetime(2004, 1, 12, 12, tzinfo=UTC)
OWNER = "owner@example.org"


def build(path: Path, n: int) -> None:
    """A migrated database with `n` planned recommendations owned by OWNER."""
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    with engine.begin() as conn:
        conn.execute(
            insert(person).values(
                id=1, email=OWNER, name="Owner", roles="owner", active=True, created_at=NOW
            )
        )
        conn.execute(
            insert(report).values(
                id=1,
                key="bench",
                title="Bench",
                body="HMIC",
                kind="inspection",
                responding_bodies=["MPS"],
                created_at=NOW,
            )
        )
        conn.execute(
            insert(recommendation),
            [
                {
                    "id": i,
                    "report_id": 1,
                    "ref": f"R{i}",
                    "code": f"bench/R{i}",
                    "text": "t",
                    "statutory": False,
                    "owner_id": 1,
                    "state": "planned",
                    "degree": "none",
                    "version": 1,
                    "raised_at": NOW,
                    "state_changed_at": NOW,
                    "update_due": date(2004, 2, 11),
                    "target_date": date(2004, 6, 30),
                    "next_due": date(2004, 2, 11),
                }
                for i in range(1, n + 1)
            ],
        )
    engine.dispose()


def engine_batch(uow: UnitOfWork, ids: range) -> float:
    started = time.perf_counter()
    for i in ids:
        svc.start(uow, f"bench/R{i}", OWNER)
    return time.perf_counter() - started


def plain_batch(conn: sqlite3.Connection, ids: range) -> float:
    at = NOW.replace(tzinfo=None).isoformat(sep=" ")
    started = time.perf_counter()
    for i in ids:
        conn.execute("BEGIN IMMEDIATE")
        rid, state, version = conn.execute(
            "SELECT id, state, version FROM recommendation WHERE code = ?", (f"bench/R{i}",)
        ).fetchone()
        conn.execute(
            "UPDATE recommendation SET state = ?, version = ? WHERE id = ? AND version = ?",
            ("in_progress", version + 1, rid, version),
        )
        conn.execute(
            "INSERT INTO audit_event (id, at, actor, event, rec, report, from_state, to_state, "
            "changes, prev_hash, hash) VALUES (?, ?, ?, 'start', ?, 'bench', ?, 'in_progress', "
            "'{}', '', '')",
            (i, at, OWNER, f"bench/R{i}", state),
        )
        conn.execute("COMMIT")
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20000, help="transitions per side")
    parser.add_argument("--rounds", type=int, default=8)
    args = parser.parse_args(argv)
    configure_logging("WARNING")
    with tempfile.TemporaryDirectory() as tmp:
        engine_db, plain_db = Path(tmp) / "engine.db", Path(tmp) / "plain.db"
        build(engine_db, args.n)
        shutil.copy(engine_db, plain_db)
        plain = sqlite3.connect(plain_db, isolation_level=None)
        for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON"):
            plain.execute(f"PRAGMA {pragma}")
        engine = make_engine(f"sqlite:///{engine_db}")
        per_round = args.n // args.rounds
        t_engine = t_plain = 0.0
        done = 0
        ratios = []
        with unit_of_work(engine, FixedClock(NOW), default_rules()) as uow:
            for r in range(args.rounds):
                ids = range(r * per_round + 1, (r + 1) * per_round + 1)
                plain_time = plain_batch(plain, ids)
                engine_time = engine_batch(uow, ids)
                t_plain, t_engine = t_plain + plain_time, t_engine + engine_time
                ratios.append(plain_time / engine_time)
                done += len(ids)
        plain.close()
        engine.dispose()
    plain_rate, engine_rate = done / t_plain, done / t_engine
    print(f"transitions per side: {done} in {args.rounds} alternating rounds (SQLite, WAL)")
    print(f"plain sqlite3 loop:   {plain_rate:10.0f} /s  ({1e6 / plain_rate:6.1f} µs each)")
    print(f"rectrack engine:      {engine_rate:10.0f} /s  ({1e6 / engine_rate:6.1f} µs each)")
    # The median of the rounds' ratios: this machine's speed drifts within a run, and each
    # round's plain and engine halves run side by side.
    print(f"ratio engine/plain:   {statistics.median(ratios):10.2f}   (goal >= 0.50)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
