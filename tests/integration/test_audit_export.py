"""Export: events and snapshots as CSV and JSON Lines, streamed in constant memory."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import tracemalloc
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Connection, insert

from tests import world
from tests.world import ILAU, OTHER, to_in_progress
from workflow.audit.asof import as_of
from workflow.audit.export import (
    EVENT_FIELDS,
    FORMATS,
    SNAPSHOT_FIELDS,
    Format,
    export_as_of,
    export_events,
)
from workflow.audit.query import AuditQuery, find_events
from workflow.audit.trail import GENESIS, event_hash
from workflow.audit.verify import verify_chain
from workflow.clock import FixedClock, instant_text
from workflow.lifecycle import service as svc
from workflow.plain import plain
from workflow.store.tables import audit_event
from workflow.store.uow import UnitOfWork


def small_world(uow: UnitOfWork, clock: FixedClock) -> None:
    codes = world.build(uow, recs=2)
    to_in_progress(uow, clock, codes[0])
    svc.reassign(uow, codes[1], ILAU, owner=OTHER)
    svc.record_update(uow, codes[0], ILAU, note='a note, with "quotes"\nand a second line')


def exported(uow: UnitOfWork, fmt: Format, **kwargs: Any) -> str:
    out = io.StringIO(newline="")
    with uow.read() as tx:
        if "at" in kwargs:
            export_as_of(tx.conn, out, fmt, **kwargs)
        else:
            export_events(tx.conn, out, fmt, **kwargs)
    return out.getvalue()


def parse(text: str, fmt: Format) -> list[dict[str, Any]]:
    if fmt == "csv":
        return list(csv.DictReader(io.StringIO(text, newline="")))
    return [json.loads(line) for line in text.splitlines()]


def recheck(rows: list[dict[str, Any]]) -> None:
    """Verify an exported chain with nothing but hashlib and json, as a recipient would."""
    prev = GENESIS
    for n, row in enumerate(rows, start=1):
        fields = [row[f] or None for f in EVENT_FIELDS[1:10]]  # CSV spells None as ""
        content = [n, *fields[:8], row["changes"], prev]
        spelled = json.dumps(content, separators=(",", ":"), ensure_ascii=False)
        assert int(row["id"]) == n and row["prev_hash"] == prev
        assert hashlib.sha256(spelled.encode()).hexdigest() == row["hash"]
        prev = row["hash"]


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_exported_events_are_the_trail_and_can_be_verified_elsewhere(
    uow: UnitOfWork, clock: FixedClock, fmt: Format
) -> None:
    small_world(uow, clock)
    rows = parse(exported(uow, fmt), fmt)
    with uow.read() as tx:
        trail = find_events(tx.conn, AuditQuery())
    assert [int(r["id"]) for r in rows] == [e["id"] for e in trail]
    assert [r["at"] for r in rows] == [instant_text(e["at"]) for e in trail]
    assert [r["note"] or None for r in rows] == [e["note"] for e in trail]
    recheck(rows)


def test_exported_events_follow_the_query(uow: UnitOfWork, clock: FixedClock) -> None:
    small_world(uow, clock)
    rows = parse(exported(uow, "jsonl", query=AuditQuery(rec="botj-2003/R2")), "jsonl")
    assert [r["event"] for r in rows] == ["raise", "reassign"]
    assert list(rows[0]) == list(EVENT_FIELDS)


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_exported_snapshots_are_the_as_of_view(
    uow: UnitOfWork, clock: FixedClock, fmt: Format
) -> None:
    small_world(uow, clock)
    at = clock.now()
    with uow.read() as tx:
        expected = [plain(s) for s in as_of(tx.conn, at)]
    rows = parse(exported(uow, fmt, at=at), fmt)
    if fmt == "csv":
        assert list(rows[0]) == list(SNAPSHOT_FIELDS)
        rows = [
            {
                **{k: r[k] or None for k in ("id", "state", "owner", "degree")},
                "due": {k: r[f"due_{k}"] or None for k in ("response", "plan", "update", "target")},
            }
            for r in rows
        ]
    assert sorted(rows, key=lambda r: r["id"]) == expected
    one = parse(exported(uow, fmt, at=at, report_key="botj-2003"), fmt)
    assert len(one) == 2


def test_streaming_leaves_the_connection_fit_for_writes(uow: UnitOfWork, clock: FixedClock) -> None:
    """A server-side cursor must not outlive the export and wrap the next write."""
    small_world(uow, clock)
    exported(uow, "jsonl")
    exported(uow, "csv", at=clock.now())
    with uow.read() as tx:
        assert verify_chain(tx.conn).ok
    svc.record_update(uow, "botj-2003/R1", ILAU, note="still writable")


def synthetic_trail(conn: Connection, events: int, first: int = 1, prev: str = GENESIS) -> str:
    """Append a valid chain of `events` bulky events; returns the last hash."""
    start = datetime(2004, 1, 1, tzinfo=UTC)
    rows = []
    for seq in range(first, first + events):
        row = {
            "id": seq,
            "at": start + timedelta(minutes=seq),
            "actor": "ilau@example.org",
            "event": "update",
            "rec": f"big/R{seq % 50}",
            "report": "big",
            "from_state": "in_progress",
            "to_state": "in_progress",
            "note": "x" * 500,
            "changes": json.dumps({"last_update_at": [None, "2004-01-01"]}),
            "prev_hash": prev,
        }
        row["hash"] = prev = event_hash(row)
        rows.append(row)
    conn.execute(insert(audit_event), rows)
    return prev


class Sink:
    """A file that keeps nothing, so only the exporter's own memory is measured."""

    def __init__(self) -> None:
        self.chars = 0

    def write(self, text: str) -> int:
        self.chars += len(text)
        return len(text)


def peak_memory(uow: UnitOfWork, fmt: Format) -> int:
    with uow.read() as tx:
        tracemalloc.start()
        try:
            export_events(tx.conn, Sink(), fmt)  # type: ignore[arg-type]
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()


def test_export_memory_does_not_grow_with_the_trail(uow: UnitOfWork) -> None:
    """Four times the events, the same peak memory: rows are streamed, not collected."""
    with uow.write() as tx:
        last = synthetic_trail(tx.conn, 3_000)
    small = {fmt: peak_memory(uow, fmt) for fmt in FORMATS}
    with uow.write() as tx:
        synthetic_trail(tx.conn, 9_000, first=3_001, prev=last)
    large = {fmt: peak_memory(uow, fmt) for fmt in FORMATS}
    for fmt in FORMATS:
        # Holding all 12,000 events (500-character notes) would take over 10 MB.
        assert large[fmt] < 1.25 * small[fmt] and large[fmt] < 4_000_000, (small, large)
