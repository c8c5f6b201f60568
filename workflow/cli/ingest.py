"""`rectrack ingest FILE`: a report's recommendations found, as a draft import file."""

from __future__ import annotations

from pathlib import Path

import click

from config.ingest import IngestSettings
from workflow.bootstrap import App
from workflow.cli.app import cli, json_option, pass_app
from workflow.cli.files import out_option, text_output, to_stdout
from workflow.cli.output import echo, emit_json, printable_lines
from workflow.clock import parse_day


def ingest_settings(app: App) -> IngestSettings:
    """`[ingest]` of the settings: the thresholds for repeats and related recommendations."""
    return app.settings.ingest


@cli.command("ingest")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--report-key", metavar="K", help="The report's key in the draft [default: from FILE]."
)
@click.option("--title", metavar="T", help="The report's title [default: its first line].")
@click.option("--body", metavar="B", help="Who wrote it, e.g. HMICFRS [default: guessed].")
@click.option("--published", metavar="YYYY-MM-DD", help="When it was published.")
@json_option
@out_option("Write the draft import file here [default or -: standard output].")
@pass_app
def ingest(
    app: App,
    file: Path,
    report_key: str | None,
    title: str | None,
    body: str | None,
    published: str | None,
    as_json: bool,
    out: str | None,
) -> None:
    """Find the recommendations in a report (text, Markdown, DOCX or PDF), each with the
    stored ones it may repeat, and print a draft import file for the ILAU to check; nothing
    is written to the database."""
    from workflow.intake.draft import draft_file
    from workflow.intake.ingest import ingest_file

    day = parse_day(published, "--published") if published is not None else None
    with app.uow() as uow:
        found = ingest_file(
            uow,
            file,
            report_key=report_key,
            title=title,
            body=body,
            published=day,
            settings=ingest_settings(app),
        )
    if as_json:
        if not to_stdout(out):
            _write(draft_file(found), out)
        emit_json(found)
        return
    _write(draft_file(found), out)  # first: a file that cannot be written is the one error
    for warning in found.warnings:
        echo(f"warning: {warning}", err=True)
    if not to_stdout(out):
        echo(f"wrote {out}: {len(found.recommendations)} recommendation(s)", err=True)


def _write(text: str, out: str | None) -> None:
    with text_output(out) as stream:
        # A terminal may be reading: the report's control characters stay out of it.
        stream.write(printable_lines(text) if to_stdout(out) else text)
