"""What a person sees when something goes wrong: a page in words, with the right status,
and never a stack trace (the log has it, under the request id the page shows)."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from config.logging import get_logger
from states import Refused
from workflow.errors import (
    BadInput,
    Busy,
    Conflict,
    UnknownCommittee,
    UnknownPerson,
    UnknownRecommendation,
    UnknownReport,
)
from workflow.web.api import problems as api_problems
from workflow.web.render import page

log = get_logger("rectrack.web")


async def problem(request: Request, status: int, heading: str, message: str) -> Response:
    return await page(
        request, "problem.html.j2", title=heading, status=status, heading=heading, message=message
    )


async def forbidden(request: Request, message: str) -> Response:
    return await problem(request, 403, "You may not see this page", message)


async def not_found(request: Request, message: str | None = None) -> Response:
    return await problem(
        request,
        404,
        "Page not found",
        message or "There is nothing at this address. Check it, or go back to your home page.",
    )


def _api(request: Request) -> bool:
    """Whether the API's address space (which answers in problem documents, not pages)."""
    return request.url.path.startswith("/api/")


async def on_http_error(request: Request, exc: Exception) -> Response:
    if _api(request):  # an address under /api/ that not even the API's mount matched
        return await api_problems.on_http(request, exc)
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    if status == 404:
        return await not_found(request)
    if status == 405:
        return await problem(
            request, 405, "Not allowed", "This address does not take that request."
        )
    return await problem(request, status, "Something went wrong", str(getattr(exc, "detail", "")))


async def on_rectrack_error(request: Request, exc: Exception) -> Response:
    """An engine error that reached the top: its words, with its status."""
    if _api(request):
        return await api_problems.on_engine(request, exc)
    if isinstance(exc, (UnknownRecommendation, UnknownReport, UnknownCommittee, UnknownPerson)):
        return await not_found(request, str(exc))
    if isinstance(exc, Refused):
        return await problem(request, 403, "Not permitted", str(exc))
    if isinstance(exc, (Conflict, Busy)):
        return await problem(request, 409, "Try again", str(exc))
    if isinstance(exc, BadInput):
        return await problem(request, 400, "That cannot be done", str(exc))
    return await on_error(request, exc)


async def on_error(request: Request, exc: Exception) -> Response:
    """Anything else: logged with its traceback; the page says only that it happened."""
    if _api(request):
        return await api_problems.on_error(request, exc)
    request.state.person = getattr(request.state, "person", None)  # no database needed now
    log.exception("unhandled error", error=repr(exc), path=request.url.path)
    return await problem(
        request,
        500,
        "Something went wrong",
        "The problem has been logged. Please try again; if it goes on, tell the ILAU "
        f"and quote reference {getattr(request.state, 'request_id', '')}.",
    )
