"""`rectrack rec list|show|raise|restrict|unrestrict`: recommendations listed, shown in full,
raised, and kept out of the public register or let back in (their events are in
`workflow.cli.events`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from states import STATES
from workflow.bootstrap import App
from workflow.cli.app import actor_option, cli, json_option, pass_app
from workflow.cli.commands import restriction_commands
from workflow.cli.output import echo, emit_json, shorten, table
from workflow.lifecycle.raising import raise_recommendation
from workflow.lifecycle.restriction import restrict_recommendation
from workflow.lifecycle.transition import Outcome
from workflow.lifecycle.views import (
    ActionView,
    RecView,
    list_recommendations,
    show_recommendation,
)
from workflow.plain import plain
from workflow.reporting.costs import pounds
from workflow.reporting.dates import assumed_mark

F = TypeVar("F", bound=Callable[..., Any])


@cli.group()
def rec() -> None:
    """Recommendations: list, show, raise, and move them through their lifecycle."""


def report_outcomes(outcomes: list[Outcome] | Outcome, as_json: bool) -> None:
    """Print what an event did: JSON (the last outcome, with every event), or a line each."""
    items = outcomes if isinstance(outcomes, list) else [outcomes]
    if as_json:
        emit_json({**plain(items[-1]), "events": items})
        return
    for o in items:
        move = f"{o.from_state} -> {o.to_state}" if o.from_state != o.to_state else o.to_state
        echo(f"{o.rec}: {o.event.replace('_', ' ')}: {move} (version {o.version})")


@rec.command("list")
@click.option("--state", type=click.Choice(STATES))
@click.option("--owner", metavar="EMAIL")
@click.option("--report", "report_key", metavar="KEY")
@click.option("--overdue", is_flag=True, help="Only those with a due date already past.")
@json_option
@pass_app
def rec_list(
    app: App,
    state: str | None,
    owner: str | None,
    report_key: str | None,
    overdue: bool,
    as_json: bool,
) -> None:
    """Recommendations, filtered."""
    with app.uow() as uow:
        found = list_recommendations(
            uow, state=state, owner=owner, report_key=report_key, overdue=overdue
        )
    if as_json:
        emit_json(found)
        return
    table(
        [
            (
                r.id,
                r.state,
                r.owner or "(none)",
                r.degree,
                r.next_due,
                "OVERDUE" if r.overdue else "",
                shorten(r.subject or r.text, 48),
            )
            for r in found
        ],
        ["ID", "STATE", "OWNER", "DEGREE", "NEXT DUE", "", "TEXT"],
    )


def _print_view(v: RecView) -> None:
    echo(f"{v.id}  [{v.state}]  version {v.version}")
    if v.subject:
        echo(f"  subject:   {v.subject}")
    echo(f"  text:      {v.text}")
    if v.paragraph:
        echo(f"  paragraph: {v.paragraph}")
    statutory = "yes" if v.statutory else ("no" if v.statutory_known else "unknown")
    echo(f"  statutory: {statutory}   owner: {v.owner or '(none)'}   degree met: {v.degree}")
    lead = " / ".join(x for x in (v.lead_accountable, v.lead_responsible) if x)
    if lead:
        echo(f"  lead:      {lead}")
    if v.timescale:
        echo(f"  timescale: {v.timescale}")
    due = ", ".join(_due(k, d, v) for k, d in plain(v.due).items() if d) or "nothing"
    echo(f"  due:       {due}" + ("   OVERDUE" if v.overdue else ""))
    if v.target_original and v.target_original != v.target:
        echo(f"  target:    {v.target} (revised; original {v.target_original})")
    _print_details(v)
    echo("  history:")
    for h in v.history:
        move = f"{h.from_state or ''} -> {h.to}" if h.from_state != h.to else ""
        echo(
            f"    {h.at.date()}  {h.actor:<36} {h.event:<18} {move:<26} "
            f"{shorten(h.note, 50)}".rstrip()
        )


def _due(kind: str, day: str, v: RecView) -> str:
    """ "target 2003-03-31", with " (assumed)" when the source gave no target."""
    return f"{kind} {day}" + assumed_mark(kind == "target" and v.target_assumed)


def _print_details(v: RecView) -> None:
    for r in v.responses:
        said = f"not applicable: {r.not_applicable}" if r.not_applicable else r.text
        verdict = " (considered complete)" if r.considered_complete else ""
        echo(f"  response {r.body}: {shorten(said, 70)}{verdict}")
    for a in v.actions:
        status = (
            "done" if a.done else (f"dropped: {a.dropped_reason}" if a.dropped_reason else "open")
        )
        target = f"{a.target}{assumed_mark(a.target_assumed)}"
        echo(f"  action {a.number}: {shorten(a.text, 50)} ({a.owner}, target {target}, {status})")
        _print_costs(a)
    for e in v.extensions:
        echo(f"  extension {e.from_date} -> {e.to}: {e.status} ({shorten(e.reason, 40)})")
    for link in v.links:
        echo(f"  {link.kind.replace('_', ' ')} {link.to}")
    if v.signed_off:
        s = v.signed_off
        echo(f"  signed off by {s.by} at {s.at.date()}: {shorten(s.evidence, 60)}")


def _print_costs(a: ActionView) -> None:
    """An action's measure, costs and benefit, where the plan gave them."""
    if a.measure:
        echo(f"    measure: {shorten(a.measure, 70)}")
    if a.cost_estimate is not None or a.cost_actual is not None:
        echo(f"    cost: estimated {pounds(a.cost_estimate)}, actual {pounds(a.cost_actual)}")
    if a.benefit:
        echo(f"    benefit: {shorten(a.benefit, 70)}")


@rec.command("show")
@click.argument("rec_id", metavar="ID")
@json_option
@pass_app
def rec_show(app: App, rec_id: str, as_json: bool) -> None:
    """Everything about one recommendation, with its history."""
    with app.uow() as uow:
        view = show_recommendation(uow, rec_id)
    if as_json:
        emit_json(view)
    else:
        _print_view(view)


@rec.command("raise")
@click.argument("rec_id", metavar="ID")
@click.option("--text", required=True)
@actor_option
@click.option("--owner", metavar="EMAIL")
@click.option("--paragraph", metavar="P")
@click.option("--subject", metavar="T", help="A short title, as in a tracker table.")
@click.option("--statutory", is_flag=True)
@json_option
@pass_app
def rec_raise(
    app: App,
    rec_id: str,
    text: str,
    actor: str,
    owner: str | None,
    paragraph: str | None,
    subject: str | None,
    statutory: bool,
    as_json: bool,
) -> None:
    """Record a new recommendation of a known report."""
    with app.uow() as uow:
        outcome = raise_recommendation(
            uow,
            rec_id,
            actor,
            text=text,
            owner=owner,
            paragraph=paragraph,
            statutory=statutory,
            subject=subject,
        )
    report_outcomes(outcome, as_json)


restriction_commands(
    rec,
    "ID",
    restrict_recommendation,
    lambda done: str(done.id),
    (
        "Leave a recommendation out of the public register (ilau).",
        "Show a restricted recommendation in the public register again (ilau).",
    ),
)
