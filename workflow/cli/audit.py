"""`rectrack audit ...`: the audit trail, queried, rebuilt as of a date, verified, exported."""

from __future__ import annotations

from dataclasses import replace

import click

from workflow.audit.asof import as_of, as_of_instant
from workflow.audit.export import BINARY_FORMATS, FORMATS, Format, export_as_of, export_events
from workflow.audit.query import AuditQuery, TrailEvent, chain_head, trail_events
from workflow.audit.replay import verify
from workflow.audit.verify import parse_anchor
from workflow.bootstrap import App
from workflow.cli.app import cli, json_option, whole
from workflow.cli.exits import TAMPERED
from workflow.cli.files import binary_output, out_option, refuse_stdout, text_output, to_stdout
from workflow.cli.output import echo, emit_json, shorten, table
from workflow.clock import instant_text, parse_bound

_QUERY = "rectrack.audit.query"


@cli.group(invoke_without_command=True)
@click.option("--rec", metavar="ID", help="Events of one recommendation (REPORT_KEY/REF).")
@click.option("--actor", metavar="EMAIL", help="Events by one person.")
@click.option("--report", "report_key", metavar="KEY", help="Events of one report.")
@click.option("--event", metavar="E", help="Events of one kind, e.g. complete.")
@click.option("--since", metavar="DATE", help="From this date or date-time.")
@click.option("--until", metavar="DATE", help="Up to this date (inclusive) or date-time.")
@click.option("--limit", type=whole(), metavar="N", help="At most N events.")
@click.option("--newest-first", is_flag=True)
@click.option(
    "--after-id",
    type=whole(min=0),
    metavar="N",
    help="The page after event N (the last # of the previous page, in the same order).",
)
@json_option
@click.pass_context
def audit(
    ctx: click.Context,
    rec: str | None,
    actor: str | None,
    report_key: str | None,
    event: str | None,
    since: str | None,
    until: str | None,
    limit: int | None,
    newest_first: bool,
    after_id: int | None,
    as_json: bool,
) -> None:
    """The audit trail: who did what, when, from which state to which.

    The filters also choose what `export` writes.
    """
    app: App = ctx.obj
    tz = app.settings.timezone
    query = AuditQuery(
        rec=rec,
        actor=actor.strip().lower() if actor else None,
        report=report_key,
        event=event,
        since=parse_bound(since, tz) if since else None,
        until=parse_bound(until, tz, end=True) if until else None,
        limit=limit,
        newest_first=newest_first,
        after_id=after_id,
    )
    if ctx.invoked_subcommand is not None:
        ctx.meta[_QUERY] = query
        return
    with app.uow() as uow, uow.read() as tx:
        events = trail_events(tx.conn, query)
    if as_json:
        emit_json(events)
    else:
        _print_events(events)


def _print_events(events: list[TrailEvent]) -> None:
    table(
        [
            (
                e.seq,
                instant_text(e.at)[:19],
                e.actor,
                e.event,
                e.rec or e.report,
                f"{e.from_state or ''}->{e.to_state}" if e.to_state else "",
                shorten(e.note, 50),
            )
            for e in events
        ],
        ["#", "AT (UTC)", "ACTOR", "EVENT", "SUBJECT", "STATE", "NOTE"],
    )


def _no_filters(ctx: click.Context) -> None:
    if ctx.meta.get(_QUERY, AuditQuery()) != AuditQuery():
        raise click.UsageError(
            f"the audit filters apply to the listing and to export, not to {ctx.info_name}"
        )


@audit.command("as-of")
@click.argument("when", metavar="DATETIME")
@click.option("--report", "report_key", metavar="KEY", help="Only this report's recommendations.")
@json_option
@click.pass_context
def audit_as_of(ctx: click.Context, when: str, report_key: str | None, as_json: bool) -> None:
    """Every recommendation as it stood at DATETIME (a bare date: the end of that day)."""
    _no_filters(ctx)
    app: App = ctx.obj
    at = as_of_instant(when, app.settings.timezone)
    with app.uow() as uow, uow.read() as tx:
        states = as_of(tx.conn, at, report_key)
    if as_json:
        emit_json(states)
        return
    table(
        [(s.id, s.state, s.owner, s.degree, s.due.next) for s in states],
        ["ID", "STATE", "OWNER", "DEGREE", "NEXT DUE"],
    )


@audit.command("verify")
@click.option(
    "--anchor",
    "anchors",
    multiple=True,
    metavar="ID:HASH",
    help="An event's hash kept outside the database (from `audit head`); repeatable.",
)
@json_option
@click.pass_context
def audit_verify(ctx: click.Context, anchors: tuple[str, ...], as_json: bool) -> None:
    """Walk the hash chain, then replay it against every recommendation; exit 5 naming the
    first event changed, deleted or out of order, or the first recommendation that differs."""
    _no_filters(ctx)
    app: App = ctx.obj
    pinned = [parse_anchor(a) for a in anchors]
    with app.uow() as uow, uow.read() as tx:
        verdict = verify(tx.conn, pinned)
    if as_json:
        emit_json(verdict)
    elif verdict.ok:
        anchored = f", {len(pinned)} anchor(s) matched" if pinned else ""
        echo(
            f"ok: {verdict.events} events, the chain is intact{anchored}; "
            f"{verdict.recommendations} recommendations agree with it"
        )
    elif verdict.rec is not None:
        echo(
            f"error: recommendation {verdict.rec} differs from its trail: {verdict.problem}",
            err=True,
        )
    else:
        echo(f"error: audit trail broken at event {verdict.first_bad}: {verdict.problem}", err=True)
    if not verdict.ok:
        ctx.exit(TAMPERED)


@audit.command("head")
@json_option
@click.pass_context
def audit_head(ctx: click.Context, as_json: bool) -> None:
    """The last event's ID:HASH, to record outside the database and check with verify --anchor."""
    _no_filters(ctx)
    app: App = ctx.obj
    with app.uow() as uow, uow.read() as tx:
        seq, digest = chain_head(tx.conn)
    if as_json:
        emit_json({"id": seq, "hash": digest})
    else:
        echo(f"{seq}:{digest}")


@audit.command("export")
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True)
@out_option("Write here; default or -: standard output (not for xlsx).")
@click.option(
    "--as-of",
    "when",
    metavar="DATETIME",
    help="Export the recommendations as they stood then, instead of the events.",
)
@click.option("--report", "report_key", metavar="KEY", help="Only this report.")
@click.pass_context
def audit_export(
    ctx: click.Context, fmt: Format, out: str | None, when: str | None, report_key: str | None
) -> None:
    """Stream the events (those the audit filters select) or an as-of snapshot."""
    app: App = ctx.obj
    query: AuditQuery = ctx.meta.get(_QUERY, AuditQuery())
    if when is not None:
        _no_filters(ctx)
    elif report_key is not None:
        query = replace(query, report=report_key)
    if fmt in BINARY_FORMATS:
        refuse_stdout(out, f"an {fmt.upper()} workbook")
    output = binary_output(str(out)) if fmt in BINARY_FORMATS else text_output(out)
    with app.uow() as uow, uow.read() as tx, output as stream:
        if when is not None:
            at = as_of_instant(when, app.settings.timezone)
            count = export_as_of(tx.conn, stream, fmt, at, report_key)
        else:
            count = export_events(tx.conn, stream, fmt, query)
    if not to_stdout(out):
        what = "recommendations" if when is not None else "events"
        echo(f"{count} {what} written to {out}", err=True)
