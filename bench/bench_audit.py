"""Audit trail at scale: history of one recommendation, one report's as-of, verify, export.

Generates a valid hash chain of `--events` events over `--recs` recommendations (100 to a
report), written straight into `audit_event` in bulk (not through the service layer: that is
bench_transitions' job). Each recommendation gets a plausible lifecycle (raise, responses,
plan, start, updates, a reassignment, an extension), and the lifecycles are interleaved over
two years, so one report's events lie scattered along the whole chain as they would in life.

Then, with the functions the command line uses:
- the history of one random recommendation (`find_events(rec=...)`, as `rec show` and
  `audit --rec` run it), each in its own read transaction: p50 and p99;
- the as-of view of one random report at a random instant, and at the end of the trail;
- `verify` over the whole chain, and `audit verify` as the command runs it: the chain, then
  the trail replayed against every recommendation's row (written, for this, from the trail);
  everyone's as-of, streamed; an export of every event.

    .venv/bin/python bench/bench_audit.py [--events 1000000] [--recs 100000] [--pg URL]

Goals (SQLite): history p99 under 10 ms, one report's as-of p99 under 1 s, `audit verify`
(chain and replay) under 30 s.
Generation time is printed but is not part of any goal.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert, text

sys.path.insert(0, str(Path(__file__).parent))
from scratch import pg_schema

from config import default_rules
from workflow.audit.asof import as_of, iter_as_of
from workflow.audit.export import export_events
from workflow.audit.query import AuditQuery, find_events
from workflow.audit.replay import Replay, replays, verify
from workflow.audit.trail import GENESIS, canonical, content_hash
from workflow.audit.verify import verify_chain
from workflow.bootstrap import unit_of_work
from workflow.clock import FixedClock, instant_text
from workflow.store.engine import make_engine, migrate
from workflow.store.tables import audit_event, person, recommendation, report
from workflow.store.uow import UnitOfWork

START = datetime(2004, 1, 5, 9, tzinfo=UTC)
SPAN = timedelta(days=730)
ILAU = "ilau@example.org"
RECS_PER_REPORT = 100
BATCH = 20_000


@cache
def step(owner_no: int, k: int) -> tuple[str, str | None, str, str, str | None, str]:
    """Event `k` of a life owned by owner `owner_no`: (event, from, to, actor, note, changes).

    Raise, a response, respond, plan, start, update, reassign, update, an approved extension,
    then monthly updates. Only the owner varies between recommendations, so each step is
    spelled once per owner and reused.
    """
    owner, other = f"owner{owner_no}@example.org", "other@example.org"
    d = [START.date() + timedelta(days=k) for k in (0, 56, 63, 93, 123, 153, 183, 400, 430)]
    steps: list[tuple[str, str | None, str, str, dict[str, Any]]] = [
        ("raise", None, "raised", ILAU, {"text": "Recommendation text", "paragraph": "3.1",
         "statutory": False, "owner": owner, "subject": None, "degree": "none",
         "response_due": d[1], "next_due": d[1]}),
        ("record_response", "raised", "raised", ILAU,
         {"response": {"body": "MPS", "text": "Accepted", "by_email": ILAU}}),
        ("respond", "raised", "responded", ILAU,
         {"state": ["raised", "responded"], "response_due": [d[1], None],
          "plan_due": [None, d[2]], "next_due": [d[1], d[2]]}),
        ("plan", "responded", "planned", owner,
         {"state": ["responded", "planned"], "plan_due": [d[2], None],
          "update_due": [None, d[3]], "target_date": [None, d[7]],
          "original_target_date": [None, d[7]], "next_due": [d[2], d[3]],
          "actions": [{"number": 1, "text": "Do it", "owner": owner, "target": d[7]}]}),
        ("start", "planned", "in_progress", owner, {"state": ["planned", "in_progress"]}),
        ("update", "in_progress", "in_progress", owner,
         {"update_due": [d[3], d[4]], "degree": ["none", "partially"], "next_due": [d[3], d[4]]}),
        ("reassign", "in_progress", "in_progress", ILAU, {"owner": [owner, other]}),
        ("update", "in_progress", "in_progress", other,
         {"update_due": [d[4], d[5]], "degree": ["partially", "significantly"],
          "next_due": [d[4], d[5]]}),
        ("approve_extension", "in_progress", "in_progress", ILAU,
         {"target_date": [d[7], d[8]],
          "extension": {"to": d[8], "asked_by": other, "status": "approved"}}),
    ]  # fmt: skip
    if k < len(steps):
        event, source, dest, actor, changes = steps[k]
    else:
        due = d[6] + timedelta(days=30 * (k - len(steps)))
        event, source, dest, actor = "update", "in_progress", "in_progress", other
        changes = {"update_due": [due, due + timedelta(days=30)]}
    note = "progress as planned" if event == "update" else None
    return event, source, dest, actor, note, canonical(changes)


def generate(engine: Engine, events: int, recs: int, seed: int) -> tuple[list[str], list[str]]:
    """Write the chain; returns the recommendation ids and report keys."""
    rng = random.Random(seed)
    reports = [f"rep-{r // RECS_PER_REPORT:05d}" for r in range(recs)]
    codes = [f"{reports[r]}/R{r % RECS_PER_REPORT + 1}" for r in range(recs)]
    per = [events // recs + (1 if r < events % recs else 0) for r in range(recs)]
    order = list(range(recs))
    rng.shuffle(order)
    tick = SPAN / events
    seq, prev = 0, GENESIS
    batch: list[dict[str, Any]] = []
    with engine.begin() as conn:
        for round_ in range(max(per)):
            for r in order:
                if round_ >= per[r]:
                    continue
                code = codes[r]
                event, source, dest, actor, note, changes = step(r % 97, round_)
                seq += 1
                at, prev_hash = START + tick * seq, prev
                prev = content_hash(
                    seq, instant_text(at), actor, event, code, reports[r], source, dest, note,
                    changes, prev_hash,
                )  # fmt: skip
                row = {
                    "id": seq,
                    "at": at,
                    "actor": actor,
                    "event": event,
                    "rec": code,
                    "report": reports[r],
                    "from_state": source,
                    "to_state": dest,
                    "note": note,
                    "changes": changes,
                    "prev_hash": prev_hash,
                    "hash": prev,
                }
                batch.append(row)
                if len(batch) == BATCH:
                    conn.execute(insert(audit_event), batch)
                    batch.clear()
        if batch:
            conn.execute(insert(audit_event), batch)
        if conn.dialect.name == "postgresql":
            conn.execute(text("ANALYZE audit_event"))
    return codes, sorted(set(reports))


def project(engine: Engine) -> None:
    """The people, reports and recommendation rows the trail describes: what `audit verify`
    compares it with. (Written from the replay itself: this measures the comparison.)"""
    with engine.begin() as conn:
        emails = {ILAU, "other@example.org", *(f"owner{n}@example.org" for n in range(97))}
        people = [
            {"email": e, "name": e, "roles": "owner", "created_at": START} for e in sorted(emails)
        ]
        conn.execute(insert(person), people)
        ids = dict(conn.execute(text("SELECT email, id FROM person")).all())
        keys = conn.execute(text("SELECT DISTINCT report FROM audit_event")).scalars().all()
        conn.execute(insert(report), [_report_row(key) for key in sorted(keys)])
        report_ids = dict(conn.execute(text("SELECT key, id FROM report")).all())
        batch = []
        for replay in replays(conn):
            batch.append(_rec_row(replay, report_ids, ids))
            if len(batch) == BATCH:
                conn.execute(insert(recommendation), batch)
                batch.clear()
        if batch:
            conn.execute(insert(recommendation), batch)


def _report_row(key: str) -> dict[str, Any]:
    return {
        "key": key,
        "title": key,
        "body": "HMIC",
        "kind": "inspection",
        "responding_bodies": ["MPS"],
        "created_at": START,
    }


def _rec_row(replay: Replay, reports: dict[str, int], people: dict[str, int]) -> dict[str, Any]:
    v = replay.compared()
    dates = {
        k: datetime.fromisoformat(v[k]).date() if v[k] else None
        for k in ("response_due", "plan_due", "update_due", "target_date", "next_due")
    }
    key, ref = replay.code.split("/")
    return {
        "report_id": reports[key],
        "ref": ref,
        "code": replay.code,
        "text": "Recommendation text",
        "statutory": False,
        "owner_id": people[v["owner"]] if v["owner"] else None,
        "state": v["state"],
        "degree": v["degree"],
        "version": v["version"],
        "raised_at": START,
        "state_changed_at": START,
        **dates,
    }


def timed(samples: int, run: Callable[[], object]) -> list[float]:
    """Seconds each of `samples` runs took (after two unmeasured warm-up runs)."""
    for _ in range(min(2, samples)):
        run()
    spent = []
    for _ in range(samples):
        began = time.perf_counter()
        run()
        spent.append(time.perf_counter() - began)
    return spent


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms" if seconds < 1 else f"{seconds:.2f} s"


class DevNull:
    def write(self, text: str) -> int:
        return len(text)


def measure(uow: UnitOfWork, codes: list[str], reports: list[str], args: Any) -> list[list[str]]:
    rng = random.Random(args.seed + 1)
    end = START + SPAN

    def read(fn: Callable[[Any], object]) -> Callable[[], object]:
        def run() -> object:
            with uow.read() as tx:
                return fn(tx.conn)

        return run

    def history() -> object:
        code = rng.choice(codes)
        return read(lambda c: find_events(c, AuditQuery(rec=code)))()

    def report_at(at: Callable[[], datetime]) -> Callable[[], object]:
        return lambda: read(lambda c: as_of(c, at(), rng.choice(reports)))()

    def random_instant() -> datetime:
        return START + SPAN * rng.random()

    rows = []
    for name, samples, run, goal, limit in (
        ("history of one recommendation", args.history_samples, history, "p99 < 10 ms", 0.010),
        ("as-of one report, random instant", args.asof_samples, report_at(random_instant),
         "p99 < 1 s", 1.0),
        ("as-of one report, end of trail", args.asof_samples, report_at(lambda: end),
         "p99 < 1 s", 1.0),
    ):  # fmt: skip
        spent = timed(samples, run)
        p50, p99 = percentile(spent, 50), percentile(spent, 99)
        verdict = "ok" if p99 < limit else "MISSED"
        rows.append([name, str(samples), ms(p50), ms(p99), goal, verdict])

    def whole(fn: Callable[[Any], Any]) -> tuple[float, Any]:
        began = time.perf_counter()
        with uow.read() as tx:
            result = fn(tx.conn)
        return time.perf_counter() - began, result

    spent, verdict = whole(lambda c: verify_chain(c))
    assert verdict.ok and verdict.events == args.events, verdict
    rows.append(["verify the whole chain", "1", ms(spent), "", "", ""])
    spent, verdict = whole(lambda c: verify(c))
    assert verdict.ok and verdict.recommendations == args.recs, verdict
    rows.append(["audit verify: chain, then replay", "1", ms(spent), "", "< 30 s", _ok(spent < 30)])
    spent, count = whole(lambda c: sum(1 for _ in iter_as_of(c, end)))
    assert count == args.recs, count
    rows.append(["as-of everyone, streamed", "1", ms(spent), "", "", ""])
    spent, count = whole(lambda c: export_events(c, DevNull(), "jsonl"))  # type: ignore[arg-type]
    rows.append(["export every event (JSON Lines)", "1", ms(spent), "", "", ""])
    return rows


def _ok(met: bool) -> str:
    return "ok" if met else "MISSED"


def print_table(rows: list[list[str]]) -> None:
    headers = ["measure", "samples", "p50 / time", "p99", "goal", ""]
    widths = [max(len(r[i]) for r in [headers, *rows]) for i in range(len(headers))]
    for row in [headers, *rows]:
        cells = [
            cell.rjust(width) if 0 < i < 4 else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        print("  ".join(cells).rstrip())


@contextmanager
def database(pg_url: str | None) -> Iterator[tuple[Engine, str]]:
    """A fresh, migrated database: a temporary SQLite file, or a new schema on PostgreSQL."""
    if pg_url is None:
        folder = Path(tempfile.mkdtemp(prefix="bench-audit-"))
        engine = make_engine(f"sqlite:///{folder / 'audit.db'}")
        try:
            migrate(engine)
            yield engine, "SQLite"
        finally:
            engine.dispose()
            shutil.rmtree(folder)
        return
    with pg_schema(pg_url, "bench_audit") as scoped:
        engine = make_engine(scoped)
        try:
            yield engine, "PostgreSQL"
        finally:
            engine.dispose()


def size_mb(engine: Engine) -> float:
    """The database's size on disk: whether it fits the page cache explains latency tails."""
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            pages = conn.execute(text("PRAGMA page_count")).scalar_one()
            size = pages * conn.execute(text("PRAGMA page_size")).scalar_one()
        else:
            size = conn.execute(text("SELECT pg_total_relation_size('audit_event')")).scalar_one()
    return float(size) / 2**20


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--recs", type=int, default=100_000)
    parser.add_argument("--history-samples", type=int, default=500)
    parser.add_argument("--asof-samples", type=int, default=50)
    parser.add_argument("--seed", type=int, default=2004)
    parser.add_argument("--pg", metavar="URL", help="Run on PostgreSQL (a fresh schema there).")
    args = parser.parse_args()
    if args.recs < 1 or args.events < args.recs:
        parser.error("need at least one event per recommendation")
    with database(args.pg) as (engine, backend):
        began = time.perf_counter()
        codes, reports = generate(engine, args.events, args.recs, args.seed)
        project(engine)
        generated = time.perf_counter() - began
        print(
            f"audit trail on {backend}: {args.events:,} events over {args.recs:,} "
            f"recommendations in {len(reports):,} reports (generated in {generated:.1f} s, "
            f"{size_mb(engine):,.0f} MB)"
        )
        with unit_of_work(engine, FixedClock(START + SPAN), default_rules()) as uow:
            print_table(measure(uow, codes, reports, args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
