"""Export: events and snapshots as CSV, JSON Lines and XLSX, streamed in constant memory."""

from __future__ import annotations

import csv
import hashlib
import importlib
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
    BINARY_FORMATS,
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

TEXT_FORMATS = [fmt for fmt in FORMATS if fmt not in BINARY_FORMATS]


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

    def write(self, data: str | bytes) -> int:
        self.chars += len(data)
        return len(data)

    def flush(self) -> None:
        pass


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
    small = {fmt: peak_memory(uow, fmt) for fmt in TEXT_FORMATS}
    with uow.write() as tx:
        synthetic_trail(tx.conn, 9_000, first=3_001, prev=last)
    large = {fmt: peak_memory(uow, fmt) for fmt in TEXT_FORMATS}
    for fmt in TEXT_FORMATS:
        # Holding all 12,000 events (500-character notes) would take over 10 MB.
        assert large[fmt] < 1.25 * small[fmt] and large[fmt] < 4_000_000, (small, large)


def test_xlsx_memory_does_not_grow_with_the_trail(uow: UnitOfWork) -> None:
    """XLSX too: openpyxl's write-only sheet sends rows to a temporary file as they come.

    Fewer events than for the text formats: traced, openpyxl's cells are slow to make.
    """
    importlib.import_module("workflow.audit.xlsx")  # its import is not the export's memory

    with uow.write() as tx:
        last = synthetic_trail(tx.conn, 1_000)
    small = peak_memory(uow, "xlsx")
    with uow.write() as tx:
        synthetic_trail(tx.conn, 3_000, first=1_001, prev=last)
    large = peak_memory(uow, "xlsx")
    # Holding all 4,000 events would take over 3 MB more.
    assert large < 1.25 * small and large < 4_000_000, (small, large)


FORMULAS = ("=1+1", "+44 20 7230 1212", "-2 days", "@SUM(A1)", "\tindented", "\rreturn")


def formula_notes(uow: UnitOfWork, clock: FixedClock) -> None:
    """Updates whose notes a spreadsheet would take for formulas."""
    small_world(uow, clock)
    for note in FORMULAS:
        svc.record_update(uow, "botj-2003/R1", ILAU, note=note)


def test_csv_cells_that_start_like_formulas_are_neutralised(
    uow: UnitOfWork, clock: FixedClock
) -> None:
    """In CSV a note starting with =, +, -, @, tab or CR gets a leading '; JSON Lines keeps it."""
    formula_notes(uow, clock)
    csv_rows = parse(exported(uow, "csv"), "csv")
    assert [r["note"] for r in csv_rows[-len(FORMULAS) :]] == ["'" + n for n in FORMULAS]
    assert all(not r["note"].startswith(FORMULAS) for r in csv_rows if r["note"])
    jsonl_rows = parse(exported(uow, "jsonl"), "jsonl")
    assert [r["note"] for r in jsonl_rows[-len(FORMULAS) :]] == list(FORMULAS)
    recheck(jsonl_rows)  # byte-exact: still verifiable from JSON Lines


def xlsx_rows(uow: UnitOfWork, **kwargs: Any) -> tuple[list[Any], list[list[Any]]]:
    """The exported workbook's one sheet: its cells (for their types) and its values."""
    import openpyxl

    out = io.BytesIO()
    with uow.read() as tx:
        if "at" in kwargs:
            export_as_of(tx.conn, out, "xlsx", **kwargs)
        else:
            export_events(tx.conn, out, "xlsx", **kwargs)
    book = openpyxl.load_workbook(io.BytesIO(out.getvalue()))
    assert len(book.worksheets) == 1
    cells = [list(row) for row in book.worksheets[0].iter_rows()]
    return cells, [[c.value for c in row] for row in cells]


def test_xlsx_holds_the_events_with_text_as_text(uow: UnitOfWork, clock: FixedClock) -> None:
    """One row per event under a bold header; a note like a formula is a string cell."""
    formula_notes(uow, clock)
    cells, rows = xlsx_rows(uow)
    assert rows[0] == list(EVENT_FIELDS) and all(c.font.b for c in cells[0])
    expected = parse(exported(uow, "jsonl"), "jsonl")
    assert [dict(zip(EVENT_FIELDS, r, strict=True)) for r in rows[1:]] == expected
    notes = [row[EVENT_FIELDS.index("note")] for row in cells[-len(FORMULAS) :]]
    assert [c.value for c in notes] == list(FORMULAS)
    assert {c.data_type for c in notes} == {"s"}


def test_xlsx_snapshot_is_the_as_of_view(uow: UnitOfWork, clock: FixedClock) -> None:
    """The as-of export as a workbook: the CSV's columns and values, one row each."""
    small_world(uow, clock)
    _, rows = xlsx_rows(uow, at=clock.now())
    as_csv = parse(exported(uow, "csv", at=clock.now()), "csv")
    assert rows[0] == list(SNAPSHOT_FIELDS)
    assert [dict(zip(SNAPSHOT_FIELDS, r, strict=True)) for r in rows[1:]] == [
        {k: v or None for k, v in r.items()} for r in as_csv
    ]
