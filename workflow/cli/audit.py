"""`rectrack audit ...`: the audit trail, queried."""

from __future__ import annotations

import json

import click

from workflow.audit import AuditQuery, find_events, instant_text
from workflow.bootstrap import App
from workflow.cli.app import cli, json_option
from workflow.cli.output import emit_json, shorten, table
from workflow.clock import parse_bound


@cli.group(invoke_without_command=True)
@click.option("--rec", metavar="ID", help="Events of one recommendation (REPORT_KEY/REF).")
@click.option("--actor", metavar="EMAIL", help="Events by one person.")
@click.option("--report", "report_key", metavar="KEY", help="Events of one report.")
@click.option("--event", metavar="E", help="Events of one kind, e.g. complete.")
@click.option("--since", metavar="DATE", help="From this date or date-time.")
@click.option("--until", metavar="DATE", help="Up to this date (inclusive) or date-time.")
@click.option("--limit", type=click.IntRange(min=1), metavar="N")
@click.option("--newest-first", is_flag=True)
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
    as_json: bool,
) -> None:
    """The audit trail: who did what, when, from which state to which."""
    if ctx.invoked_subcommand is not None:
        return
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
    )
    with app.uow() as uow, uow.read() as tx:
        events = find_events(tx.conn, query)
    rows = [
        {
            "seq": e["id"],
            "at": instant_text(e["at"]),
            "actor": e["actor"],
            "event": e["event"],
            "rec": e["rec"],
            "report": e["report"],
            "from": e["from_state"],
            "to": e["to_state"],
            "note": e["note"],
            "changes": json.loads(e["changes"]),
        }
        for e in events
    ]
    if as_json:
        emit_json(rows)
    else:
        table(
            [
                (
                    r["seq"],
                    r["at"][:19],
                    r["actor"],
                    r["event"],
                    r["rec"] or r["report"],
                    f"{r['from'] or ''}->{r['to']}" if r["to"] else "",
                    shorten(r["note"], 50),
                )
                for r in rows
            ],
            ["#", "AT (UTC)", "ACTOR", "EVENT", "SUBJECT", "STATE", "NOTE"],
        )
