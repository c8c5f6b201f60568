"""Why an event was refused: each failure is its own class, so callers can map them apart."""

from __future__ import annotations


class Refused(Exception):
    """An event that was understood but not allowed; nothing changed."""


class NotPermitted(Refused):
    """The actor may not fire this event on this recommendation."""

    def __init__(self, event: str, actor: str, why: str) -> None:
        self.event, self.actor, self.why = event, actor, why
        super().__init__(f"{actor} may not {event.replace('_', ' ')}: {why}")


class EventNotAllowed(Refused):
    """The event cannot happen from the recommendation's current state."""

    def __init__(self, event: str, state: str, sources: tuple[str, ...]) -> None:
        self.event, self.state, self.sources = event, state, sources
        allowed = ", ".join(sources) if sources else "no state"
        super().__init__(
            f"cannot {event.replace('_', ' ')} from state {state} (only from {allowed})"
        )


class GuardRefused(Refused):
    """A guard of the transition failed; `guard` names it and `problem` says what is missing."""

    def __init__(self, event: str, guard: str, problem: str) -> None:
        self.event, self.guard, self.problem = event, guard, problem
        super().__init__(f"{event.replace('_', ' ')} refused by guard {guard}: {problem}")
