"""`POST /api/v1/recs/{report}/{ref}/events/{event}`: the command line's events, one path each,
with a JSON body carrying the same fields as the command's options and the version the
client saw in `If-Match`. The service layer decides, as it does for the command line."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header
from pydantic import BaseModel, ConfigDict, Field, create_model, model_validator
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from states import DEGREES
from workflow.chasing.escalations import escalate
from workflow.lifecycle import plans
from workflow.lifecycle import service as svc
from workflow.lifecycle.transition import Outcome
from workflow.plain import plain
from workflow.store.uow import UnitOfWork
from workflow.web.api.access import Token
from workflow.web.api.problems import EVENT_RESPONSES, ApiProblem
from workflow.web.api.schemas import list_of, model_of

Text = Annotated[str, Field(max_length=20000)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Edit(_Body):
    text: Text | None = None
    paragraph: Text | None = None
    subject: Text | None = None
    statutory: bool | None = None


class Respond(_Body):
    body: Text
    text: Text | None = None
    not_applicable: Text | None = Field(None, description="Why it does not apply to this body.")
    considered_complete: bool = Field(
        False, description="The body's verdict: the recommendation is considered complete."
    )

    @model_validator(mode="after")
    def _one(self) -> Respond:
        if (self.text is None) == (self.not_applicable is None):
            raise ValueError("give exactly one of text and not_applicable")
        return self


Money = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]


class ActionIn(_Body):
    text: Text
    owner: Annotated[str, Field(max_length=254)]
    target: date | None = Field(None, description="Required unless the action is done.")
    measure: Text | None = None
    cost_estimate: Money | None = None
    benefit: Text | None = None
    done: date | None = Field(None, description="The day it was already done.")

    @model_validator(mode="after")
    def _dated(self) -> ActionIn:
        if self.target is None and self.done is None:
            raise ValueError("an action needs a target date, unless it is already done")
        return self

    def planned(self) -> plans.PlannedAction:
        target = self.target or self.done or date.min  # one of them is given (see _dated)
        return plans.PlannedAction(
            self.text,
            self.owner.strip().lower(),
            target,
            self.measure,
            self.cost_estimate,
            self.benefit,
            self.done,
        )


class Plan(_Body):
    actions: list[ActionIn | Annotated[str, Field(max_length=20000)]] = Field(
        default_factory=list,
        max_length=100,
        description="Each an object, or as on the command line: "
        '"TEXT|OWNER_EMAIL|YYYY-MM-DD[|done:YYYY-MM-DD]".',
    )

    def planned(self) -> list[plans.PlannedAction]:
        return [
            svc.parse_action(a, n) if isinstance(a, str) else a.planned()
            for n, a in enumerate(self.actions, start=1)
        ]


class Note(_Body):
    note: Text | None = None


class Update(_Body):
    note: Text
    degree: Literal[DEGREES] | None = None  # type: ignore[valid-type]
    evidence: Text | None = None


class Number(_Body):
    number: Annotated[int, Field(ge=1, le=10000)]


class Drop(Number):
    reason: Text


class ActionCost(Number):
    actual: Money


class Complete(_Body):
    evidence: Text


class Supersede(_Body):
    by: Annotated[str | None, Field(max_length=100)] = None
    by_report: Annotated[str | None, Field(max_length=64)] = None
    rationale: Text | None = None

    @model_validator(mode="after")
    def _one(self) -> Supersede:
        if self.by is not None and self.by_report is not None:
            raise ValueError("give at most one successor: by or by_report")
        if self.by is None and self.by_report is None and self.rationale is None:
            raise ValueError("give a successor (by or by_report), a rationale, or both")
        return self


class Reason(_Body):
    reason: Text


class Reassign(_Body):
    owner: Annotated[str, Field(max_length=254)]


class Extend(_Body):
    to: date
    reason: Text


Call = Callable[[UnitOfWork, str, str, int | None, Any], Any]


def _kw(b: BaseModel) -> dict[str, Any]:
    return b.model_dump()


# event (as the command line names it) -> its body, and how it calls the service layer
EVENTS: dict[str, tuple[type[_Body], Call]] = {
    "edit": (Edit, lambda u, c, a, v, b: svc.edit(u, c, a, expected_version=v, **_kw(b))),
    "respond": (Respond, lambda u, c, a, v, b: svc.respond(u, c, a, expected_version=v, **_kw(b))),
    "plan": (
        Plan,
        lambda u, c, a, v, b: svc.plan(
            u,
            c,
            a,
            expected_version=v,
            actions=b.planned(),
        ),
    ),
    "start": (Note, lambda u, c, a, v, b: svc.start(u, c, a, expected_version=v, **_kw(b))),
    "monitor": (Note, lambda u, c, a, v, b: svc.monitor(u, c, a, expected_version=v, **_kw(b))),
    "update": (
        Update,
        lambda u, c, a, v, b: svc.record_update(u, c, a, expected_version=v, **_kw(b)),
    ),
    "action-done": (
        Number,
        lambda u, c, a, v, b: svc.close_action(u, c, a, expected_version=v, number=b.number),
    ),
    "action-drop": (
        Drop,
        lambda u, c, a, v, b: svc.close_action(
            u, c, a, expected_version=v, number=b.number, dropped_reason=b.reason
        ),
    ),
    "action-cost": (
        ActionCost,
        lambda u, c, a, v, b: plans.record_cost(
            u, c, a, expected_version=v, number=b.number, actual=b.actual
        ),
    ),
    "complete": (
        Complete,
        lambda u, c, a, v, b: svc.complete(u, c, a, expected_version=v, **_kw(b)),
    ),
    "supersede": (
        Supersede,
        lambda u, c, a, v, b: svc.supersede(u, c, a, expected_version=v, **_kw(b)),
    ),
    "reopen": (Reason, lambda u, c, a, v, b: svc.reopen(u, c, a, expected_version=v, **_kw(b))),
    "reassign": (
        Reassign,
        lambda u, c, a, v, b: svc.reassign(u, c, a, expected_version=v, **_kw(b)),
    ),
    "extend": (
        Extend,
        lambda u, c, a, v, b: svc.request_extension(u, c, a, expected_version=v, **_kw(b)),
    ),
    "approve-extension": (
        Note,
        lambda u, c, a, v, b: svc.decide_extension(
            u, c, a, expected_version=v, approve=True, reason=b.note
        ),
    ),
    "reject-extension": (
        Reason,
        lambda u, c, a, v, b: svc.decide_extension(
            u, c, a, expected_version=v, approve=False, reason=b.reason
        ),
    ),
    "escalate": (Reason, lambda u, c, a, v, b: escalate(u, c, a, expected_version=v, **_kw(b))),
}

_IF_MATCH = re.compile(r'^\s*(?:W/)?"?(\d{1,9})"?\s*$')
Fired = create_model(
    "Fired",
    __base__=model_of(Outcome),
    __doc__="The outcome of the last event fired, with every event the request fired.",
    events=(list_of(model_of(Outcome)), ...),
)


def expected_version(if_match: str | None) -> int | None:
    """The version an If-Match header names (`"7"`, `7` or `W/"7"`); None for none or `*`."""
    if if_match is None or if_match.strip() == "*":
        return None
    found = _IF_MATCH.match(if_match)
    if found is None:
        raise ApiProblem(400, 'If-Match: expected the version, as "7"', field="If-Match")
    return int(found.group(1))


def _endpoint(name: str, body: type[_Body], call: Call) -> Callable[..., Response]:
    def fire(
        request: Request,
        caller: Token,
        report: str,
        ref: str,
        payload: _Body,
        if_match: Annotated[str | None, Header(description='The version seen, as "7".')] = None,
    ) -> Response:
        version = expected_version(if_match)
        outcome = call(caller.uow, f"{report}/{ref}", caller.person.email, version, payload)
        items = outcome if isinstance(outcome, list) else [outcome]
        return JSONResponse(
            {**plain(items[-1]), "events": plain(items)},
            headers={"ETag": f'"{items[-1].version}"'},
        )

    fire.__annotations__["payload"] = body  # the model itself, not the name "body"
    fire.__name__ = f"fire_{name.replace('-', '_')}"
    fire.__doc__ = f"Fire `{name}`, as `rectrack rec {name}` does."
    return fire


def build_router() -> APIRouter:
    router = APIRouter(responses=EVENT_RESPONSES)
    for name, (body, call) in EVENTS.items():
        router.add_api_route(
            f"/recs/{{report}}/{{ref}}/events/{name}",
            _endpoint(name, body, call),
            methods=["POST"],
            response_model=Fired,
            summary=f"Fire {name}",
        )
    return router
