"""The recommendation state machine: states, transitions, guards and permissions, as data.

Pure Python plus `transitions`; no database, no I/O.
"""

from states.deadlines import DEADLINES, MISSED, Deadline, Due, due_in_state, running_states
from states.errors import EventNotAllowed, GuardRefused, NotPermitted, Refused
from states.machine import (
    EVENTS,
    MACHINE,
    TRANSITIONS,
    build_machine,
    fire,
    mermaid,
    offered,
    sources,
)
from states.model import (
    ACTIVE,
    DEGREES,
    FINAL,
    OPEN,
    ROLES,
    STATES,
    ActionFacts,
    Actor,
    Answer,
    Case,
    PendingExtension,
    Request,
)
from states.permissions import PERMISSIONS, Permission, authorise

__all__ = [
    "ACTIVE",
    "DEADLINES",
    "DEGREES",
    "EVENTS",
    "FINAL",
    "MACHINE",
    "MISSED",
    "OPEN",
    "PERMISSIONS",
    "ROLES",
    "STATES",
    "TRANSITIONS",
    "ActionFacts",
    "Actor",
    "Answer",
    "Case",
    "Deadline",
    "Due",
    "EventNotAllowed",
    "GuardRefused",
    "NotPermitted",
    "PendingExtension",
    "Permission",
    "Refused",
    "Request",
    "authorise",
    "build_machine",
    "due_in_state",
    "fire",
    "mermaid",
    "offered",
    "running_states",
    "sources",
]
