"""Repeats and related recommendations: how well they are found, and how fast.

1. The labelled set (tests/data/repeats.yaml): each new recommendation ranked against the
   stored ones as `rectrack ingest` ranks them; the best is proposed as repeated when it
   scores `repeat_threshold` or more, and every one listed (`related_threshold` or more, at
   most `candidates`) is a proposed link. Precision and recall of both, at the settings'
   thresholds, then at others (`--sweep`), to show why those were chosen.
2. The time to rank the candidates for one new report of `--new` recommendations against
   `--stored` stored ones in a SQLite file: the one query that reads them, vectorising, and
   ranking. Goal: under 1 s for 20 against 10,000.

    .venv/bin/python bench/bench_repeats.py [--stored 10000] [--new 20] [--rounds 3] [--sweep]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import Engine, insert

from config import default_rules
from config.ingest import IngestSettings
from workflow.bootstrap import unit_of_work
from workflow.clock import FixedClock
from workflow.intake.similar import most_like, stored_texts
from workflow.store.engine import make_engine, migrate
from workflow.store.tables import recommendation, report
from workflow.store.uow import UnitOfWork

LABELLED = Path(__file__).parents[1] / "tests" / "data" / "repeats.yaml"
NOW = datetime(2024, 1, 8, 12, tzinfo=UTC)


@dataclass(frozen=True)
class Labelled:
    stored: list[tuple[str, str]]
    new: list[dict[str, Any]]


@dataclass(frozen=True)
class Scores:
    """Precision and recall of the repeats proposed, and of every link proposed."""

    repeat_precision: float
    repeat_recall: float
    link_precision: float
    link_recall: float
    repeats_proposed: int
    repeats_labelled: int
    links_proposed: int
    links_labelled: int


def load_labelled(path: Path = LABELLED) -> Labelled:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return Labelled([(s["id"], s["text"]) for s in data["stored"]], list(data["new"]))


def measure(labelled: Labelled, settings: IngestSettings) -> Scores:
    """What `rectrack ingest` would propose for each new one, against the labels."""
    ranked = most_like(
        [n["text"] for n in labelled.new],
        labelled.stored,
        floor=settings.related_threshold,
        most=settings.candidates,
    )
    repeats = right_repeats = links = right_links = labelled_repeats = labelled_links = 0
    for new, candidates in zip(labelled.new, ranked, strict=True):
        repeated = new.get("repeats")
        linked = set(new.get("related", [])) | ({repeated} if repeated else set())
        labelled_repeats += repeated is not None
        labelled_links += len(linked)
        if candidates and candidates[0].score >= settings.repeat_threshold:
            repeats += 1
            right_repeats += candidates[0].id == repeated
        links += len(candidates)
        right_links += len({c.id for c in candidates} & linked)
    return Scores(
        right_repeats / repeats if repeats else 1.0,
        right_repeats / labelled_repeats if labelled_repeats else 1.0,
        right_links / links if links else 1.0,
        right_links / labelled_links if labelled_links else 1.0,
        repeats,
        labelled_repeats,
        links,
        labelled_links,
    )


def report_scores(labelled: Labelled, settings: IngestSettings, sweep: bool) -> None:
    s = measure(labelled, settings)
    pairs = len(labelled.new) * len(labelled.stored)
    print(
        f"labelled set: {len(labelled.stored)} stored, {len(labelled.new)} new ({pairs} pairs): "
        f"{s.repeats_labelled} repeats, {s.links_labelled} links (repeats and related)"
    )
    print(
        f"repeats at {settings.repeat_threshold:.2f}: precision {s.repeat_precision:.2f} "
        f"recall {s.repeat_recall:.2f} ({s.repeats_proposed} proposed)"
    )
    print(
        f"links at {settings.related_threshold:.2f}: precision {s.link_precision:.2f} "
        f"recall {s.link_recall:.2f} ({s.links_proposed} listed)"
    )
    if not sweep:
        return
    print("threshold  repeat-P  repeat-R  link-P  link-R")
    for t in (step / 100 for step in range(10, 75, 5)):
        at = measure(labelled, IngestSettings(t, min(t, settings.related_threshold)))
        links = measure(labelled, IngestSettings(max(t, settings.repeat_threshold), t))
        print(
            f"{t:9.2f}  {at.repeat_precision:8.2f}  {at.repeat_recall:8.2f}  "
            f"{links.link_precision:6.2f}  {links.link_recall:6.2f}"
        )


def synthetic_texts(labelled: Labelled, count: int, seed: int) -> list[str]:
    """Recommendation-like texts: halves of two labelled texts, a clause of a third, and a
    few words changed."""
    pool = [t for _, t in labelled.stored] + [n["text"] for n in labelled.new]
    vocabulary = sorted({w for t in pool for w in t.split()})
    rng = random.Random(seed)
    texts = []
    for _ in range(count):
        a, b, c = (t.split() for t in rng.sample(pool, 3))
        words = a[: len(a) // 2] + b[len(b) // 2 :] + ["and"] + c[len(c) // 2 :]
        for _ in range(3):
            words[rng.randrange(len(words))] = rng.choice(vocabulary)
        texts.append(" ".join(words))
    return texts


def fill(engine: Engine, texts: list[str]) -> None:
    """One report per 20 stored recommendations, all raised."""
    with engine.begin() as conn:
        reports = (len(texts) + 19) // 20
        conn.execute(
            insert(report),
            [
                {
                    "id": n + 1,
                    "key": f"r{n + 1}",
                    "title": f"Report {n + 1}",
                    "body": "HMICFRS",
                    "kind": "inspection",
                    "responding_bodies": ["MPS"],
                    "created_at": NOW,
                }
                for n in range(reports)
            ],
        )
        conn.execute(
            insert(recommendation),
            [
                {
                    "report_id": n // 20 + 1,
                    "ref": f"R{n % 20 + 1}",
                    "code": f"r{n // 20 + 1}/R{n % 20 + 1}",
                    "text": text,
                    "statutory": False,
                    "state": "raised",
                    "version": 1,
                    "raised_at": NOW,
                    "state_changed_at": NOW,
                }
                for n, text in enumerate(texts)
            ],
        )


def time_ranking(labelled: Labelled, stored: int, new: int, rounds: int) -> float:
    """The best of `rounds` times to read `stored` and rank them for `new` new texts."""
    texts = synthetic_texts(labelled, stored + new, seed=13)
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'bench.db'}")
        migrate(engine)
        fill(engine, texts[:stored])
        with unit_of_work(engine, FixedClock(NOW), default_rules()) as uow:
            best = _rounds(uow, texts, new, rounds)
        engine.dispose()
    mean = sum(map(len, texts)) / len(texts)
    print(f"best total: {best:.3f} s (texts of {mean:.0f} characters on average; goal < 1 s)")
    return best


def _rounds(uow: UnitOfWork, texts: list[str], new: int, rounds: int) -> float:
    settings = IngestSettings()
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        with uow.read() as tx:
            found = stored_texts(tx.conn)
        read = time.perf_counter() - start
        ranked = most_like(
            texts[-new:], found, floor=settings.related_threshold, most=settings.candidates
        )
        took = time.perf_counter() - start
        best = min(best, took)
        print(
            f"stored {len(found)} new {new}: read {read:.3f} s, ranked {took - read:.3f} s, "
            f"total {took:.3f} s ({sum(map(len, ranked))} candidates listed)"
        )
    return best


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--stored", type=int, default=10_000)
    parser.add_argument("--new", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sweep", action="store_true", help="Scores at other thresholds too.")
    args = parser.parse_args(argv)
    labelled = load_labelled()
    report_scores(labelled, IngestSettings(), args.sweep)
    time_ranking(labelled, args.stored, args.new, args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
