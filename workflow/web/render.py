"""Rendering a page: the project's Jinja2 templates, with what every page shows (who is
signed in, the navigation their roles open, the CSRF token for its forms)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse

from states import PERMISSIONS, NotPermitted, authorise
from workflow.directory.people import Person
from workflow.web.auth import csrf_for, current_person, set_pre_cookie, web_of


def sees_every_recommendation(person: Person) -> bool:
    """Whether `person` may see any recommendation (by a role, not by owning it)."""
    return bool(PERMISSIONS["view"].roles & set(person.roles))


def may(person: Person | None, operation: str) -> bool:
    """Whether `person` may do `operation` (one without a recommendation) by the table."""
    if person is None:
        return False
    try:
        authorise(operation, None, person.actor)
    except NotPermitted:
        return False
    return True


def navigation(person: Person | None, path: str) -> list[dict[str, Any]]:
    if person is None:
        return []
    shown = (
        ("/", "Home", True),
        ("/recs", "Recommendations", sees_every_recommendation(person)),
        ("/escalations", "Escalations", may(person, "audit.view")),
        ("/meetings", "Meetings and papers", may(person, "papers.view")),
        ("/audit", "Audit trail", may(person, "audit.view")),
    )
    return [
        {"href": href, "label": label, "current": path == href}
        for href, label, opened in shown
        if opened
    ]


async def page(
    request: Request, template: str, *, title: str, status: int = 200, **context: Any
) -> HTMLResponse:
    """The page `template` with `context`, and what every page shows."""
    web = web_of(request)
    me = await current_person(request)
    html = web.templates.get_template(template).render(
        me=me,
        csrf=csrf_for(request),
        nav=navigation(me, request.url.path),
        title=title,
        request_id=getattr(request.state, "request_id", ""),
        link_for=getattr(request.state, "link_for", None),
        **context,
    )
    response = HTMLResponse(html, status_code=status, headers={"cache-control": "no-store"})
    set_pre_cookie(request, response)
    return response
