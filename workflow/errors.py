"""The engine's own errors. The command line maps each family to one exit code."""

from __future__ import annotations

from states import EventNotAllowed, GuardRefused, NotPermitted, Refused


class RectrackError(Exception):
    """Base of every error the engine reports to its user."""


class BadInput(RectrackError):
    """The request itself is wrong: an unknown id or person, a malformed value or file."""


class UnknownRecommendation(BadInput):
    def __init__(self, code: str) -> None:
        super().__init__(f"no recommendation {code}")


class UnknownReport(BadInput):
    def __init__(self, key: str) -> None:
        super().__init__(f"no report {key}")


class UnknownPerson(BadInput):
    def __init__(self, email: str) -> None:
        super().__init__(f"no person with email {email}")


class UnknownCommittee(BadInput):
    def __init__(self, name: str) -> None:
        super().__init__(f"no committee {name!r}")


class AlreadyExists(BadInput):
    pass


class NotInitialised(BadInput):
    def __init__(self, url: str) -> None:
        super().__init__(f"database {url} is not initialised: run `rectrack init` first")


class BadText(BadInput):
    """Text too long for its field, or holding a control character."""

    def __init__(self, where: str, problem: str) -> None:
        self.where, self.problem = where, problem
        super().__init__(f"{where}: {problem}")


class OutOfOrder(BadInput):
    """An act dated before what it follows: the recommendation's latest event, or its report."""


class ImportFileError(BadInput):
    """A malformed import file: names the file, the line (or record) and the field."""

    def __init__(self, file: str, line: int | str | None, field: str | None, problem: str) -> None:
        self.file, self.line, self.field, self.problem = file, line, field, problem
        where = file
        if line is not None:
            where += f":{line}" if isinstance(line, int) else f": {line}"
        if field:
            where += f": field {field}"
        super().__init__(f"{where}: {problem}")


class Busy(RectrackError):
    """Another writer held the database longer than the busy timeout; nothing was written."""


class ReadOnlyDatabase(BadInput):
    """The database file is write-protected: it can be read and verified, not changed."""


class Conflict(RectrackError):
    """Somebody else changed the recommendation first; nothing of this request was written."""

    def __init__(self, code: str, expected: int, found: int | None) -> None:
        self.code, self.expected, self.found = code, expected, found
        now = f"it is now at version {found}" if found is not None else "it changed meanwhile"
        super().__init__(
            f"{code} was changed by someone else (you had version {expected}; {now}): "
            "reload and try again"
        )


__all__ = [
    "AlreadyExists",
    "BadInput",
    "BadText",
    "Busy",
    "Conflict",
    "EventNotAllowed",
    "GuardRefused",
    "ImportFileError",
    "NotInitialised",
    "NotPermitted",
    "OutOfOrder",
    "ReadOnlyDatabase",
    "RectrackError",
    "Refused",
    "UnknownCommittee",
    "UnknownPerson",
    "UnknownRecommendation",
    "UnknownReport",
]
