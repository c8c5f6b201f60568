"""The recommendation state machine: states, transitions, guards and permissions, as data.

Pure Python plus `transitions`; no database, no I/O.
"""

from states.errors import EventNotAllowed, GuardRefused, NotPermitted, Refused
from states.machine import EVENTS, MACHINE, TRANSITIONS, fire, mermaid, sources
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
    "DEGREES",
    "EVENTS",
    "FINAL",
    "MACHINE",
    "OPEN",
    "PERMISSIONS",
    "ROLES",
    "STATES",
    "TRANSITIONS",
    "ActionFacts",
    "Actor",
    "Answer",
    "Case",
    "EventNotAllowed",
    "GuardRefused",
    "NotPermitted",
    "PendingExtension",
    "Permission",
    "Refused",
    "Request",
    "authorise",
    "fire",
    "mermaid",
    "sources",
]
