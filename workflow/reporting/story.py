"""The progress story every paper tells of a recommendation, in the same words everywhere: who
owns it (name and title), what they last said and when, the degree met, what is overdue and by
how many days, what comes next, and, once superseded, what succeeds it and why."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from states import OPEN
from workflow.directory.decisions import Decision
from workflow.mail.compose import KIND_LABEL
from workflow.reporting.dates import assumed_mark
from workflow.reporting.portfolio import RecFacts

NO_UPDATE = "No progress update yet."


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def local_day(when: datetime, zone: ZoneInfo) -> str:
    return when.astimezone(zone).date().isoformat()


def person_text(email: str | None, name: str | None, title: str | None) -> str:
    """A person as papers name them: "Owen Owner, Head of TP"; their address only when the
    directory has no name; "(none)" without anyone."""
    if email is None:
        return "(none)"
    shown = name or email
    if title and title.casefold() != shown.casefold():
        return f"{shown}, {title}"
    return shown


def owner_text(f: RecFacts) -> str:
    """A recommendation's owner as papers name them (see `person_text`)."""
    return person_text(f.owner, f.owner_name, f.owner_title)


def decision_owner_text(d: Decision) -> str:
    """A committee decision's owner as papers name them (see `person_text`)."""
    return person_text(d.owner, d.owner_name, d.owner_title)


def state_text(f: RecFacts) -> str:
    """ "in progress; met: partially"."""
    return f"{f.state.replace('_', ' ')}; met: {f.degree}"


def latest_text(f: RecFacts, zone: ZoneInfo) -> str:
    """The latest progress update, dated, or that there is none yet."""
    if f.latest_update is None:
        return NO_UPDATE
    when, note, _ = f.latest_update
    return f"{local_day(when, zone)}: {note}"


def _named(f: RecFacts) -> tuple[tuple[str, date | None], ...]:
    due = f.due
    return (
        ("response", due.response),
        ("plan", due.plan),
        ("update", due.update),
        ("target", due.target),
    )


def overdue_reasons(f: RecFacts, today: date) -> list[str]:
    """Each date an open recommendation has missed, with the days since: "progress update
    overdue by 84 days (due 2004-06-09)", or "(due 2003-03-31, assumed)" for an assumed
    target."""
    if f.state not in OPEN:
        return []
    return [
        f"{KIND_LABEL[kind].lower()} overdue by {plural((today - d).days, 'day')} "
        f"(due {d.isoformat()}{', assumed' if _target_assumed(f, kind) else ''})"
        for kind, d in _named(f)
        if d is not None and d < today
    ]


def _target_assumed(f: RecFacts, kind: str | None) -> bool:
    """Whether the date of `kind` is a target the source does not give."""
    return kind == "target" and f.target_assumed


def due_cell(day: date | None, today: date, assumed: bool = False) -> str:
    """A due date as a table cell: "2004-05-28", or "2003-12-29 (overdue by 126 days)";
    " (assumed)" after it if it is an assumed target."""
    if day is None:
        return ""
    late = (today - day).days
    shown = day.isoformat() + assumed_mark(assumed)
    return shown + (f" (overdue by {plural(late, 'day')})" if late > 0 else "")


def next_due_cell(f: RecFacts, today: date) -> str:
    """The next date an open recommendation owes, as a table cell (see `due_cell`)."""
    return due_cell(f.due.next, today, _target_assumed(f, f.due.next_kind))


def next_due_text(f: RecFacts, today: date) -> str | None:
    """What an open recommendation owes next, when nothing is overdue: "next: progress
    update due 2004-05-28"."""
    if f.state not in OPEN:
        return None
    coming = sorted((d, kind) for kind, d in _named(f) if d is not None)
    if not coming or coming[0][0] < today:
        return None
    day, kind = coming[0]
    mark = assumed_mark(_target_assumed(f, kind))
    return f"next: {KIND_LABEL[kind].lower()} due {day.isoformat()}{mark}"


def outstanding_reasons(f: RecFacts, today: date) -> list[str]:
    """Why an open recommendation is outstanding: each date missed (with the days since),
    an open escalation, a wait for sign-off; none if it is not."""
    why = overdue_reasons(f, today)
    if f.escalated:
        why.append("escalated")
    if f.state == "monitored" and f.degree == "completely":
        why.append("awaiting sign-off")
    return why


def superseded_text(f: RecFacts) -> str:
    """ "superseded by md-2004/R1: it repeats md-2004/R1", or dropped, with the reason."""
    if f.successor is None:
        return f"dropped: {f.successor_why}" if f.successor_why else "dropped (no reason recorded)"
    if f.successor_why is None:
        return f"superseded by {f.successor} (no reason recorded)"
    return f"superseded by {f.successor}: {f.successor_why}"


def lowered(label: str) -> str:
    """A label inside a sentence: "Response not given" as "response not given" (but
    "Escalated by the ILAU" as "escalated by the ILAU")."""
    return label[:1].lower() + label[1:]


def sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def reasons_cell(reasons: list[str]) -> str:
    """Reasons one to a line, each as a sentence, none twice."""
    return "\n".join(sentence(r) for r in dict.fromkeys(reasons))
