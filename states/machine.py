"""The recommendation lifecycle as data, on one shared `transitions` Machine."""

from __future__ import annotations

from datetime import date
from typing import Any

from transitions import Machine, MachineError

from states import guards as g
from states.errors import EventNotAllowed, GuardRefused, NotPermitted
from states.model import ACTIVE, OPEN, STATES, Actor, Case, Request
from states.permissions import authorise

_WORKING = ["planned", "in_progress"]

# `dest: None` is an internal transition: the event is recorded, the state stays.
TRANSITIONS: list[dict[str, Any]] = [
    {
        "trigger": "record_response",
        "source": "raised",
        "dest": None,
        "conditions": [g.BODY_IS_RESPONDING, g.ANSWER_GIVEN],
    },
    {
        "trigger": "respond",
        "source": "raised",
        "dest": "responded",
        "conditions": [g.OWNER_ASSIGNED, g.EVERY_BODY_ANSWERED],
    },
    {
        "trigger": "plan",
        "source": "responded",
        "dest": "planned",
        "conditions": [
            g.HAS_ACTIONS,
            g.ACTIONS_OWNED_AND_DATED,
            g.ACTION_OWNERS_ACTIVE,
            g.TARGETS_IN_FUTURE,
            g.TARGETS_WITHIN_HORIZON,
        ],
    },
    {"trigger": "start", "source": "planned", "dest": "in_progress"},
    {"trigger": "update", "source": list(ACTIVE), "dest": None, "conditions": [g.NOTE_GIVEN]},
    {"trigger": "action_done", "source": _WORKING, "dest": None, "conditions": [g.ACTION_OPEN]},
    {
        "trigger": "action_drop",
        "source": _WORKING,
        "dest": None,
        "conditions": [g.ACTION_OPEN, g.REASON_GIVEN],
    },
    {
        "trigger": "monitor",
        "source": "in_progress",
        "dest": "monitored",
        "conditions": [g.ACTIONS_CLOSED],
    },
    {
        "trigger": "complete",
        "source": "monitored",
        "dest": "complete",
        "conditions": [g.DEGREE_COMPLETELY, g.EVIDENCE_GIVEN],
    },
    {
        "trigger": "complete",
        "source": "in_progress",
        "dest": "complete",
        "conditions": [
            g.COMPLETION_FROM_IN_PROGRESS_ALLOWED,
            g.DEGREE_COMPLETELY,
            g.EVIDENCE_GIVEN,
        ],
    },
    {
        "trigger": "supersede",
        "source": list(OPEN),
        "dest": "superseded",
        "conditions": [g.SUCCESSOR_OR_RATIONALE, g.SUCCESSOR_NOT_SELF],
    },
    {
        "trigger": "reopen",
        "source": ["complete", "superseded"],
        "dest": "in_progress",
        "conditions": [g.REASON_GIVEN],
    },
    {
        "trigger": "reassign",
        "source": list(OPEN),
        "dest": None,
        "conditions": [g.NEW_OWNER_ACTIVE, g.NEW_OWNER_DIFFERS],
    },
    {
        "trigger": "extend",
        "source": _WORKING,
        "dest": None,
        "conditions": [
            g.REASON_GIVEN,
            g.NO_EXTENSION_PENDING,
            g.REVISED_TARGET_LATER,
            g.REVISED_TARGET_WITHIN_HORIZON,
        ],
    },
    {
        "trigger": "approve_extension",
        "source": _WORKING,
        "dest": None,
        "conditions": [g.EXTENSION_PENDING, g.DECIDER_NOT_REQUESTER],
    },
    {
        "trigger": "reject_extension",
        "source": _WORKING,
        "dest": None,
        "conditions": [g.EXTENSION_PENDING, g.DECIDER_NOT_REQUESTER, g.REASON_GIVEN],
    },
    {"trigger": "escalate", "source": list(OPEN), "dest": None, "conditions": [g.REASON_GIVEN]},
    # Corrections to the recorded text, paragraph, subject or statutory flag, in any state.
    {"trigger": "edit", "source": list(STATES), "dest": None},
]


def build_machine(transitions: list[dict[str, Any]]) -> Machine:
    """A Machine that holds no model: cases are passed to each trigger."""
    return Machine(
        model=None,
        states=list(STATES),
        transitions=transitions,
        initial=None,
        auto_transitions=False,
        send_event=True,
    )


# One Machine for every recommendation.
MACHINE = build_machine(TRANSITIONS)

EVENTS: tuple[str, ...] = tuple(dict.fromkeys(t["trigger"] for t in TRANSITIONS))


def sources(event: str, machine: Machine = MACHINE) -> tuple[str, ...]:
    """The states `event` can fire from on `machine`, in lifecycle order."""
    found = set(machine.events[event].transitions)
    return tuple(s for s in STATES if s in found)


def fire(event: str, case: Case, request: Request) -> str:
    """Fire `event` on `case`: check permission, state and guards; return the new state.

    Raises NotPermitted, EventNotAllowed or GuardRefused; on any of them `case.state` is unchanged.
    """
    authorise(event, case, request.actor, request.action_number)
    case.refused = None
    try:
        moved = MACHINE.events[event].trigger(case, request=request)
    except MachineError:
        raise EventNotAllowed(event, case.state, sources(event)) from None
    if not moved:
        refusal = case.refused
        if refusal is None:  # every guard names itself when it refuses; this is a safety net
            raise GuardRefused(event, "unnamed", "a guard refused without saying why")
        raise GuardRefused(event, refusal.guard, refusal.problem)
    return case.state


def mermaid() -> str:
    """The lifecycle as a Mermaid state diagram (for documentation)."""
    lines = ["stateDiagram-v2", "    [*] --> raised"]
    for t in TRANSITIONS:
        if t["dest"] is None:
            continue
        for src in [t["source"]] if isinstance(t["source"], str) else t["source"]:
            lines.append(f"    {src} --> {t['dest']}: {t['trigger']}")
    return "\n".join(dict.fromkeys(lines))


# Events on the plan's actions: permitted per action (its owner may act on it).
_ACTION_EVENTS = frozenset({"action_done", "action_drop"})


def offered(
    case: Case, actor: Actor, today: date, machine: Machine = MACHINE
) -> dict[str, tuple[int, ...]]:
    """The events `actor` may fire on `case` now: its state is a source, the permission table
    allows them, and the guards that judge the case alone (not what is given) hold; each
    with the open actions it may name (empty for the others). The other guards are not
    tried: a form is offered, and a refusal names the guard."""
    found: dict[str, tuple[int, ...]] = {}
    request = Request(actor=actor, today=today)
    for event in EVENTS:
        if case.state not in sources(event, machine) or not _case_allows(
            machine, event, case, request
        ):
            continue
        if event in _ACTION_EVENTS:
            numbers = tuple(
                a.number
                for a in case.actions
                if not a.done
                and a.dropped_reason is None
                and _allowed(event, case, actor, a.number)
            )
            if numbers:
                found[event] = numbers
        elif _allowed(event, case, actor, None):
            found[event] = ()
    return found


def _case_allows(machine: Machine, event: str, case: Case, request: Request) -> bool:
    """Whether some transition of `event` from the case's state passes its case-only guards."""
    for transition in machine.events[event].transitions.get(case.state, []):
        guards = [c.func for c in transition.conditions if isinstance(c.func, g.Guard)]
        if all(not guard.on_case or guard.check(case, request) is None for guard in guards):
            return True
    return False


def _allowed(event: str, case: Case, actor: Actor, number: int | None) -> bool:
    try:
        authorise(event, case, actor, number)
    except NotPermitted:
        return False
    return True
