"""The exit codes of every command, and which error gives which."""

from __future__ import annotations

from config import ConfigError
from states import Refused
from workflow.errors import BadInput, Busy, Conflict

DONE = 0
FAILED = 1  # anything else: the database is unreachable, a bug
BAD_INPUT = 2  # usage, an unknown id or person, a malformed file, bad settings
REFUSED = 3  # by a guard or a permission
CONFLICT = 4  # a concurrent change came first, or held the database too long
TAMPERED = 5  # the audit trail failed `audit verify`

EXIT_CODES: tuple[tuple[type[BaseException], int], ...] = (
    (Conflict, CONFLICT),
    (Busy, CONFLICT),
    (Refused, REFUSED),
    (BadInput, BAD_INPUT),
    (ConfigError, BAD_INPUT),
)


def exit_code(exc: BaseException) -> int:
    """The exit code for an error that ends a command."""
    for kind, code in EXIT_CODES:
        if isinstance(exc, kind):
            return code
    return FAILED
