"""Who is signed in to the web application: sign-in links sent by e-mail, the sessions they
open, and the links in notices that sign their recipient in.

Every token is random (or, for links in notices, signed), and only its SHA-256 is stored; a
sign-in link is used once, atomically, so two clicks cannot both sign in.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode

from sqlalchemy import insert, select, update

from notifications.render import render
from workflow.directory.people import Person, find_person, person_from_row
from workflow.mail.links import read_token
from workflow.mail.outbox import Mail, enqueue_one
from workflow.store.access import sign_in_token, web_session
from workflow.store.tables import person
from workflow.store.uow import Tx, UnitOfWork

_s = web_session.c
_t = sign_in_token.c


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Session:
    """A signed-in person, and the token their browser holds (never stored as it is)."""

    person: Person
    token: str


def request_sign_in(
    uow: UnitOfWork, email: str, *, base_url: str, minutes: int, next_path: str = "/"
) -> int | None:
    """Queue a single-use sign-in link for `email` if it is a known, active person (once
    signed in, it leads to `next_path`, a path on the site); the outbox id of the message
    (to be sent at once), or None when there is nobody to send to."""
    with uow.write() as tx:
        found = find_person(tx.conn, email)
        if found is None or not found.active:
            return None
        token = secrets.token_urlsafe(32)
        tx.conn.execute(
            insert(sign_in_token).values(
                token_hash=token_hash(token),
                person_id=found.id,
                created_at=tx.now,
                expires_at=tx.now + timedelta(minutes=minutes),
            )
        )
        rendered = render(
            "signin",
            "rectrack: your sign-in link",
            name=found.name,
            url=f"{base_url}/login/{token}"
            + (f"?{urlencode({'next': next_path})}" if next_path != "/" else ""),
            minutes=minutes,
        )
        return enqueue_one(tx, Mail("sign-in", found.email, rendered))


def open_session(tx: Tx, who: Person, via: str, hours: int) -> Session:
    """A new session for `who` (signed in `via` a sign-in link or a notice's link)."""
    token = secrets.token_urlsafe(32)
    tx.conn.execute(
        insert(web_session).values(
            token_hash=token_hash(token),
            person_id=who.id,
            via=via,
            created_at=tx.now,
            expires_at=tx.now + timedelta(hours=hours),
        )
    )
    return Session(who, token)


def redeem_sign_in(uow: UnitOfWork, token: str, *, hours: int) -> Session | None:
    """Use a sign-in link: a session for its person if the link is genuine, unused, not
    expired, and its person still active; None otherwise (and the link is spent either way)."""
    with uow.write() as tx:
        used = tx.conn.execute(
            update(sign_in_token)
            .where(_t.token_hash == token_hash(token), _t.used_at.is_(None))
            .values(used_at=tx.now)
            .returning(_t.person_id, _t.expires_at)
        ).first()
        if used is None or used.expires_at <= tx.now:
            return None
        who = _person(tx, used.person_id)
        return open_session(tx, who, "sign-in", hours) if who is not None and who.active else None


def redeem_mail_link(uow: UnitOfWork, token: str, *, secret: str, hours: int) -> Session | None:
    """A session for the recipient of a notice whose link carried `token` (signed with
    `secret`), if it is genuine, not expired, and its recipient is a known, active person."""
    with uow.write() as tx:
        email = read_token(secret, token, tx.now)
        who = find_person(tx.conn, email) if email is not None else None
        if who is None or not who.active:
            return None
        return open_session(tx, who, "mail-link", hours)


def _person(tx: Tx, person_id: int) -> Person | None:
    row = tx.conn.execute(select(person).where(person.c.id == person_id)).first()
    return person_from_row(row) if row is not None else None


def session_person(uow: UnitOfWork, token: str) -> Person | None:
    """The person a browser's session token belongs to, while it is open and they active."""
    with uow.read() as tx:
        row = tx.conn.execute(
            select(person)
            .join(web_session, _s.person_id == person.c.id)
            .where(
                _s.token_hash == token_hash(token),
                _s.ended_at.is_(None),
                _s.expires_at > tx.now,
                person.c.active.is_(True),
            )
        ).first()
        return person_from_row(row) if row is not None else None


def end_session(uow: UnitOfWork, token: str) -> None:
    """Sign out: the session's token opens nothing any more."""
    with uow.write() as tx:
        tx.conn.execute(
            update(web_session)
            .where(_s.token_hash == token_hash(token), _s.ended_at.is_(None))
            .values(ended_at=tx.now)
        )
