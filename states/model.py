"""The facts the state machine decides on: plain data, filled in by the engine."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

STATES: tuple[str, ...] = (
    "raised",
    "responded",
    "planned",
    "in_progress",
    "monitored",
    "complete",
    "superseded",
)
FINAL: frozenset[str] = frozenset({"complete", "superseded"})
OPEN: tuple[str, ...] = tuple(s for s in STATES if s not in FINAL)
ACTIVE: tuple[str, ...] = ("planned", "in_progress", "monitored")

DEGREES: tuple[str, ...] = ("none", "partially", "moderately", "significantly", "completely")
ROLES: tuple[str, ...] = ("owner", "ilau", "secretary", "board", "admin")


@dataclass(frozen=True, slots=True)
class Actor:
    """Who fires an event: their email identifies them, their roles decide what they may do."""

    email: str
    roles: frozenset[str]
    active: bool = True


@dataclass(frozen=True, slots=True)
class ActionFacts:
    """One action of an implementation plan, as far as guards care."""

    number: int
    owner: str | None
    target: date | None
    done: bool = False
    dropped_reason: str | None = None
    owner_active: bool = True
    done_on: date | None = None
    """In a plan: the day the action was already done, when it was (not in the future)."""

    @property
    def closed(self) -> bool:
        return self.done or bool(self.dropped_reason)


@dataclass(frozen=True, slots=True)
class Answer:
    """A responding body's answer: a text, or "not applicable" with a reason."""

    text: str | None = None
    not_applicable_reason: str | None = None

    @property
    def given(self) -> bool:
        return bool((self.text or "").strip() or (self.not_applicable_reason or "").strip())


@dataclass(frozen=True, slots=True)
class PendingExtension:
    """A revised target date an owner asked for, waiting for approval."""

    requested_by: str
    to: date
    reason: str


@dataclass(frozen=True, slots=True)
class Refusal:
    guard: str
    problem: str


@dataclass(slots=True)
class Case:
    """A recommendation as the state machine sees it; `state` is moved by `fire`."""

    state: str
    owner: str | None = None
    degree: str = "none"
    responding_bodies: tuple[str, ...] = ()
    answers: dict[str, Answer] = field(default_factory=dict)
    actions: tuple[ActionFacts, ...] = ()
    target: date | None = None
    pending_extension: PendingExtension | None = None
    complete_from_in_progress: bool = False
    # Who owned it since it was raised or last reopened, and who recorded it as completely met:
    # none of them may sign it off.
    past_owners: frozenset[str] = frozenset()
    completed_by: frozenset[str] = frozenset()
    # The owners of committee decisions about it still open: they may see it.
    decision_owners: frozenset[str] = frozenset()
    refused: Refusal | None = None


@dataclass(frozen=True, slots=True)
class Request:
    """What the actor asks for, with everything the guards of the event need to see."""

    actor: Actor
    today: date
    note: str | None = None
    evidence: str | None = None
    reason: str | None = None
    degree: str | None = None
    new_owner: Actor | None = None
    successor: str | None = None
    rationale: str | None = None
    new_target: date | None = None
    actions: tuple[ActionFacts, ...] = ()
    action_number: int | None = None
    body: str | None = None
    answer: Answer | None = None
    horizon_days: int = 1095
    subject: str = ""
