"""Commands of the chasing machinery: sweep, escalations, outbox, scheduler."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import click

from config.logging import configure_logging
from workflow.bootstrap import App
from workflow.chasing.escalations import list_escalations
from workflow.chasing.sweep import SweepResult, sweep
from workflow.cli.app import cli, json_option, pass_app, whole
from workflow.cli.exits import FAILED
from workflow.cli.output import echo, emit_json, shorten, table
from workflow.mail.delivery import deliver
from workflow.mail.outbox import AttachedFile, list_outbox
from workflow.reporting.dates import ASSUMED


@cli.command("sweep")
@click.option("--dry-run", is_flag=True, help="Show what would be done; change nothing.")
@json_option
@pass_app
def sweep_command(app: App, dry_run: bool, as_json: bool) -> None:
    """Remind owners, escalate missed dates, clear cured escalations, report unowned."""
    with app.uow() as uow:
        result = sweep(uow, dry_run=dry_run)
    if as_json:
        emit_json(result)
    elif result.skipped:
        echo("another sweep is running: nothing done")
    else:
        _print_sweep(result, "would send" if dry_run else "sent")


def _print_sweep(result: SweepResult, prefix: str) -> None:
    for r in result.reminders:
        what = f"action {r.action}" if r.action is not None else r.kind
        echo(f"reminder  {r.rec:<20} {what:<10} due {r.due} ({r.stage}) -> {r.to}")
    for e in result.escalations:
        echo(f"escalated {e.rec:<20} {e.reason} -> {e.committee}")
    for code in result.cleared:
        echo(f"cleared   {code}")
    for code in result.unowned:
        echo(f"unowned   {code} (ILAU told)")
    echo(
        f"{prefix}: {len(result.reminders)} reminder(s), {len(result.escalations)} "
        f"escalation(s), {len(result.cleared)} cleared, {result.messages} message(s) queued"
    )


@cli.command("escalations")
@click.option("--open", "open_only", is_flag=True, help="Only those not yet cleared.")
@json_option
@pass_app
def escalations_command(app: App, open_only: bool, as_json: bool) -> None:
    """Escalations, oldest first."""
    with app.uow() as uow:
        found = list_escalations(uow, open_only=open_only)
    if as_json:
        emit_json(found)
        return
    table(
        [
            (
                e.id,
                e.rec,
                e.reason,
                f"{e.due}{ASSUMED}" if e.due_assumed else e.due,
                e.raised_at.date(),
                "open" if e.cleared_at is None else f"cleared {e.cleared_at.date()}",
                shorten(e.clear_note or e.note, 40),
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
    """Messages in the outbox, and the files that go with them."""
    with app.uow() as uow:
        found = list_outbox(uow, status=status)
    if as_json:
        emit_json(found)
        return
    table(
        [(m.id, m.status, m.attempts, m.to, shorten(m.subject, 60)) for m in found],
        ["#", "STATUS", "TRIES", "TO", "SUBJECT"],
        [_attachments_line(m.attachments) for m in found],
    )


def _attachments_line(files: Sequence[AttachedFile]) -> str | None:
    """attachments: ilau-monthly-2004-03.docx (24 KB); none for a message without files."""
    from workflow.web.filters import size  # the web pages' sizes, the same words

    if not files:
        return None
    return "attachments: " + ", ".join(f"{f.filename} ({size(f.size)})" for f in files)


@outbox.command("send")
@click.option("--limit", type=whole(), default=200, show_default=True)
@json_option
@pass_app
def outbox_send(app: App, limit: int, as_json: bool) -> None:
    """Send what is due now over SMTP (settings: [smtp] or RECTRACK_SMTP_*)."""
    with app.uow() as uow:
        report = deliver(uow, app.settings.mail, limit)
    if as_json:
        emit_json(report)
    else:
        echo(f"sent {report.sent}, failed {report.failed}, pending {report.pending}")


def _sweep_job(app: App) -> Mapping[str, Any]:
    with app.uow() as uow:
        result = sweep(uow)
    return {
        "reminders": len(result.reminders),
        "escalations": len(result.escalations),
        "cleared": len(result.cleared),
        "messages": result.messages,
        "skipped": result.skipped,
    }


def _agenda_job(app: App) -> Mapping[str, Any]:
    from workflow.reporting.agenda import generate_due_agendas

    with app.uow() as uow:
        done = generate_due_agendas(
            uow,
            days_before=app.settings.scheduler.agenda_days_before,
            timezone=app.settings.timezone,
        )
    return {"agendas": [f"{a.committee.name} {a.meeting}" for a in done]}


def _send_job(app: App) -> Mapping[str, Any]:
    with app.uow() as uow:
        report = deliver(uow, app.settings.mail)
    return {"sent": report.sent, "failed": report.failed, "pending": report.pending}


def _webhook_job(app: App) -> Mapping[str, Any]:
    from workflow.chasing.webhook_delivery import deliver_webhooks

    with app.uow() as uow:
        report = deliver_webhooks(uow)
    return {"delivered": report.delivered, "failed": report.failed}


@cli.command("scheduler")
@click.option("--once", is_flag=True, help="Run every job once, then exit (1 if one failed).")
@click.pass_context
def scheduler_command(ctx: click.Context, once: bool) -> None:
    """Run the sweep, the agendas, the outbox sender and the webhook deliveries on their
    schedules until stopped."""
    # APScheduler, and the papers' libraries, load only for this command.
    from workflow.chasing.scheduler import Job, run_scheduler
    from workflow.cli.inspections import monthly_job

    app: App = ctx.obj
    # A service: say what it does, APScheduler's own lines included, from the start.
    configure_logging(app.settings.log_level or "INFO", at_once=True)
    app.uow()  # fail now, not in a job, if the database is not initialised
    settings = app.settings.scheduler
    jobs = [
        Job("sweep", lambda: _sweep_job(app), cron=settings.sweep_cron),
        Job("agenda", lambda: _agenda_job(app), cron=settings.sweep_cron),
        Job("send", lambda: _send_job(app), every_seconds=settings.send_every_seconds),
        Job("webhooks", lambda: _webhook_job(app), every_seconds=settings.send_every_seconds),
        # The ILAU monthly report, circulated once a month on or after [monthly] day.
        Job("monthly", lambda: monthly_job(app), cron=settings.sweep_cron),
    ]
    if not run_scheduler(jobs, settings, app.settings.timezone, once) and once:
        ctx.exit(FAILED)
