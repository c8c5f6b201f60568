"""Firing an event on a stored recommendation: load, decide, write, audit, in one transaction.

This is the engine's hot path, so its statements are prepared once (see `fastsql`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Any, TypeVar

from sqlalchemy import String, bindparam, select, type_coerce, update

from config import Rule
from states import Actor, Case, Due, Request, fire
from workflow.clock import instant_text
from workflow.errors import Conflict, OutOfOrder, UnknownPerson, UnknownRecommendation
from workflow.lifecycle.due import after_event
from workflow.plain import json_name
from workflow.store.prepared import Prepared
from workflow.store.tables import audit_event, person, recommendation, report
from workflow.store.uow import Tx, UnitOfWork

T = TypeVar("T")
_r = recommendation.c
_owner = person.alias("owner")
_actor = person.alias("actor")

_LOAD_SELECT = (
    select(
        _r.id,
        _r.code,
        _r.state,
        _r.version,
        _r.statutory,
        _r.degree,
        _r.target_date,
        _r.original_target_date,
        _r.target_assumed,
        _r.response_due,
        _r.plan_due,
        _r.update_due,
        _r.next_due,
        _r.last_update_at,
        report.c.key,
        report.c.kind,
        # As stored (JSON text on SQLite): decoded by `_bodies`, once per distinct value.
        type_coerce(report.c.responding_bodies, String),
        report.c.published,
        _owner.c.email,
        _actor.c.email,
        _actor.c.roles,
        _actor.c.active,
        # The instant of its latest event, along the trail's (rec, id) index.
        select(audit_event.c.at)
        .where(audit_event.c.rec == _r.code)
        .order_by(audit_event.c.id.desc())
        .limit(1)
        .scalar_subquery(),
    )
    .select_from(
        recommendation.join(report, report.c.id == _r.report_id)
        .outerjoin(_owner, _owner.c.id == _r.owner_id)
        .outerjoin(_actor, _actor.c.email == bindparam("actor"))
    )
    .where(_r.code == bindparam("code"))
)
_LOAD = Prepared(_LOAD_SELECT)
_HEAD = select(audit_event.c.id, audit_event.c.hash).order_by(audit_event.c.id.desc()).limit(1)
# On SQLite the chain's head comes with the load (two seeks at the end of the trail's rowid
# order, ~1 µs) instead of in a statement of its own at the flush (~10 µs): BEGIN IMMEDIATE
# holds the one write lock from the start, so it is still the head then (`Journal.head_seen`).
_LOAD_WITH_HEAD = Prepared(
    _LOAD_SELECT.add_columns(
        _HEAD.with_only_columns(audit_event.c.id).scalar_subquery(),
        _HEAD.with_only_columns(audit_event.c.hash).scalar_subquery(),
    ),
    only_on="sqlite",
)
_VERSION = Prepared(select(_r.version).where(_r.code == bindparam("code")))
_UPDATES: dict[tuple[str, ...], Prepared] = {}
# The owner is recorded by email in the event's details; the instant is the event's own.
_NOT_DIFFED = frozenset({"owner_id", "state_changed_at"})


@dataclass(slots=True)
class Loaded:
    """A recommendation as loaded for one event, with the actor who fires it."""

    id: int
    code: str
    report: str
    kind: str
    bodies: tuple[str, ...]
    statutory: bool
    version: int
    owner: str | None
    actor: Actor
    columns: dict[str, Any]
    """The current values of the columns an event may change (for the audit diff)."""
    published: date | None = None
    latest: datetime | None = None
    """The instant of its latest event."""

    @property
    def state(self) -> str:
        return str(self.columns["state"])

    @property
    def due(self) -> Due:
        c = self.columns
        return Due(c["response_due"], c["plan_due"], c["update_due"], c["target_date"])


@lru_cache(maxsize=256)
def _bodies_text(text: str) -> tuple[str, ...]:
    return tuple(json.loads(text))


def _bodies(stored: Any) -> tuple[str, ...]:
    """A report's responding bodies: JSON text on SQLite (a handful of distinct lists, so
    decoded once each), already a list from PostgreSQL's driver."""
    return _bodies_text(stored) if isinstance(stored, str) else tuple(stored)


def load(tx: Tx, code: str, actor: str) -> Loaded:
    """Recommendation `code` and the person `actor` who fires an event on it."""
    params = {"code": code, "actor": actor.strip().lower()}
    if tx.dialect == "sqlite":
        row = _LOAD_WITH_HEAD.first(tx.conn, params)
        if row is not None:
            tx.audit.head_seen(row[-2], row[-1])
            row = row[:-2]
    else:
        row = _LOAD.first(tx.conn, params)
    if row is None:
        raise UnknownRecommendation(code)
    return _loaded(row, actor)


def _loaded(row: tuple[Any, ...], actor: str) -> Loaded:
    (
        rid,
        code,
        state,
        version,
        statutory,
        degree,
        target,
        original,
        target_assumed,
        response_due,
        plan_due,
        update_due,
        next_due,
        last_update_at,
        report_key,
        kind,
        bodies,
        published,
        owner,
        actor_email,
        roles,
        active,
        latest,
    ) = row
    if actor_email is None:
        raise UnknownPerson(actor)
    return Loaded(
        id=rid,
        code=code,
        report=report_key,
        kind=kind,
        bodies=_bodies(bodies),
        statutory=bool(statutory),
        version=version,
        owner=owner,
        actor=Actor(actor_email, frozenset(roles.split()), bool(active)),
        columns={
            "state": state,
            "degree": degree,
            "target_date": target,
            "original_target_date": original,
            "target_assumed": bool(target_assumed),
            "response_due": response_due,
            "plan_due": plan_due,
            "update_due": update_due,
            "next_due": next_due,
            "last_update_at": last_update_at,
        },
        published=published,
        latest=latest,
    )


# Events that answer a report: they cannot be dated before it was published.
_ANSWERING = frozenset({"record_response", "respond", "plan"})


def check_time(tx: Tx, rec: Loaded, event: str) -> None:
    """Time moves forward on a recommendation: no event before its latest one, and no
    answer to a report dated before the report itself."""
    if rec.latest is not None and tx.now < rec.latest:
        raise OutOfOrder(
            f"{rec.code}: this {event.replace('_', ' ')} would be dated {instant_text(tx.now)}, "
            f"before its latest event ({instant_text(rec.latest)}): time moves forward"
        )
    if event in _ANSWERING and rec.published is not None and tx.today < rec.published:
        raise OutOfOrder(
            f"{rec.code}: a {event.replace('_', ' ')} dated {tx.today} comes before the report "
            f"was published ({rec.published})"
        )


@dataclass(slots=True)
class Effect:
    """What an event does besides moving the state: columns to set, details for the trail."""

    columns: dict[str, Any] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    """The result of one event, as reported to the caller."""

    rec: str = field(metadata=json_name("id"))
    event: str
    from_state: str = field(metadata=json_name("from"))
    to_state: str = field(metadata=json_name("to"))
    version: int


Facts = Callable[[Tx, Loaded, Case], None]
Apply = Callable[[Tx, Loaded, Case, Request], Effect]


def transition(
    tx: Tx,
    code: str,
    event: str,
    actor: str,
    *,
    expected_version: int | None = None,
    facts: tuple[Facts, ...] = (),
    apply: Apply | None = None,
    **request: Any,
) -> Outcome:
    """Fire `event` on recommendation `code` inside `tx`; raise, changing nothing, if refused.

    Loads the recommendation and the actor, lets the machine decide (permission, state,
    guards, with the `facts` loaded into the case), then `apply` makes the event's own
    changes; the state, due dates and version are written, and the audit event appended.
    """
    rec = load(tx, code, actor)
    check_time(tx, rec, event)
    if expected_version is not None and expected_version != rec.version:
        raise Conflict(code, expected_version, rec.version)
    rule = tx.rules.for_recommendation(rec.kind, rec.statutory)
    case = Case(
        state=rec.state,
        owner=rec.owner,
        degree=rec.columns["degree"],
        responding_bodies=rec.bodies,
        target=rec.columns["target_date"],
        complete_from_in_progress=rule.complete_from_in_progress,
    )
    for load_facts in facts:
        load_facts(tx, rec, case)
    req = Request(
        actor=rec.actor,
        today=tx.today,
        horizon_days=rule.plan_horizon_days,
        subject=code,
        **request,
    )
    before = rec.state
    after = fire(event, case, req)
    effect = apply(tx, rec, case, req) if apply is not None else Effect()
    columns = _columns(tx, rec, event, after, effect, rule)
    write(tx, rec, columns)
    tx.audit.append(
        actor=rec.actor.email,
        event=event,
        rec=code,
        report=rec.report,
        from_state=before,
        to_state=after,
        note=effect.note if effect.note is not None else req.note or req.reason,
        changes={**_changed(rec, columns), **effect.details},
    )
    return Outcome(code, event, before, after, rec.version + 1)


def _columns(
    tx: Tx, rec: Loaded, event: str, after: str, effect: Effect, rule: Rule
) -> dict[str, Any]:
    """The columns to write: the event's own, the new state, and the due dates it leaves."""
    target = effect.columns.get("target_date", rec.columns["target_date"])
    due = after_event(event, after, rec.due, target, tx.today, rule)
    columns = {
        **effect.columns,
        "state": after,
        "response_due": due.response,
        "plan_due": due.plan,
        "update_due": due.update,
        "next_due": due.next,
    }
    if after != rec.state:
        columns["state_changed_at"] = tx.now
    return columns


def _changed(rec: Loaded, columns: dict[str, Any]) -> dict[str, list[Any]]:
    """The columns that change, as `[old, new]`, for the audit trail."""
    return {
        k: [rec.columns.get(k), v]
        for k, v in columns.items()
        if k not in _NOT_DIFFED and rec.columns.get(k) != v
    }


def fire_event(
    uow: UnitOfWork,
    code: str,
    event: str,
    actor: str,
    *,
    expected_version: int | None = None,
    facts: tuple[Facts, ...] = (),
    apply: Apply | None = None,
    **request: Any,
) -> Outcome:
    """Fire `event` on recommendation `code` in a transaction of its own (see `transition`),
    retried as `with_retries` says."""
    return with_retries(
        uow,
        code,
        lambda tx: transition(
            tx,
            code,
            event,
            actor,
            expected_version=expected_version,
            facts=facts,
            apply=apply,
            **request,
        ),
        pinned=expected_version is not None,
    )


_LOCK = Prepared(select(_r.id).where(_r.code == bindparam("code")).with_for_update())


def with_retries(uow: UnitOfWork, code: str, work: Callable[[Tx], T], *, pinned: bool) -> T:
    """Run `work` on recommendation `code` in a write transaction. If a concurrent change
    came first, and the caller did not pin the version they saw, run it once more: holding
    the row this time (on PostgreSQL; SQLite writers queue anyway), so that no other writer
    can come between loading it again, checking its guards again and writing it."""
    try:
        with uow.write() as tx:
            return work(tx)
    except Conflict:
        if pinned:
            raise
    with uow.write() as tx:
        _LOCK.first(tx.conn, {"code": code})
        return work(tx)


def write(tx: Tx, rec: Loaded, columns: dict[str, Any]) -> None:
    """Update the row if nobody changed it since it was loaded, else raise Conflict. Only
    the columns whose values change are set (and the version): SQLite then leaves alone the
    indexes over the others, and the statement binds less."""
    loaded = rec.columns
    changed = {k: v for k, v in columns.items() if k not in loaded or loaded[k] != v}
    keys = tuple(sorted(changed))
    stmt = _UPDATES.get(keys)
    if stmt is None:
        stmt = _UPDATES[keys] = Prepared(
            update(recommendation).where(
                _r.id == bindparam("_id"), _r.version == bindparam("_version")
            ),
            column_keys=[*keys, "version"],
        )
    matched = stmt.execute(
        tx.conn, {**changed, "version": rec.version + 1, "_id": rec.id, "_version": rec.version}
    )
    if matched != 1:
        found = _VERSION.first(tx.conn, {"code": rec.code})
        raise Conflict(rec.code, rec.version, found[0] if found else None)
