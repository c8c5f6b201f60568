"""`rectrack serve`: the web application."""

from __future__ import annotations

import click

from workflow.bootstrap import App
from workflow.cli.app import cli


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port."
)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Worker processes (rate limits are kept per worker unless [web] rate_limit_storage "
    "says otherwise).",
)
@click.pass_context
def serve_command(ctx: click.Context, host: str, port: int, workers: int) -> None:
    """Serve the web application (links in e-mail use [web] base_url / RECTRACK_BASE_URL)."""
    from workflow.web.server import serve

    app: App = ctx.obj
    serve(app, host, port, workers, ctx.find_root().params.get("config_path"))
