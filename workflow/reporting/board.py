"""The Performance Board's items: open escalations by reason and business group, those
cleared since the last meeting, and recommendations without an active owner."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import select

from states import OPEN
from workflow.directory.committees import Committee
from workflow.mail.compose import REASON_LABEL
from workflow.reporting.items import AgendaItem, day_text, item, subject_of, unique
from workflow.reporting.portfolio import RecFacts
from workflow.store.tables import escalation, person, recommendation
from workflow.store.uow import Tx


def board_items(
    tx: Tx, com: Committee, since_at: datetime, facts: list[RecFacts]
) -> list[AgendaItem]:
    """Everything a board hears about, from the escalations raised to it."""
    by_code = {f.code: f for f in facts}
    e, r = escalation.c, recommendation.c
    rows = tx.conn.execute(
        select(e.reason, e.due_date, e.raised_at, e.note, e.cleared_at, e.clear_note, r.code)
        .join(recommendation, r.id == e.rec_id)
        .where(
            e.committee == com.name,
            e.raised_at <= tx.now,  # as the board stood then, for a paper run in the past
            (e.cleared_at.is_(None)) | (e.cleared_at >= since_at),
        )
        .order_by(r.code, e.id)
    ).all()
    rows = [row for row in rows if row.code in by_code]
    still_open = [row for row in rows if row.cleared_at is None or row.cleared_at > tx.now]
    items = _open_escalations(still_open, by_code)
    cleared = [row for row in rows if row.cleared_at is not None and row.cleared_at <= tx.now]
    if cleared:
        items.append(_cleared(cleared, by_code))
    inactive = set(
        tx.conn.execute(select(person.c.email).where(person.c.active.is_(False))).scalars()
    )
    unowned = [f for f in facts if f.state in OPEN and (f.owner is None or f.owner in inactive)]
    if unowned:
        items.append(item("unowned", "Recommendations without an active owner", unowned))
    return items


def _open_escalations(rows: list[Any], by_code: dict[str, RecFacts]) -> list[AgendaItem]:
    grouped: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for row in rows:
        grouped[(row.reason, by_code[row.code].group or "")].append(row)
    order = list(REASON_LABEL)
    items = []
    for (reason, group), found in sorted(
        grouped.items(), key=lambda g: (order.index(g[0][0]), g[0][1])
    ):
        items.append(
            item(
                "open_escalations",
                f"Open escalations ({group or 'no business group'}): {REASON_LABEL[reason]}",
                unique([by_code[row.code] for row in found]),
                columns=["Recommendation", "Subject", "Owner", "Due", "Escalated", "RAG"],
                rows=[
                    [
                        row.code,
                        subject_of(by_code[row.code]),
                        by_code[row.code].owner or "(none)",
                        day_text(row.due_date),
                        row.raised_at.date().isoformat(),
                        by_code[row.code].rag or "",
                    ]
                    for row in found
                ],
                note=next((row.note for row in found if row.note), None),
            )
        )
    return items


def _cleared(rows: list[Any], by_code: dict[str, RecFacts]) -> AgendaItem:
    return item(
        "escalations_cleared",
        "Escalations cleared since the last meeting",
        unique([by_code[row.code] for row in rows]),
        columns=["Recommendation", "Reason", "Cleared", "Why"],
        rows=[
            [
                row.code,
                REASON_LABEL[row.reason],
                row.cleared_at.date().isoformat(),
                row.clear_note or "",
            ]
            for row in rows
        ],
    )
