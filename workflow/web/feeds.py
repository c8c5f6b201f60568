"""`/calendar/{token}.ics`: a person's calendar feed, at a secret address that
`rectrack calendar url EMAIL` prints. The address is the credential (calendar programs send
no other); a revoked, expired or unknown one is simply not found."""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import Response

from workflow.directory.tokens import bearer, touch
from workflow.reporting.calendar import feed
from workflow.store.uow import UnitOfWork
from workflow.web.auth import web_of
from workflow.web.errors import not_found
from workflow.web.pages import acting


async def calendar(request: Request) -> Response:
    web = web_of(request)
    secret = request.path_params["token"]
    base = web.settings.base_url

    def build(uow: UnitOfWork) -> bytes | None:
        found = bearer(uow, secret, "calendar")
        if found is None:
            return None
        touch(uow, found)
        return feed(uow, found.person, base, urlsplit(base).hostname or "rectrack")

    body = await acting(request, build)
    if body is None:
        return await not_found(request, "There is no calendar at this address (any more).")
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={
            "Cache-Control": "private, max-age=300",
            "Content-Disposition": 'inline; filename="rectrack.ics"',
        },
    )
