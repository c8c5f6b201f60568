"""People: who owns, who chases, who signs off."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, insert, select, update

from states import ROLES, Actor, authorise
from workflow.errors import AlreadyExists, BadInput, UnknownPerson
from workflow.plain import INTERNAL
from workflow.store.tables import person
from workflow.store.uow import Tx, UnitOfWork


@dataclass(frozen=True, slots=True)
class Person:
    """Someone who owns, chases, sits on a committee or signs off."""

    email: str
    name: str
    roles: tuple[str, ...]
    group: str | None
    active: bool
    title: str | None
    """Their job title, e.g. "Head of Corporate Performance"."""
    id: int = field(metadata=INTERNAL)

    @property
    def actor(self) -> Actor:
        return Actor(self.email, frozenset(self.roles), self.active)


def normalise_email(email: str) -> str:
    """The address as stored: valid by email-validator (without asking DNS), lower case.

    Anything a mail header could not carry (a comma, quotes, a display name) is refused
    here, so that no message to it can fail when it is sent.
    """
    from email_validator import EmailNotValidError, validate_email  # loaded when first needed

    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise BadInput(f"not an email address: {email!r}: {exc}") from None


def check_roles(roles: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise BadInput(f"unknown role(s) {', '.join(unknown)} (known: {', '.join(ROLES)})")
    if not roles:
        raise BadInput("a person needs at least one role")
    return tuple(sorted(set(roles)))


def person_from_row(row: Any) -> Person:
    return Person(
        row.email,
        row.name,
        tuple(row.roles.split()),
        row.group_name,
        bool(row.active),
        row.title,
        row.id,
    )


def find_person(conn: Connection, email: str) -> Person | None:
    row = conn.execute(select(person).where(person.c.email == email.strip().lower())).first()
    return person_from_row(row) if row else None


def names_of(conn: Connection, emails: set[str]) -> dict[str, str]:
    """Each known address's person's name, in one query."""
    if not emails:
        return {}
    rows = conn.execute(select(person.c.email, person.c.name).where(person.c.email.in_(emails)))
    return dict(rows.all())


def get_person(conn: Connection, email: str) -> Person:
    found = find_person(conn, email)
    if found is None:
        raise UnknownPerson(email)
    return found


def insert_person(
    tx: Tx,
    email: str,
    name: str,
    roles: tuple[str, ...],
    group: str | None,
    actor: str,
    title: str | None = None,
) -> int:
    """Insert a person (validated already) and record it in the audit trail."""
    new_id: int = tx.conn.execute(
        insert(person)
        .values(
            email=email,
            name=name,
            roles=" ".join(roles),
            group_name=group,
            title=title,
            active=True,
            created_at=tx.now,
        )
        .returning(person.c.id)
    ).scalar_one()
    changes: dict[str, Any] = {"email": email, "name": name, "roles": roles, "group": group}
    if title is not None:  # recorded when given: the events of people without one read as before
        changes["title"] = title
    tx.audit.append(actor=actor, event="person.add", changes=changes)
    return new_id


def add_person(
    uow: UnitOfWork,
    email: str,
    *,
    name: str,
    roles: list[str],
    group: str | None = None,
    actor: str | None = None,
    title: str | None = None,
) -> Person:
    """Register a person (ilau only; the very first person needs no actor, see `acting_as`);
    refused if the email is already known."""
    email = normalise_email(email)
    checked = check_roles(roles)
    if not name.strip():
        raise BadInput("a person needs a name")
    title = (title or "").strip() or None
    with uow.write() as tx:
        recorded = acting_as(tx, actor, "person.add", [Actor(email, frozenset(checked))])
        if find_person(tx.conn, email) is not None:
            raise AlreadyExists(f"{email} is already registered")
        insert_person(tx, email, name.strip(), checked, group, recorded, title)
        return get_person(tx.conn, email)


def set_active(uow: UnitOfWork, email: str, *, active: bool, actor: str | None = None) -> Person:
    """Mark a person as (in)active (ilau only): inactive people cannot act or be given
    recommendations."""
    with uow.write() as tx:
        recorded = acting_as(tx, actor, "person.add" if active else "person.deactivate")
        found = get_person(tx.conn, email)
        if found.active != active:
            tx.conn.execute(update(person).where(person.c.id == found.id).values(active=active))
            tx.audit.append(
                actor=recorded,
                event="person.activate" if active else "person.deactivate",
                changes={"email": found.email, "active": [found.active, active]},
            )
        return get_person(tx.conn, email)


SETUP = "installation set-up"
"""The actor recorded for what is done before anyone is registered."""
_SETUP_OPERATIONS = frozenset({"import", "person.add"})


def acting_as(tx: Tx, actor: str | None, operation: str, newcomers: Sequence[Actor] = ()) -> str:
    """Who to record as doing `operation`, once allowed: a known, active person whom the
    permission table lets do it. On a database that holds nobody yet, the first import or
    person added is the installation's set-up: it needs no actor, and an actor it names may
    be one of the `newcomers` it registers."""
    setting_up = operation in _SETUP_OPERATIONS and _nobody_yet(tx.conn)
    if actor is None:
        if setting_up:
            return SETUP
        raise BadInput("say who does this: an actor is required (--actor EMAIL)")
    email = actor.strip().lower()
    newcomer = next((a for a in newcomers if a.email == email), None) if setting_up else None
    who = newcomer or get_person(tx.conn, actor).actor
    authorise(operation, None, who)
    return who.email


OPERATOR = "command line"
"""The actor recorded for what the operator of the server does without naming anyone."""


def operator_or(tx: Tx, actor: str | None, operation: str) -> str:
    """Who to record as doing `operation`: the operator at the command line when no actor
    is named (tokens, webhooks, issuing papers: work of whoever runs the server), else a
    known, active person whom the permission table lets do it."""
    if actor is None:
        return OPERATOR
    who = get_person(tx.conn, actor).actor
    authorise(operation, None, who)
    return who.email


def _nobody_yet(conn: Connection) -> bool:
    return conn.execute(select(person.c.id).limit(1)).first() is None


def list_people(uow: UnitOfWork) -> list[Person]:
    with uow.read() as tx:
        return [
            person_from_row(r) for r in tx.conn.execute(select(person).order_by(person.c.email))
        ]


def recipients_with_role(conn: Connection, role: str) -> Sequence[tuple[str, str]]:
    """(email, name) of every active person with `role`."""
    rows = conn.execute(
        select(person.c.email, person.c.name, person.c.roles)
        .where(person.c.active.is_(True))
        .order_by(person.c.email)
    )
    return [(e, n) for e, n, roles in rows if role in roles.split()]
