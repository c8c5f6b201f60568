"""`rectrack webhook add|list|remove|deliver`: signed JSON deliveries of audit events."""

from __future__ import annotations

import click

from workflow.bootstrap import App
from workflow.chasing.webhook_delivery import deliver_webhooks
from workflow.chasing.webhooks import WebhookInfo, add_webhook, list_webhooks, remove_webhook
from workflow.cli.app import cli, json_option, pass_app, whole
from workflow.cli.output import echo, emit_json, shorten, table
from workflow.clock import instant_text

_ACTOR = click.option(
    "--actor",
    metavar="EMAIL",
    help="Who does this (ilau or admin); default: the operator at this command line.",
)


@cli.group()
def webhook() -> None:
    """Webhooks: audit events POSTed as JSON, signed (X-Rectrack-Signature), retried."""


@webhook.command("add")
@click.argument("url", metavar="URL")
@click.option(
    "--event",
    "events",
    multiple=True,
    required=True,
    metavar="EVENT",
    help="An audit event to send, e.g. complete or escalate (repeatable; * for every one).",
)
@_ACTOR
@json_option
@pass_app
def webhook_add(
    app: App, url: str, events: tuple[str, ...], actor: str | None, as_json: bool
) -> None:
    """Send URL every EVENT recorded from now on. Prints the signing secret, once: give it
    to the receiver, which checks each delivery's signature with it."""
    with app.uow() as uow:
        made, secret = add_webhook(uow, url, events=list(events), actor=actor)
    if as_json:
        emit_json({"id": made.id, "url": made.url, "events": made.events, "secret": secret})
        return
    echo(f"webhook {made.id}: {made.url} <- {', '.join(made.events)}")
    echo(f"secret: {secret}")


def _state(h: WebhookInfo) -> str:
    if h.removed_at is not None:
        return "removed"
    return f"retrying ({h.attempts})" if h.attempts else "ok"


@webhook.command("list")
@click.option("--removed", is_flag=True, help="Include those removed.")
@json_option
@pass_app
def webhook_list(app: App, removed: bool, as_json: bool) -> None:
    """Subscriptions: what each receives, how many were delivered, how many wait."""
    with app.uow() as uow:
        found = list_webhooks(uow, removed=removed)
    if as_json:
        emit_json(found)
        return
    table(
        [
            (
                h.id,
                shorten(h.url, 40),
                shorten(" ".join(h.events), 30),
                _state(h),
                h.delivered,
                h.pending,
                instant_text(h.next_attempt_at)[:16] if h.attempts else "",
                shorten(h.last_error, 30),
            )
            for h in found
        ],
        ["ID", "URL", "EVENTS", "STATE", "DELIVERED", "PENDING", "NEXT TRY", "LAST ERROR"],
    )


@webhook.command("remove")
@click.argument("hook_id", metavar="ID", type=whole())
@_ACTOR
@pass_app
def webhook_remove(app: App, hook_id: int, actor: str | None) -> None:
    """Stop sending to webhook ID."""
    with app.uow() as uow:
        gone = remove_webhook(uow, hook_id, actor=actor)
    echo(f"webhook {gone.id} removed ({gone.url})")


@webhook.command("deliver")
@json_option
@pass_app
def webhook_deliver(app: App, as_json: bool) -> None:
    """Deliver what is due now (the scheduler does this every send interval)."""
    with app.uow() as uow:
        report = deliver_webhooks(uow)
    if as_json:
        emit_json(report)
    else:
        echo(f"delivered {report.delivered}, failed {report.failed}")
