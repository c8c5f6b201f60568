"""Commands other than `rec` and `audit`: init, import, people, report."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from sqlalchemy import func, select

from workflow.bootstrap import App
from workflow.cli.app import (
    actor_option,
    cli,
    directory_actor_option,
    json_option,
    pass_app,
)
from workflow.cli.output import echo, emit_json, shorten, table
from workflow.directory.people import add_person, list_people, set_active
from workflow.directory.reports import list_reports, restrict_report
from workflow.reporting.dates import published_text
from workflow.store.engine import migrate
from workflow.store.tables import recommendation
from workflow.store.uow import UnitOfWork


@cli.command()
@pass_app
def init(app: App) -> None:
    """Create the database, or migrate it to this version's schema (safe to repeat)."""
    before, after = migrate(app.engine)
    url = app.engine.url.render_as_string(hide_password=True)
    if before == after:
        echo(f"{url}: schema already at revision {after}")
    else:
        echo(f"{url}: schema {'created' if before is None else 'migrated'} at revision {after}")


@cli.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@directory_actor_option
@json_option
@pass_app
def import_(app: App, file: Path, actor: str | None, as_json: bool) -> None:
    """Import people, reports and recommendations (YAML, JSON or CSV): all or nothing."""
    from workflow.intake.load import import_file  # pydantic and YAML load only when importing

    with app.uow() as uow:
        before = _last_recommendation(uow)
        summary = import_file(uow, file, actor=actor)
        if summary.recommendations:
            _say_possible_repeats(app, uow, before)
    if as_json:
        emit_json(summary)
    else:
        echo(
            f"imported {summary.reports} report(s), {summary.recommendations} "
            f"recommendation(s), {summary.people} new person(s) from {file}"
        )


def _last_recommendation(uow: UnitOfWork) -> int:
    with uow.read() as tx:
        return int(tx.conn.execute(select(func.max(recommendation.c.id))).scalar() or 0)


def _say_possible_repeats(app: App, uow: UnitOfWork, before: int) -> None:
    """Tell the importer (on stderr) which new recommendations look like repeats of stored
    ones in other reports, above `[ingest] repeat_threshold`, and how to link them."""
    from workflow.intake.similar import possible_repeats_of

    with uow.read() as tx:
        new = list(
            tx.conn.execute(
                select(recommendation.c.code).where(recommendation.c.id > before)
            ).scalars()
        )
        found = possible_repeats_of(tx.conn, new, threshold=app.settings.ingest.repeat_threshold)
    for code, like in found:
        echo(
            f"possible repeat: {code} is like {like.id} ({like.score:.2f}); if it repeats it: "
            f"rectrack rec link {code} --repeats {like.id} --actor EMAIL",
            err=True,
        )


@cli.group()
def people() -> None:
    """The people who own, chase and sign off recommendations."""


@people.command("add")
@click.argument("email")
@click.option("--name", required=True)
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    help="owner, ilau, secretary, board or admin (repeatable).",
)
@click.option("--group", help="Business group, e.g. TP.")
@click.option("--title", help="Job title, e.g. 'Head of Corporate Performance'.")
@directory_actor_option
@json_option
@pass_app
def people_add(
    app: App,
    email: str,
    name: str,
    roles: tuple[str, ...],
    group: str | None,
    title: str | None,
    actor: str | None,
    as_json: bool,
) -> None:
    """Register a person."""
    with app.uow() as uow:
        added = add_person(
            uow, email, name=name, roles=list(roles), group=group, actor=actor, title=title
        )
    if as_json:
        emit_json(added)
    else:
        echo(f"added {added.email} ({', '.join(added.roles)})")


@people.command("list")
@json_option
@pass_app
def people_list(app: App, as_json: bool) -> None:
    """Everyone registered."""
    with app.uow() as uow:
        found = list_people(uow)
    if as_json:
        emit_json(found)
    else:
        table(
            [
                (p.email, p.name, " ".join(p.roles), p.group, "" if p.active else "inactive")
                for p in found
            ],
            ["EMAIL", "NAME", "ROLES", "GROUP", ""],
        )


@people.command("deactivate")
@click.argument("email")
@actor_option
@pass_app
def people_deactivate(app: App, email: str, actor: str) -> None:
    """Mark someone as gone: they can no longer act or be given recommendations."""
    with app.uow() as uow:
        found = set_active(uow, email, active=False, actor=actor)
    echo(f"{found.email} is inactive")


@cli.group("report")
def report_group() -> None:
    """The reports recommendations come from."""


@report_group.command("list")
@json_option
@pass_app
def report_list(app: App, as_json: bool) -> None:
    """Every report with its recommendations counted."""
    with app.uow() as uow:
        found = list_reports(uow)
    if as_json:
        emit_json(found)
    else:
        table(
            [
                (
                    r.key,
                    published_text(r.published, r.published_assumed),
                    r.body,
                    r.kind,
                    r.recommendations,
                    r.open,
                    shorten(r.title, 50),
                )
                for r in found
            ],
            ["KEY", "PUBLISHED", "BODY", "KIND", "RECS", "OPEN", "TITLE"],
        )


def restriction_commands(
    group: click.Group,
    metavar: str,
    restrict: Callable[..., Any],
    name: Callable[[Any], str],
    helps: tuple[str, str],
) -> None:
    """`restrict` and `unrestrict` in `group`, for the thing `restrict(uow, ID, actor, ...)`
    restricts (a report, a recommendation); `name` says which one, from what it returns."""
    for restricted, help in zip((True, False), helps, strict=True):
        _restriction_command(group, restricted, metavar, restrict, name, help)


def _restriction_command(
    group: click.Group,
    restricted: bool,
    metavar: str,
    restrict: Callable[..., Any],
    name: Callable[[Any], str],
    help: str,
) -> None:
    @group.command("restrict" if restricted else "unrestrict", help=help)
    @click.argument("subject", metavar=metavar)
    @actor_option
    @click.option("--reason", metavar="T", help="Why, for the audit trail.")
    @json_option
    @pass_app
    def command(app: App, subject: str, actor: str, reason: str | None, as_json: bool) -> None:
        with app.uow() as uow:
            done = restrict(uow, subject, actor, restricted=restricted, reason=reason)
        if as_json:
            emit_json(done)
        else:
            echo(f"{name(done)}: {restriction_words(done.restricted, done.changed)}")


def restriction_words(restricted: bool, changed: bool) -> str:
    """What a restriction (of a report or a recommendation) did, for people."""
    now = "restricted (left out of the public register)" if restricted else "not restricted"
    return now if changed else f"already {now}"


restriction_commands(
    report_group,
    "KEY",
    restrict_report,
    lambda done: str(done.key),
    (
        "Leave a report, and all its recommendations, out of the public register (ilau).",
        "Show a restricted report in the public register again (ilau).",
    ),
)
