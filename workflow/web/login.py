"""The sign-in pages: ask for a link, the link itself, and signing out."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from config.logging import get_logger
from workflow.web.auth import (
    check_address,
    current_person,
    local_path,
    send_sign_in_link,
    sign_out,
    unsafe_request_ok,
    use_sign_in_link,
    web_of,
)
from workflow.web.errors import problem
from workflow.web.render import page

log = get_logger("rectrack.web")


async def login_form(request: Request) -> Response:
    next_path = local_path(request.query_params.get("next"))
    if await current_person(request) is not None:
        return RedirectResponse(next_path, status_code=303)
    q = request.query_params
    return await page(
        request,
        "login.html.j2",
        title="Sign in",
        next_path=next_path,
        expired=q.get("expired") == "1",
        signed_out=q.get("signed_out") == "1",
        error=None,
        address="",
    )


async def login_submit(request: Request) -> Response:
    form = await request.form(max_files=0, max_fields=10, max_part_size=4096)
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    next_path = local_path(fields.get("next"))
    if not unsafe_request_ok(request, fields):
        return await problem(
            request,
            403,
            "This form has expired",
            "Reload the sign-in page and try again (your browser must accept cookies).",
        )
    raw = fields.get("email", "").strip()
    address = check_address(raw) if raw else None
    if address is None:
        message = (
            "Enter an email address in the correct format, like name@example.org"
            if raw
            else "Enter your email address"
        )
        return await page(
            request,
            "login.html.j2",
            title="Error: Sign in",
            status=400,
            next_path=next_path,
            expired=False,
            signed_out=False,
            error=message,
            address=raw,
        )
    client = request.client.host if request.client else "unknown"
    client_ok, address_ok = web_of(request).allow_sign_in(address, client)
    if not client_ok:
        log.warning("sign-in requests over the limit for a client", client=client)
        return await problem(
            request,
            429,
            "Too many sign-in requests",
            "Too many sign-in links were asked for from here. Wait a few minutes, then try again.",
        )
    if address_ok:
        await send_sign_in_link(request, address, next_path)
    else:
        log.warning("sign-in requests over the limit for an address")
    # The same answer whether or not the address is known: nothing tells who has an account.
    return RedirectResponse("/login/sent", status_code=303)


async def login_sent(request: Request) -> Response:
    minutes = web_of(request).settings.sign_in_minutes
    return await page(request, "login_sent.html.j2", title="Check your email", minutes=minutes)


async def login_link(request: Request) -> Response:
    response = await use_sign_in_link(request, request.path_params["token"])
    if response is not None:
        return response
    return await page(
        request,
        "login_expired.html.j2",
        title="This sign-in link cannot be used",
        status=400,
        minutes=web_of(request).settings.sign_in_minutes,
    )


async def logout(request: Request) -> Response:
    form = await request.form(max_files=0, max_fields=5, max_part_size=1024)
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    if not unsafe_request_ok(request, fields):
        return await problem(
            request, 403, "This form has expired", "Reload the page and try again."
        )
    return await sign_out(request)
