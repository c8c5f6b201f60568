"""Stateful property: random events by random people at random times (some in the past).

After every step:
- `audit verify` holds: the chain is intact and every recommendation's stored row equals
  the replay of its trail;
- every event that succeeded is one the permission table allows, judged on a case the test
  keeps itself (owner, past owners, who recorded it as completely met, the actions' owners,
  who is active), from the calls it made and the trail they left;
- a refused request left no event behind.

Bounded for `make test`. A longer run: RECTRACK_STATEFUL_EXAMPLES=500 RECTRACK_STATEFUL_STEPS=60.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, ClassVar

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import Engine, func, select

from config import default_rules
from states import DEGREES, Refused
from states.model import ActionFacts, Actor, Case
from states.permissions import PERMISSIONS, authorise
from tests.conftest import T0, truncate_pg
from tests.world import ADMIN, BOARD, ILAU, OTHER, OWNER
from workflow.audit.replay import verify
from workflow.bootstrap import unit_of_work
from workflow.chasing.escalations import escalate
from workflow.chasing.sweep import sweep
from workflow.clock import FixedClock
from workflow.directory.people import add_person, set_active
from workflow.directory.reports import NewReport, insert_report
from workflow.errors import BadInput
from workflow.lifecycle import service as svc
from workflow.store.engine import make_engine
from workflow.store.tables import audit_event
from workflow.store.uow import UnitOfWork

# A board member who also owns recommendations: may sign off others' work, never what they owned.
DUAL = "dual@example.org"
ROLES = {
    ILAU: ("ilau",),
    OWNER: ("owner",),
    OTHER: ("owner",),
    BOARD: ("board",),
    ADMIN: ("admin",),
    DUAL: ("board", "owner"),
}
PEOPLE = tuple(ROLES)
OWNERS = (OWNER, OTHER, DUAL)
TOGGLED = (OWNER, OTHER, BOARD, ADMIN, DUAL)  # ILAU stays: someone must be able to act
EXAMPLES = int(os.environ.get("RECTRACK_STATEFUL_EXAMPLES", "30"))
STEPS = int(os.environ.get("RECTRACK_STATEFUL_STEPS", "40"))
_t = audit_event.c


@dataclass
class Known:
    """What the test itself knows of one recommendation, for judging who may act on it."""

    owner: str | None
    past_owners: set[str] = field(default_factory=set)
    completed_by: set[str] = field(default_factory=set)
    actions: dict[int, str] = field(default_factory=dict)

    def case(self) -> Case:
        return Case(
            state="raised",  # permissions do not depend on the state
            owner=self.owner,
            actions=tuple(ActionFacts(n, o, None) for n, o in self.actions.items()),
            past_owners=frozenset(self.past_owners),
            completed_by=frozenset(self.completed_by),
        )


class Lives(RuleBasedStateMachine):
    """Each example starts on an empty database of its own, at the same instant: a failing
    example replays exactly, and shrinks."""

    fresh: ClassVar[Callable[[], tuple[Engine, Callable[[], None]]]]
    seen: ClassVar[Counter[str]]

    def __init__(self) -> None:
        super().__init__()
        self.engine, self._drop = type(self).fresh()
        self.clock = FixedClock(T0)
        self._uow = unit_of_work(self.engine, self.clock, default_rules())
        self.uow: UnitOfWork = self._uow.__enter__()
        self.active = dict.fromkeys(PEOPLE, True)
        self.codes, self.known = self._setup()
        self.last_id = self._last_id()
        self.degree: str | None = None

    def teardown(self) -> None:
        self._uow.__exit__(None, None, None)
        self.engine.dispose()
        self._drop()

    def _setup(self) -> tuple[list[str], dict[str, Known]]:
        for email in PEOPLE:  # the first, ILAU, is the set-up; it adds the others
            actor = None if email == ILAU else ILAU
            add_person(self.uow, email, name=email.split("@")[0], roles=list(ROLES[email]),
                       actor=actor)  # fmt: skip
        key = "life"
        with self.uow.write() as tx:
            insert_report(
                tx,
                NewReport(key, "Lives", "HMIC", "inspection", None, None, ("MPS", "MPA")),
                ILAU,
            )
        known = {}
        for n, owner in enumerate((OWNER, DUAL, None), start=1):
            code = f"{key}/R{n}"
            svc.raise_recommendation(self.uow, code, ILAU, text=f"Rec {n}", owner=owner)
            known[code] = Known(owner, {owner} if owner else set())
        return list(known), known

    def _last_id(self) -> int:
        with self.uow.read() as tx:
            return int(tx.conn.execute(select(func.coalesce(func.max(_t.id), 0))).scalar_one())

    def _new_events(self) -> list[Any]:
        with self.uow.read() as tx:
            rows = tx.conn.execute(
                select(_t.id, _t.actor, _t.event, _t.rec, _t.changes)
                .where(_t.id > self.last_id)
                .order_by(_t.id)
            ).all()
        if rows:
            self.last_id = rows[-1].id
        return rows

    def _attempt(self, call: Callable[[], object]) -> bool:
        """Make the call; a refusal must leave no event behind."""
        try:
            call()
        except (Refused, BadInput) as refused:
            assert self._new_events() == [], f"refused ({refused}) yet events were written"
            self.seen["refused"] += 1
            return False
        self.seen["succeeded"] += 1
        for row in self._new_events():
            self._judge(row)
        return True

    def _judge(self, row: Any) -> None:
        """The event was allowed by the permission table on the case as the test knows it."""
        known = self.known.get(row.rec)
        if known is None or row.event not in PERMISSIONS or row.actor.startswith("system"):
            return
        changes = json.loads(row.changes)
        actor = Actor(row.actor, frozenset(ROLES[row.actor]), self.active[row.actor])
        number = changes.get("action") if isinstance(changes.get("action"), int) else None
        authorise(row.event, known.case(), actor, number)  # NotPermitted fails the test
        self.seen[row.event] += 1
        if row.event == "reassign":
            known.owner = changes["owner"][1]
            known.past_owners.add(known.owner)
        elif row.event == "reopen":
            known.past_owners = {known.owner} if known.owner else set()
            known.completed_by = set()
        elif row.event == "plan":
            known.actions = {a["number"]: a["owner"] for a in changes["actions"]}
        elif row.event == "update" and self.degree == "completely":
            known.completed_by.add(row.actor)

    @rule(
        kind=st.sampled_from(
            [
                "respond",
                "plan",
                "start",
                "update",
                "close_action",
                "monitor",
                "complete",
                "supersede",
                "reopen",
                "reassign",
                "extend",
                "decide",
                "edit",
                "escalate",
            ]
        ),
        rec=st.integers(0, 2),
        actor=st.sampled_from(PEOPLE),
        pick=st.integers(0, 5),
        days=st.integers(-30, 400),
        flag=st.booleans(),
        degree=st.one_of(st.none(), st.sampled_from(DEGREES)),
        seconds=st.one_of(st.integers(1, 86400), st.integers(86400, 60 * 86400)),
        in_the_past=st.integers(0, 3 * 86400),
    )
    def act(self, kind: str, rec: int, actor: str, pick: int, days: int, flag: bool,
            degree: str | None, seconds: int, in_the_past: int) -> None:  # fmt: skip
        """One service call by anyone; now and then dated before the clock's now."""
        self.clock.move_to(self.clock.now() + timedelta(seconds=seconds))
        now = self.clock.now()
        if in_the_past and pick == 0:
            self.clock.move_to(now - timedelta(seconds=in_the_past))
        self.degree = degree
        try:
            self._attempt(self._call(kind, rec, actor, pick, days, flag, degree))
        finally:
            self.clock.move_to(now)

    def _call(self, kind: str, rec: int, actor: str, pick: int, days: int, flag: bool,
              degree: str | None) -> Callable[[], object]:  # fmt: skip
        uow, code, other = self.uow, self.codes[rec], self.codes[(rec + 1) % 3]
        person, on = PEOPLE[pick], self.clock.today() + timedelta(days=days)
        calls: dict[str, Callable[[], object]] = {
            "respond": lambda: svc.respond(
                uow, code, actor, body=("MPS", "MPA")[pick % 2],
                text="agreed" if flag else None, not_applicable=None if flag else "theirs",
            ),
            "plan": lambda: svc.plan(
                uow, code, actor,
                actions=[("act", person, on)] + ([("more", OWNER, on)] if flag else []),
            ),
            "start": lambda: svc.start(uow, code, actor),
            "update": lambda: svc.record_update(uow, code, actor, note="news", degree=degree),
            "close_action": lambda: svc.close_action(
                uow, code, actor, number=pick, dropped_reason=None if flag else "moot"
            ),
            "monitor": lambda: svc.monitor(uow, code, actor),
            "complete": lambda: svc.complete(uow, code, actor, evidence="minutes"),
            "supersede": lambda: svc.supersede(
                uow, code, actor, by=other if flag else None, rationale=None if flag else "gone"
            ),
            "reopen": lambda: svc.reopen(uow, code, actor, reason="back"),
            "reassign": lambda: svc.reassign(uow, code, actor, owner=person),
            "extend": lambda: svc.request_extension(uow, code, actor, to=on, reason="slipped"),
            "decide": lambda: svc.decide_extension(uow, code, actor, approve=flag, reason="so"),
            "edit": lambda: svc.edit(uow, code, actor, paragraph=f"{pick}.{days}"),
            "escalate": lambda: escalate(uow, code, actor, reason="stuck"),
        }  # fmt: skip
        return calls[kind]

    @rule(rec=st.integers(0, 2), pick=st.integers(0, 5), flag=st.booleans(),
          degree=st.sampled_from(DEGREES), days=st.integers(1, 30),
          stages=st.integers(1, 4))  # fmt: skip
    def move_on(self, rec: int, pick: int, flag: bool, degree: str, days: int, stages: int) -> None:
        """Up to `stages` states further along, as far as the events are allowed."""
        for _ in range(stages):
            before = svc.show_recommendation(self.uow, self.codes[rec]).version
            self.advance(rec, pick, flag, degree, days)
            if svc.show_recommendation(self.uow, self.codes[rec]).version == before:
                break

    def advance(self, rec: int, pick: int, flag: bool, degree: str, days: int) -> None:
        """The natural next events for the recommendation's state, mostly by someone who may
        fire them (the owner or ILAU), so that lives reach every state; a sign-off by one of
        those who may try. Each may still be refused."""
        self.clock.move_to(self.clock.now() + timedelta(days=days))
        uow, code = self.uow, self.codes[rec]
        owner = self.known[code].owner
        actor = (owner or ILAU, ILAU, owner or ILAU, ILAU, PEOPLE[pick], owner or ILAU)[pick]
        signer = (BOARD, DUAL, ILAU, owner or BOARD)[pick % 4]
        later = self.clock.today() + timedelta(days=90)
        state = svc.show_recommendation(uow, code).state
        self.degree = "completely" if flag else degree
        calls: dict[str, list[Callable[[], object]]] = {
            "raised": (
                [lambda: svc.reassign(uow, code, ILAU, owner=OWNERS[pick % 3])]
                if owner is None
                else [
                    lambda b=b: svc.respond(uow, code, actor, body=b, text="agreed")
                    for b in ("MPS", "MPA")
                ]
            ),
            "responded": [
                lambda: svc.plan(uow, code, actor, actions=[("act", owner or OWNER, later)])
            ],
            "planned": [lambda: svc.start(uow, code, actor)],
            "in_progress": [
                lambda: svc.record_update(uow, code, actor, note="on", degree=self.degree),
                lambda: svc.close_action(uow, code, actor, number=1),
                lambda: svc.monitor(uow, code, actor),
            ],
            "monitored": [
                lambda: svc.record_update(uow, code, actor, note="done", degree=self.degree),
                lambda: svc.complete(uow, code, signer, evidence="minutes"),
            ],
            "complete": [lambda: svc.reopen(uow, code, actor, reason="came back")],
            "superseded": [lambda: svc.reopen(uow, code, actor, reason="came back")],
        }
        for call in calls[state]:
            self._attempt(call)

    @rule(rec=st.integers(0, 2), to=st.sampled_from(OWNERS))
    def hand_over(self, rec: int, to: str) -> None:
        """ILAU gives a recommendation to another owner (who then may not sign it off)."""
        self._attempt(lambda: svc.reassign(self.uow, self.codes[rec], ILAU, owner=to))

    @rule(rec=st.integers(0, 2), by=st.sampled_from((DUAL, BOARD, ILAU, OWNER)))
    def sign_off(self, rec: int, by: str) -> None:
        """Someone tries to sign it off: whether they may is for the permission table."""
        known = self.known[self.codes[rec]]
        if by in known.past_owners and by != known.owner:
            state = svc.show_recommendation(self.uow, self.codes[rec]).state
            self.seen[f"sign-off by a past owner, {state}"] += 1
        self._attempt(lambda: svc.complete(self.uow, self.codes[rec], by, evidence="minutes"))

    @rule(person=st.sampled_from(TOGGLED), active=st.booleans())
    def toggle(self, person: str, active: bool) -> None:
        set_active(self.uow, person, active=active, actor=ILAU)
        self.active[person] = active
        self._new_events()

    @rule(days=st.integers(1, 120))
    def chase(self, days: int) -> None:
        """Time passes and the sweep runs: reminders and escalations by the system."""
        self.clock.move_to(self.clock.now() + timedelta(days=days))
        sweep(self.uow)
        self._new_events()

    @invariant()
    def the_trail_holds_and_the_rows_replay(self) -> None:
        with self.uow.read() as tx:
            verdict = verify(tx.conn)
        assert verdict.ok, verdict


def run_lives(store_url: str, tmp_path: Path, template: Path) -> Counter[str]:
    files = itertools.count(1)

    def fresh() -> tuple[Engine, Callable[[], None]]:
        if not store_url.startswith("sqlite"):
            truncate_pg(store_url)
            return make_engine(store_url), lambda: None
        path = tmp_path / f"life-{next(files)}.db"
        shutil.copy(template, path)
        return make_engine(f"sqlite:///{path}"), lambda: path.unlink()

    Lives.fresh = fresh
    Lives.seen = Counter()
    run_state_machine_as_test(
        Lives,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=STEPS,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
    return Lives.seen


def test_random_lives_keep_trail_rows_and_permissions_together(
    store_url: str, tmp_path: Path, sqlite_template: Path
) -> None:
    seen = run_lives(store_url, tmp_path, sqlite_template)
    print(f"\nstateful: {EXAMPLES} examples of up to {STEPS} steps; {dict(sorted(seen.items()))}")
    # The run reached far enough to mean something: refusals, and events of many kinds.
    assert seen["refused"] > 0 and seen["succeeded"] > 0
    assert len(set(seen) & set(PERMISSIONS)) >= 8, seen
