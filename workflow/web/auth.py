"""Signing in and out: the sign-in link sent by e-mail, the session cookie, and the links in
notices that sign their recipient in. Identity comes from the session, never from a form."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from config.logging import get_logger
from workflow.directory.people import Person, normalise_email
from workflow.directory.sessions import (
    Session,
    end_session,
    redeem_mail_link,
    redeem_sign_in,
    request_sign_in,
    session_person,
)
from workflow.errors import BadInput
from workflow.mail.delivery import deliver
from workflow.mail.links import read_token
from workflow.web.security import (
    CSRF_FIELD,
    PRE_COOKIE,
    SESSION_COOKIE,
    csrf_ok,
    csrf_token,
    new_pre_token,
    origin_ok,
)

if TYPE_CHECKING:
    from workflow.web.context import Web

log = get_logger("rectrack.web")


def web_of(request: Request) -> Web:
    web: Web = request.app.state.web
    return web


def local_path(value: str | None) -> str:
    """`value` if it is a path on this site (never another site's address), else "/"."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    return value


async def current_person(request: Request) -> Person | None:
    """The signed-in person of this request (once per request), or None."""
    if not hasattr(request.state, "person"):
        token = request.cookies.get(SESSION_COOKIE)
        found = None
        if token:
            web = web_of(request)

            def look() -> Person | None:
                with web.app.uow(check=False) as uow:
                    return session_person(uow, token)

            found = await run_in_threadpool(look)
        request.state.person = found
    person: Person | None = request.state.person
    return person


def csrf_for(request: Request) -> str:
    """The CSRF token for this browser's forms (bound to its session or pre-session)."""
    web = web_of(request)
    bound = request.cookies.get(SESSION_COOKIE) or getattr(request.state, "pre", None)
    if bound is None:
        bound = request.cookies.get(PRE_COOKIE)
    if bound is None:
        bound = request.state.pre = new_pre_token()
    return csrf_token(web.secret, bound)


def set_pre_cookie(request: Request, response: Response) -> None:
    """Keep the pre-session cookie a form's token was made from, if it was made now."""
    made = getattr(request.state, "pre", None)
    if made is not None and request.cookies.get(PRE_COOKIE) != made:
        response.set_cookie(
            PRE_COOKIE,
            made,
            httponly=True,
            samesite="lax",
            secure=web_of(request).settings.secure,
            path="/",
        )


def unsafe_request_ok(request: Request, form: dict[str, str]) -> bool:
    """The checks on every POST: our own origin, and the CSRF token of this browser."""
    web = web_of(request)
    if not origin_ok({k.lower(): v for k, v in request.headers.items()}, web.settings.base_url):
        return False
    bound = request.cookies.get(SESSION_COOKIE) or request.cookies.get(PRE_COOKIE)
    return csrf_ok(web.secret, bound, form.get(CSRF_FIELD))


def start_session(request: Request, session: Session, to: str) -> Response:
    response = RedirectResponse(to, status_code=303)
    web = web_of(request)
    response.set_cookie(
        SESSION_COOKIE,
        session.token,
        max_age=web.settings.session_hours * 3600,
        httponly=True,
        samesite="lax",
        secure=web.settings.secure,
        path="/",
    )
    response.delete_cookie(PRE_COOKIE, path="/")
    log.info("signed in", person=session.person.email)
    return response


def sign_in_page(request: Request) -> Response:
    """Where a page that needs a session sends a browser without one: nothing of the page."""
    target = request.url.path
    return RedirectResponse(f"/login?{urlencode({'next': target})}", status_code=303)


async def follow_mail_link(request: Request) -> Response | None:
    """A page opened from a notice's link (`?t=`): sign its recipient in and show the page
    without the token; None when there is no token, or it is not for whoever is signed in
    (the page then says so)."""
    token = request.query_params.get("t")
    if token is None:
        return None
    web = web_of(request)
    me = await current_person(request)
    clean = request.url.path
    if me is not None:
        recipient = read_token(web.secret, token, web.app.clock.now())
        if recipient == me.email:
            return RedirectResponse(clean, status_code=303)
        request.state.link_for = recipient or "someone else"
        return None

    def redeem() -> Session | None:
        with web.app.uow(check=False) as uow:
            return redeem_mail_link(uow, token, secret=web.secret, hours=web.settings.session_hours)

    session = await run_in_threadpool(redeem)
    if session is None:
        query = urlencode({"next": clean, "expired": "1"})
        return RedirectResponse(f"/login?{query}", status_code=303)
    return start_session(request, session, clean)


def check_address(raw: str) -> str | None:
    """The address as stored, or None if it is no address at all."""
    try:
        return normalise_email(raw)
    except BadInput:
        return None


async def send_sign_in_link(request: Request, address: str, next_path: str) -> None:
    """Queue and send at once a sign-in link, if `address` is someone who may sign in."""
    web = web_of(request)
    base = web.settings.base_url

    def queue() -> int | None:
        with web.app.uow(check=False) as uow:
            return request_sign_in(
                uow,
                address,
                base_url=base,
                minutes=web.settings.sign_in_minutes,
                next_path=next_path,
            )

    outbox_id = await run_in_threadpool(queue)
    if outbox_id is None:
        log.info("sign-in asked for an unknown or inactive address")
        return

    def send() -> None:
        try:
            with web.app.uow(check=False) as uow:
                deliver(uow, web.app.settings.mail, ids=[outbox_id])
        except Exception:  # the sender retries it; the person may ask again
            log.exception("sign-in link not sent at once: left in the outbox", id=outbox_id)

    await run_in_threadpool(send)


async def use_sign_in_link(request: Request, token: str) -> Response | None:
    """Sign in with the link's token; None if it is unknown, used, expired or its person
    is no longer active."""
    web = web_of(request)

    def redeem() -> Session | None:
        with web.app.uow(check=False) as uow:
            return redeem_sign_in(uow, token, hours=web.settings.session_hours)

    session = await run_in_threadpool(redeem)
    if session is None:
        return None
    return start_session(request, session, local_path(request.query_params.get("next")))


async def sign_out(request: Request) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    web = web_of(request)
    if token:

        def end() -> None:
            with web.app.uow(check=False) as uow:
                end_session(uow, token)

        await run_in_threadpool(end)
    response = RedirectResponse("/login?signed_out=1", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
