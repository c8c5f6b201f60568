"""Proof that the recommendations were not changed behind the trail's back: replay it.

The chain proves the trail was not altered; it says nothing of the `recommendation` table,
which `rec show`, the sweep and the papers read. Someone with database access can
`UPDATE recommendation SET state = 'complete'`, and `audit as-of` (a replay) and `rec show`
(the table) then disagree. So `audit verify` also folds every recommendation's events, in
chain order, and compares the result with its stored row: state, owner, degree met, version,
every due date, and whether its target is assumed. The first recommendation that differs is
named.

One streamed query reads the events along the (rec, id) index, one recommendation at a time;
the stored rows are fetched for a batch of folded recommendations at once by their unique
code. Memory is one batch, whatever the size of the trail.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, bindparam, exists, func, select

from states import EVENTS
from workflow.audit.asof import FOLDED, Fold
from workflow.audit.verify import Anchor, Verdict, verify_chain
from workflow.store.tables import audit_event, person, recommendation

_t = audit_event.c
_r = recommendation.c
DATES = ("response_due", "plan_due", "update_due", "target_date", "next_due")
COMPARED = ("state", "owner", "degree", "version", *DATES, "target_assumed")
# Events that move a recommendation through the machine; each wrote its row once.
_MOVES = frozenset(EVENTS)
_SYSTEM = "system"
_BATCH = 2000

_EVENTS = (
    select(_t.rec, _t.event, _t.actor, _t.to_state, _t.changes)
    .where(_t.rec.is_not(None))
    .order_by(_t.rec, _t.id)
)
_owner = person.alias("owner")
_STORED = (
    select(
        _r.code,
        _r.state,
        _owner.c.email,
        _r.degree,
        _r.version,
        *(_r[d] for d in DATES),
        _r.target_assumed,
    )
    .select_from(recommendation.outerjoin(_owner, _owner.c.id == _r.owner_id))
    .where(_r.code.in_(bindparam("codes", expanding=True)))
)
_UNTRACED = select(_r.code).where(~exists().where(_t.rec == _r.code, _t.event == "raise")).limit(1)


@dataclass(frozen=True, slots=True)
class Difference:
    """A recommendation whose stored row is not what its trail says."""

    rec: str
    problem: str


class Replay(Fold):
    """One recommendation's trail folded as as-of folds it, with its due date to chase next
    and its version: one for the raise, one more for each event a person fires on it (the
    sweep's escalations are recorded on it by a system actor without touching its row)."""

    KEYS = (*FOLDED, "next_due")
    _MARKERS = tuple(f'"{k}"' for k in KEYS)
    __slots__ = ("raised", "version")

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.raised = False
        self.version = 0

    def apply_event(self, event: str, actor: str, to_state: str | None, changes: str) -> None:
        if event == "raise":
            self.raised, self.version = True, 1
        elif event in _MOVES and not actor.startswith(_SYSTEM):
            self.version += 1
        self.apply(event, to_state, changes)

    def compared(self) -> dict[str, Any]:
        """What `audit verify` compares with the stored row, by column."""
        return {"state": self.state, "version": self.version, **self.values}


def replays(conn: Connection) -> Iterator[Replay]:
    """Every recommendation's trail, folded, streamed in the database's (rec) order."""
    rows = conn.execute(_EVENTS.execution_options(yield_per=_BATCH))
    try:
        replay: Replay | None = None
        for code, event, actor, to_state, changes in rows:
            if replay is None or replay.code != code:
                if replay is not None:
                    yield replay
                replay = Replay(code)
            replay.apply_event(event, actor, to_state, changes)
        if replay is not None:
            yield replay
    finally:
        rows.close()


def check_projection(conn: Connection) -> tuple[int, Difference | None]:
    """How many recommendations agree with their trail, and the first that does not."""
    agreed = 0
    for batch in _batches(r for r in replays(conn) if r.raised):
        stored = {row[0]: row for row in conn.execute(_STORED, {"codes": [r.code for r in batch]})}
        for replay in batch:
            difference = compare(replay, stored.get(replay.code))
            if difference is not None:
                return agreed, difference
            agreed += 1
    total = conn.execute(select(func.count()).select_from(recommendation)).scalar_one()
    if total != agreed:
        code = conn.execute(_UNTRACED).scalar()
        return agreed, Difference(str(code), "it is stored but the trail never raised it")
    return agreed, None


def compare(replay: Replay, row: Sequence[Any] | None) -> Difference | None:
    """The first of the compared values where the stored row and the replay differ."""
    if row is None:
        return Difference(replay.code, "the trail raised it but it is not stored")
    replayed_values = replay.compared()
    for name, stored in zip(COMPARED, row[1:], strict=True):
        shown = stored.isoformat() if name in DATES and stored is not None else stored
        if name == "target_assumed":
            shown = bool(stored)
        replayed = replayed_values[name]
        if shown != replayed:
            return Difference(
                replay.code, f"its {name} is {_text(shown)} but its trail gives {_text(replayed)}"
            )
    return None


def _text(value: Any) -> str:
    return "none" if value is None else str(value)


def _batches(replays: Iterable[Replay]) -> Iterator[list[Replay]]:
    batch: list[Replay] = []
    for replay in replays:
        batch.append(replay)
        if len(batch) == _BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def verify(conn: Connection, anchors: Iterable[Anchor] = ()) -> Verdict:
    """`audit verify`: the chain first; if it holds, every recommendation against it."""
    chain = verify_chain(conn, anchors)
    if not chain.ok:
        return chain
    agreed, difference = check_projection(conn)
    if difference is not None:
        return Verdict(ok=False, rec=difference.rec, problem=difference.problem)
    return Verdict(events=chain.events, recommendations=agreed)
