"""`rectrack decision add|done|list`: what committees decided, for whom, by when."""

from __future__ import annotations

import click

from workflow.bootstrap import App
from workflow.cli.app import actor_option, cli, json_option, pass_app, whole
from workflow.cli.output import echo, emit_json, shorten, table
from workflow.clock import parse_day
from workflow.directory.decisions import Decision, add_decision, done_decision, list_decisions


@cli.group()
def decision() -> None:
    """Committee decisions: each with an owner and a due date, on the committee's next
    agendas until done, reminded and escalated like any other date."""


def _said(d: Decision) -> str:
    state = f"done {d.done_at:%Y-%m-%d}" if d.done_at else f"due {d.due}"
    return f"decision {d.id}: {d.committee} {d.meeting}, {d.rec}, {d.owner}, {state}"


@decision.command("add")
@click.argument("committee_name", metavar="COMMITTEE")
@click.option("--meeting", "day", required=True, metavar="YYYY-MM-DD", help="When it decided.")
@click.option("--rec", required=True, metavar="ID", help="The recommendation it is about.")
@click.option("--text", required=True, metavar="T", help="What was decided.")
@click.option("--owner", required=True, metavar="EMAIL", help="Who is to do it.")
@click.option("--due", required=True, metavar="YYYY-MM-DD", help="By when.")
@actor_option
@json_option
@pass_app
def decision_add(
    app: App,
    committee_name: str,
    day: str,
    rec: str,
    text: str,
    owner: str,
    due: str,
    actor: str,
    as_json: bool,
) -> None:
    """Record what COMMITTEE decided at its meeting (ilau or secretary)."""
    with app.uow() as uow:
        made = add_decision(
            uow,
            committee_name,
            meeting=parse_day(day, "--meeting"),
            rec=rec,
            text=text,
            owner=owner,
            due=parse_day(due, "--due"),
            actor=actor,
        )
    if as_json:
        emit_json(made)
    else:
        echo(_said(made))


@decision.command("done")
@click.argument("decision_id", metavar="ID", type=whole())
@actor_option
@json_option
@pass_app
def decision_done(app: App, decision_id: int, actor: str, as_json: bool) -> None:
    """Record decision ID as done (its owner, ilau or secretary)."""
    with app.uow() as uow:
        made = done_decision(uow, decision_id, actor=actor)
    if as_json:
        emit_json(made)
    else:
        echo(_said(made))


@decision.command("list")
@click.option("--open", "open_only", is_flag=True, help="Only those not yet done.")
@click.option("--committee", "committee_name", metavar="NAME", help="Only this committee's.")
@json_option
@pass_app
def decision_list(app: App, open_only: bool, committee_name: str | None, as_json: bool) -> None:
    """Every decision, the earliest due first."""
    with app.uow() as uow:
        found = list_decisions(uow, open_only=open_only, committee_name=committee_name)
    if as_json:
        emit_json(found)
        return
    table(
        [
            (
                d.id,
                d.committee,
                d.meeting,
                d.rec,
                d.owner,
                d.due,
                f"{d.done_at:%Y-%m-%d}" if d.done_at else "open",
                shorten(d.text, 50),
            )
            for d in found
        ],
        ["ID", "COMMITTEE", "MEETING", "REC", "OWNER", "DUE", "DONE", "DECISION"],
    )
