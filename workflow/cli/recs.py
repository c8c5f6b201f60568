"""`rectrack rec ...`: list, show, raise, and every event of the lifecycle."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

import click

from states import DEGREES, STATES
from workflow.bootstrap import App
from workflow.cli.app import actor_option, cli, json_option, pass_app, version_option
from workflow.cli.output import emit_json, shorten, table
from workflow.errors import BadInput
from workflow.lifecycle import events as svc
from workflow.lifecycle.transition import Outcome
from workflow.lifecycle.views import list_recommendations, show_recommendation
from workflow.store.uow import UnitOfWork

F = TypeVar("F", bound=Callable[..., Any])


@cli.group()
def rec() -> None:
    """Recommendations: list, show, raise, and move them through their lifecycle."""


def _report(outcomes: list[Outcome] | Outcome, as_json: bool) -> None:
    items = outcomes if isinstance(outcomes, list) else [outcomes]
    if as_json:
        emit_json(items[-1].as_dict() | {"events": [o.as_dict() for o in items]})
        return
    for o in items:
        move = f"{o.from_state} -> {o.to_state}" if o.from_state != o.to_state else o.to_state
        click.echo(f"{o.rec}: {o.event.replace('_', ' ')}: {move} (version {o.version})")


def _run(app: App, as_json: bool, call: Callable[[UnitOfWork], list[Outcome] | Outcome]) -> None:
    with app.uow() as uow:
        result = call(uow)
    _report(result, as_json)


def _date(value: str, what: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadInput(f"{what}: not a date (YYYY-MM-DD): {value!r}") from None


def event_command(
    name: str,
    *options: Callable[[F], F],
    group: click.Group | None = None,
    help: str | None = None,
) -> Callable[[F], F]:
    """A command that fires an event: `ID --actor EMAIL`, its own options, `--if-version`,
    `--json`; the function receives the App first."""

    def wrap(f: F) -> F:
        command: Any = version_option(json_option(pass_app(f)))
        for option in reversed(options):
            command = option(command)
        command = click.argument("rec_id", metavar="ID")(actor_option(command))
        return (group or rec).command(name, help=help)(command)  # type: ignore[return-value]

    return wrap


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
        found = list_recommendations(uow, state, owner, report_key, overdue)
    if as_json:
        emit_json(found)
        return
    table(
        [
            (
                r["id"],
                r["state"],
                r["owner"] or "(none)",
                r["degree"],
                r["next_due"],
                "OVERDUE" if r["overdue"] else "",
                shorten(r["subject"] or r["text"], 48),
            )
            for r in found
        ],
        ["ID", "STATE", "OWNER", "DEGREE", "NEXT DUE", "", "TEXT"],
    )


def _print_view(v: dict[str, Any]) -> None:
    click.echo(f"{v['id']}  [{v['state']}]  version {v['version']}")
    if v["subject"]:
        click.echo(f"  subject:   {v['subject']}")
    click.echo(f"  text:      {v['text']}")
    if v["paragraph"]:
        click.echo(f"  paragraph: {v['paragraph']}")
    click.echo(
        f"  statutory: {'yes' if v['statutory'] else 'no'}   owner: {v['owner'] or '(none)'}"
        f"   degree met: {v['degree']}"
    )
    due = ", ".join(f"{k} {d}" for k, d in v["due"].items() if d) or "nothing"
    click.echo(f"  due:       {due}" + ("   OVERDUE" if v["overdue"] else ""))
    if v["target_original"] and v["target_original"] != v["target"]:
        click.echo(f"  target:    {v['target']} (revised; original {v['target_original']})")
    for r in v["responses"]:
        said = f"not applicable: {r['not_applicable']}" if r["not_applicable"] else r["text"]
        click.echo(f"  response {r['body']}: {shorten(said, 70)}")
    for a in v["actions"]:
        status = (
            "done"
            if a["done"]
            else (f"dropped: {a['dropped_reason']}" if a["dropped_reason"] else "open")
        )
        click.echo(
            f"  action {a['number']}: {shorten(a['text'], 50)} ({a['owner']}, "
            f"target {a['target']}, {status})"
        )
    for e in v["extensions"]:
        click.echo(
            f"  extension {e['from']} -> {e['to']}: {e['status']} ({shorten(e['reason'], 40)})"
        )
    for link in v["links"]:
        click.echo(f"  {link['kind'].replace('_', ' ')} {link['to']}")
    if v["signed_off"]:
        s = v["signed_off"]
        click.echo(f"  signed off by {s['by']} at {s['at'][:10]}: {shorten(s['evidence'], 60)}")
    click.echo("  history:")
    for h in v["history"]:
        move = f"{h['from'] or ''} -> {h['to']}" if h["from"] != h["to"] else ""
        click.echo(
            f"    {h['at'][:10]}  {h['actor']:<36} {h['event']:<18} {move:<26} "
            f"{shorten(h['note'], 50)}".rstrip()
        )


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
    _run(
        app,
        as_json,
        lambda uow: svc.raise_recommendation(
            uow, rec_id, text, actor, owner, paragraph, statutory, subject
        ),
    )


@event_command(
    "edit",
    click.option("--text"),
    click.option("--paragraph", metavar="P"),
    click.option("--subject", metavar="T"),
    click.option("--statutory/--not-statutory", default=None),
)
def rec_edit(
    app: App,
    rec_id: str,
    actor: str,
    text: str | None,
    paragraph: str | None,
    subject: str | None,
    statutory: bool | None,
    expected_version: int | None,
    as_json: bool,
) -> None:
    """Correct the recorded text, paragraph, subject or statutory flag (ilau or admin)."""
    _run(
        app,
        as_json,
        lambda uow: svc.edit(
            uow, rec_id, actor, text, paragraph, subject, statutory, expected_version
        ),
    )


@rec.command("respond")
@click.argument("rec_id", metavar="ID")
@actor_option
@click.option("--body", required=True, help="The responding body, e.g. MPS or MPA.")
@click.option("--text", help="The body's response.")
@click.option(
    "--not-applicable",
    "not_applicable",
    metavar="REASON",
    help="The recommendation does not apply to this body, because REASON.",
)
@version_option
@json_option
@pass_app
def rec_respond(
    app: App,
    rec_id: str,
    actor: str,
    body: str,
    text: str | None,
    not_applicable: str | None,
    expected_version: int | None,
    as_json: bool,
) -> None:
    """Record a body's response; moves to responded once every responding body has answered."""
    if (text is None) == (not_applicable is None):
        raise click.UsageError("give exactly one of --text and --not-applicable")
    _run(
        app,
        as_json,
        lambda uow: svc.respond(uow, rec_id, actor, body, text, not_applicable, expected_version),
    )


@rec.command("plan")
@click.argument("rec_id", metavar="ID")
@actor_option
@click.option(
    "--action",
    "actions",
    multiple=True,
    metavar="TEXT|OWNER_EMAIL|YYYY-MM-DD",
    help="One action of the plan (repeatable).",
)
@version_option
@json_option
@pass_app
def rec_plan(
    app: App,
    rec_id: str,
    actor: str,
    actions: tuple[str, ...],
    expected_version: int | None,
    as_json: bool,
) -> None:
    """Agree the implementation plan."""
    parsed = [svc.parse_action(a, n) for n, a in enumerate(actions, start=1)]
    _run(app, as_json, lambda uow: svc.plan(uow, rec_id, actor, parsed, expected_version))


def _simple(name: str, call: Callable[..., Outcome], doc: str) -> None:
    @event_command(name, click.option("--note", metavar="T"), help=doc)
    def command(
        app: App,
        rec_id: str,
        actor: str,
        note: str | None,
        expected_version: int | None,
        as_json: bool,
    ) -> None:
        _run(app, as_json, lambda uow: call(uow, rec_id, actor, note, expected_version))


_simple("start", svc.start, "Implementation has begun (planned -> in progress).")
_simple("monitor", svc.monitor, "Every action is closed (in progress -> monitored).")


@event_command(
    "update",
    click.option("--note", required=True, metavar="T"),
    click.option("--degree", type=click.Choice(DEGREES), help="Degree to which it is met."),
    click.option("--evidence", metavar="T"),
)
def rec_update(
    app: App,
    rec_id: str,
    actor: str,
    note: str,
    degree: str | None,
    evidence: str | None,
    expected_version: int | None,
    as_json: bool,
) -> None:
    """A progress update: resets the update clock."""
    _run(
        app,
        as_json,
        lambda uow: svc.record_update(uow, rec_id, actor, note, degree, evidence, expected_version),
    )


_ACTION_NUMBER = click.argument("number", metavar="N", type=click.IntRange(min=1))


@event_command("action-done", _ACTION_NUMBER)
def rec_action_done(
    app: App, rec_id: str, number: int, actor: str, expected_version: int | None, as_json: bool
) -> None:
    """Mark action N (from 1) of the plan as done."""
    _run(
        app,
        as_json,
        lambda uow: svc.close_action(uow, rec_id, number, actor, None, expected_version),
    )


@event_command("action-drop", _ACTION_NUMBER, click.option("--reason", required=True, metavar="T"))
def rec_action_drop(
    app: App,
    rec_id: str,
    number: int,
    actor: str,
    reason: str,
    expected_version: int | None,
    as_json: bool,
) -> None:
    """Drop action N of the plan, with a reason."""
    _run(
        app,
        as_json,
        lambda uow: svc.close_action(uow, rec_id, number, actor, reason, expected_version),
    )


@event_command(
    "complete",
    click.option("--evidence", required=True, metavar="T"),
)
def rec_complete(
    app: App, rec_id: str, actor: str, evidence: str, expected_version: int | None, as_json: bool
) -> None:
    """Sign off as complete (ilau or board, not the owner)."""
    _run(app, as_json, lambda uow: svc.complete(uow, rec_id, actor, evidence, expected_version))


@event_command(
    "supersede",
    click.option("--by", "by", metavar="ID", help="The successor recommendation."),
    click.option("--by-report", metavar="KEY", help="The successor report."),
    click.option("--rationale", metavar="T", help="Why it is dropped, when nothing succeeds it."),
)
def rec_supersede(
    app: App,
    rec_id: str,
    actor: str,
    by: str | None,
    by_report: str | None,
    rationale: str | None,
    expected_version: int | None,
    as_json: bool,
) -> None:
    """Close as superseded, naming the successor or the reason."""
    if sum(x is not None for x in (by, by_report, rationale)) != 1:
        raise click.UsageError("give exactly one of --by, --by-report and --rationale")
    _run(
        app,
        as_json,
        lambda uow: svc.supersede(uow, rec_id, actor, by, by_report, rationale, expected_version),
    )


@event_command(
    "reopen",
    click.option("--reason", required=True, metavar="T"),
)
def rec_reopen(
    app: App, rec_id: str, actor: str, reason: str, expected_version: int | None, as_json: bool
) -> None:
    """Bring a complete or superseded recommendation back (ilau only)."""
    _run(app, as_json, lambda uow: svc.reopen(uow, rec_id, actor, reason, expected_version))


@event_command(
    "reassign",
    click.option("--owner", required=True, metavar="EMAIL"),
)
def rec_reassign(
    app: App, rec_id: str, actor: str, owner: str, expected_version: int | None, as_json: bool
) -> None:
    """Give the recommendation to a new owner (ilau only)."""
    _run(app, as_json, lambda uow: svc.reassign(uow, rec_id, actor, owner, expected_version))


@event_command(
    "extend",
    click.option("--to", "to", required=True, metavar="YYYY-MM-DD"),
    click.option("--reason", required=True, metavar="T"),
)
def rec_extend(
    app: App,
    rec_id: str,
    actor: str,
    to: str,
    reason: str,
    expected_version: int | None,
    as_json: bool,
) -> None:
    """Ask for a revised target date (applies once approved)."""
    day = _date(to, "--to")
    _run(
        app,
        as_json,
        lambda uow: svc.request_extension(uow, rec_id, actor, day, reason, expected_version),
    )


@event_command(
    "approve-extension",
    click.option("--note", metavar="T"),
)
def rec_approve_extension(
    app: App, rec_id: str, actor: str, note: str | None, expected_version: int | None, as_json: bool
) -> None:
    """Approve the pending extension (ilau or board)."""
    _run(
        app,
        as_json,
        lambda uow: svc.decide_extension(uow, rec_id, actor, True, note, expected_version),
    )


@event_command(
    "reject-extension",
    click.option("--reason", required=True, metavar="T"),
)
def rec_reject_extension(
    app: App, rec_id: str, actor: str, reason: str, expected_version: int | None, as_json: bool
) -> None:
    """Reject the pending extension, with a reason (ilau or board)."""
    _run(
        app,
        as_json,
        lambda uow: svc.decide_extension(uow, rec_id, actor, False, reason, expected_version),
    )
