"""The scrutiny committee report over 10k recommendations and 1M audit events, on SQLite.

Generates a database whose 10k recommendations (100 reports, all monitored by the PPRC) have
a million audit events between them (raise, responses, plan, start, then progress updates),
with some escalations and extensions, then times: building the agenda, building the committee
report (its chart reads the state history from the audit trail), and rendering it to each
format. Goal: the whole report under 2 s.

    .venv/bin/python bench/bench_report.py [--recs 10000] [--events 1000000]
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine

from config import default_rules
from config.logging import configure_logging
from workflow.audit.trail import GENESIS
from workflow.bootstrap import unit_of_work
from workflow.clock import FixedClock
from workflow.reporting.agenda import generate_agenda
from workflow.store.engine import make_engine, migrate

START = datetime(2003, 1, 6, 9, tzinfo=UTC)
NOW = datetime(2004, 9, 1, 12, tzinfo=UTC)


def _iso(value: datetime) -> str:
    return value.replace(tzinfo=None).isoformat(sep=" ")


def fill(engine: Engine, recs: int, events: int) -> None:
    """People, 100 reports for the PPRC, `recs` in progress with `events` events between them."""
    per_rec = max(6, events // recs)
    raw = engine.raw_connection()
    cur = raw.cursor()
    cur.execute("BEGIN")
    stamp = _iso(START)
    cur.executemany(
        "INSERT INTO person (id, email, name, roles, group_name, active, created_at) "
        "VALUES (?, ?, ?, ?, ?, 1, ?)",
        [
            (p, f"owner{p}@example.org", f"Owner {p}", "owner", f"G{p % 9}", stamp)
            for p in range(1, 201)
        ]
        + [(201, "clerk@example.org", "Clerk", "secretary", None, stamp)],
    )
    cur.execute(
        "INSERT INTO committee (id, name, kind, cadence, secretary_id, created_at) "
        "VALUES (1, 'PPRC', 'scrutiny', 'six-monthly', 201, ?)",
        (stamp,),
    )
    cur.execute("INSERT INTO meeting (committee_id, date) VALUES (1, '2004-03-11')")
    cur.execute("INSERT INTO meeting (committee_id, date) VALUES (1, '2004-09-09')")
    reports = max(1, recs // 100)
    cur.executemany(
        "INSERT INTO report (id, key, title, body, kind, published, committee, "
        "responding_bodies, created_at) VALUES (?, ?, ?, 'HMIC', 'inspection', ?, 'PPRC', "
        "'[\"MPS\"]', ?)",
        [
            (k, f"rep-{k}", f"Inspection report {k}", "2003-01-01", stamp)
            for k in range(1, reports + 1)
        ],
    )
    rows, chain = [], []
    seq, prev = 0, GENESIS
    for i in range(1, recs + 1):
        key = f"rep-{(i - 1) % reports + 1}"
        code = f"{key}/R{i}"
        # Most on track: one in sixteen has an update a day or two late, one in fifty a
        # target missed; that is what the committee's exception items are about.
        last_update = NOW - timedelta(days=i % 32)
        update_due = (last_update + timedelta(days=30)).date()
        target = date(2004, 6, 30) if i % 50 == 0 else date(2005, 3, 31)
        rows.append(
            (
                i,
                (i - 1) % reports + 1,
                f"R{i}",
                code,
                f"Subject {i}",
                f"Recommendation text {i}",
                i % 5 == 0,
                i % 200 + 1,
                "in_progress",
                ("none", "partially", "moderately", "significantly")[i % 4],
                per_rec,
                stamp,
                _iso(START + timedelta(days=60)),
                _iso(last_update),
                update_due.isoformat(),
                target.isoformat(),
                min(update_due, target).isoformat(),
            )
        )
        moves = [
            ("raise", None, "raised"),
            ("respond", "raised", "responded"),
            ("plan", "responded", "planned"),
            ("start", "planned", "in_progress"),
        ]
        moves += [("update", "in_progress", "in_progress")] * (per_rec - len(moves))
        for n, (event, src, dst) in enumerate(moves):
            seq += 1
            at = START + timedelta(days=n * 500 / per_rec, seconds=i)
            digest = hashlib.sha256(f"{prev}{seq}".encode()).hexdigest()
            chain.append(
                (
                    seq,
                    _iso(at),
                    f"owner{i % 200 + 1}@example.org",
                    event,
                    code,
                    key,
                    src,
                    dst,
                    None,
                    "{}",
                    prev,
                    digest,
                )
            )
            prev = digest
        if len(chain) > 200000:
            _flush_events(cur, chain)
    _flush_events(cur, chain)
    cur.executemany(
        "INSERT INTO recommendation (id, report_id, ref, code, subject, text, statutory, "
        "owner_id, state, degree, version, raised_at, state_changed_at, last_update_at, "
        "update_due, target_date, next_due) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
        "?, ?, ?)",
        rows,
    )
    cur.executemany(
        "INSERT INTO escalation (rec_id, reason, key, due_date, committee, raised_at, raised_by)"
        " VALUES (?, 'missed_target', ?, '2004-06-30', 'Performance Board', ?, 'system')",
        [(i, "target:2004-06-30", _iso(NOW - timedelta(days=30))) for i in range(3, recs, 300)],
    )
    cur.executemany(
        "INSERT INTO extension (rec_id, requested_by, requested_at, from_date, to_date, reason,"
        " status) VALUES (?, 'owner1@example.org', ?, '2004-12-31', '2005-06-30', 'late', "
        "'pending')",
        [(i, _iso(NOW - timedelta(days=10))) for i in range(7, recs, 250)],
    )
    cur.execute("COMMIT")
    cur.execute("ANALYZE")
    raw.close()


def _flush_events(cur: object, chain: list[tuple[object, ...]]) -> None:
    cur.executemany(  # type: ignore[attr-defined]
        "INSERT INTO audit_event (id, at, actor, event, rec, report, from_state, to_state, "
        "note, changes, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        chain,
    )
    chain.clear()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--recs", type=int, default=10000)
    parser.add_argument("--events", type=int, default=1000000)
    args = parser.parse_args(argv)
    configure_logging("WARNING")
    from workflow.reporting.documents.write import render
    from workflow.reporting.papers import committee_report

    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'report.db'}")
        migrate(engine)
        started = time.perf_counter()
        fill(engine, args.recs, args.events)
        print(
            f"generated {args.recs} recommendations and ~{args.events} audit events in "
            f"{time.perf_counter() - started:.0f} s"
        )
        timings = []
        with unit_of_work(engine, FixedClock(NOW), default_rules()) as uow:
            t0 = time.perf_counter()
            agenda = generate_agenda(uow, "PPRC", day=date(2004, 9, 9))
            t1 = time.perf_counter()
            doc = committee_report(uow, agenda)
            t2 = time.perf_counter()
            timings += [
                ("agenda (items for 100 reports)", t1 - t0),
                ("committee report document (data and chart)", t2 - t1),
            ]
            for fmt in ("md", "html", "docx"):
                t = time.perf_counter()
                out = render(doc, fmt)
                timings.append((f"render {fmt} ({len(out) // 1024} KiB)", time.perf_counter() - t))
        engine.dispose()
    total = sum(t for _, t in timings[:2]) + max(t for _, t in timings[2:])
    for label, seconds in timings:
        print(f"  {label:<48} {seconds:6.2f} s")
    print(
        f"agenda + report + slowest format: {total:.2f} s (goal < 2 s on SQLite); "
        f"{len(agenda.items)} agenda items"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
