"""Marking a committee's decision done, from the home page of its owner (or of whoever may
record decisions): the service decides who may; a refusal is shown on the page, in words."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from config.logging import get_logger
from states import NotPermitted
from workflow.directory.decisions import UnknownDecision, done_decision
from workflow.errors import AlreadyExists, BadInput
from workflow.web.auth import unsafe_request_ok
from workflow.web.errors import not_found, problem
from workflow.web.pages import acting, home_page, signed_in

log = get_logger("rectrack.web")


async def mark_done(request: Request) -> Response:
    """POST /decisions/ID/done: the signed-in person records decision ID as done."""
    me = await signed_in(request)
    if isinstance(me, Response):
        return me
    given = request.path_params["decision"]
    if not given.isdigit() or len(given) > 9:
        return await not_found(request, f"There is no decision {given[:20]}.")
    number = int(given)
    try:
        form = await request.form(max_files=0, max_fields=10, max_part_size=16 * 1024)
    except Exception:  # a malformed or oversized body: python-multipart's own errors
        return await problem(request, 400, "That form could not be read", "Please try again.")
    fields = {k: v for k, v in form.multi_items() if isinstance(v, str)}
    if not unsafe_request_ok(request, fields):
        return await problem(
            request,
            403,
            "This form has expired",
            "The page was open too long, or came from somewhere else. Reload it and try again.",
        )
    try:
        await acting(request, lambda uow: done_decision(uow, number, actor=me.email))
    except UnknownDecision:
        return await home_page(request, status=404, error=f"There is no decision {number}.")
    except NotPermitted as exc:
        return await home_page(request, status=403, error=f"You may not do this: {exc.why}.")
    except AlreadyExists as exc:
        return await home_page(request, status=409, error=_sentence(str(exc)))
    except BadInput as exc:
        return await home_page(request, status=400, error=_sentence(str(exc)))
    log.info("decision done", decision=number, person=me.email)
    return RedirectResponse("/?done=decision", status_code=303)


def _sentence(text: str) -> str:
    return (text[:1].upper() + text[1:]).rstrip(".") + "."
