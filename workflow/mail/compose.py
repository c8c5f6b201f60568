"""What rectrack tells people, composed from the domain's words into templates and the outbox."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from notifications.render import render
from workflow.mail.outbox import Attachment, Mail
from workflow.store.uow import Links

KIND_LABEL = {
    "response": "Response",
    "plan": "Implementation plan",
    "update": "Progress update",
    "target": "Target date",
    "action": "Action",
    "decision": "Committee decision",
}
REASON_LABEL = {
    "missed_response": "Response not given",
    "missed_plan": "Implementation plan not agreed",
    "missed_update": "Progress update not received",
    "missed_target": "Target date missed",
    "missed_decision": "Committee decision not done by its date",
    "manual": "Escalated by the ILAU",
}


# Not frozen: the sweep makes thousands, and a frozen dataclass is five times slower to make.
@dataclass(slots=True)
class DueItem:
    """One thing an owner has to do by a date."""

    rec: str
    subject: str | None
    kind: str
    due: date
    what: str


# Not frozen: the sweep makes thousands, and a frozen dataclass is five times slower to make.
@dataclass(slots=True)
class EscalationNotice:
    """One escalation, as the committee's members are told of it."""

    rec: str
    subject: str | None
    reason: str
    due: date | None
    committee: str
    note: str | None
    owner: str | None = None
    group: str | None = None


@dataclass(frozen=True, slots=True)
class Unowned:
    """An open recommendation with no owner, or an inactive one, as the ILAU is told of it."""

    rec: str
    subject: str | None
    problem: str


# Not frozen: the sweep makes thousands, and a frozen dataclass is five times slower to make.
@dataclass(slots=True)
class _Line:
    """One line of a digest, as its templates show it. (An object, not a dict: Jinja reads
    attributes first, and a dict's keys only after a failed attribute lookup.)"""

    rec: str
    subject: str | None
    label: str
    due: str | None
    overdue_days: int | None
    what: str = ""
    committee: str = ""
    note: str | None = None
    owner: str | None = None
    group: str | None = None
    reason: str = ""
    url: str | None = None


def _no_link(code: str) -> str | None:
    return None


def _urls(links: Links | None, recipient: str) -> Callable[[str], str | None]:
    """Addresses of recommendations' pages that sign `recipient` in (none without links)."""
    return links.to(recipient) if links is not None else _no_link


def _plural(n: int, one: str, many: str) -> str:
    return one if n == 1 else many.format(n=n)


def reminder_digest(
    email: str, name: str, items: list[DueItem], today: date, *, links: Links | None = None
) -> Mail:
    """One message per owner per sweep, listing everything of theirs that is due."""
    ordered = sorted(items, key=lambda i: (i.due, i.rec))
    url = _urls(links, email)
    n = len(dict.fromkeys(i.rec for i in ordered))
    # The subject counts recommendations, as the message does: three of them with nine dates
    # between them are three recommendations, not nine.
    if len(ordered) == 1:
        first = ordered[0]
        subject = f"rectrack: {first.rec} {KIND_LABEL[first.kind].lower()} due {first.due}"
    elif n == 1:
        subject = f"rectrack: {ordered[0].rec} needs your attention ({len(ordered)} items due)"
    else:
        subject = f"rectrack: {n} recommendations need your attention ({len(ordered)} items due)"
    context = [
        _Line(
            i.rec,
            i.subject,
            KIND_LABEL[i.kind],
            i.due.isoformat(),
            (today - i.due).days,
            i.what,
            url=url(i.rec),
        )
        for i in ordered
    ]
    rendered = render("digest", subject, name=name, items=context, recs=n, today=today.isoformat())
    return Mail("reminder", email, rendered, tuple(dict.fromkeys(i.rec for i in ordered)))


def escalation_digest(
    email: str,
    name: str,
    committee: str,
    escalations: list[EscalationNotice],
    today: date,
    *,
    links: Links | None = None,
) -> Mail:
    """The escalations of one sweep (or one by hand), for one member of the committee."""
    url = _urls(links, email)
    n = len(escalations)
    what = _plural(n, "a recommendation", "{n} recommendations")
    subject = f"rectrack: {what} escalated to the {committee}"
    items = [
        _Line(
            e.rec,
            e.subject,
            "",
            e.due.isoformat() if e.due else None,
            (today - e.due).days if e.due else None,
            committee=e.committee,
            note=e.note,
            owner=e.owner,
            group=e.group,
            reason=REASON_LABEL[e.reason],
            url=url(e.rec),
        )
        for e in escalations
    ]
    rendered = render(
        "escalation",
        subject,
        name=name,
        committee=committee,
        escalations=items,
        today=today.isoformat(),
    )
    return Mail("escalation", email, rendered, tuple(e.rec for e in escalations))


def ilau_digest(
    email: str, name: str, unowned: list[Unowned], today: date, *, links: Links | None = None
) -> Mail:
    """The ILAU hears of open recommendations that nobody answers for."""
    n = len(unowned)
    url = _urls(links, email)
    subject = f"rectrack: {_plural(n, 'a recommendation', '{n} recommendations')} without an owner"
    urls = {u.rec: url(u.rec) for u in unowned}
    rendered = render(
        "ilau", subject, name=name, unowned=unowned, urls=urls, today=today.isoformat()
    )
    return Mail("ilau", email, rendered, tuple(u.rec for u in unowned))


def reassign_notices(
    rec: str,
    subject: str | None,
    text: str,
    old: tuple[str, str] | None,
    new: tuple[str, str],
    by: str,
    today: date,
    *,
    links: Links | None = None,
) -> list[Mail]:
    """The new owner is told it is theirs; the old owner that it is not any more."""
    common = {
        "rec": rec,
        "rec_subject": subject,
        "text": text,
        "by": by,
        "today": today.isoformat(),
        "old_owner": old[0] if old else None,
        "new_owner": new[0],
    }
    mails = [
        Mail(
            "reassign",
            new[0],
            render(
                "reassign",
                f"rectrack: {rec} is now yours",
                name=new[1],
                gaining=True,
                url=_urls(links, new[0])(rec),
                **common,
            ),
            (rec,),
        )
    ]
    if old is not None:
        mails.append(
            Mail(
                "reassign",
                old[0],
                render(
                    "reassign",
                    f"rectrack: {rec} has passed to {new[1]}",
                    name=old[1],
                    gaining=False,
                    url=_urls(links, old[0])(rec),
                    **common,
                ),
                (rec,),
            )
        )
    return mails


def signoff_notice(
    rec: str,
    subject: str | None,
    owner: tuple[str, str],
    by: str,
    evidence: str,
    today: date,
    *,
    links: Links | None = None,
) -> Mail:
    rendered = render(
        "signoff",
        f"rectrack: {rec} signed off as complete",
        name=owner[1],
        rec=rec,
        rec_subject=subject,
        by=by,
        evidence=evidence,
        today=today.isoformat(),
        url=_urls(links, owner[0])(rec),
    )
    return Mail("signoff", owner[0], rendered, (rec,))


def agenda_notice(
    email: str,
    name: str,
    committee: str,
    meeting: date,
    items: list[dict[str, Any]],
    today: date,
    *,
    links: Links | None = None,
) -> Mail:
    """The secretary hears that a meeting's agenda is ready, and what it holds."""
    url = _urls(links, email)
    subject = f"rectrack: agenda for the {committee} on {meeting}"
    recs = tuple(dict.fromkeys(r for i in items for r in i["recs"]))
    rendered = render(
        "agenda",
        subject,
        name=name,
        committee=committee,
        meeting=meeting.isoformat(),
        items=items,
        urls={r: url(r) for r in recs},
        today=today.isoformat(),
    )
    return Mail("agenda", email, rendered, recs)


def monthly_notices(
    recipients: Iterable[str], title: str, month: date, report: Attachment
) -> list[Mail]:
    """The ILAU's monthly report (its `title`, for `month`), one message per recipient, each
    with the report's file attached."""
    subject = f"{title}, {month:%B %Y}"
    # The same words for everyone: rendered once, however many receive it.
    rendered = render("monthly", subject, month=f"{month:%B %Y}", filename=report.filename)
    return [Mail("monthly", to, rendered, attachments=(report,)) for to in recipients]
