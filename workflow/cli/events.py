"""`rectrack rec EVENT ID --actor EMAIL ...`: every event of the lifecycle.

Each command is declared once, with its options named as the service function's keywords;
`event_command` adds what every event takes (`ID`, `--actor`, `--if-version`, `--json`),
calls the service layer in a unit of work and prints the outcome.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from datetime import date
from typing import Any

import click

from states import DEGREES
from workflow.bootstrap import App
from workflow.cli.app import actor_option, cli, json_option, pass_app, version_option, whole
from workflow.cli.recs import rec, report_outcomes
from workflow.clock import parse_day

Convert = Callable[[dict[str, Any]], dict[str, Any]]
Option = Callable[[Any], Any]
_SERVICE = "workflow.lifecycle.service"
_PLANS = "workflow.lifecycle.plans"


def _later(module: str, name: str) -> Callable[..., Any]:
    """`module.name`, imported when a command calls it: registering the event commands
    loads none of the event functions, so that `rec show` starts without them."""

    def call(*args: Any, **keywords: Any) -> Any:
        return getattr(importlib.import_module(module), name)(*args, **keywords)

    call.__name__ = name
    return call


def event_command(
    name: str,
    call: Callable[..., Any],
    *options: Option,
    help: str,
    convert: Convert | None = None,
) -> click.Command:
    """A `rec` command firing an event through `call(uow, ID, actor, **keywords)`; `convert`
    turns the command's options into the keywords, where they differ."""

    def run(
        app: App,
        /,
        rec_id: str,
        actor: str,
        expected_version: int | None,
        as_json: bool,
        **given: Any,
    ) -> None:
        keywords = convert(given) if convert is not None else given
        with app.uow() as uow:
            outcome = call(uow, rec_id, actor, expected_version=expected_version, **keywords)
        report_outcomes(outcome, as_json)

    command: Any = version_option(json_option(pass_app(run)))
    for option in reversed(options):
        command = option(command)
    command = click.argument("rec_id", metavar="ID")(actor_option(command))
    made: click.Command = rec.command(name, help=help)(command)
    return made


def _date(value: str, what: str) -> date:
    return parse_day(value, what)


def _one_answer(given: dict[str, Any]) -> dict[str, Any]:
    if (given["text"] is None) == (given["not_applicable"] is None):
        raise click.UsageError("give exactly one of --text and --not-applicable")
    return given


def _plan_actions(given: dict[str, Any]) -> dict[str, Any]:
    """The plan's actions: from `--action` (repeated) or from `--from FILE`, not both."""
    if bool(given["actions"]) == (given["plan_file"] is not None):
        raise click.UsageError("give the plan's actions with --action (repeatable) or --from FILE")
    if given["plan_file"] is not None:
        return {"actions": _later(_PLANS, "read_plan")(given["plan_file"])}
    parse = _later(_PLANS, "parse_action")
    return {"actions": [parse(a, n) for n, a in enumerate(given["actions"], start=1)]}


def _one_successor(given: dict[str, Any]) -> dict[str, Any]:
    if given["by"] is not None and given["by_report"] is not None:
        raise click.UsageError("give at most one successor: --by or --by-report")
    if all(given[k] is None for k in ("by", "by_report", "rationale")):
        raise click.UsageError("give --by or --by-report, --rationale, or a successor and why")
    return given


_NOTE = click.option("--note", metavar="T")
_REASON = click.option("--reason", required=True, metavar="T")
_NUMBER = click.argument("number", metavar="N", type=whole())

event_command(
    "edit",
    _later(_SERVICE, "edit"),
    click.option("--text"),
    click.option("--paragraph", metavar="P"),
    click.option("--subject", metavar="T"),
    click.option("--statutory/--not-statutory", default=None),
    help="Correct the recorded text, paragraph, subject or statutory flag (ilau or admin).",
)
event_command(
    "respond",
    _later(_SERVICE, "respond"),
    click.option("--body", required=True, help="The responding body, e.g. MPS or MPA."),
    click.option("--text", help="The body's response."),
    click.option(
        "--not-applicable",
        "not_applicable",
        metavar="REASON",
        help="The recommendation does not apply to this body, because REASON.",
    ),
    click.option(
        "--considered-complete",
        "considered_complete",
        is_flag=True,
        help="The body's verdict: the recommendation is considered complete already.",
    ),
    help="Record a body's response; moves to responded once every responding body has answered.",
    convert=_one_answer,
)
event_command(
    "plan",
    _later(_SERVICE, "plan"),
    click.option(
        "--action",
        "actions",
        multiple=True,
        metavar="TEXT|OWNER_EMAIL|YYYY-MM-DD[|done:YYYY-MM-DD]",
        help="One action of the plan (repeatable); one already done says on which day; a "
        'target the source does not give is written "YYYY-MM-DD (assumed)".',
    ),
    click.option(
        "--from",
        "plan_file",
        metavar="FILE",
        help="The plan's actions from a YAML or JSON file: actions: [{text, owner, target, "
        "target_assumed, measure, cost_estimate, benefit, done}].",
    ),
    help="Agree the implementation plan.",
    convert=_plan_actions,
)
event_command(
    "start",
    _later(_SERVICE, "start"),
    _NOTE,
    help="Implementation has begun (planned -> in progress).",
)
event_command(
    "monitor",
    _later(_SERVICE, "monitor"),
    _NOTE,
    help="Every action is closed (in progress -> monitored).",
)
event_command(
    "update",
    _later(_SERVICE, "record_update"),
    click.option("--note", required=True, metavar="T"),
    click.option("--degree", type=click.Choice(DEGREES), help="Degree to which it is met."),
    click.option("--evidence", metavar="T"),
    help="A progress update: resets the update clock.",
)
event_command(
    "action-done",
    _later(_SERVICE, "close_action"),
    _NUMBER,
    help="Mark action N (from 1) of the plan as done.",
)
event_command(
    "action-drop",
    _later(_SERVICE, "close_action"),
    _NUMBER,
    _REASON,
    help="Drop action N of the plan, with a reason.",
    convert=lambda given: {"number": given["number"], "dropped_reason": given["reason"]},
)
event_command(
    "action-cost",
    _later(_PLANS, "record_cost"),
    _NUMBER,
    click.option("--actual", required=True, metavar="AMOUNT", help="In pounds, e.g. 1234.50."),
    help="Record what action N of the plan actually cost.",
    convert=lambda given: {
        "number": given["number"],
        "actual": _later(_PLANS, "parse_money")(given["actual"], "--actual"),
    },
)
event_command(
    "complete",
    _later(_SERVICE, "complete"),
    click.option("--evidence", required=True, metavar="T"),
    help="Sign off as complete (ilau or board, not the owner).",
)
event_command(
    "supersede",
    _later(_SERVICE, "supersede"),
    click.option("--by", "by", metavar="ID", help="The successor recommendation."),
    click.option("--by-report", metavar="KEY", help="The successor report."),
    click.option(
        "--rationale", metavar="T", help="Why: it is dropped (alone), or why the successor."
    ),
    help="Close as superseded, naming the successor, the reason, or both.",
    convert=_one_successor,
)
event_command(
    "reopen",
    _later(_SERVICE, "reopen"),
    _REASON,
    help="Bring a complete or superseded recommendation back (ilau only).",
)
event_command(
    "reassign",
    _later(_SERVICE, "reassign"),
    click.option("--owner", required=True, metavar="EMAIL"),
    help="Give the recommendation to a new owner (ilau only).",
)
event_command(
    "extend",
    _later(_SERVICE, "request_extension"),
    click.option("--to", "to", required=True, metavar="YYYY-MM-DD"),
    _REASON,
    help="Ask for a revised target date (applies once approved).",
    convert=lambda given: {"to": _date(given["to"], "--to"), "reason": given["reason"]},
)
event_command(
    "approve-extension",
    _later(_SERVICE, "decide_extension"),
    _NOTE,
    help="Approve the pending extension (ilau or board).",
    convert=lambda given: {"approve": True, "reason": given["note"]},
)
event_command(
    "reject-extension",
    _later(_SERVICE, "decide_extension"),
    _REASON,
    help="Reject the pending extension, with a reason (ilau or board).",
    convert=lambda given: {"approve": False, "reason": given["reason"]},
)


# `rectrack escalate` came first; `rectrack rec escalate` is the same command.
cli.add_command(
    event_command(
        "escalate",
        _later("workflow.chasing.escalations", "escalate"),
        _REASON,
        help="Escalate a recommendation to the Performance Board by hand (ILAU only).",
    )
)
