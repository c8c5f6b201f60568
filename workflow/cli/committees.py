"""Committees, meetings, agendas and the generated reports."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from workflow.bootstrap import App
from workflow.cli.app import actor_option, cli, json_option, pass_app
from workflow.cli.commands import report_group
from workflow.cli.output import emit_json, table
from workflow.clock import parse_day
from workflow.directory.committees import (
    add_committee,
    add_meeting,
    get_committee,
    list_committees,
    plan_meetings_until,
)
from workflow.directory.committees import meetings as meeting_dates
from workflow.errors import BadInput
from workflow.reporting.agenda import generate_agenda
from workflow.reporting.documents import FORMATS, Document
from workflow.store.tables import CADENCES, COMMITTEE_KINDS

format_option = click.option(
    "--format", "fmt", type=click.Choice(FORMATS), default="md", show_default=True
)
out_option = click.option(
    "--out",
    type=click.Path(path_type=Path),
    metavar="PATH",
    help="Write the document here (required for docx).",
)


def _date(value: str) -> date:
    return parse_day(value)


def _emit(doc: Document, fmt: str, out: Path | None) -> None:
    from workflow.reporting.documents.write import render, write_document

    if out is None:
        if fmt == "docx":
            raise BadInput("a DOCX document needs --out PATH")
        text = render(doc, fmt)
        click.echo(text if isinstance(text, str) else text.decode())
        return
    written = write_document(doc, fmt, out)
    click.echo("wrote " + ", ".join(str(p) for p in written), err=True)


@cli.group()
def committee() -> None:
    """Committees that hear about recommendations."""


@committee.command("add")
@click.argument("name")
@click.option("--cadence", required=True, type=click.Choice(CADENCES))
@click.option("--secretary", metavar="EMAIL")
@click.option(
    "--kind",
    type=click.Choice(COMMITTEE_KINDS),
    help="board hears escalations; scrutiny monitors its reports "
    "[default: board for the escalation committee, else scrutiny]",
)
@click.option("--member", "members", multiple=True, metavar="EMAIL")
@actor_option
@json_option
@pass_app
def committee_add(
    app: App,
    name: str,
    cadence: str,
    secretary: str | None,
    kind: str | None,
    members: tuple[str, ...],
    actor: str,
    as_json: bool,
) -> None:
    """Register a committee."""
    with app.uow() as uow:
        added = add_committee(
            uow,
            name,
            cadence=cadence,
            secretary=secretary,
            kind=kind,
            members=members,
            actor=actor,
        )
    if as_json:
        emit_json(added)
    else:
        click.echo(f"added {added.name} ({added.kind}, meets {added.cadence})")


@committee.command("list")
@json_option
@pass_app
def committee_list(app: App, as_json: bool) -> None:
    """Every committee."""
    with app.uow() as uow:
        found = list_committees(uow)
    if as_json:
        emit_json(found)
    else:
        table(
            [(c.name, c.kind, c.cadence, c.secretary, len(c.members)) for c in found],
            ["NAME", "KIND", "CADENCE", "SECRETARY", "MEMBERS"],
        )


@cli.group()
def meeting() -> None:
    """Meetings of a committee."""


@meeting.command("add")
@click.argument("committee_name", metavar="COMMITTEE")
@click.argument("day", metavar="YYYY-MM-DD")
@actor_option
@pass_app
def meeting_add(app: App, committee_name: str, day: str, actor: str) -> None:
    """Add a meeting on a date."""
    with app.uow() as uow:
        add_meeting(uow, committee_name, _date(day), actor=actor)
    click.echo(f"{committee_name} meets on {day}")


@meeting.command("plan")
@click.argument("committee_name", metavar="COMMITTEE")
@click.option("--until", "until", required=True, metavar="YYYY-MM-DD")
@actor_option
@pass_app
def meeting_plan(app: App, committee_name: str, until: str, actor: str) -> None:
    """Add meetings at the committee's cadence after its last one, up to a date."""
    with app.uow() as uow:
        added = plan_meetings_until(uow, committee_name, _date(until), actor=actor)
    click.echo(
        f"{committee_name}: {len(added)} meeting(s) added"
        + (f" ({', '.join(d.isoformat() for d in added)})" if added else "")
    )


@meeting.command("list")
@click.argument("committee_name", metavar="COMMITTEE")
@json_option
@pass_app
def meeting_list(app: App, committee_name: str, as_json: bool) -> None:
    """A committee's meetings."""
    with app.uow() as uow, uow.read() as tx:
        days = meeting_dates(tx.conn, get_committee(tx.conn, committee_name))
    if as_json:
        emit_json([d.isoformat() for d in days])
    else:
        for d in days:
            click.echo(d.isoformat())


@cli.command("agenda")
@click.argument("committee_name", metavar="COMMITTEE")
@click.option("--meeting", "day", metavar="YYYY-MM-DD", help="Default: the next meeting.")
@format_option
@out_option
@click.option("--number", default="1", show_default=True, help="The report's agenda number.")
@json_option
@pass_app
def agenda_command(
    app: App,
    committee_name: str,
    day: str | None,
    fmt: str,
    out: Path | None,
    number: str,
    as_json: bool,
) -> None:
    """Generate a meeting's agenda (idempotent) and its committee report."""
    from workflow.reporting.papers import committee_report

    tz = app.settings.timezone
    with app.uow() as uow:
        agenda = generate_agenda(uow, committee_name, day=_date(day) if day else None, timezone=tz)
        doc = committee_report(uow, agenda, number, tz) if (out or not as_json) else None
    if as_json:
        emit_json(agenda.summary)
    if doc is not None:
        _emit(doc, fmt, out)


@report_group.command("progress")
@format_option
@out_option
@pass_app
def report_progress(app: App, fmt: str, out: Path | None) -> None:
    """The ILAU monthly progress report."""
    from workflow.reporting.papers import progress_report

    with app.uow() as uow:
        doc = progress_report(uow, app.settings.timezone)
    _emit(doc, fmt, out)


@report_group.command("tracker")
@click.argument("report_key", metavar="REPORT_KEY")
@format_option
@out_option
@pass_app
def report_tracker(app: App, report_key: str, fmt: str, out: Path | None) -> None:
    """The action plan progress summary of one report."""
    from workflow.reporting.papers import tracker

    with app.uow() as uow:
        doc = tracker(uow, report_key)
    _emit(doc, fmt, out)
