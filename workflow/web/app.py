"""The web application: its routes, its protection, and how errors become pages."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from starlette.exceptions import HTTPException
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from states import Refused
from workflow.bootstrap import App
from workflow.errors import RectrackError
from workflow.web import decisions, feeds, login, pages, recpage
from workflow.web.api import PREFIX, create_api
from workflow.web.context import Web
from workflow.web.errors import on_error, on_http_error, on_rectrack_error
from workflow.web.security import Protect

STATIC = Path(__file__).parent / "static"
_REC = "/recs/{report}/{ref}"


def routes(web: Web) -> list[BaseRoute]:
    return [
        Mount(PREFIX, app=create_api(web)),
        Route("/", pages.home),
        Route("/login", login.login_form, methods=["GET"]),
        Route("/login", login.login_submit, methods=["POST"]),
        Route("/login/sent", login.login_sent),
        Route("/login/{token}", login.login_link),
        Route("/logout", login.logout, methods=["POST"]),
        Route("/recs", pages.rec_list),
        Route(_REC, recpage.rec_page),
        Route(_REC + "/evidence/{file}", recpage.evidence),
        Route(_REC + "/{form}", recpage.submit, methods=["POST"]),
        Route("/decisions/{decision}/done", decisions.mark_done, methods=["POST"]),
        Route("/escalations", pages.escalations),
        Route("/meetings", pages.meetings_page),
        Route("/meetings/{committee}/{day}/paper.{fmt}", pages.paper),
        Route("/audit", pages.audit_page),
        Route("/calendar/{token}.ics", feeds.calendar),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]


def create_app(app: App) -> Protect:
    """The ASGI application for one configured rectrack (its database, clock, settings):
    the FastAPI application inside the protection every response gets, error pages too."""
    web = Web(app)
    api = FastAPI(
        title="rectrack",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        routes=routes(web),
        exception_handlers={
            HTTPException: on_http_error,
            RectrackError: on_rectrack_error,
            Refused: on_rectrack_error,
            Exception: on_error,
        },
    )
    api.state.web = web
    return Protect(api, secure=web.settings.secure)
