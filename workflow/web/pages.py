"""The pages beside a recommendation's own: each person's home, the list, the Board's
escalations, the secretaries' meetings and papers, and the audit trail."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from workflow.audit.asof import as_of, as_of_instant
from workflow.audit.query import AuditQuery, trail_events
from workflow.audit.replay import verify
from workflow.chasing.escalations import list_escalations
from workflow.clock import parse_bound
from workflow.directory.committees import list_committees, meetings
from workflow.directory.decisions import list_decisions
from workflow.directory.people import Person
from workflow.directory.reports import list_reports
from workflow.directory.sessions import session_person
from workflow.errors import BadInput
from workflow.lifecycle import service as svc
from workflow.lifecycle import worklists
from workflow.reporting.agenda import stored_items
from workflow.reporting.story import decision_owner_text
from workflow.store.uow import UnitOfWork
from workflow.web.auth import current_person, follow_mail_link, sign_in_page, web_of
from workflow.web.errors import forbidden, not_found
from workflow.web.render import may, page, sees_every_recommendation
from workflow.web.security import SESSION_COOKIE

T = TypeVar("T")
LIST_LIMIT = 500
PAPERS_ONLY = "Only committee secretaries, the ILAU and the Board see papers."


async def reading(request: Request, work: Callable[[UnitOfWork], T]) -> T:
    """Run `work` on a unit of work of its own, off the event loop."""
    web = web_of(request)

    def run() -> T:
        with web.app.uow(check=False) as uow, uow.read():  # one snapshot for the page
            return work(uow)

    return await run_in_threadpool(run)


async def acting(request: Request, work: Callable[[UnitOfWork], T]) -> T:
    """Run `work`, which writes, on a unit of work of its own, off the event loop."""
    web = web_of(request)

    def run() -> T:
        with web.app.uow(check=False) as uow:
            return work(uow)

    return await run_in_threadpool(run)


async def signed_in_reading(
    request: Request, work: Callable[[UnitOfWork, Person], T]
) -> tuple[Person, T] | Response:
    """The signed-in person and what `work` read for them, in one transaction (the session
    is looked up in the page's own read); or the response to give instead (as `signed_in`)."""
    followed = await follow_mail_link(request)
    if followed is not None:
        return followed
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return sign_in_page(request)
    web = web_of(request)

    def run() -> tuple[Person, T] | None:
        with web.app.uow(check=False) as uow, uow.read():
            me = session_person(uow, token)
            return (me, work(uow, me)) if me is not None else None

    found = await run_in_threadpool(run)
    request.state.person = found[0] if found is not None else None
    return found if found is not None else sign_in_page(request)


async def signed_in(request: Request) -> Person | Response:
    """The signed-in person, or the response to give instead: the page without a notice's
    token, or the way to sign in."""
    followed = await follow_mail_link(request)
    if followed is not None:
        return followed
    me = await current_person(request)
    return me if me is not None else sign_in_page(request)


async def permitted(request: Request, operation: str, why: str) -> Person | Response:
    """The signed-in person if the table lets them `operation`; else the way to sign in, or
    a 403 page saying `why`."""
    me = await signed_in(request)
    if isinstance(me, Response) or may(me, operation):
        return me
    return await forbidden(request, why)


def _home_lists(uow: UnitOfWork, me: Person) -> dict[str, Any]:
    today = uow.clock.today()
    mine = [
        r
        for r in svc.list_recommendations(uow, owner=me.email)
        if r.state not in ("complete", "superseded")
    ]
    found: dict[str, Any] = {
        "today": today,
        "mine": sorted(mine, key=lambda r: (r.next_due is None, r.next_due, r.id)),
        "actions": worklists.owned_actions(uow, me.email),
    }
    recorder = may(me, "decision.record")  # who may record them may mark anyone's done
    decisions = list_decisions(uow, open_only=True, owner=None if recorder else me.email)
    found["decisions"] = [d for d in decisions if d.owner == me.email]
    found["decision_owners"] = {d.id: decision_owner_text(d) for d in decisions}
    if recorder:
        found["others_decisions"] = [d for d in decisions if d.owner != me.email]
    roles = set(me.roles)
    if "ilau" in roles:
        found["triage"] = {
            "unowned": worklists.without_owner(uow),
            "overdue": svc.list_recommendations(uow, overdue=True, limit=LIST_LIMIT),
            "extensions": worklists.extensions_awaiting(uow),
            "sign_off": worklists.awaiting_sign_off(uow),
            "new_reports": [
                r
                for r in list_reports(uow)
                if r.published is not None and r.published >= today - timedelta(days=31)
            ],
        }
    if roles & {"ilau", "board"}:
        found["escalations"] = list_escalations(uow, open_only=True)
    if roles & {"secretary", "ilau"}:
        found["committees"] = [
            c for c in list_committees(uow) if c.secretary == me.email or "ilau" in roles
        ]
    return found


DONE = {"decision": "The decision is recorded as done."}


async def home(request: Request) -> Response:
    return await home_page(request)


async def home_page(request: Request, *, status: int = 200, error: str | None = None) -> Response:
    """Each person's home; with `error`, why what they asked of it was not done."""
    got = await signed_in_reading(request, _home_lists)
    if isinstance(got, Response):
        return got
    done = None if error else DONE.get(request.query_params.get("done", ""))
    return await page(
        request, "home.html.j2", title="Home", status=status, error=error, done=done, **got[1]
    )


async def rec_list(request: Request) -> Response:
    me = await signed_in(request)
    if isinstance(me, Response):
        return me
    q = request.query_params
    sees_all = sees_every_recommendation(me)
    filters: dict[str, Any] = {
        "state": q.get("state") or None,
        "owner": (q.get("owner") or None) if sees_all else me.email,
        "report_key": q.get("report") or None,
        "overdue": q.get("overdue") == "1",
    }
    try:
        recs = await reading(
            request,
            lambda uow: svc.list_recommendations(
                uow,
                state=filters["state"],
                owner=filters["owner"],
                report_key=filters["report_key"],
                overdue=filters["overdue"],
                limit=LIST_LIMIT + 1,
            ),
        )
        error = None
    except BadInput as exc:
        recs, error = [], str(exc)
    return await page(
        request,
        "recs.html.j2",
        title="Recommendations",
        recs=recs[:LIST_LIMIT],
        more=len(recs) > LIST_LIMIT,
        filters=filters,
        sees_all=sees_all,
        error=error,
        status=400 if error else 200,
    )


async def escalations(request: Request) -> Response:
    me = await permitted(
        request, "audit.view", "Only the ILAU, the Board and administrators see escalations."
    )
    if isinstance(me, Response):
        return me
    found = await reading(request, lambda uow: list_escalations(uow, open_only=True))
    return await page(request, "escalations.html.j2", title="Open escalations", escalations=found)


def _meetings(uow: UnitOfWork, me: Person) -> list[dict[str, Any]]:
    today = uow.clock.today()
    shown = []
    committees = list_committees(uow)
    with uow.read() as tx:
        for com in committees:
            days = meetings(tx.conn, com)
            upcoming = [d for d in days if d >= today][:3]
            past = [d for d in days if d < today][-3:]
            shown.append(
                {
                    "committee": com,
                    "mine": com.secretary == me.email,
                    "days": [(d, stored_items(tx.conn, com, d)) for d in past + upcoming],
                }
            )
    return sorted(shown, key=lambda c: (not c["mine"], c["committee"].name))


async def meetings_page(request: Request) -> Response:
    me = await permitted(request, "papers.view", PAPERS_ONLY)
    if isinstance(me, Response):
        return me
    found = await reading(request, lambda uow: _meetings(uow, me))
    return await page(request, "meetings.html.j2", title="Meetings and papers", committees=found)


def _audit(uow: UnitOfWork, params: dict[str, str], tz: str) -> dict[str, Any]:
    query = AuditQuery(
        rec=params.get("rec") or None,
        actor=(params.get("actor") or "").strip().lower() or None,
        report=params.get("report") or None,
        event=params.get("event") or None,
        since=parse_bound(params["since"], tz) if params.get("since") else None,
        until=parse_bound(params["until"], tz, end=True) if params.get("until") else None,
        limit=200,
        newest_first=True,
    )
    found: dict[str, Any] = {}
    with uow.read() as tx:
        found["events"] = trail_events(tx.conn, query)
        if params.get("as_of"):
            at = as_of_instant(params["as_of"], tz)
            found["as_of"] = as_of(tx.conn, at, params.get("report") or None)
        if params.get("verify"):
            found["verdict"] = verify(tx.conn)
    return found


async def audit_page(request: Request) -> Response:
    me = await permitted(
        request, "audit.view", "Only the ILAU, the Board and administrators see the trail."
    )
    if isinstance(me, Response):
        return me
    params = dict(request.query_params)
    tz = web_of(request).app.settings.timezone
    try:
        found = await reading(request, lambda uow: _audit(uow, params, tz))
        error = None
    except BadInput as exc:
        found, error = {"events": []}, str(exc)
    return await page(
        request,
        "audit.html.j2",
        title="Audit trail",
        params=params,
        error=error,
        status=400 if error else 200,
        **found,
    )


_MEDIA = {
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def _paper(uow: UnitOfWork, name: str, day: str, fmt: str, tz: str) -> bytes:
    from workflow.clock import parse_day
    from workflow.directory.committees import get_committee
    from workflow.reporting.agenda import build_agenda
    from workflow.reporting.documents.write import render
    from workflow.reporting.issued import issued_for, paper_files
    from workflow.reporting.papers import committee_report

    when = parse_day(day, "meeting date")
    issued = issued_for(uow, name, when)
    if issued is not None:  # a paper once issued is the record: served as it was issued
        return paper_files(uow, issued.id, fmt)[0][1]
    with uow.read() as tx:
        com = get_committee(tx.conn, name)
        if when not in meetings(tx.conn, com):
            raise BadInput(f"the {name} has no meeting on {when}")
        agenda = build_agenda(tx, com, when, tz)
    rendered = render(committee_report(uow, agenda, "1", tz), fmt)
    return rendered if isinstance(rendered, bytes) else rendered.encode()


async def paper(request: Request) -> Response:
    """A meeting's committee report, as a file to download."""
    me = await permitted(request, "papers.view", PAPERS_ONLY)
    if isinstance(me, Response):
        return me
    name, day, fmt = (request.path_params[k] for k in ("committee", "day", "fmt"))
    if fmt not in _MEDIA:
        return await not_found(request)
    tz = web_of(request).app.settings.timezone
    body = await reading(request, lambda uow: _paper(uow, name, day, fmt, tz))
    filename = f"{name}-{day}.{fmt}".replace(" ", "-")
    return Response(
        body,
        media_type=_MEDIA[fmt],
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )
