"""What a report wrote of a recommendation, kept as written beside what is tracked: whether
it said the recommendation is statutory, its timescale ("Ongoing", "September 02") beside the
target date, and its lead of two levels (posts, as the report names them; the owner is the
person chased)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from workflow.store.tables import recommendation


def as_written(conn: Connection, rec_id: int) -> dict[str, Any]:
    """`statutory_known` (False: the report does not say; `statutory` is then False too),
    `timescale`, `lead_accountable` and `lead_responsible` of one recommendation."""
    r = recommendation.c
    row = conn.execute(
        select(r.statutory_known, r.timescale, r.lead_accountable, r.lead_responsible).where(
            r.id == rec_id
        )
    ).one()
    return {
        "statutory_known": bool(row.statutory_known),
        "timescale": row.timescale,
        "lead_accountable": row.lead_accountable,
        "lead_responsible": row.lead_responsible,
    }
