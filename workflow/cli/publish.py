"""`rectrack publish --out DIR`: the public register, as a static site in DIR.

Every file is written whole or not at all, together (see `workflow.cli.files`); then the
pages under `DIR/reports/` that this run did not write are removed, so that a report
restricted since the last run does not stay public under its old page.
"""

from __future__ import annotations

from pathlib import Path

import click

from workflow.bootstrap import App
from workflow.cli.app import cli, json_option, pass_app
from workflow.cli.files import cannot_write, write_files
from workflow.cli.output import echo, emit_json
from workflow.reporting.register import build_register, register_files

PAGES = "reports"


@cli.command("publish")
@click.option(
    "--out",
    required=True,
    metavar="DIR",
    help="The directory to write the register to (made if missing).",
)
@json_option
@pass_app
def publish(app: App, out: str, as_json: bool) -> None:
    """Write the public register: published, unrestricted reports and their recommendations,
    as HTML pages, CSV and JSON."""
    with app.uow() as uow:
        register = build_register(uow, app.settings.publish, app.settings.timezone)
    files = register_files(register)
    root = Path(out)
    pages = root / PAGES
    try:
        pages.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise cannot_write(out, exc) from None
    write_files([(str(root / path), content) for path, content in files])
    written = {str(root / path) for path, _ in files}
    _remove_stale(pages, written)
    summary = (
        f"wrote {len(register.reports)} report(s), {register.recommendations} "
        f"recommendation(s) to {out}"
    )
    echo(summary, err=True)
    if as_json:
        emit_json(
            {
                "out": out,
                "generated_at": register.generated_at,
                "reports": len(register.reports),
                "recommendations": register.recommendations,
                "files": sorted(path for path, _ in files),
            }
        )


def _remove_stale(pages: Path, written: set[str]) -> None:
    """Pages of reports no longer in the register (restricted since) go."""
    for page in pages.glob("*.html"):
        if str(page) not in written:
            try:
                page.unlink()
            except OSError as exc:
                raise cannot_write(str(page), exc) from None
