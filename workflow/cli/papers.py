"""`rectrack paper issue|list|get`: committee papers kept exactly as they were issued."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from workflow.bootstrap import App
from workflow.cli.app import cli, json_option, pass_app, whole
from workflow.cli.files import out_option, refuse_stdout, to_stdout, write_files
from workflow.cli.output import echo, emit_json, table
from workflow.clock import instant_text, parse_day
from workflow.reporting.documents import BINARY_FORMATS, FORMATS


@cli.group()
def paper() -> None:
    """Committee papers as issued: rendered once, kept as they were, returned byte for byte."""


@paper.command("issue")
@click.argument("committee_name", metavar="COMMITTEE")
@click.option("--meeting", "day", required=True, metavar="YYYY-MM-DD")
@click.option("--number", metavar="N", help="Its report number (default: the committee's next).")
@click.option(
    "--actor",
    metavar="EMAIL",
    help="Who issues it (ilau or secretary); default: the operator at this command line.",
)
@json_option
@pass_app
def paper_issue(
    app: App, committee_name: str, day: str, number: str | None, actor: str | None, as_json: bool
) -> None:
    """Generate the meeting's agenda and report, and keep the paper in every format."""
    from workflow.reporting.issued import issue_paper

    with app.uow() as uow:
        made = issue_paper(
            uow,
            committee_name,
            meeting=parse_day(day, "--meeting"),
            number=number,
            actor=actor,
            timezone=app.settings.timezone,
        )
    if as_json:
        emit_json(made)
    else:
        echo(
            f"paper {made.id}: {made.committee} {made.meeting}, report {made.number}, "
            f"issued {instant_text(made.issued_at)[:19]} (DOCX sha256 {made.sha256})"
        )


@paper.command("list")
@click.option("--committee", "committee_name", metavar="NAME", help="Only this committee's.")
@json_option
@pass_app
def paper_list(app: App, committee_name: str | None, as_json: bool) -> None:
    """Every issued paper, oldest first."""
    from workflow.reporting.issued import list_papers

    with app.uow() as uow:
        found = list_papers(uow, committee_name=committee_name)
    if as_json:
        emit_json(found)
        return
    table(
        [
            (p.id, p.committee, p.meeting, p.number, instant_text(p.issued_at)[:19], p.sha256[:16])
            for p in found
        ],
        ["ID", "COMMITTEE", "MEETING", "NUMBER", "ISSUED (UTC)", "SHA-256 (DOCX)"],
    )


@paper.command("get")
@click.argument("paper_id", metavar="ID", type=whole())
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True)
@out_option("Write it here (a Markdown paper's figures beside it); -: standard output (md, html).")
@pass_app
def paper_get(app: App, paper_id: int, fmt: str, out: str | None) -> None:
    """The paper's bytes in FORMAT, exactly as issued."""
    from workflow.reporting.issued import paper_files

    if fmt in BINARY_FORMATS:
        refuse_stdout(out, f"a {fmt.upper()} document")
    with app.uow() as uow:
        files = paper_files(uow, paper_id, fmt)
    if to_stdout(out):
        sys.stdout.buffer.write(files[0][1])
        sys.stdout.flush()
        return
    target = Path(str(out))
    placed = [(str(target), files[0][1])]
    placed += [(str(target.with_name(name)), content) for name, content in files[1:]]
    write_files(placed)
    echo("wrote " + ", ".join(path for path, _ in placed), err=True)
