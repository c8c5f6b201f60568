"""What is owed, by whom and by when: the sweep's candidates.

They come from the (state, next_due) and action target indexes, so the cost grows with what
is due, not with what is stored; and only from the states in which the machine lets each
deadline run (`Policy`), so that changing the transitions changes what the sweep may do.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import Date, Select, Text, bindparam, cast, select
from transitions import Machine

from config import Rule
from states import MACHINE, running_states, sources
from workflow.lifecycle.due import add_days
from workflow.store.governance import decision
from workflow.store.prepared import Prepared
from workflow.store.tables import action, committee, person, recommendation, report
from workflow.store.uow import Tx

# Where each kind of deadline is stored.
COLUMNS = {
    "response": "response_due",
    "plan": "plan_due",
    "update": "update_due",
    "target": "target_date",
}
WHAT = {
    "response": "record the response of each responding body ({bodies})",
    "plan": "agree the implementation plan: actions, each with an owner and a target date",
    "update": "send a progress update, with the degree to which it is met",
    "target": "complete the implementation, or ask for a revised target date with a reason",
    "action": "finish action {number}: {text}",
    "decision": "do what the {committee} decided on {meeting} (decision {id}): {text}",
}

Rules = dict[tuple[str, bool], Rule]


@dataclass(frozen=True, slots=True)
class Policy:
    """What the machine lets the sweep chase: the states in which each deadline runs, those
    in which plan actions are open to be done, and those from which `escalate` can fire."""

    running: dict[str, frozenset[str]]
    actions: frozenset[str]
    escalate: frozenset[str]

    @classmethod
    def of(cls, machine: Machine = MACHINE) -> Policy:
        return cls(
            running_states(machine),
            frozenset(sources("action_done", machine)),
            frozenset(sources("escalate", machine)),
        )

    @property
    def chased(self) -> frozenset[str]:
        """The states in which some deadline runs."""
        chased: frozenset[str] = frozenset().union(*self.running.values())
        return chased


# Not frozen: the sweep makes thousands, and a frozen dataclass is five times slower to make.
@dataclass(slots=True)
class Obligation:
    """One thing owed on a date: a deadline of a recommendation, or an action of its plan."""

    rec_id: int
    rec: str
    subject: str | None
    state: str
    kind: str  # a deadline's kind, or "action"
    due: date
    rule: Rule
    recipient: tuple[str, str] | None  # (email, name) of an active owner
    what: str
    key: str  # "update:2004-02-25", "action:2:2004-04-30"
    action: int | None = None
    owner: str | None = None  # the recommendation's owner, active or not
    group: str | None = None  # the owner's business group


@lru_cache(maxsize=256)
def _what(deadline: str, bodies: str) -> str:
    """What the owner is asked to do, `bodies` being the report's responding bodies (JSON)."""
    if deadline != "response":
        return WHAT[deadline]
    return WHAT[deadline].format(bodies=", ".join(json.loads(bodies)))


def rule_table(tx: Tx) -> tuple[Rules, date]:
    """The rule of every (report kind, statutory) pair, and the widest reminder horizon."""
    kinds = list(tx.conn.execute(select(report.c.kind).distinct()).scalars())
    rules = {(k, s): tx.rules.for_recommendation(k, s) for k in kinds for s in (False, True)}
    horizon = max(
        (add_days(tx.today, r.remind_before_days, r.working_days) for r in rules.values()),
        default=tx.today,
    )
    return rules, horizon


def _deadlines_select(chased: frozenset[str]) -> Prepared:
    r = recommendation.c
    return Prepared(
        select(
            r.id,
            r.code,
            r.subject,
            r.state,
            r.statutory,
            report.c.kind,
            # As stored: only a response deadline needs the bodies read (see `_what`).
            cast(report.c.responding_bodies, Text),
            person.c.email,
            person.c.name,
            person.c.active,
            person.c.group_name,
            *(r[column] for column in COLUMNS.values()),
        )
        .join(report, report.c.id == r.report_id)
        .outerjoin(person, person.c.id == r.owner_id)
        # The candidates come from the (state, next_due) index alone, as a subquery: joined
        # directly, SQLite's planner may start from the report table and scan every row.
        .where(
            r.id.in_(
                select(recommendation.c.id).where(
                    recommendation.c.state.in_(sorted(chased)),
                    recommendation.c.next_due <= bindparam("horizon", None, type_=Date),
                )
            )
        )
    )


# The sweep's one scan runs on the prepared path: it reads thousands of rows.
_DEADLINES: dict[frozenset[str], Prepared] = {}


def deadlines_due(tx: Tx, rules: Rules, horizon: date, policy: Policy) -> Iterator[Obligation]:
    """Every running deadline by `horizon` of a recommendation with something due by then."""
    chased = policy.chased
    query = _DEADLINES.get(chased) or _DEADLINES.setdefault(chased, _deadlines_select(chased))
    kinds = tuple(COLUMNS)
    for row in query.all(tx.conn, {"horizon": horizon}):
        rec_id, code, subject, state, statutory, kind, bodies, email, name, active, group = row[:11]
        recipient = (email, name) if email and active else None
        for deadline, due in zip(kinds, row[11:], strict=True):
            # Beyond the horizon a date is neither reminded nor escalated yet.
            if due is None or due > horizon or state not in policy.running[deadline]:
                continue
            yield Obligation(
                rec_id,
                code,
                subject,
                state,
                deadline,
                due,
                rules[(kind, bool(statutory))],
                recipient,
                _what(deadline, bodies),
                f"{deadline}:{due}",
                owner=email,
                group=group,
            )


def actions_due(tx: Tx, rules: Rules, horizon: date, policy: Policy) -> Iterator[Obligation]:
    """Every open action of a plan being implemented, with a target date by `horizon`."""
    a, r = action.c, recommendation.c
    rows = tx.conn.execute(
        select(
            r.id,
            r.code,
            r.subject,
            r.state,
            r.statutory,
            report.c.kind,
            a.number,
            a.text,
            a.target_date,
            person.c.email,
            person.c.name,
            person.c.active,
        )
        .join(recommendation, r.id == a.rec_id)
        .join(report, report.c.id == r.report_id)
        .join(person, person.c.id == a.owner_id)
        .where(
            a.id.in_(  # from the target_date index alone, as above
                select(action.c.id).where(
                    action.c.target_date <= horizon,
                    action.c.done_at.is_(None),
                    action.c.dropped_reason.is_(None),
                )
            ),
            r.state.in_(sorted(policy.actions)),
        )
    )
    for row in rows:
        yield Obligation(
            row.id,
            row.code,
            row.subject,
            row.state,
            "action",
            row.target_date,
            rules[(row.kind, bool(row.statutory))],
            (row.email, row.name) if row.active else None,
            WHAT["action"].format(number=row.number, text=row.text),
            f"action:{row.number}:{row.target_date}",
            row.number,
        )


@lru_cache(maxsize=1)
def _decisions_select() -> Select[Any]:
    """Open decisions due by `horizon`, from the decision due index: built once, so that a
    sweep with none to find pays only for the (empty) index lookup."""
    d, r = decision.c, recommendation.c
    return (
        select(
            d.id,
            d.due,
            d.text,
            d.meeting,
            committee.c.name.label("committee"),
            r.id.label("rec_id"),
            r.code,
            r.subject,
            r.state,
            r.statutory,
            report.c.kind,
            person.c.email,
            person.c.name,
            person.c.active,
            person.c.group_name,
        )
        .join(recommendation, r.id == d.rec_id)
        .join(report, report.c.id == r.report_id)
        .join(committee, committee.c.id == d.committee_id)
        .join(person, person.c.id == d.owner_id)
        .where(d.due <= bindparam("horizon", None, type_=Date), d.done_at.is_(None))
    )


def decisions_due(tx: Tx, rules: Rules, horizon: date) -> Iterator[Obligation]:
    """Every open committee decision due by `horizon`, for its owner (one indexed query)."""
    rows = tx.conn.execute(_decisions_select(), {"horizon": horizon})
    for row in rows:
        yield Obligation(
            row.rec_id,
            row.code,
            row.subject,
            row.state,
            "decision",
            row.due,
            rules[(row.kind, bool(row.statutory))],
            (row.email, row.name) if row.active else None,
            WHAT["decision"].format(
                committee=row.committee, meeting=row.meeting, id=row.id, text=row.text
            ),
            f"decision:{row.id}:{row.due}",
            owner=row.email,
            group=row.group_name,
        )
