"""Committee decisions through the API: listed, recorded and marked done, as `rectrack decision
list|add|done` do, by the same service functions, which alone decide who may. Each answers
with what `--json` prints on the command line."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from workflow.directory.decisions import Decision, add_decision, done_decision, list_decisions
from workflow.errors import AlreadyExists
from workflow.plain import plain
from workflow.web.api.access import Token
from workflow.web.api.problems import RESPONSES, ApiProblem
from workflow.web.api.schemas import list_of, model_of
from workflow.web.render import sees_every_recommendation

router = APIRouter(responses=RESPONSES)
Committee = Annotated[str, Field(max_length=120, description="The committee's name.")]
Email = Annotated[str, Field(max_length=254)]


class NewDecision(BaseModel):
    """What a committee decided at its meeting about one recommendation: the same fields as
    `rectrack decision add`'s argument and options."""

    model_config = ConfigDict(extra="forbid")

    committee: Committee
    meeting: date = Field(description="The day it met (and decided); not after today.")
    rec: Annotated[str, Field(max_length=100, description="REPORT_KEY/REF")]
    text: Annotated[str, Field(max_length=20000, description="What was decided.")]
    owner: Email = Field(description="Who is to carry it out: an active person's email.")
    due: date = Field(description="By when; not before the meeting.")


def _json(value: Any, status: int = 200) -> Response:
    return JSONResponse(plain(value), status_code=status)


@router.get(
    "/decisions",
    response_model=list_of(model_of(Decision)),
    summary="Committee decisions, filtered, the earliest due first",
)
def decisions(
    request: Request,
    caller: Token,
    open_only: Annotated[bool, Query(alias="open", description="Only those not yet done.")] = False,
    committee: Annotated[str | None, Query(max_length=120)] = None,
    rec: Annotated[str | None, Query(max_length=100, description="REPORT_KEY/REF")] = None,
    owner: Annotated[str | None, Query(max_length=254)] = None,
) -> Response:
    """Those matching every filter given. A person without a role that oversees sees only
    the decisions they own, whatever `owner` says."""
    if not sees_every_recommendation(caller.person):
        owner = caller.person.email
    found = list_decisions(
        caller.uow,
        open_only=open_only,
        committee_name=committee,
        rec=rec,
        owner=owner.strip().lower() if owner else None,
    )
    return _json(found)


@router.post(
    "/decisions",
    response_model=model_of(Decision),
    status_code=201,
    summary="Record a committee's decision",
)
def add(request: Request, caller: Token, payload: NewDecision) -> Response:
    """Record what a committee decided, as `rectrack decision add` does (ilau or secretary);
    its meeting is added if not yet known. A refused input is named in the problem's
    `field`."""
    made = add_decision(
        caller.uow,
        payload.committee,
        meeting=payload.meeting,
        rec=payload.rec,
        text=payload.text,
        owner=payload.owner,
        due=payload.due,
        actor=caller.person.email,
    )
    return _json(made, 201)


@router.post(
    "/decisions/{decision_id}/done",
    response_model=model_of(Decision),
    summary="Mark a committee's decision done",
)
def done(
    request: Request,
    caller: Token,
    decision_id: Annotated[int, Path(ge=1, le=999_999_999)],
) -> Response:
    """Record the decision as done, as `rectrack decision done` does (its owner, ilau or
    secretary); 409 if it was done already."""
    try:
        made = done_decision(caller.uow, decision_id, actor=caller.person.email)
    except AlreadyExists as exc:
        raise ApiProblem(409, str(exc)) from None
    return _json(made)
