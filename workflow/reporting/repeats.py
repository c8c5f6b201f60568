"""Repeated recommendations: the same weakness found twice, or more, across reports.

Recommendations connected by `repeats` links (a chain, or several repeating one) form a
group; each member is shown with its report, state and owner, oldest report first, so that
the ILAU and committees see what was asked before and what became of it (seed 002 §11).
Two queries: the links, then the members.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, select

from workflow.reporting.dates import published_text
from workflow.reporting.documents import Document, Heading, Paragraph, Table
from workflow.store.tables import person, rec_link, recommendation, report
from workflow.store.uow import UnitOfWork

_r = recommendation.c


@dataclass(frozen=True, slots=True)
class RepeatMember:
    id: str
    report: str
    report_title: str
    published: date | None
    published_assumed: bool
    state: str
    owner: str | None
    subject: str | None
    text: str
    repeats: tuple[str, ...]
    """The members it repeats."""


@dataclass(frozen=True, slots=True)
class RepeatGroup:
    members: tuple[RepeatMember, ...]


def repeat_groups(uow: UnitOfWork) -> list[RepeatGroup]:
    """Every group of recommendations connected by `repeats` links, the oldest first."""
    with uow.read() as tx:
        return _groups(tx.conn)


def _groups(conn: Connection) -> list[RepeatGroup]:
    links = [
        (int(a), int(b))
        for a, b in conn.execute(
            select(rec_link.c.rec_id, rec_link.c.target_rec_id).where(
                rec_link.c.kind == "repeats", rec_link.c.target_rec_id.is_not(None)
            )
        )
    ]
    if not links:
        return []
    ids = {i for pair in links for i in pair}
    rows = conn.execute(
        select(
            _r.id,
            _r.code,
            report.c.key,
            report.c.title,
            report.c.published,
            report.c.published_assumed,
            _r.state,
            person.c.email,
            _r.subject,
            _r.text,
        )
        .join(report, report.c.id == _r.report_id)
        .outerjoin(person, person.c.id == _r.owner_id)
        .where(_r.id.in_(ids))
    ).all()
    codes = {row.id: row.code for row in rows}
    repeated: dict[int, list[str]] = {}
    for source, target in links:
        repeated.setdefault(source, []).append(codes[target])
    members = {
        row.id: RepeatMember(
            row.code,
            row.key,
            row.title,
            row.published,
            row.published_assumed,
            row.state,
            row.email,
            row.subject,
            row.text,
            tuple(sorted(repeated.get(row.id, ()))),
        )
        for row in rows
    }
    groups = [
        RepeatGroup(tuple(sorted((members[i] for i in part), key=_oldest)))
        for part in _connected(links)
    ]
    return sorted(groups, key=lambda g: _oldest(g.members[0]))


def _oldest(member: RepeatMember) -> tuple[date, str]:
    return (member.published or date.max, member.id)


def _connected(links: list[tuple[int, int]]) -> list[set[int]]:
    """The parts of the graph the links make (union-find)."""
    parent: dict[int, int] = {}

    def root(node: int) -> int:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for a, b in links:
        parent[root(a)] = root(b)
    parts: dict[int, set[int]] = {}
    for node in list(parent):
        parts.setdefault(root(node), set()).add(node)
    return list(parts.values())


def repeats_report(uow: UnitOfWork) -> Document:
    """The repeated recommendations, a table for each group."""
    with uow.read() as tx:
        groups, today = _groups(tx.conn), tx.today
    count = sum(len(g.members) for g in groups)
    blocks: list[Heading | Paragraph | Table] = [
        Paragraph(
            f"{len(groups)} group(s) of repeated recommendations, {count} recommendation(s) in all."
            if groups
            else "No recommendation is recorded as repeating another."
        )
    ]
    for number, group in enumerate(groups, start=1):
        first = group.members[0]
        blocks.append(Heading(f"{number}. {first.subject or _short(first.text)}", 2))
        blocks.append(
            Table(
                ("Recommendation", "Report", "State", "Owner", "Repeats", "Recommendation text"),
                tuple(
                    (
                        m.id,
                        _report(m),
                        m.state.replace("_", " "),
                        m.owner or "(none)",
                        ", ".join(m.repeats),
                        m.text,
                    )
                    for m in group.members
                ),
            )
        )
    return Document(
        "Repeated recommendations",
        tuple(blocks),
        subtitle=f"The same weakness found more than once, as at {today.isoformat()}",
    )


def _report(member: RepeatMember) -> str:
    published = published_text(member.published, member.published_assumed, undated="undated")
    return f"{member.report_title} ({published})"


def _short(text: str, width: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
