"""The JSON API under load: `GET /api/v1/recs?overdue=true`, page after page by its `next`
links, against `rectrack serve`, beside the same page's SQL run straight on the driver.

The database holds `--recs` open recommendations (the sweep bench's data); `--clients`
clients, each with the ILAU's token, walk the overdue list a page of 100 at a time, over
and over, pausing `--think` seconds (on average) between pages as a dashboard's polling or
a reader does, for `--seconds` (after a warm-up walk that is not counted). Every request is
timed from the client, on loopback. Then the SQL of those pages (the API's own statement)
is timed on one connection, so that `ratio api/sql` says what HTTP, authentication, the
read model and JSON add to the query itself, measured in the same run.

    .venv/bin/python bench/bench_api.py [--recs 100000] [--pg URL] [--clients 10]
        [--seconds 20] [--think 0.25] [--workers 2]

BENCH_API_SLOWEST=1 also prints the slowest requests, with when they came.

Goal (100k recommendations on PostgreSQL, 10 clients pausing 0.25 s: about 35 pages, or
3,500 recommendations, a second): p99 under 50 ms per page of 100. Pausing less drives the
two-core machine to saturation (about 70 pages a second), where the p99 measures queueing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import statistics
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).parent))
from bench_sweep import NOW
from bench_web import Browser, database, pct, serve, wait_up
from sqlalchemy import func, select

from config import load_settings
from notifications.sink import free_port
from workflow.bootstrap import App
from workflow.directory.tokens import create_token
from workflow.lifecycle import service as svc
from workflow.store.tables import person

GOAL_MS = 50.0
PAGE = 100
FIRST = f"/api/v1/recs?overdue=true&limit={PAGE}"
WARM_UP_WALKS = 3
SLOWEST: list[tuple[float, float, str]] | None = [] if os.environ.get("BENCH_API_SLOWEST") else None


def ilau_token(url: str) -> str:
    """A token for an ILAU person added to the data (who may list every recommendation)."""
    app = App(load_settings(db=url, now=NOW.isoformat(), env={}))
    with app.uow() as uow:
        with uow.write() as tx:  # the data was copied in with its ids: take the next one
            next_id = tx.conn.execute(select(func.max(person.c.id))).scalar_one() + 1
            tx.conn.execute(
                person.insert().values(
                    id=next_id,
                    email="ilau@example.org",
                    name="ILAU",
                    roles="ilau",
                    created_at=tx.now,
                )
            )
        token = create_token(uow, "ilau@example.org", name="bench").token
    app.close()
    return token


async def walk(http: Browser, times: list[float] | None, think: float = 0.0) -> int:
    """Every page of the overdue list, by its `next` links; how many recommendations."""
    path: str | None = FIRST
    seen = 0
    while path is not None:
        began = time.perf_counter()
        status, text = await http.request("GET", path)
        if times is not None:
            times.append(time.perf_counter() - began)
            if SLOWEST is not None:
                SLOWEST.append((time.perf_counter() - began, began, path))
        if status != 200:
            raise SystemExit(f"GET {path}: HTTP {status}: {text[:200]}")
        page = json.loads(text)
        seen += len(page["items"])
        nxt = page["next"]
        path = None if nxt is None else urlsplit(nxt).path + "?" + urlsplit(nxt).query
        if think:
            await asyncio.sleep(random.uniform(0.5, 1.5) * think)
    return seen


async def load(port: int, token: str, clients: int, seconds: float, think: float) -> dict[str, Any]:
    host = "127.0.0.1"
    await wait_up(host, port)
    browsers = [Browser(host, port, "", f"Authorization: Bearer {token}") for _ in range(clients)]
    for _ in range(WARM_UP_WALKS):  # warm-up: each worker's first requests load what it needs
        counts = await asyncio.gather(*(walk(b, None) for b in browsers))
    times: list[float] = []
    stop = time.perf_counter() + seconds

    async def loop(b: Browser) -> None:
        # Clients arrive at their own moments, not all in the same millisecond (as bench_web).
        await asyncio.sleep(random.uniform(0, 2 * think))
        while time.perf_counter() < stop:
            await walk(b, times, think)

    began = time.perf_counter()
    await asyncio.gather(*(loop(b) for b in browsers))
    spent = time.perf_counter() - began
    for b in browsers:
        await b.close()
    return {"times": times, "seconds": spent, "overdue": counts[0]}


def sql_times(url: str, rounds: int) -> list[float]:
    """The same pages through the service layer's own query, no HTTP: one connection."""
    app = App(load_settings(db=url, now=NOW.isoformat(), env={}))
    times: list[float] = []
    with app.uow() as uow:
        for _ in range(rounds):
            after: int | None = None
            while True:
                began = time.perf_counter()
                _, after = svc.recommendation_page(uow, overdue=True, after=after, limit=PAGE)
                times.append(time.perf_counter() - began)
                if after is None:
                    break
    app.close()
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--recs", type=int, default=100_000)
    parser.add_argument("--pg", metavar="URL", help="PostgreSQL (default: a SQLite file)")
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--think", type=float, default=0.25, help="Pause between pages (s).")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    port = free_port()
    with database(args.pg, args.recs) as url:
        token = ilau_token(url)
        server = serve(url, port, args.workers)
        try:
            found = asyncio.run(load(port, token, args.clients, args.seconds, args.think))
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        direct = sql_times(url, rounds=20)
    times = found["times"]
    backend = "postgresql" if args.pg else "sqlite"
    print(
        f"api on {backend}: {args.recs:,} recommendations, {found['overdue']} overdue, "
        f"{args.clients} clients (think {args.think} s), {args.workers} worker(s), "
        f"{found['seconds']:.0f} s measured"
    )
    p99 = pct(times, 0.99)
    print(f"{'request':<32} {'count':>7} {'p50 ms':>8} {'p99 ms':>8}  goal")
    verdict = "met" if p99 < GOAL_MS else "NOT met"
    print(
        f"{'GET /api/v1/recs?overdue=true':<32} {len(times):>7} {pct(times, 0.5):>8.1f} "
        f"{p99:>8.1f}  p99 < {GOAL_MS:.0f} ms: {verdict}"
    )
    print(f"{'the same page, SQL only':<32} {len(direct):>7} {pct(direct, 0.5):>8.2f} "
          f"{pct(direct, 0.99):>8.2f}")  # fmt: skip
    print(f"pages per second: {len(times) / found['seconds']:.1f}")
    ratio = statistics.median(times) / statistics.median(direct)
    print(f"ratio api/sql: {ratio:.2f}")
    if SLOWEST:
        first = min(b for _, b, _ in SLOWEST)
        for spent, began, path in sorted(SLOWEST, reverse=True)[:8]:
            print(f"slowest: {spent * 1000:.0f} ms at +{began - first:.2f} s {path[:60]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
