"""Proof that the trail was not altered: walk the hash chain and name the first break.

Each event's hash covers its content, its position (`id`) and the previous event's hash. A
walk in id order, holding one event and a short window of recent hashes, tells apart:

- a gap in the ids: events were deleted;
- an event whose hash does not match its content: it was altered (or, if the hash matches
  the content at another position, it was moved: events before it were inserted, deleted
  or reordered);
- an event that matches its own hash but does not link to its predecessor: the predecessor
  was altered and its hash recomputed (or the event was moved or forged with a wrong link).

Someone who can write to the database can still recompute every hash after the event they
altered. Only a hash kept outside the database catches that: `chain_head` gives the
(id, hash) to write into, say, a committee's minutes, and an `Anchor` checks it later.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, String, select, type_coerce

from workflow.audit.trail import GENESIS, content_hash
from workflow.clock import instant_text
from workflow.errors import BadInput
from workflow.plain import OMIT_DEFAULT
from workflow.store.tables import audit_event

_t = audit_event.c
_CHAIN = select(
    _t.id,
    # Uncoerced: on SQLite anyone holding the file can write anything here, and a value that
    # is no instant must fail its hash, not stop the walk (see `_at_text`).
    type_coerce(_t.at, String),
    _t.actor,
    _t.event,
    _t.rec,
    _t.report,
    _t.from_state,
    _t.to_state,
    _t.note,
    _t.changes,
    _t.prev_hash,
    _t.hash,
).order_by(_t.id)
_BATCH = 10_000
# Hashes of the last events walked: enough to recognise an event chained after a near
# predecessor, in constant memory.
_WINDOW = 64
# Positions either side at which a mismatching event is tried, to tell "moved" from "altered".
_MOVED_REACH = 8
_ANCHOR = re.compile(r"^(\d+):([0-9a-f]{64})$")

ChainRow = tuple[Any, ...]
"""(id, at as instant_text, actor, event, rec, report, from, to, note, changes, prev, hash)."""


@dataclass(frozen=True, slots=True)
class Anchor:
    """An event's id and hash recorded outside the database."""

    id: int
    hash: str

    def __str__(self) -> str:
        return f"{self.id}:{self.hash}"


def parse_anchor(text: str) -> Anchor:
    """`ID:HASH` as printed by `rectrack audit head`."""
    m = _ANCHOR.match(text.strip().lower())
    if not m or int(m[1]) < 1:
        raise BadInput(f"not an anchor (ID:HASH, as `rectrack audit head` prints): {text!r}")
    return Anchor(int(m[1]), m[2])


@dataclass(frozen=True, slots=True)
class Verdict:
    """The outcome of a walk: the trail is intact, with so many events, or broken at the first
    bad event, for a reason."""

    events: int | None = field(default=None, metadata=OMIT_DEFAULT)
    recommendations: int | None = field(default=None, metadata=OMIT_DEFAULT)
    """How many recommendations were found to agree with their trail (when replayed)."""
    ok: bool = True
    first_bad: int | None = field(default=None, metadata=OMIT_DEFAULT)
    rec: str | None = field(default=None, metadata=OMIT_DEFAULT)
    """The first recommendation whose stored row differs from its trail."""
    problem: str | None = field(default=None, metadata=OMIT_DEFAULT)

    @classmethod
    def intact(cls, events: int) -> Verdict:
        return cls(events)

    @classmethod
    def broken(cls, first_bad: int, problem: str) -> Verdict:
        return cls(ok=False, first_bad=first_bad, problem=problem)


def verify_chain(conn: Connection, anchors: Iterable[Anchor] = ()) -> Verdict:
    """Walk the whole trail in id order, in constant memory, in one query."""
    result = conn.execute(_CHAIN.execution_options(yield_per=_BATCH))
    try:
        return check_chain(((r[0], _at_text(r[1]), *r[2:]) for r in result), anchors)
    finally:
        result.close()


def _at_text(value: Any) -> Any:
    """`at` spelled as it was hashed; anything that is no instant is left as it is."""
    if isinstance(value, str):  # SQLite keeps UTC as text, without an offset
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime):
        return instant_text(value if value.tzinfo else value.replace(tzinfo=UTC))
    return value


def check_chain(rows: Iterable[ChainRow], anchors: Iterable[Anchor] = ()) -> Verdict:
    """The walk itself, over rows in id order (see `ChainRow`)."""
    pinned = {a.id: a.hash for a in anchors}
    expected, prev = 1, GENESIS
    recent: dict[str, int] = {}
    window: deque[str] = deque()
    times: dict[str, tuple[str, int]] = {}  # each recommendation's latest (at, event)
    for row in rows:
        seq, stored_prev, stored = row[0], row[10], row[11]
        if seq != expected:
            return _gap(expected, seq)
        backwards = _backwards(times, row)
        if backwards is not None:
            return backwards
        if content_hash(*row[:11]) != stored:
            return Verdict.broken(*_altered(row))
        if stored_prev != prev:
            return Verdict.broken(*_unlinked(seq, stored_prev, recent))
        if pinned.get(seq, stored) != stored:
            return Verdict.broken(
                seq,
                f"event {seq} does not match the anchor (its hash is {stored[:12]}…, the "
                f"anchor says {pinned[seq][:12]}…): the chain was rewritten at or before it",
            )
        recent[stored] = seq
        window.append(stored)
        if len(window) > _WINDOW:
            recent.pop(window.popleft(), None)
        expected, prev = seq + 1, stored
    last = expected - 1
    beyond = max((i for i in pinned if i > last), default=None)
    if beyond is not None:
        return Verdict.broken(
            last + 1,
            f"the trail ends at event {last}, but an anchor names event {beyond}: "
            f"{_span(last + 1, beyond)} deleted",
        )
    return Verdict.intact(last)


def _backwards(times: dict[str, tuple[str, int]], row: ChainRow) -> Verdict | None:
    """Events of one recommendation are never dated before the one before them."""
    seq, at, rec = row[0], row[1], row[4]
    if rec is None:
        return None
    before = times.get(rec)
    if before is not None and at < before[0]:
        return Verdict.broken(
            seq,
            f"event {seq} of {rec} is dated {at}, before its event {before[1]} ({before[0]}): "
            "time went backwards",
        )
    times[rec] = (at, seq)
    return None


def _span(first: int, last: int) -> str:
    return f"event {first} was" if first == last else f"events {first} to {last} were"


def _gap(expected: int, seq: int) -> Verdict:
    if seq < expected:  # ids are unique and walked in order: only a number below 1 can do this
        return Verdict.broken(seq, f"event {seq} is numbered outside the chain")
    where = (
        f"the chain goes from event {expected - 1} to event {seq}"
        if expected > 1
        else (f"the chain starts at event {seq}")
    )
    return Verdict.broken(expected, f"{_span(expected, seq - 1)} deleted: {where}")


def _altered(row: ChainRow) -> tuple[int, str]:
    seq = row[0]
    for other in _nearby(seq):
        if content_hash(other, *row[1:11]) == row[11]:
            if other < seq:
                return other, (
                    f"event {seq} was written as event {other}: "
                    f"{_span(other, seq - 1)} inserted before it"
                )
            return seq, (
                f"event {seq} was written as event {other}: "
                "an event before it was deleted, or events were reordered"
            )
    return seq, f"event {seq} was altered: its content does not match its hash"


def _nearby(seq: int) -> Iterator[int]:
    for distance in range(1, _MOVED_REACH + 1):
        for other in (seq - distance, seq + distance):
            if other >= 1:
                yield other


def _unlinked(seq: int, stored_prev: str, recent: Mapping[str, int]) -> tuple[int, str]:
    linked_to = 0 if stored_prev == GENESIS else recent.get(stored_prev)
    if linked_to is not None:
        return linked_to + 1, (
            f"event {seq} is chained after "
            + (f"event {linked_to}" if linked_to else "the start of the trail")
            + f", not after event {seq - 1}: {_span(linked_to + 1, seq - 1)} inserted, "
            f"or event {seq} was moved"
        )
    if seq == 1:
        return 1, "event 1 is not chained to the start of the trail: it was altered"
    return seq - 1, (
        f"event {seq - 1} was altered and its hash recomputed: event {seq} was chained to a "
        f"different hash for it (or event {seq} was forged with a wrong link)"
    )
