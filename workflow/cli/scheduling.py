"""Commands of the chasing machinery: sweep, escalate, escalations, outbox, scheduler."""

from __future__ import annotations

import click

from config.logging import configure_logging
from workflow.bootstrap import App
from workflow.chasing.escalations import escalate, list_escalations
from workflow.chasing.sweep import sweep
from workflow.cli.app import cli, json_option, pass_app
from workflow.cli.output import emit_json, shorten, table
from workflow.cli.recs import event_command
from workflow.mail.outbox import deliver, list_outbox


@cli.command("sweep")
@click.option("--dry-run", is_flag=True, help="Show what would be done; change nothing.")
@json_option
@pass_app
def sweep_command(app: App, dry_run: bool, as_json: bool) -> None:
    """Remind owners, escalate missed dates, clear cured escalations, report unowned."""
    with app.uow() as uow:
        result = sweep(uow, dry_run=dry_run)
    if as_json:
        emit_json(result.as_dict())
        return
    if result.skipped:
        click.echo("another sweep is running: nothing done")
        return
    prefix = "would send" if dry_run else "sent"
    for r in result.reminders:
        what = f"action {r['action']}" if "action" in r else r["kind"]
        click.echo(
            f"reminder  {r['rec']:<20} {what:<10} due {r['due']} ({r['stage']}) -> {r['to']}"
        )
    for e in result.escalations:
        click.echo(f"escalated {e['rec']:<20} {e['reason']} -> {e['committee']}")
    for code in result.cleared:
        click.echo(f"cleared   {code}")
    for code in result.unowned:
        click.echo(f"unowned   {code} (ILAU told)")
    click.echo(
        f"{prefix}: {len(result.reminders)} reminder(s), {len(result.escalations)} "
        f"escalation(s), {len(result.cleared)} cleared, {result.messages} message(s) queued"
    )


@event_command("escalate", click.option("--reason", required=True, metavar="T"), group=cli)
def escalate_command(
    app: App, rec_id: str, actor: str, reason: str, expected_version: int | None, as_json: bool
) -> None:
    """Escalate a recommendation to the Performance Board by hand (ILAU only)."""
    with app.uow() as uow:
        outcome = escalate(uow, rec_id, actor, reason, expected_version)
    if as_json:
        emit_json(outcome.as_dict())
    else:
        click.echo(f"{outcome.rec}: escalated (version {outcome.version})")


@cli.command("escalations")
@click.option("--open", "open_only", is_flag=True, help="Only those not yet cleared.")
@json_option
@pass_app
def escalations_command(app: App, open_only: bool, as_json: bool) -> None:
    """Escalations, oldest first."""
    with app.uow() as uow:
        found = list_escalations(uow, open_only)
    if as_json:
        emit_json(found)
        return
    table(
        [
            (
                e["id"],
                e["rec"],
                e["reason"],
                e["due"],
                e["raised_at"][:10],
                "open" if e["open"] else f"cleared {e['cleared_at'][:10]}",
                shorten(e["clear_note"] or e["note"], 40),
            )
            for e in found
        ],
        ["#", "REC", "REASON", "DUE", "RAISED", "STATUS", "NOTE"],
    )


@cli.group()
def outbox() -> None:
    """E-mail waiting to be sent, sent, or failed."""


@outbox.command("list")
@click.option("--status", type=click.Choice(["pending", "sent", "failed"]))
@json_option
@pass_app
def outbox_list(app: App, status: str | None, as_json: bool) -> None:
    """Messages in the outbox."""
    with app.uow() as uow:
        found = list_outbox(uow, status)
    if as_json:
        emit_json(found)
        return
    table(
        [(m["id"], m["status"], m["attempts"], m["to"], shorten(m["subject"], 60)) for m in found],
        ["#", "STATUS", "TRIES", "TO", "SUBJECT"],
    )


@outbox.command("send")
@click.option("--limit", type=click.IntRange(min=1), default=200, show_default=True)
@json_option
@pass_app
def outbox_send(app: App, limit: int, as_json: bool) -> None:
    """Send what is due now over SMTP (settings: [smtp] or RECTRACK_SMTP_*)."""
    with app.uow() as uow:
        report = deliver(uow, app.settings.mail, limit)
    if as_json:
        emit_json(report.as_dict())
    else:
        click.echo(f"sent {report.sent}, failed {report.failed}, pending {report.pending}")


@cli.command("scheduler")
@click.option("--once", is_flag=True, help="Run the sweep and the sender once, then exit.")
@pass_app
def scheduler_command(app: App, once: bool) -> None:
    """Run the sweep and the outbox sender on their schedules until stopped."""
    from workflow.chasing.scheduler import run_scheduler  # APScheduler loads only for this command

    configure_logging(app.settings.log_level or "INFO")  # a service: say what it does
    app.uow()  # fail now, not in a job, if the database is not initialised
    run_scheduler(app, once)
