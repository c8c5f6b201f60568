"""Property: after any sequence of allowed and refused events over a random clock, `as_of`
at every instant equals what the service reported at that instant.

Each example works on a report of its own (its events are the only ones `as_of` reads for
it), so examples share the database and its clock but not their data.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from states import DEGREES, Refused
from tests.world import ADMIN, BOARD, ILAU, OTHER, OWNER
from workflow.audit.asof import as_of
from workflow.audit.replay import verify
from workflow.clock import FixedClock
from workflow.directory.people import add_person, find_person
from workflow.directory.reports import NewReport, insert_report
from workflow.errors import BadInput
from workflow.lifecycle import service as svc
from workflow.lifecycle.views import show_recommendation
from workflow.plain import plain
from workflow.store.uow import UnitOfWork

PEOPLE = (ILAU, OWNER, OTHER, BOARD, ADMIN)
ROLES = {ILAU: "ilau", OWNER: "owner", OTHER: "owner", BOARD: "board", ADMIN: "admin"}
RECS = 2
KINDS = (
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
    "wait",
)
_keys = itertools.count(1)


@dataclass(frozen=True)
class Step:
    """One move of the clock, then one service call with plausible (often refused) arguments."""

    seconds: int
    kind: str
    rec: int
    actor: str
    pick: int
    days: int
    flag: bool
    text: str
    degree: str | None


steps = st.builds(
    Step,
    seconds=st.one_of(st.integers(1, 3600), st.integers(3600, 40 * 86400)),
    # Half the steps move the recommendation on, so that scripts reach every state.
    kind=st.one_of(st.just("advance"), st.sampled_from(KINDS)),
    rec=st.integers(0, RECS - 1),
    actor=st.sampled_from(PEOPLE),
    pick=st.integers(0, 3),
    days=st.integers(-10, 400),
    flag=st.booleans(),
    text=st.sampled_from(["", "noted", "done"]),
    degree=st.one_of(st.none(), st.sampled_from(DEGREES)),
)


def advance(uow: UnitOfWork, today: date, code: str, s: Step) -> None:
    """The natural next events for the recommendation's state, by someone allowed to fire them
    (each may still be refused, e.g. an action already closed; the next one is tried anyway)."""
    view = plain(show_recommendation(uow, code))
    state, later = view["state"], today + timedelta(days=abs(s.days) + 1)
    calls: list[Callable[[], object]]
    if state == "raised" and view["owner"] is None:
        calls = [lambda: svc.reassign(uow, code, ILAU, owner=(OWNER, OTHER)[s.pick % 2])]
    elif state == "raised":
        calls = [
            lambda: svc.respond(uow, code, ILAU, body="MPS", text="agreed"),
            lambda: svc.respond(uow, code, ILAU, body="MPA", not_applicable="MPS matter"),
        ]
    elif state == "responded":
        calls = [lambda: svc.plan(uow, code, ILAU, actions=[("act", view["owner"], later)])]
    elif state == "planned":
        calls = [lambda: svc.start(uow, code, ILAU)]
    elif state == "in_progress" and s.pick == 0:
        calls = [
            lambda: svc.request_extension(
                uow, code, ILAU, to=later + timedelta(400), reason="slipped"
            ),
            lambda: svc.decide_extension(uow, code, BOARD, approve=s.flag, reason="decided"),
        ]
    elif state == "in_progress":
        calls = [
            lambda: svc.close_action(uow, code, ILAU, number=1),
            lambda: svc.record_update(uow, code, ILAU, note="progress", degree=s.degree),
            lambda: svc.monitor(uow, code, ILAU),
        ]
    elif state == "monitored":
        calls = [
            lambda: svc.record_update(uow, code, ILAU, note="done", degree="completely"),
            lambda: svc.complete(uow, code, BOARD, evidence="minutes"),
        ]
    else:
        calls = [lambda: svc.reopen(uow, code, ILAU, reason="it came back")]
    for call in calls:
        with suppress(Refused, BadInput):
            call()


def fire(uow: UnitOfWork, today: date, codes: list[str], s: Step) -> None:
    """Call the service function `s` names; refusals are expected and leave no trace."""
    code, other = codes[s.rec], codes[1 - s.rec]
    person = PEOPLE[s.pick]
    on = today + timedelta(days=s.days)
    calls: dict[str, Any] = {
        "respond": lambda: svc.respond(
            uow,
            code,
            s.actor,
            body=("MPS", "MPA", "HMIC", "MPS")[s.pick],
            text=s.text if s.flag else None,
            not_applicable=None if s.flag else s.text,
        ),
        "plan": lambda: svc.plan(
            uow,
            code,
            s.actor,
            actions=[("act", person, on)] + ([("more", OWNER, on)] if s.flag else []),
        ),
        "start": lambda: svc.start(uow, code, s.actor),
        "update": lambda: svc.record_update(uow, code, s.actor, note=s.text, degree=s.degree),
        "close_action": lambda: svc.close_action(
            uow, code, s.actor, number=s.pick, dropped_reason=None if s.flag else s.text
        ),
        "monitor": lambda: svc.monitor(uow, code, s.actor),
        "complete": lambda: svc.complete(uow, code, s.actor, evidence=s.text),
        "supersede": lambda: svc.supersede(
            uow, code, s.actor, by=other if s.flag else None, rationale=None if s.flag else s.text
        ),
        "reopen": lambda: svc.reopen(uow, code, s.actor, reason=s.text),
        "reassign": lambda: svc.reassign(uow, code, s.actor, owner=person),
        "extend": lambda: svc.request_extension(uow, code, s.actor, to=on, reason=s.text),
        "decide": lambda: svc.decide_extension(
            uow, code, s.actor, approve=s.flag, reason=s.text or None
        ),
        "edit": lambda: svc.edit(uow, code, s.actor, paragraph=s.text or "1.1"),
        "wait": lambda: None,
        "advance": lambda: advance(uow, today, code, s),
    }
    with suppress(Refused, BadInput):
        calls[s.kind]()


def setup(uow: UnitOfWork) -> list[str]:
    """The people (once per database) and a fresh report with RECS recommendations."""
    with uow.read() as tx:
        known = find_person(tx.conn, ILAU) is not None
    if not known:
        for email in PEOPLE:  # the first, ILAU, is the set-up; it adds the others
            actor = None if email == ILAU else ILAU
            add_person(uow, email, name=email.split("@")[0], roles=[ROLES[email]], actor=actor)
    key = f"prop-{next(_keys)}"
    with uow.write() as tx:
        insert_report(
            tx,
            NewReport(key, "Property", "HMIC", "inspection", None, None, ("MPS", "MPA")),
            ILAU,
        )
    owners = [OWNER, None]
    for n in range(RECS):
        svc.raise_recommendation(uow, f"{key}/R{n + 1}", ILAU, text=f"Rec {n + 1}", owner=owners[n])
    return [f"{key}/R{n + 1}" for n in range(RECS)]


def reported(uow: UnitOfWork, codes: list[str]) -> dict[str, Any]:
    views = [plain(show_recommendation(uow, c)) for c in codes]
    return {v["id"]: (v["state"], v["owner"], v["degree"], v["due"]) for v in views}


def rebuilt(uow: UnitOfWork, at: datetime, report: str | None) -> dict[str, Any]:
    with uow.read() as tx:
        found = as_of(tx.conn, at, report)
    return {s.id: (s.state, s.owner, s.degree, plain(s.due)) for s in found}


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(script=st.lists(steps, min_size=5, max_size=40))
def test_as_of_equals_what_the_service_reported(
    uow: UnitOfWork, clock: FixedClock, script: list[Step]
) -> None:
    """For every prefix of a random script, as-of at its instant equals `rec show` then."""
    codes = setup(uow)
    report = codes[0].split("/")[0]
    history = [(clock.now(), reported(uow, codes))]
    for s in script:
        clock.move_to(clock.now() + timedelta(seconds=s.seconds))
        fire(uow, clock.today(), codes, s)
        history.append((clock.now(), reported(uow, codes)))
    for i, (at, expected) in enumerate(history):
        assert rebuilt(uow, at, report) == expected, f"after step {i}"
        if i + 1 < len(history):
            before_next = history[i + 1][0] - timedelta(microseconds=1)
            assert rebuilt(uow, before_next, report) == expected, f"just before step {i + 1}"
    last_at, last = history[-1]
    for state in {v[0] for _, seen in history for v in seen.values()}:
        event(f"reached {state}")  # shown by --hypothesis-show-statistics
    everyone = rebuilt(uow, last_at, None)
    assert {c: everyone[c] for c in codes} == last
    with uow.read() as tx:
        assert verify(tx.conn).ok
