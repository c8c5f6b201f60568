"""Personal access tokens: the API's (`Authorization: Bearer`) and the calendar feeds'.

A token is random and shown once, when it is made; only its SHA-256 is kept. It acts as its
person, with their roles, while it is neither revoked nor expired and they are active. Making
and revoking one is audited; so is every act done with one (see `UnitOfWork.via`).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

from sqlalchemy import insert, select, update

from workflow.directory.people import Person, get_person, operator_or, person_from_row
from workflow.directory.sessions import token_hash  # hashed as sign-in links are
from workflow.errors import BadInput
from workflow.store.outward import TOKEN_KINDS, access_token
from workflow.store.tables import person
from workflow.store.uow import Tx, UnitOfWork

_t = access_token.c
PREFIX = {"api": "rtk_", "calendar": "rtc_"}
"""What each kind of token starts with, so a leaked one is recognised for what it is."""
TOUCH_EVERY = timedelta(minutes=5)
"""`last_used_at` is written at most this often per token: reading should not mean writing."""


class UnknownToken(BadInput):
    """No such token (by id), or not this kind."""


@dataclass(frozen=True, slots=True)
class TokenInfo:
    """A token as listed: never the token itself."""

    id: int
    kind: str
    person: str
    name: str
    created_at: datetime
    created_by: str
    expires_on: date | None
    revoked_at: datetime | None
    last_used_at: datetime | None

    def usable(self, today: date) -> bool:
        return self.revoked_at is None and (self.expires_on is None or today <= self.expires_on)


@dataclass(frozen=True, slots=True)
class Issued:
    """A token just made: the only time its secret is known."""

    info: TokenInfo
    token: str


@dataclass(frozen=True, slots=True)
class Bearer:
    """Who a presented token acts for, and which token it was."""

    person: Person
    token: TokenInfo
    hashed: str
    touch: bool
    """Whether its `last_used_at` is stale enough to write again."""


def _select() -> Any:
    return select(access_token, person.c.email.label("person_email")).join(
        person, person.c.id == _t.person_id
    )


def _info(row: Any) -> TokenInfo:
    return TokenInfo(
        row.id,
        row.kind,
        row.person_email,
        row.name,
        row.created_at,
        row.created_by,
        row.expires_on,
        row.revoked_at,
        row.last_used_at,
    )


def _recorder(tx: Tx, actor: str | None, owner: Person) -> str:
    """Who makes or revokes a token for `owner`: the operator at the command line (no actor),
    the person themselves, or someone the permission table lets manage others' tokens."""
    if actor is not None and actor.strip().lower() == owner.email:
        return get_person(tx.conn, actor).email
    return operator_or(tx, actor, "token.manage")


def create_token(
    uow: UnitOfWork,
    email: str,
    *,
    kind: str = "api",
    name: str | None = None,
    expires: date | None = None,
    actor: str | None = None,
) -> Issued:
    """Make a token for the active person `email`; its secret is in the result, and nowhere
    else, ever."""
    if kind not in TOKEN_KINDS:
        raise BadInput(f"unknown token kind {kind!r} (known: {', '.join(TOKEN_KINDS)})")
    with uow.write() as tx:
        owner = get_person(tx.conn, email)
        if not owner.active:
            raise BadInput(f"{owner.email} is inactive: an inactive person gets no token")
        if expires is not None and expires < tx.today:
            raise BadInput(f"--expires {expires.isoformat()} is already past")
        recorded = _recorder(tx, actor, owner)
        label = (name or "").strip() or f"{kind} {tx.now:%Y-%m-%d %H:%M}"
        secret = PREFIX[kind] + secrets.token_urlsafe(32)
        new_id = tx.conn.execute(
            insert(access_token)
            .values(
                kind=kind,
                person_id=owner.id,
                name=label,
                token_hash=token_hash(secret),
                created_at=tx.now,
                created_by=recorded,
                expires_on=expires,
            )
            .returning(_t.id)
        ).scalar_one()
        tx.audit.append(
            actor=recorded,
            event="token.create",
            changes={"id": new_id, "kind": kind, "person": owner.email, "name": label},
        )
        row = tx.conn.execute(_select().where(_t.id == new_id)).one()
        return Issued(_info(row), secret)


def list_tokens(
    uow: UnitOfWork, *, kind: str | None = None, email: str | None = None
) -> list[TokenInfo]:
    """Tokens, oldest first, filtered by kind and person."""
    stmt = _select().order_by(_t.id)
    if kind is not None:
        stmt = stmt.where(_t.kind == kind)
    if email is not None:
        stmt = stmt.where(person.c.email == email.strip().lower())
    with uow.read() as tx:
        return [_info(r) for r in tx.conn.execute(stmt)]


def revoke_token(uow: UnitOfWork, token_id: int, *, actor: str | None = None) -> TokenInfo:
    """Revoke token `token_id`: from now on it opens nothing. Revoking it again changes
    nothing."""
    with uow.write() as tx:
        row = tx.conn.execute(_select().where(_t.id == token_id)).first()
        if row is None:
            raise UnknownToken(f"no token {token_id} (see `rectrack token list`)")
        recorded = _recorder(tx, actor, get_person(tx.conn, row.person_email))
        if row.revoked_at is None:
            tx.conn.execute(update(access_token).where(_t.id == token_id).values(revoked_at=tx.now))
            tx.audit.append(
                actor=recorded,
                event="token.revoke",
                changes={"id": token_id, "kind": row.kind, "person": row.person_email},
            )
        return _info(tx.conn.execute(_select().where(_t.id == token_id)).one())


def bearer(uow: UnitOfWork, secret: str, kind: str) -> Bearer | None:
    """The person a presented token of `kind` acts for, if it is usable and they are active;
    None for anything else (the caller says only "not a valid token")."""
    if not secret.startswith(PREFIX.get(kind, "\0")):
        return None
    hashed = token_hash(secret)
    with uow.read() as tx:
        row = tx.conn.execute(
            _select()
            .add_columns(*(c.label(f"p_{c.name}") for c in person.c))
            .where(_t.token_hash == hashed, _t.kind == kind, person.c.active.is_(True))
        ).first()
        if row is None:
            return None
        info = _info(row)
        if not info.usable(tx.today):
            return None
        fields = row._mapping
        who = person_from_row(SimpleNamespace(**{c.name: fields[f"p_{c.name}"] for c in person.c}))
        touch = info.last_used_at is None or tx.now - info.last_used_at >= TOUCH_EVERY
        return Bearer(who, info, hashed, touch)


def touch(uow: UnitOfWork, used: Bearer) -> None:
    """Record when a token was last used (at most every `TOUCH_EVERY`)."""
    if not used.touch:
        return
    with uow.write() as tx:
        tx.conn.execute(
            update(access_token).where(_t.token_hash == used.hashed).values(last_used_at=tx.now)
        )
