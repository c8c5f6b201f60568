"""`rectrack rec link|unlink` and `rectrack report repeats`: recommendations that repeat, or
relate to, one another."""

from __future__ import annotations

from collections.abc import Callable

import click

from workflow.bootstrap import App
from workflow.cli.app import actor_option, json_option, pass_app
from workflow.cli.commands import report_group
from workflow.cli.files import out_option, refuse_stdout, text_output, to_stdout, write_files
from workflow.cli.output import echo, emit_json, printable_lines
from workflow.cli.recs import rec
from workflow.lifecycle.links import LinkChange, link, unlink

REPEATS_FORMATS = ("md", "html", "docx")


def _link_command(name: str, call: Callable[..., LinkChange], help: str) -> None:
    @rec.command(name, help=help)
    @click.argument("rec_id", metavar="ID")
    @click.option("--repeats", metavar="ID2", help="The recommendation it repeats.")
    @click.option("--related", metavar="ID2", help="A recommendation it is related to.")
    @actor_option
    @json_option
    @pass_app
    def command(
        app: App,
        rec_id: str,
        repeats: str | None,
        related: str | None,
        actor: str,
        as_json: bool,
    ) -> None:
        with app.uow() as uow:
            done = call(uow, rec_id, actor, repeats=repeats, related=related)
        if as_json:
            emit_json(done)
        else:
            echo(f"{done.id}: {_words(done)}")


def _words(done: LinkChange) -> str:
    how = "repeats" if done.kind == "repeats" else "is related to"
    if done.linked:
        return f"{how} {done.to}" + ("" if done.changed else " (already)")
    return f"no longer {'repeats' if done.kind == 'repeats' else 'related to'} {done.to}" + (
        "" if done.changed else " (was not linked)"
    )


_link_command(
    "link", link, "Record that a recommendation repeats, or is related to, another (ilau)."
)
_link_command("unlink", unlink, "Remove a repeats or related link (ilau).")


@report_group.command("repeats")
@click.option(
    "--format", "fmt", type=click.Choice(REPEATS_FORMATS), default="md", show_default=True
)
@out_option("Write the document here; default or -: standard output, for md and html only.")
@pass_app
def report_repeats(app: App, fmt: str, out: str | None) -> None:
    """Groups of repeated recommendations across reports, each member with its report,
    state and owner."""
    # The papers' writers (python-docx) load for this command only, not for `rec link`.
    from workflow.reporting.documents.write import document_files, render
    from workflow.reporting.repeats import repeats_report

    if fmt == "docx":
        refuse_stdout(out, "a DOCX document")
    with app.uow() as uow:
        doc = repeats_report(uow)
    if to_stdout(out):
        text = render(doc, fmt)
        with text_output(out) as stream:
            # A terminal may be reading: the data's control characters stay out of it.
            stream.write(printable_lines(text if isinstance(text, str) else text.decode()) + "\n")
        return
    files = document_files(doc, fmt, str(out))
    write_files(files)
    echo("wrote " + ", ".join(path for path, _ in files), err=True)
