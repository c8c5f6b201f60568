"""Forthcoming inspection visits: what the inspectorates and the internal units plan to
inspect, and when (002 §5: the ILAU's monthly report "details forthcoming inspection visits").

`rectrack inspection add BODY --title T --from D --to D [--units U]` records one; the monthly
report lists those recorded by its date that have not yet ended.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Select, insert, select

from workflow.clock import check_day
from workflow.directory.people import operator_or
from workflow.errors import BadInput
from workflow.store.governance import inspection_visit
from workflow.store.uow import UnitOfWork

_v = inspection_visit.c
PERMISSION = "inspection.record"


@dataclass(frozen=True, slots=True)
class InspectionVisit:
    """A visit as recorded: who inspects, what, from and to which day, and where."""

    id: int
    body: str
    title: str
    starts: date
    ends: date
    units: str | None
    created_at: datetime
    created_by: str


def _text(value: str | None, what: str) -> str:
    if value is None or not value.strip():
        raise BadInput(f"{what}: expected some text")
    return " ".join(value.split())


def _select() -> Select[Any]:
    return select(
        _v.id, _v.body, _v.title, _v.starts, _v.ends, _v.units, _v.created_at, _v.created_by
    )


def add_visit(
    uow: UnitOfWork,
    body: str,
    *,
    title: str,
    starts: date,
    ends: date,
    units: str | None = None,
    actor: str | None = None,
) -> InspectionVisit:
    """Record a forthcoming visit by `body`, from `starts` to `ends` (the same day at least)."""
    body, title = _text(body, "inspecting body"), _text(title, "--title")
    check_day(starts, "--from")
    check_day(ends, "--to")
    if ends < starts:
        raise BadInput(f"--to {ends.isoformat()} is before --from {starts.isoformat()}")
    units = (" ".join(units.split()) or None) if units is not None else None
    with uow.write() as tx:
        recorded = operator_or(tx, actor, PERMISSION)
        new_id = tx.conn.execute(
            insert(inspection_visit)
            .values(
                body=body,
                title=title,
                starts=starts,
                ends=ends,
                units=units,
                created_at=tx.now,
                created_by=recorded,
            )
            .returning(_v.id)
        ).scalar_one()
        tx.audit.append(
            actor=recorded,
            event="inspection.add",
            changes={
                "id": new_id,
                "body": body,
                "title": title,
                "from": starts,
                "to": ends,
                "units": units,
            },
        )
        return InspectionVisit(*tx.conn.execute(_select().where(_v.id == new_id)).one())


def list_visits(uow: UnitOfWork) -> list[InspectionVisit]:
    """Every visit recorded, the earliest first."""
    with uow.read() as tx:
        return visits(tx.conn)


def visits(
    conn: Connection,
    *,
    at: datetime | None = None,
    ending_from: date | None = None,
    starting_by: date | None = None,
) -> list[InspectionVisit]:
    """Visits recorded by `at` (if given) that end on or after `ending_from` and start on
    or before `starting_by` (each if given), the earliest first."""
    stmt = _select().order_by(_v.starts, _v.ends, _v.id)
    if at is not None:
        stmt = stmt.where(_v.created_at <= at)
    if ending_from is not None:
        stmt = stmt.where(_v.ends >= ending_from)
    if starting_by is not None:
        stmt = stmt.where(_v.starts <= starting_by)
    return [InspectionVisit(*row) for row in conn.execute(stmt)]
