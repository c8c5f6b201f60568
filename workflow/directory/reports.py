"""Reports: the inspections, audits and reviews that recommendations come from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, case, func, insert, select, update

from workflow.directory.people import acting_as
from workflow.errors import UnknownReport
from workflow.store.tables import recommendation, report
from workflow.store.uow import Tx, UnitOfWork


@dataclass(frozen=True, slots=True)
class NewReport:
    key: str
    title: str
    body: str
    kind: str
    published: date | None
    committee: str | None
    responding_bodies: tuple[str, ...]
    restricted: bool = False
    """Left out of the public register, with all its recommendations."""
    published_assumed: bool = False
    """The publication date is assumed (the source gives only, say, the month)."""


def insert_report(tx: Tx, new: NewReport, actor: str) -> int:
    """Insert a report (validated already) and record it in the audit trail."""
    values: dict[str, Any] = {
        "key": new.key,
        "title": new.title,
        "body": new.body,
        "kind": new.kind,
        "published": new.published,
        "committee": new.committee,
        "responding_bodies": list(new.responding_bodies),
    }
    if new.restricted:  # recorded when so: the events of public reports read as before
        values["restricted"] = True
    if new.published_assumed:  # likewise
        values["published_assumed"] = True
    report_id: int = tx.conn.execute(
        insert(report).values(**values, created_at=tx.now).returning(report.c.id)
    ).scalar_one()
    tx.audit.append(actor=actor, event="report.add", report=new.key, changes=values)
    return report_id


@dataclass(frozen=True, slots=True)
class ReportRestriction:
    """Whether a report is now restricted (left out of the public register), and whether
    this request changed it."""

    key: str
    restricted: bool
    changed: bool


def restrict_report(
    uow: UnitOfWork, key: str, actor: str, *, restricted: bool = True, reason: str | None = None
) -> ReportRestriction:
    """Restrict a report (or with `restricted=False`, lift it): ilau only; audited as
    `restrict` or `unrestrict`. Already so, nothing is written."""
    with uow.write() as tx:
        recorded = acting_as(tx, actor, "restrict")
        key = key.strip()
        found = tx.conn.execute(select(report.c.id).where(report.c.key == key)).first()
        if found is None:
            raise UnknownReport(key)
        # Conditional, so that of two at once only one records the change.
        changed = tx.conn.execute(
            update(report)
            .where(report.c.id == found.id, report.c.restricted != restricted)
            .values(restricted=restricted)
        ).rowcount
        if changed:
            tx.audit.append(
                actor=recorded,
                event="restrict" if restricted else "unrestrict",
                report=key,
                note=(reason or "").strip() or None,
                changes={"restricted": [not restricted, restricted]},
            )
        return ReportRestriction(key, restricted, bool(changed))


def report_ids(conn: Connection, keys: list[str]) -> dict[str, tuple[int, str]]:
    """Existing reports among `keys`: key -> (id, kind)."""
    if not keys:
        return {}
    rows = conn.execute(
        select(report.c.key, report.c.id, report.c.kind).where(report.c.key.in_(keys))
    )
    return {k: (i, kind) for k, i, kind in rows}


@dataclass(frozen=True, slots=True)
class ReportSummary:
    """A report with its recommendations counted: all, open, complete, superseded."""

    key: str
    title: str
    body: str
    kind: str
    published: date | None
    published_assumed: bool
    committee: str | None
    responding_bodies: list[str]
    recommendations: int
    open: int
    complete: int
    superseded: int


def list_reports(uow: UnitOfWork) -> list[ReportSummary]:
    """Every report with its recommendations counted by state, in one query."""
    r = recommendation.c
    open_ = func.sum(case((r.state.not_in(("complete", "superseded")), 1), else_=0))
    stmt = (
        select(
            report,
            func.count(r.id).label("recs"),
            open_.label("open"),
            func.sum(case((r.state == "complete", 1), else_=0)).label("complete"),
            func.sum(case((r.state == "superseded", 1), else_=0)).label("superseded"),
        )
        .outerjoin(recommendation, r.report_id == report.c.id)
        .group_by(report.c.id)
        .order_by(report.c.published, report.c.key)
    )
    with uow.read() as tx:
        return [
            ReportSummary(
                row.key,
                row.title,
                row.body,
                row.kind,
                row.published,
                row.published_assumed,
                row.committee,
                list(row.responding_bodies),
                row.recs,
                int(row.open or 0),
                int(row.complete or 0),
                int(row.superseded or 0),
            )
            for row in tx.conn.execute(stmt)
        ]
