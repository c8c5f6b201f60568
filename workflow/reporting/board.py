"""The Performance Board's items: the recommendations with open escalations, by business
group, those whose escalations were cleared since the last meeting, and those without an
active owner. Each recommendation is listed once, with every escalation (open or cleared) and
every date it has missed in its row, beside its owner and their latest update."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from states import OPEN
from workflow.directory.committees import Committee
from workflow.mail.compose import REASON_LABEL
from workflow.reporting.items import AgendaItem, item, rec_row
from workflow.reporting.portfolio import RecFacts
from workflow.reporting.story import local_day, lowered
from workflow.store.tables import escalation, person, recommendation
from workflow.store.uow import Tx


def board_items(
    tx: Tx, com: Committee, since_at: datetime, facts: list[RecFacts], zone: ZoneInfo
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
        .order_by(e.raised_at, e.id)
    ).all()
    still_open: dict[str, list[str]] = defaultdict(list)
    reasons: dict[str, set[str]] = defaultdict(set)  # of the open escalations
    cleared: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        if row.code not in by_code:
            continue
        if row.cleared_at is None or row.cleared_at > tx.now:
            _raised(still_open[row.code], row, zone)
            reasons[row.code].add(row.reason)
        else:
            cleared[row.code].append(_cleared(row, zone))
    inactive = set(
        tx.conn.execute(select(person.c.email).where(person.c.active.is_(False))).scalars()
    )
    unowned = {
        f.code for f in facts if f.state in OPEN and (f.owner is None or f.owner in inactive)
    }

    def why(f: RecFacts) -> list[str]:
        owner = ["no active owner"] if f.code in unowned else []
        return [*still_open.get(f.code, []), *cleared.get(f.code, []), *owner]

    def listed(kind: str, title: str, found: list[RecFacts]) -> AgendaItem:
        rows = [rec_row(f, why(f), tx.today, zone) for f in found]
        return item(kind, title, found, rows=rows)

    items: list[AgendaItem] = []
    groups: dict[str, list[RecFacts]] = defaultdict(list)
    for f in facts:
        if f.code in still_open:
            groups[f.group or ""].append(f)
    for group in sorted(groups):
        title = f"Open escalations ({group or 'no business group'}): "
        title += _reasons_text([reasons[f.code] for f in groups[group]])
        items.append(listed("open_escalations", title, groups[group]))
    done = [f for f in facts if f.code in cleared and f.code not in still_open]
    if done:
        title = "Escalations cleared since the last meeting"
        items.append(listed("escalations_cleared", title, done))
    alone = [f for f in facts if f.code in unowned and f.code not in still_open | cleared.keys()]
    if alone:
        items.append(listed("unowned", "Recommendations without an active owner", alone))
    return items


def _reasons_text(found: list[set[str]]) -> str:
    """ "Progress update not received, target date missed": the reasons, in their order."""
    labels = [REASON_LABEL[r] for r in REASON_LABEL if any(r in f for f in found)]
    return ", ".join([labels[0], *(lowered(label) for label in labels[1:])])


def _raised(lines: list[str], row: Any, zone: ZoneInfo) -> None:
    """Add "escalated on 2004-01-06: response not given" (with the escalation's note) to
    `lines`; escalations raised on the same day, to the same line."""
    day = local_day(row.raised_at, zone)
    if row.reason == "manual":
        lines.append(f"escalated by the ILAU on {day}" + (f": {row.note}" if row.note else ""))
        return
    head = f"escalated on {day}: "
    text = lowered(REASON_LABEL[row.reason]) + (f" ({row.note})" if row.note else "")
    if lines and lines[-1].startswith(head):
        lines[-1] += f"; {text}"
    else:
        lines.append(head + text)


def _cleared(row: Any, zone: ZoneInfo) -> str:
    """ "escalation cleared on 2004-04-29 (escalated by the ILAU): state moved on"."""
    text = f"escalation cleared on {local_day(row.cleared_at, zone)} "
    text += f"({lowered(REASON_LABEL[row.reason])})"
    return text + (f": {row.clear_note}" if row.clear_note else "")
