"""The JSON API under `/api/v1`, described by OpenAPI at `/api/v1/openapi.json`: the same
service layer as the command line and the pages, reached with a personal access token."""

from __future__ import annotations

from fastapi import FastAPI

from workflow.web.api import decisions, reads
from workflow.web.api.events import build_router
from workflow.web.api.problems import HANDLERS
from workflow.web.context import Web

PREFIX = "/api/v1"


def create_api(web: Web) -> FastAPI:
    """The API application, to mount at `PREFIX` (its OpenAPI document is served there)."""
    api = FastAPI(
        title="rectrack API",
        version="1",
        summary="Recommendations from inspections, audits and reviews, tracked until done.",
        description=(
            "Every request carries `Authorization: Bearer TOKEN` (from `rectrack token create`);"
            " it acts as the token's person, with their roles, and every change it makes is in"
            " the audit trail with the token's name. Errors are `application/problem+json`"
            " (RFC 9457)."
        ),
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
        exception_handlers=HANDLERS,
    )
    api.include_router(reads.router)
    api.include_router(decisions.router)
    api.include_router(build_router())
    api.state.web = web
    return api
