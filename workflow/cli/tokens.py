"""`rectrack token create|list|revoke` (the API's personal access tokens) and `rectrack
calendar url|list|revoke` (each person's secret calendar feed)."""

from __future__ import annotations

import click

from workflow.bootstrap import App
from workflow.cli.app import cli, json_option, pass_app, whole
from workflow.cli.output import echo, emit_json, table
from workflow.clock import instant_text, parse_day
from workflow.directory.tokens import TokenInfo, create_token, list_tokens, revoke_token

_ACTOR = click.option(
    "--actor",
    metavar="EMAIL",
    help="Who does this: the person themselves, or ilau or admin for someone else "
    "(default: the operator at this command line).",
)


def _state(t: TokenInfo, app: App) -> str:
    if t.revoked_at is not None:
        return "revoked"
    return "active" if t.usable(app.clock.today()) else "expired"


def _print(tokens: list[TokenInfo], app: App) -> None:
    table(
        [
            (
                t.id,
                t.person,
                t.name,
                _state(t, app),
                instant_text(t.created_at)[:10],
                t.expires_on or "",
                instant_text(t.last_used_at)[:16] if t.last_used_at else "never",
            )
            for t in tokens
        ],
        ["ID", "PERSON", "NAME", "STATE", "CREATED", "EXPIRES", "LAST USED"],
    )


@cli.group()
def token() -> None:
    """Personal access tokens for the JSON API (`Authorization: Bearer TOKEN`)."""


@token.command("create")
@click.argument("email", metavar="EMAIL")
@click.option("--name", metavar="N", help="What it is for, e.g. 'performance dashboard'.")
@click.option("--expires", metavar="YYYY-MM-DD", help="The last day it works.")
@_ACTOR
@json_option
@pass_app
def token_create(
    app: App,
    email: str,
    name: str | None,
    expires: str | None,
    actor: str | None,
    as_json: bool,
) -> None:
    """Make a token acting as EMAIL, with their roles; it is printed once, and kept only hashed."""
    until = parse_day(expires, "--expires") if expires else None
    with app.uow() as uow:
        made = create_token(uow, email, kind="api", name=name, expires=until, actor=actor)
    if as_json:
        emit_json({**_json(made.info), "token": made.token})
        return
    echo(made.token)
    echo(
        f"token {made.info.id} ({made.info.name}) acts as {made.info.person}; "
        "it is shown only this once",
        err=True,
    )


def _json(t: TokenInfo) -> dict[str, object]:
    return {
        "id": t.id,
        "person": t.person,
        "name": t.name,
        "created_at": t.created_at,
        "expires_on": t.expires_on,
        "revoked_at": t.revoked_at,
        "last_used_at": t.last_used_at,
    }


@token.command("list")
@click.option("--person", "email", metavar="EMAIL", help="Only this person's tokens.")
@json_option
@pass_app
def token_list(app: App, email: str | None, as_json: bool) -> None:
    """Every API token: whose, what for, whether it still works, when it was last used."""
    with app.uow() as uow:
        found = list_tokens(uow, kind="api", email=email)
    if as_json:
        emit_json([{**_json(t), "state": _state(t, app)} for t in found])
    else:
        _print(found, app)


def _revoke(app: App, token_id: int, actor: str | None, kind: str) -> None:
    with app.uow() as uow:
        mine = {t.id for t in list_tokens(uow, kind=kind)}
        if token_id not in mine:
            raise click.BadParameter(f"no {kind} token {token_id}", param_hint="ID")
        done = revoke_token(uow, token_id, actor=actor)
    echo(f"{kind} token {done.id} of {done.person} revoked")


@token.command("revoke")
@click.argument("token_id", metavar="ID", type=whole())
@_ACTOR
@pass_app
def token_revoke(app: App, token_id: int, actor: str | None) -> None:
    """Revoke token ID (from `token list`): it opens nothing from now on."""
    _revoke(app, token_id, actor, "api")


@cli.group()
def calendar() -> None:
    """Calendar feeds: each person's due dates and meetings, as a secret iCalendar address."""


@calendar.command("url")
@click.argument("email", metavar="EMAIL")
@_ACTOR
@pass_app
def calendar_url(app: App, email: str, actor: str | None) -> None:
    """Make a new secret feed address for EMAIL and print it (their earlier ones keep working
    until revoked)."""
    with app.uow() as uow:
        made = create_token(uow, email, kind="calendar", name="calendar feed", actor=actor)
    echo(f"{app.settings.web.base_url}/calendar/{made.token}.ics")


@calendar.command("list")
@click.option("--person", "email", metavar="EMAIL", help="Only this person's feeds.")
@pass_app
def calendar_list(app: App, email: str | None) -> None:
    """Every calendar feed (never its address)."""
    with app.uow() as uow:
        _print(list_tokens(uow, kind="calendar", email=email), app)


@calendar.command("revoke")
@click.argument("token_id", metavar="ID", type=whole())
@_ACTOR
@pass_app
def calendar_revoke(app: App, token_id: int, actor: str | None) -> None:
    """Revoke feed ID (from `calendar list`): its address answers 404 from now on."""
    _revoke(app, token_id, actor, "calendar")
