"""The API's reads: recommendations (listed, one in full), reports, the audit trail and the
trail rebuilt as of an instant. Each answers with what `--json` prints on the command line,
for the token's person: an owner lists their own; the trail is for those who may audit."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from states import STATES, NotPermitted, authorise
from workflow.audit.asof import StateAt, as_of, as_of_instant
from workflow.audit.query import AuditQuery, TrailEvent, trail_events
from workflow.clock import parse_bound
from workflow.directory.reports import ReportSummary, list_reports
from workflow.lifecycle import service as svc
from workflow.lifecycle.offers import offers_for
from workflow.lifecycle.views import RecSummary, RecView
from workflow.plain import plain
from workflow.web.api.access import Caller, Token, after_cursor, cursor_for, next_link
from workflow.web.api.problems import RESPONSES, ApiProblem
from workflow.web.api.schemas import model_of, page_of
from workflow.web.auth import web_of
from workflow.web.render import sees_every_recommendation

router = APIRouter(responses=RESPONSES)
State = Literal[STATES]  # type: ignore[valid-type]
Limit = Annotated[int, Query(ge=1, le=500, description="At most this many per page.")]
Cursor = Annotated[str | None, Query(description="From the previous page's `next` link.")]


def _json(value: Any, **headers: str) -> Response:
    return JSONResponse(plain(value), headers=headers or None)


def _may(caller: Caller, operation: str) -> None:
    try:
        authorise(operation, None, caller.person.actor)
    except NotPermitted as exc:
        raise ApiProblem(403, str(exc)) from None


@router.get(
    "/recs",
    response_model=page_of(RecSummary, "recommendations"),
    summary="Recommendations, filtered, a page at a time",
)
def list_recs(
    request: Request,
    caller: Token,
    state: State | None = None,
    owner: Annotated[str | None, Query(max_length=254)] = None,
    report: Annotated[str | None, Query(max_length=64)] = None,
    overdue: bool = False,
    limit: Limit = 100,
    cursor: Cursor = None,
) -> Response:
    """Those matching every filter given, in the order they were raised. An owner (without
    a role that oversees) sees only their own, whatever `owner` says."""
    after = after_cursor(cursor)
    if not sees_every_recommendation(caller.person):
        owner = caller.person.email
    found, last = svc.recommendation_page(
        caller.uow,
        state=state,
        owner=owner,
        report_key=report,
        overdue=overdue,
        after=after,
        limit=limit,
    )
    more = cursor_for(last) if last is not None else None
    return _json({"items": found, "next": next_link(request, more)})


@router.get(
    "/recs/{report}/{ref}",
    response_model=model_of(RecView),
    summary="One recommendation in full, with its history",
)
def show_rec(request: Request, caller: Token, report: str, ref: str) -> Response:
    """What `rec show --json` prints; its version is also the ETag (send it as If-Match)."""
    view = svc.show_recommendation(caller.uow, f"{report}/{ref}")
    if not offers_for(caller.uow, view, caller.person).visible:
        raise ApiProblem(403, f"{view.id} is neither yours nor yours to oversee")
    return _json(view, ETag=f'"{view.version}"')


@router.get(
    "/reports",
    response_model=list[model_of(ReportSummary)],  # type: ignore[misc]
    summary="Every report, its recommendations counted by state",
)
def reports(request: Request, caller: Token) -> Response:
    return _json(list_reports(caller.uow))


@router.get(
    "/audit",
    response_model=page_of(TrailEvent, "audit events"),
    summary="The audit trail, filtered, a page at a time",
)
def audit(
    request: Request,
    caller: Token,
    rec: Annotated[str | None, Query(max_length=100, description="REPORT_KEY/REF")] = None,
    actor: Annotated[str | None, Query(max_length=254)] = None,
    report: Annotated[str | None, Query(max_length=64)] = None,
    event: Annotated[str | None, Query(max_length=40)] = None,
    since: Annotated[str | None, Query(description="A date or date-time (inclusive).")] = None,
    until: Annotated[str | None, Query(description="A date (inclusive) or date-time.")] = None,
    newest_first: bool = False,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    cursor: Cursor = None,
) -> Response:
    """The same filters as `rectrack audit`; pages by event id, never by offset."""
    _may(caller, "audit.view")
    after = after_cursor(cursor)
    tz = web_of(request).app.settings.timezone
    query = AuditQuery(
        rec=rec,
        actor=actor.strip().lower() if actor else None,
        report=report,
        event=event,
        since=parse_bound(since, tz) if since else None,
        until=parse_bound(until, tz, end=True) if until else None,
        limit=limit + 1,
        newest_first=newest_first,
        after_id=after,
    )
    with caller.uow.read() as tx:
        events = trail_events(tx.conn, query)
    more = cursor_for(events[limit - 1].seq) if len(events) > limit else None
    return _json({"items": events[:limit], "next": next_link(request, more)})


@router.get(
    "/audit/as-of",
    response_model=list[model_of(StateAt)],  # type: ignore[misc]
    summary="Every recommendation as it stood at an instant, rebuilt from the trail",
)
def audit_as_of(
    request: Request,
    caller: Token,
    at: Annotated[str, Query(description="A date (its end) or a date-time.", max_length=40)],
    report: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    _may(caller, "audit.view")
    instant = as_of_instant(at, web_of(request).app.settings.timezone)
    with caller.uow.read() as tx:
        return _json(as_of(tx.conn, instant, report))
