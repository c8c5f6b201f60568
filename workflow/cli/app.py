"""The `rectrack` command group and its global options."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any, TypeVar

import click

from config import load_settings
from config.logging import configure_logging
from workflow.bootstrap import App

F = TypeVar("F", bound=Callable[..., Any])

# Numbers the database keeps in INTEGER columns (ids, versions, action numbers): PostgreSQL's
# hold 32 bits, and a bigger number is bad input, not a database error.
INTEGER_MAX = 2**31 - 1


def whole(min: int = 1) -> click.IntRange:
    """A whole number from `min` up to what an INTEGER column holds."""
    return click.IntRange(min=min, max=INTEGER_MAX)


# Which modules register each top-level command: a command line imports only its own, so
# that `rec show` loads neither the papers' libraries nor the scheduler's.
COMMAND_MODULES: dict[str, tuple[str, ...]] = {
    "init": ("commands",),
    "import": ("commands",),
    "people": ("commands",),
    "report": ("commands", "committees", "links", "inspections"),
    "rec": ("recs", "events", "links"),
    "escalate": ("events",),
    "audit": ("audit",),
    "sweep": ("scheduling",),
    "escalations": ("scheduling",),
    "outbox": ("scheduling",),
    "scheduler": ("scheduling",),
    "committee": ("committees",),
    "meeting": ("committees",),
    "agenda": ("committees",),
    "serve": ("web",),
    "token": ("tokens",),
    "calendar": ("tokens",),
    "webhook": ("webhooks",),
    "publish": ("publish",),
    "ingest": ("ingest",),
    "paper": ("papers",),
    "inspection": ("inspections",),
    "decision": ("decisions",),
}


class LazyGroup(click.Group):
    """The `rectrack` group: each command's module is imported when the command is needed."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMAND_MODULES})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        for module in COMMAND_MODULES.get(cmd_name, ()):
            importlib.import_module(f"workflow.cli.{module}")
        return super().get_command(ctx, cmd_name)


@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.option(
    "--db",
    envvar="RECTRACK_DB",
    metavar="URL",
    help="Database URL or SQLite file [env RECTRACK_DB; default sqlite:///rectrack.db].",
)
@click.option(
    "--now",
    envvar="RECTRACK_NOW",
    metavar="ISO_DATE_OR_DATETIME",
    help="Run as if it were this moment [env RECTRACK_NOW].",
)
@click.option(
    "--config",
    "config_path",
    envvar="RECTRACK_CONFIG",
    metavar="PATH",
    help="Settings file (TOML) [env RECTRACK_CONFIG].",
)
@click.pass_context
def cli(ctx: click.Context, db: str | None, now: str | None, config_path: str | None) -> None:
    """rectrack: follows every inspection, audit and review recommendation until it is done."""
    settings = load_settings(db=db, now=now, config=config_path)
    configure_logging(settings.log_level or "WARNING")
    app = App(settings)
    ctx.obj = app
    ctx.call_on_close(app.close)


pass_app = click.make_pass_decorator(App)


def json_option(f: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON.")(f)


def actor_option(f: F) -> F:
    return click.option(
        "--actor",
        required=True,
        metavar="EMAIL",
        help="Who does this (their roles decide whether they may).",
    )(f)


def directory_actor_option(f: F) -> F:
    """`--actor`, which the first import or person added to an empty database may omit."""
    return click.option(
        "--actor",
        metavar="EMAIL",
        help="Who does this (their roles decide whether they may); needed once anyone is "
        "registered.",
    )(f)


def version_option(f: F) -> F:
    return click.option(
        "--if-version",
        "expected_version",
        type=whole(),
        metavar="N",
        help="Refuse (exit 4) unless the recommendation is still at this version.",
    )(f)
