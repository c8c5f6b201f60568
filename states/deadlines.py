"""Deadlines: the dates a recommendation owes, the states in which each one runs, and what
missing it is called.

Each deadline runs while the event that answers it can fire, so the states come from the
machine itself: change `TRANSITIONS` and every view of what is due, and the sweep that
reminds and escalates, follow.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from transitions import Machine

from states.machine import MACHINE, sources


@dataclass(frozen=True, slots=True)
class Deadline:
    """`kind` is what is owed; it runs in the states `runs_while` can fire from; past its
    grace period it is escalated for the reason `missed`."""

    kind: str
    runs_while: str
    missed: str


DEADLINES: tuple[Deadline, ...] = (
    Deadline("response", "record_response", "missed_response"),
    Deadline("plan", "plan", "missed_plan"),
    Deadline("update", "update", "missed_update"),
    # The target stands for as long as the owner reports progress, until it is signed off.
    Deadline("target", "update", "missed_target"),
)
KINDS: tuple[str, ...] = tuple(d.kind for d in DEADLINES)
MISSED: dict[str, str] = {d.kind: d.missed for d in DEADLINES}


def running_states(machine: Machine = MACHINE) -> dict[str, frozenset[str]]:
    """For each kind of deadline, the states in which it runs on `machine`."""
    return {d.kind: frozenset(sources(d.runs_while, machine)) for d in DEADLINES}


_RUNNING = running_states()


@dataclass(frozen=True, slots=True)
class Due:
    """The due dates a recommendation has now; None where one does not apply."""

    response: date | None = None
    plan: date | None = None
    update: date | None = None
    target: date | None = None

    @property
    def next(self) -> date | None:
        dates = [d for d in (self.response, self.plan, self.update, self.target) if d is not None]
        return min(dates) if dates else None

    @property
    def next_kind(self) -> str | None:
        """Which date comes next: "response", "plan", "update" or "target"."""
        named = [(d, k) for k, d in self._named() if d is not None]
        return min(named)[1] if named else None

    def _named(self) -> tuple[tuple[str, date | None], ...]:
        return (
            ("response", self.response),
            ("plan", self.plan),
            ("update", self.update),
            ("target", self.target),
        )


def due_in_state(
    state: str,
    response: date | None,
    plan: date | None,
    update: date | None,
    target: date | None,
) -> Due:
    """What is due from the stored dates: each counts only in the states where it runs."""
    r = _RUNNING
    return Due(
        response if state in r["response"] else None,
        plan if state in r["plan"] else None,
        update if state in r["update"] else None,
        target if state in r["target"] else None,
    )
