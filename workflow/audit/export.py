"""Export of the trail and of point-in-time snapshots, as CSV, JSON Lines or XLSX, streamed.

Rows are fetched in batches (`yield_per`: a server-side cursor on PostgreSQL) and written as
they come, so memory stays flat however long the trail is. The option is set on the statement,
never with `Connection.execution_options`: in SQLAlchemy 2 that changes the connection in
place, and the unit of work's later INSERTs would then be sent through a server-side cursor.

Events are written with `at` and `changes` exactly as they were hashed (`instant_text`, and
the canonical JSON text), beside `prev_hash` and `hash`: whoever receives an export can check
the chain with nothing but SHA-256 and a JSON encoder.

JSON Lines is byte-exact, for that re-verification. CSV and XLSX are for spreadsheets, where
a cell starting with `=` (or `+`, `-`, `@` in CSV) would run as a formula: a CSV cell starting
with one of those, a tab or a carriage return gets a leading `'` (OWASP's advice), so such a
row can no longer be re-verified from the CSV; XLSX cells are marked as text (`audit.xlsx`).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import IO, Any, Literal

from sqlalchemy import Connection

from workflow.audit.asof import StateAt, iter_as_of, report_as_of
from workflow.audit.query import AuditQuery, events_select
from workflow.clock import instant_text
from workflow.plain import plain

Format = Literal["csv", "jsonl", "xlsx"]
FORMATS: tuple[Format, ...] = ("csv", "jsonl", "xlsx")
BINARY_FORMATS: tuple[Format, ...] = ("xlsx",)  # written to a binary file, never to stdout

EVENT_FIELDS = (
    "id",
    "at",
    "actor",
    "event",
    "rec",
    "report",
    "from_state",
    "to_state",
    "note",
    "changes",
    "prev_hash",
    "hash",
)
SNAPSHOT_FIELDS = (
    "id",
    "state",
    "owner",
    "degree",
    "due_response",
    "due_plan",
    "due_update",
    "due_target",
)
# Column widths in an XLSX sheet, in characters.
_WIDTHS = {"id": 8, "at": 28, "actor": 28, "note": 50, "changes": 50, "prev_hash": 66, "hash": 66}
_BATCH = 1000
# What a spreadsheet would take for the start of a formula (or, tab and CR, shift into one).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def export_events(
    conn: Connection, out: IO[Any], fmt: Format, query: AuditQuery | None = None
) -> int:
    """Write the events matching `query` (all, by default) in chain order; returns the count.

    `out` is a text stream for CSV and JSON Lines, a binary one for XLSX.
    """
    stmt = events_select(query or AuditQuery())
    result = conn.execute(stmt.execution_options(yield_per=_BATCH))
    try:
        rows = ({**r._mapping, "at": instant_text(r.at)} for r in result)
        return _write(out, fmt, EVENT_FIELDS, rows, flat=lambda r: r, title="events")
    finally:
        result.close()


def export_as_of(
    conn: Connection, out: IO[Any], fmt: Format, at: datetime, report_key: str | None = None
) -> int:
    """Write every recommendation (or one report's) as it stood at `at`; returns the count."""
    states: Iterable[StateAt] = (
        report_as_of(conn, at, report_key) if report_key is not None else iter_as_of(conn, at)
    )
    rows = (plain(s) for s in states)
    return _write(out, fmt, SNAPSHOT_FIELDS, rows, flat=_flat_snapshot, title="as of")


def _flat_snapshot(row: dict[str, Any]) -> dict[str, Any]:
    due = row.pop("due")
    return {**row, **{f"due_{k}": v for k, v in due.items()}}


def neutralised(value: object) -> object:
    """A CSV cell that a spreadsheet will not run: text starting like a formula gets a `'`."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _write(
    out: IO[Any],
    fmt: Format,
    fields: tuple[str, ...],
    rows: Iterable[dict[str, Any]],
    flat: Callable[[dict[str, Any]], dict[str, Any]],
    title: str,
) -> int:
    count = 0
    if fmt == "csv":
        # RFC 4180 (CRLF line ends): open files with newline="" so nothing translates them.
        writer = csv.DictWriter(out, fieldnames=fields)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: neutralised(v) for k, v in flat(row).items()})
            count += 1
    elif fmt == "xlsx":
        from workflow.audit.xlsx import write_rows

        widths = [_WIDTHS.get(f, 18) for f in fields]
        values = ([cells[f] for f in fields] for cells in map(flat, rows))
        count = write_rows(out, title, fields, values, widths)
    elif fmt == "jsonl":
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    else:
        raise ValueError(f"unknown export format {fmt!r}")
    return count
