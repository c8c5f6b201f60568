"""What is owed, by whom and by when: the sweep's candidates.

They come from the (state, next_due) and action target indexes, so the cost grows with what
is due, not with what is stored; and only from the states in which the machine lets each
deadline run (`Policy`), so that changing the transitions changes what the sweep may do.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from transitions import Machine

from config import Rule
from states import MACHINE, running_states, sources
from workflow.lifecycle.due import add_days
from workflow.store.tables import action, person, recommendation, report
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


@dataclass(frozen=True, slots=True)
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


def rule_table(tx: Tx) -> tuple[Rules, date]:
    """The rule of every (report kind, statutory) pair, and the widest reminder horizon."""
    kinds = list(tx.conn.execute(select(report.c.kind).distinct()).scalars())
    rules = {(k, s): tx.rules.for_recommendation(k, s) for k in kinds for s in (False, True)}
    horizon = max(
        (add_days(tx.today, r.remind_before_days, r.working_days) for r in rules.values()),
        default=tx.today,
    )
    return rules, horizon


def deadlines_due(tx: Tx, rules: Rules, horizon: date, policy: Policy) -> Iterator[Obligation]:
    """Every running deadline of a recommendation with something due by `horizon`."""
    r = recommendation.c
    rows = tx.conn.execute(
        select(
            r.id,
            r.code,
            r.subject,
            r.state,
            r.statutory,
            report.c.kind,
            report.c.responding_bodies,
            r.response_due,
            r.plan_due,
            r.update_due,
            r.target_date,
            person.c.email,
            person.c.name,
            person.c.active,
        )
        .join(report, report.c.id == r.report_id)
        .outerjoin(person, person.c.id == r.owner_id)
        # The candidates come from the (state, next_due) index alone, as a subquery: joined
        # directly, SQLite's planner may start from the report table and scan every row.
        .where(
            r.id.in_(
                select(recommendation.c.id).where(
                    recommendation.c.state.in_(sorted(policy.chased)),
                    recommendation.c.next_due <= horizon,
                )
            )
        )
    )
    for row in rows:
        m = row._mapping
        owner = (row.email, row.name) if row.email and row.active else None
        for kind, column in COLUMNS.items():
            due = m[column]
            if due is None or row.state not in policy.running[kind]:
                continue
            yield Obligation(
                row.id,
                row.code,
                row.subject,
                row.state,
                kind,
                due,
                rules[(row.kind, bool(row.statutory))],
                owner,
                WHAT[kind].format(bodies=", ".join(row.responding_bodies)),
                f"{kind}:{due}",
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
