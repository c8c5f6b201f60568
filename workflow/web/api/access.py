"""Who calls the API: the person a bearer token acts for, never anything the request says.

Each call runs on a unit of work of its own whose audit events record the token
(`UnitOfWork.via`): the act is the person's, with their roles, done through that token.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.requests import Request

from workflow.directory.people import Person
from workflow.directory.tokens import bearer, touch
from workflow.store.uow import UnitOfWork
from workflow.web.api.problems import ApiProblem
from workflow.web.auth import web_of

SCHEME = HTTPBearer(
    auto_error=False,
    scheme_name="token",
    description="A personal access token from `rectrack token create EMAIL`.",
)


@dataclass(frozen=True, slots=True)
class Caller:
    person: Person
    uow: UnitOfWork


def calling(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(SCHEME)]
) -> Iterator[Caller]:
    """The token's person, and a unit of work acting as them whose audit events name the
    token: checked before anything else of the request is (so that nobody without a valid
    token learns even which input is wrong); 401 without a usable one. The check and the
    work share one connection."""
    if credentials is None:
        raise ApiProblem(401, "send a token: Authorization: Bearer TOKEN (rectrack token create)")
    with web_of(request).app.uow(check=False) as uow:
        found = bearer(uow, credentials.credentials, "api")
        if found is None:
            raise ApiProblem(
                401, "the token is not valid: unknown, revoked, expired, or its person inactive"
            )
        touch(uow, found)
        request.state.person = found.person
        uow.via = f"token {found.token.id} ({found.token.name})"
        yield Caller(found.person, uow)


Token = Annotated[Caller, Depends(calling)]
"""An endpoint's caller: declare a parameter `caller: Token`."""


def cursor_for(last_id: int) -> str:
    """An opaque cursor for the page after internal id `last_id`."""
    return base64.urlsafe_b64encode(f"after:{last_id}".encode()).decode().rstrip("=")


def after_cursor(cursor: str | None) -> int | None:
    """The internal id a cursor from `cursor_for` stands for; 400 for anything else."""
    if cursor is None:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _, number = text.partition(":")
        if kind == "after" and number.isdigit() and len(number) < 12:
            return int(number)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise ApiProblem(400, "cursor: not one this API gave (use the `next` link)", field="cursor")


def next_link(request: Request, cursor: str | None) -> str | None:
    """The address of the next page: this one's, with the cursor given."""
    if cursor is None:
        return None
    return str(request.url.include_query_params(cursor=cursor))
