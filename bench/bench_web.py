"""The web application under load: signed-in clients reading their home page and their
recommendations' pages, and posting progress updates, against `rectrack serve`.

The database holds `--recs` open recommendations (the sweep bench's data: 1,000 owners);
`--clients` owners are signed in (a session each) and each, in a loop, opens their home
page, one of their recommendations, sometimes posts an update from it, and fetches the
style sheet, pausing `--think` seconds (on average) between requests as a person reading
does (each starts at a random moment within the first pauses, as people arrive, not all in
the same millisecond). Every request is timed from the client, on loopback; a warm-up round
is not counted.
Prints p50 and p99 per page type, requests per second, and `ratio rec-page/static`: the p50
of a recommendation's page over the p50 of the static style sheet, served by the same
server in the same run.

    .venv/bin/python bench/bench_web.py [--recs 100000] [--pg URL] [--clients 50]
        [--seconds 30] [--think 1.0] [--workers 2]

BENCH_WEB_SLOWEST=1 also prints the slowest requests of each kind; BENCH_WEB_LOG=FILE keeps the
server's log (a line per request, with the time the server spent).

Goals (100k recommendations on PostgreSQL, 50 clients): p99 under 100 ms for a
recommendation's page and a home page; ratio rec-page/static at most 5.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).parent))
from bench_sweep import NOW, fill_postgresql, fill_sqlite
from scratch import pg_schema

from config import load_settings
from notifications.sink import free_port
from workflow.bootstrap import App
from workflow.directory.people import find_person
from workflow.directory.sessions import open_session
from workflow.store.engine import make_engine, migrate

CSRF = re.compile(r'action="(/recs/[^"]+)/update"[^>]*>.*?name="csrf_token" value="([^"]+)".*?'
                  r'name="version" value="(\d+)"', re.S)  # fmt: skip
REC_LINK = re.compile(r'href="(/recs/[^"/]+/[^"/]+)"')
GOAL_MS = 100.0


@contextmanager
def database(pg: str | None, recs: int) -> Iterator[str]:
    """The URL of a filled database, for the time of the block."""
    if pg is None:
        with tempfile.TemporaryDirectory(prefix="bench-web-") as folder:
            url = f"sqlite:///{Path(folder) / 'web.db'}"
            engine = make_engine(url)
            migrate(engine)
            fill_sqlite(engine, recs, max(1, recs // 100))
            engine.dispose()
            yield url
        return
    with pg_schema(pg, "bench_web") as url:
        engine = make_engine(url)
        fill_postgresql(engine, recs, max(1, recs // 100))
        engine.dispose()
        yield url


def sessions(url: str, clients: int) -> list[str]:
    """A signed-in session for each of the first `clients` owners."""
    app = App(load_settings(db=url, now=NOW.isoformat(), env={}))
    tokens = []
    with app.uow() as uow, uow.write() as tx:
        for n in range(1, clients + 1):
            who = find_person(tx.conn, f"owner{n}@example.org")
            if who is None:
                raise SystemExit(f"the data has fewer than {clients} owners")
            tokens.append(open_session(tx, who, "sign-in", 24).token)
    app.close()
    return tokens


def serve(url: str, port: int, workers: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "workflow.cli", "--db", url, "--now", NOW.isoformat()]
    command += ["serve", "--port", str(port), "--workers", str(workers)]
    checkout = str(Path(__file__).resolve().parents[1])  # this checkout's rectrack
    env = os.environ | {
        "RECTRACK_BASE_URL": f"http://127.0.0.1:{port}",
        "PYTHONPATH": os.pathsep.join(filter(None, [checkout, os.environ.get("PYTHONPATH")])),
    }
    log = os.environ.get("BENCH_WEB_LOG")
    errors = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115 (the server's)
    return subprocess.Popen(command, env=env, stderr=errors)


async def wait_up(host: str, port: int) -> None:
    for _ in range(300):
        try:
            _, writer = await asyncio.open_connection(host, port)
            writer.close()
            return
        except OSError:
            await asyncio.sleep(0.1)
    raise SystemExit("the server did not start")


class Browser:
    """A minimal HTTP/1.1 client on one kept-alive connection: the load generator shares
    the machine's two cores with the server and the database, so it must cost little."""

    def __init__(self, host: str, port: int, cookie: str, header: str | None = None) -> None:
        self.host, self.port = host, port
        # What proves who it is: the session cookie, or (the API's) another header line.
        self.credential = header or f"Cookie: rectrack_session={cookie}"
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(
        self, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, str]:
        for _ in range(2):  # once more on a new connection if the server closed an idle one
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
            found = await self._exchange(method, path, form)
            if found is not None:
                return found
            self.writer.close()
            self.writer = None
        raise SystemExit(f"{method} {path}: the server closed the connection")

    async def _exchange(
        self, method: str, path: str, form: dict[str, str] | None
    ) -> tuple[int, str] | None:
        if self.reader is None or self.writer is None:
            raise RuntimeError("not connected")
        body = urlencode(form).encode() if form is not None else b""
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            f"{self.credential}\r\n"
            f"Origin: http://{self.host}:{self.port}\r\n"
        )
        if form is not None:
            head += "Content-Type: application/x-www-form-urlencoded\r\n"
            head += f"Content-Length: {len(body)}\r\n"
        try:
            self.writer.write(head.encode() + b"\r\n" + body)
            first = await self.reader.readline()
        except ConnectionError:
            return None
        if not first:
            return None
        status, length = int(first.split()[1]), 0
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "content-length":
                length = int(value)
        return status, (await self.reader.readexactly(length)).decode()

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


class Client:
    """One signed-in person: their browser, their recommendations, their pace."""

    def __init__(
        self, host: str, port: int, token: str, think: float, times: dict[str, list[float]]
    ):
        self.http = Browser(host, port, token)
        self.think, self.times, self.recs = think, times, []
        self.rng = random.Random(token)

    async def timed(
        self, kind: str, method: str, path: str, form: dict[str, str] | None = None
    ) -> str:
        began = time.perf_counter()
        status, text = await self.http.request(method, path, form)
        spent = time.perf_counter() - began
        if status >= 400:
            raise SystemExit(f"{method} {path}: HTTP {status}")
        self.times[kind].append(spent)
        return text

    async def pause(self) -> None:
        if self.think:
            await asyncio.sleep(self.rng.uniform(0.5, 1.5) * self.think)

    async def round(self) -> None:
        home = await self.timed("home page", "GET", "/")
        self.recs = self.recs or REC_LINK.findall(home) or ["/recs"]
        await self.pause()
        page = await self.timed("recommendation page", "GET", self.rng.choice(self.recs))
        await self.pause()
        form = CSRF.search(page)
        if form and self.rng.random() < 0.3:
            path, csrf, version = form.groups()
            data = {"csrf_token": csrf, "version": version, "note": "Progress as planned"}
            data |= {"degree": "partially", "degree_was": "none"}
            await self.timed("post an update", "POST", f"{path}/update", data)
            await self.pause()
        await self.timed("static file", "GET", "/static/rectrack.css")
        await self.pause()


async def load(port: int, tokens: list[str], seconds: float, think: float) -> dict[str, Any]:
    host = "127.0.0.1"
    await wait_up(host, port)
    warm: dict[str, list[float]] = defaultdict(list)
    clients = [Client(host, port, t, think, warm) for t in tokens]
    await asyncio.gather(*(c.round() for c in clients))  # warm-up: not counted
    times: dict[str, list[float]] = defaultdict(list)
    for c in clients:
        c.times = times
    stop = time.perf_counter() + seconds

    async def loop(c: Client) -> None:
        # People arrive at their own moments, not all in the same millisecond: each starts
        # within one pause of the others.
        await asyncio.sleep(c.rng.uniform(0, 2 * think))
        while time.perf_counter() < stop:
            await c.round()

    began = time.perf_counter()
    await asyncio.gather(*(loop(c) for c in clients))
    spent = time.perf_counter() - began
    for c in clients:
        await c.http.close()
    return {"times": times, "seconds": spent}


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1000


def report(found: dict[str, Any], backend: str, recs: int, args: Any) -> None:
    times, seconds = found["times"], found["seconds"]
    total = sum(len(v) for v in times.values())
    print(
        f"web on {backend}: {recs:,} recommendations, {args.clients} signed-in clients, "
        f"{args.workers} worker(s), think {args.think} s, {seconds:.0f} s measured"
    )
    print(f"{'page':<22} {'requests':>8} {'p50 ms':>8} {'p99 ms':>8}  goal")
    for kind in ("home page", "recommendation page", "post an update", "static file"):
        got = times.get(kind, [])
        if not got:
            continue
        p99 = pct(got, 0.99)
        goal = ""
        if kind in ("home page", "recommendation page"):
            goal = f"p99 < {GOAL_MS:.0f} ms: {'met' if p99 < GOAL_MS else 'NOT met'}"
        print(f"{kind:<22} {len(got):>8} {pct(got, 0.5):>8.1f} {p99:>8.1f}  {goal}")
    print(f"requests per second: {total / seconds:.1f}")
    if os.environ.get("BENCH_WEB_SLOWEST"):
        for kind, got in times.items():
            print(kind, "slowest ms:", [round(t * 1000) for t in sorted(got)[-8:]])
    ratio = statistics.median(times["recommendation page"]) / statistics.median(
        times["static file"]
    )
    print(f"ratio rec-page/static: {ratio:.2f} (goal <= 5)")


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--recs", type=int, default=100_000)
    parser.add_argument("--pg", metavar="URL", help="PostgreSQL (default: a SQLite file)")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--think", type=float, default=1.0)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    port = free_port()
    with database(args.pg, args.recs) as url:
        tokens = sessions(url, args.clients)
        server = serve(url, port, args.workers)
        try:
            found = asyncio.run(load(port, tokens, args.seconds, args.think))
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        report(found, "postgresql" if args.pg else "sqlite", args.recs, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
