"""Committee decisions: what a committee decided at a meeting about one recommendation, with
an owner and a date (the Board "directs action" on escalated recommendations). Open until
its owner, or the ILAU or a secretary, records it done; its next agendas list it, its owner's
digest reminds them of it, and a missed date is escalated like any other (see the sweep).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Select, insert, or_, select, update

from states import NotPermitted, authorise
from workflow.clock import check_day
from workflow.directory.committees import get_committee, insert_meeting
from workflow.directory.people import acting_as, get_person
from workflow.errors import AlreadyExists, BadInput, OutOfOrder, UnknownRecommendation
from workflow.plain import INTERNAL
from workflow.store.governance import decision
from workflow.store.tables import committee, person, recommendation, report
from workflow.store.uow import Tx, UnitOfWork

_d = decision.c
PERMISSION = "decision.record"


class UnknownDecision(BadInput):
    def __init__(self, decision_id: int) -> None:
        super().__init__(f"no decision {decision_id}")


class BadDecision(BadInput):
    """One input of a new decision refused: `field` names it as the API's body and the web's
    form do (committee, meeting, rec, text, owner, due), so that either can point at it."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        super().__init__(problem)


@dataclass(frozen=True, slots=True)
class Decision:
    """A committee's decision as listed: at which meeting, about which recommendation, what,
    for whom by when, and when it was done (None: still open)."""

    id: int
    committee: str
    meeting: date
    rec: str
    text: str
    owner: str
    due: date
    done_at: datetime | None
    owner_name: str = field(default="", metadata=INTERNAL)
    done_by: str | None = field(default=None, metadata=INTERNAL)
    created_at: datetime | None = field(default=None, metadata=INTERNAL)
    owner_title: str | None = field(default=None, metadata=INTERNAL)

    def open_at(self, at: datetime) -> bool:
        """Whether it was still open at `at`."""
        return self.done_at is None or self.done_at > at


def _select() -> Select[Any]:
    return (
        select(
            _d.id,
            committee.c.name,
            _d.meeting,
            recommendation.c.code,
            _d.text,
            person.c.email,
            _d.due,
            _d.done_at,
            person.c.name,
            _d.done_by,
            _d.created_at,
            person.c.title,
        )
        .join(committee, committee.c.id == _d.committee_id)
        .join(recommendation, recommendation.c.id == _d.rec_id)
        .join(person, person.c.id == _d.owner_id)
        .order_by(_d.due, _d.id)
    )


def _one(conn: Connection, decision_id: int) -> Decision:
    row = conn.execute(_select().where(_d.id == decision_id)).first()
    if row is None:
        raise UnknownDecision(decision_id)
    return Decision(*row)


def _recommendation(conn: Connection, code: str) -> Any:
    code = code.strip()
    row = conn.execute(
        select(recommendation.c.id, recommendation.c.code, report.c.key)
        .join(report, report.c.id == recommendation.c.report_id)
        .where(recommendation.c.code == code)
    ).first()
    if row is None:
        raise UnknownRecommendation(code)
    return row


def _check_dates(tx: Tx, meeting: date, due: date) -> None:
    for name, day in (("meeting", meeting), ("due", due)):
        try:
            check_day(day, name)
        except BadInput as exc:
            raise BadDecision(name, str(exc)) from None
    if meeting > tx.today:
        raise BadDecision(
            "meeting",
            f"meeting {meeting}: a decision is recorded once its meeting has been held "
            f"(today is {tx.today})",
        )
    if due < meeting:
        raise BadDecision("due", f"due {due} is before the meeting ({meeting}) that decided it")


def add_decision(
    uow: UnitOfWork,
    committee_name: str,
    *,
    meeting: date,
    rec: str,
    text: str,
    owner: str,
    due: date,
    actor: str | None,
) -> Decision:
    """Record what `committee_name` decided at its meeting on `meeting` about `rec`: `text`,
    for `owner` to do by `due` (ilau or secretary). The meeting is added if not yet known."""
    words = " ".join(text.split())
    if not words:
        raise BadDecision("text", "text: say what was decided")
    with uow.write() as tx:
        recorded = acting_as(tx, actor, PERMISSION)
        com = get_committee(tx.conn, committee_name)
        found = _recommendation(tx.conn, rec)
        who = get_person(tx.conn, owner)
        if not who.active:
            raise BadDecision(
                "owner", f"{who.email} is not active: a decision needs an active owner"
            )
        _check_dates(tx, meeting, due)
        insert_meeting(tx, com, meeting, recorded)
        new_id: int = tx.conn.execute(
            insert(decision)
            .values(
                committee_id=com.id,
                meeting=meeting,
                rec_id=found.id,
                text=words,
                owner_id=who.id,
                due=due,
                created_at=tx.now,
                created_by=recorded,
            )
            .returning(_d.id)
        ).scalar_one()
        tx.audit.append(
            actor=recorded,
            event="decision.add",
            rec=found.code,
            report=found.key,
            note=words,
            changes={
                "decision": {
                    "id": new_id,
                    "committee": com.name,
                    "meeting": meeting,
                    "text": words,
                    "owner": who.email,
                    "due": due,
                }
            },
        )
        return _one(tx.conn, new_id)


def _may_close(tx: Tx, actor: str, found: Decision) -> str:
    """Who records `found` as done: its owner, or whoever may record decisions."""
    who = get_person(tx.conn, actor).actor
    if who.active and who.email == found.owner:
        return who.email
    try:
        authorise(PERMISSION, None, who)
    except NotPermitted as refused:
        why = refused.why if not who.active else "only its owner, ilau or secretary may"
        raise NotPermitted("decision.done", who.email, why) from None
    return who.email


def done_decision(uow: UnitOfWork, decision_id: int, *, actor: str) -> Decision:
    """Record decision `decision_id` as done (its owner, ilau or secretary); refused if it
    was done already."""
    with uow.write() as tx:
        found = _one(tx.conn, decision_id)
        recorded = _may_close(tx, actor, found)
        if found.created_at is not None and tx.now < found.created_at:
            raise OutOfOrder(f"decision {decision_id} was recorded after {tx.now:%Y-%m-%d %H:%M}")
        closed = tx.conn.execute(
            update(decision)
            .where(_d.id == decision_id, _d.done_at.is_(None))
            .values(done_at=tx.now, done_by=recorded)
            .returning(_d.id)
        ).first()
        if closed is None:  # done meanwhile, or before
            done = _one(tx.conn, decision_id)
            raise AlreadyExists(
                f"decision {decision_id} was done already ({done.done_at:%Y-%m-%d} by "
                f"{done.done_by})"
            )
        tx.audit.append(
            actor=recorded,
            event="decision.done",
            rec=found.rec,
            report=found.rec.split("/")[0],
            changes={"decision": {"id": decision_id, "committee": found.committee}},
        )
        return _one(tx.conn, decision_id)


def list_decisions(
    uow: UnitOfWork,
    *,
    open_only: bool = False,
    committee_name: str | None = None,
    rec: str | None = None,
    owner: str | None = None,
) -> list[Decision]:
    """Decisions, the earliest due first; with `open_only`, those not yet done; with `rec`,
    those about that recommendation; with `owner`, those that person owns."""
    with uow.read() as tx:
        committee_id = get_committee(tx.conn, committee_name).id if committee_name else None
        stmt = _select()
        if open_only:
            stmt = stmt.where(_d.done_at.is_(None))
        if committee_id is not None:
            stmt = stmt.where(_d.committee_id == committee_id)
        if rec is not None:
            stmt = stmt.where(recommendation.c.code == rec)
        if owner is not None:
            stmt = stmt.where(person.c.email == owner)
        return [Decision(*row) for row in tx.conn.execute(stmt)]


def decisions_to_hear(
    conn: Connection, committee_id: int, meeting: date, at: datetime, since: datetime
) -> list[Decision]:
    """What a committee's meeting on `meeting` hears of its earlier decisions, as they stood
    at `at`: those of earlier meetings recorded by then and open then, or done since `since`."""
    stmt = _select().where(
        _d.committee_id == committee_id,
        _d.meeting < meeting,
        _d.created_at <= at,
        or_(_d.done_at.is_(None), _d.done_at > at, _d.done_at >= since),
    )
    return [Decision(*row) for row in conn.execute(stmt)]
