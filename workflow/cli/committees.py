"""Committees, meetings, agendas and the generated reports."""

from __future__ import annotations

from datetime import date

import click

from workflow.bootstrap import App
from workflow.cli.app import actor_option, cli, json_option, pass_app
from workflow.cli.commands import report_group
from workflow.cli.files import out_option, refuse_stdout, text_output, to_stdout, write_files
from workflow.cli.output import echo, emit_json, printable_lines, table
from workflow.clock import parse_day
from workflow.directory.committees import (
    add_committee,
    add_meeting,
    get_committee,
    list_committees,
    plan_meetings_until,
    set_paper_by,
)
from workflow.directory.committees import meetings as meeting_dates
from workflow.reporting.agenda import generate_agenda
from workflow.reporting.documents import BINARY_FORMATS, FORMATS, Document
from workflow.store.tables import CADENCES, COMMITTEE_KINDS

format_option = click.option(
    "--format", "fmt", type=click.Choice(FORMATS), default="md", show_default=True
)
paper_by_option = click.option(
    "--paper-by",
    "paper_by",
    metavar="TEXT",
    help='Who its papers are "By:", a post such as "Clerk to the Committee" '
    "[default: the Inspection Liaison and Analysis Unit]",
)
document_out_option = out_option(
    "Write the document here (Markdown: its figures beside it); default or -: standard "
    "output, for md and html only."
)


def _date(value: str) -> date:
    return parse_day(value)


def _check_out(fmt: str, out: str | None) -> None:
    """Refuse a binary document for standard output before doing any work."""
    if fmt in BINARY_FORMATS:
        refuse_stdout(out, "an XLSX workbook" if fmt == "xlsx" else f"a {fmt.upper()} document")


def _emit(doc: Document, fmt: str, out: str | None) -> None:
    from workflow.reporting.documents.write import document_files, render

    _check_out(fmt, out)
    if to_stdout(out):
        text = render(doc, fmt)
        with text_output(out) as stream:
            # A terminal may be reading: the data's control characters stay out of it.
            stream.write(printable_lines(text if isinstance(text, str) else text.decode()) + "\n")
        return
    files = document_files(doc, fmt, str(out))
    write_files(files)
    echo("wrote " + ", ".join(path for path, _ in files), err=True)


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
@paper_by_option
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
    paper_by: str | None,
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
            paper_by=paper_by,
        )
    if as_json:
        emit_json(added)
    else:
        echo(f"added {added.name} ({added.kind}, meets {added.cadence})")


@committee.command("set")
@click.argument("name")
@click.option(
    "--paper-by",
    "paper_by",
    required=True,
    metavar="TEXT",
    help='Who its papers are "By:" (a post); "" for the ILAU again.',
)
@actor_option
@json_option
@pass_app
def committee_set(app: App, name: str, paper_by: str, actor: str, as_json: bool) -> None:
    """Change a committee's settings: who its papers are by."""
    with app.uow() as uow:
        found = set_paper_by(uow, name, paper_by, actor=actor)
    if as_json:
        emit_json(found)
    else:
        echo(f'{found.name}: papers "By: {found.paper_by or "(the ILAU)"}"')


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
    echo(f"{committee_name} meets on {day}")


@meeting.command("plan")
@click.argument("committee_name", metavar="COMMITTEE")
@click.option("--until", "until", required=True, metavar="YYYY-MM-DD")
@actor_option
@pass_app
def meeting_plan(app: App, committee_name: str, until: str, actor: str) -> None:
    """Add meetings at the committee's cadence after its last one, up to a date."""
    with app.uow() as uow:
        added = plan_meetings_until(uow, committee_name, _date(until), actor=actor)
    echo(
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
            echo(d.isoformat())


@cli.command("agenda")
@click.argument("committee_name", metavar="COMMITTEE")
@click.option("--meeting", "day", metavar="YYYY-MM-DD", help="Default: the next meeting.")
@format_option
@document_out_option
@click.option("--number", default="1", show_default=True, help="The report's agenda number.")
@json_option
@pass_app
def agenda_command(
    app: App,
    committee_name: str,
    day: str | None,
    fmt: str,
    out: str | None,
    number: str,
    as_json: bool,
) -> None:
    """Generate a meeting's agenda (idempotent) and its committee report."""
    from workflow.reporting.papers import committee_report

    printed = not as_json or not to_stdout(out)  # with --json, the paper only to a file
    if printed:
        _check_out(fmt, out)
    tz = app.settings.timezone
    with app.uow() as uow:
        agenda = generate_agenda(uow, committee_name, day=_date(day) if day else None, timezone=tz)
        doc = committee_report(uow, agenda, number, tz) if printed else None
    if as_json:
        emit_json(agenda.summary)
    if doc is not None:
        _emit(doc, fmt, out)


@report_group.command("tracker")
@click.argument("report_key", metavar="REPORT_KEY")
@format_option
@document_out_option
@pass_app
def report_tracker(app: App, report_key: str, fmt: str, out: str | None) -> None:
    """The action plan progress summary of one report."""
    from workflow.reporting.tracker import tracker

    _check_out(fmt, out)
    with app.uow() as uow:
        doc = tracker(uow, report_key)
    _emit(doc, fmt, out)
