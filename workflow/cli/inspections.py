"""`rectrack inspection add|list` (forthcoming inspection visits), and the ILAU's own papers:
`rectrack report monthly` (also `report progress`) and `report annual YEAR`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import click

from workflow.bootstrap import App
from workflow.cli.app import actor_option, cli, json_option, pass_app
from workflow.cli.commands import report_group
from workflow.cli.committees import _check_out, _emit, document_out_option, format_option
from workflow.cli.output import echo, emit_json, table
from workflow.clock import parse_day
from workflow.directory.inspections import add_visit, list_visits


@cli.group()
def inspection() -> None:
    """Forthcoming inspection visits, for the ILAU's monthly report."""


@inspection.command("add")
@click.argument("body", metavar="BODY")
@click.option("--title", required=True, help="What is inspected.")
@click.option("--from", "starts", required=True, metavar="YYYY-MM-DD")
@click.option("--to", "ends", required=True, metavar="YYYY-MM-DD")
@click.option("--units", help="The units or areas visited, as written.")
@actor_option
@json_option
@pass_app
def inspection_add(
    app: App,
    body: str,
    title: str,
    starts: str,
    ends: str,
    units: str | None,
    actor: str,
    as_json: bool,
) -> None:
    """Record a forthcoming inspection visit by BODY (ilau)."""
    first, last = parse_day(starts), parse_day(ends)
    with app.uow() as uow:
        visit = add_visit(uow, body, title=title, starts=first, ends=last, units=units, actor=actor)
    if as_json:
        emit_json(visit)
    else:
        echo(f"visit {visit.id}: {visit.body}, {visit.title}, {visit.starts} to {visit.ends}")


@inspection.command("list")
@json_option
@pass_app
def inspection_list(app: App, as_json: bool) -> None:
    """Every inspection visit recorded, the earliest first."""
    with app.uow() as uow:
        found = list_visits(uow)
    if as_json:
        emit_json(found)
        return
    table(
        [(v.id, v.body, v.title, v.starts, v.ends, v.units or "") for v in found],
        ["#", "BODY", "INSPECTION", "FROM", "TO", "UNITS"],
    )


@report_group.command("monthly")
@format_option
@document_out_option
@click.option(
    "--send",
    is_flag=True,
    help="Queue it now, with its DOCX, to the recipients of [monthly] in the settings "
    "(once a month: a second time sends nothing).",
)
@click.option(
    "--actor",
    metavar="EMAIL",
    help="With --send: who sends it (ilau or secretary); default: the operator.",
)
@json_option
@pass_app
def report_monthly(
    app: App, fmt: str, out: str | None, send: bool, actor: str | None, as_json: bool
) -> None:
    """The ILAU monthly progress report (002 §5); with --send, circulate it."""
    from workflow.reporting.monthly import monthly_report

    if not send:
        _check_out(fmt, out)
        with app.uow() as uow:
            doc = monthly_report(uow, app.settings.timezone)
        _emit(doc, fmt, out)
        return
    from workflow.reporting.circulation import send_monthly

    with app.uow() as uow:
        sending = send_monthly(
            uow, app.settings.monthly, app.settings.timezone, actor=actor, by_hand=True
        )
    if as_json:
        emit_json(sending)
    elif sending.skipped:
        echo(f"not sent: {sending.skipped}")
    else:
        echo(f"queued the report for {sending.month} to {', '.join(sending.sent_to)}")


report_group.add_command(report_monthly, "progress")


@report_group.command("annual")
@click.argument("year", type=click.IntRange(1900, 2200), metavar="YEAR")
@format_option
@document_out_option
@pass_app
def report_annual(app: App, year: int, fmt: str, out: str | None) -> None:
    """The year's inspection activity: visits, reports, recommendations closed and open."""
    from workflow.reporting.annual import annual_report

    _check_out(fmt, out)
    with app.uow() as uow:
        doc = annual_report(uow, year, app.settings.timezone)
    _emit(doc, fmt, out)


def monthly_job(app: App) -> Mapping[str, Any]:
    """The scheduler's job: on or after the day of [monthly], circulate the month's report."""
    from workflow.reporting.circulation import send_monthly

    with app.uow() as uow:
        sending = send_monthly(uow, app.settings.monthly, app.settings.timezone)
    return {"month": sending.month, "sent_to": len(sending.sent_to), "skipped": sending.skipped}
