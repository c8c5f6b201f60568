"""Errors as `application/problem+json` (RFC 9457), each with the status the API promises:
400 bad input, 401 no or bad token, 403 not permitted, 404 unknown, 409 conflict (a stale
version, or an event the current state does not take), 422 refused by a guard. Nothing else
ever reaches a client but a 500 that says only that it was logged."""

from __future__ import annotations

from typing import Any

from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from config.logging import get_logger
from states import EventNotAllowed, GuardRefused, NotPermitted, Refused
from workflow.directory.decisions import BadDecision, UnknownDecision
from workflow.errors import (
    BadInput,
    BadText,
    Busy,
    Conflict,
    RectrackError,
    UnknownCommittee,
    UnknownPerson,
    UnknownRecommendation,
    UnknownReport,
)
from workflow.web.api.schemas import Problem

log = get_logger("rectrack.api")
MEDIA = "application/problem+json"
_TITLES = {
    400: "Bad request",
    401: "Not signed in",
    403: "Not permitted",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Too large",
    422: "Refused by a guard",
    500: "Internal error",
}
_UNKNOWN = (UnknownRecommendation, UnknownReport, UnknownCommittee, UnknownPerson, UnknownDecision)


class ApiProblem(Exception):
    """Raised by an endpoint to answer with a problem document."""

    def __init__(self, status: int, detail: str, **extra: Any) -> None:
        self.status, self.detail, self.extra = status, detail, extra
        super().__init__(detail)


def problem_response(
    request: Request, status: int, detail: str, headers: dict[str, str] | None = None, **extra: Any
) -> Response:
    body = Problem(
        title=_TITLES.get(status, "Error"),
        status=status,
        detail=detail,
        instance=request.url.path,
        request_id=getattr(request.state, "request_id", None),
        **extra,
    )
    return JSONResponse(
        body.model_dump(exclude_none=True), status_code=status, media_type=MEDIA, headers=headers
    )


def unauthorised(request: Request, detail: str) -> Response:
    return problem_response(
        request, 401, detail, headers={"WWW-Authenticate": 'Bearer realm="rectrack"'}
    )


async def on_problem(request: Request, exc: Exception) -> Response:
    if not isinstance(exc, ApiProblem):  # registered for ApiProblem only
        return await on_error(request, exc)
    if exc.status == 401:
        return unauthorised(request, exc.detail)
    return problem_response(request, exc.status, exc.detail, **exc.extra)


async def on_invalid(request: Request, exc: Exception) -> Response:
    """FastAPI's validation errors (its 422) are our 400, naming the first field at fault."""
    errors = exc.errors() if isinstance(exc, RequestValidationError) else []
    first = errors[0] if errors else {}
    where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
    message = first.get("msg", "bad input")
    return problem_response(
        request, 400, f"{where}: {message}" if where else message, field=where or None
    )


async def on_http(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    detail = {404: "there is nothing at this address", 405: "this address does not take that"}
    return problem_response(request, status, detail.get(status, str(getattr(exc, "detail", ""))))


def status_of(exc: BaseException) -> int:
    if isinstance(exc, _UNKNOWN):
        return 404
    if isinstance(exc, NotPermitted):
        return 403
    if isinstance(exc, GuardRefused):
        return 422
    if isinstance(exc, (EventNotAllowed, Conflict, Busy)):
        return 409
    if isinstance(exc, (BadInput, Refused)):
        return 400
    return 500


async def on_engine(request: Request, exc: Exception) -> Response:
    """An error of the engine: its own words, with its status (and the guard or field)."""
    status = status_of(exc)
    if status == 500:
        return await on_error(request, exc)
    extra: dict[str, Any] = {}
    if isinstance(exc, GuardRefused):
        extra["guard"] = exc.guard
    if isinstance(exc, BadText):
        extra["field"] = exc.where
    if isinstance(exc, BadDecision):
        extra["field"] = exc.field
    return problem_response(request, status, str(exc), **extra)


async def on_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled API error", error=repr(exc), path=request.url.path)
    return problem_response(
        request,
        500,
        "the problem has been logged; quote the request_id to the ILAU if it goes on",
    )


HANDLERS: dict[Any, Any] = {
    ApiProblem: on_problem,
    RequestValidationError: on_invalid,
    HTTPException: on_http,
    RectrackError: on_engine,
    Refused: on_engine,
    Exception: on_error,
}

# Documented on every operation, so that a client (and schemathesis) knows each one's shape.
RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": Problem, "description": _TITLES[status], "content": {MEDIA: {}}}
    for status in (400, 401, 403, 404, 409)
}
EVENT_RESPONSES = {
    **RESPONSES,
    422: {"model": Problem, "description": _TITLES[422], "content": {MEDIA: {}}},
}
