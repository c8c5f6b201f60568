"""Committee papers as issued: `rectrack paper issue` renders a meeting's paper in every
format and keeps the bytes, with their SHA-256 in the audit trail; `paper get` returns
exactly those bytes forever. The database refuses to change or delete them (migration 0006),
and regenerating the meeting's agenda later touches none of it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Select, insert, select

from workflow.directory.committees import get_committee
from workflow.directory.people import operator_or
from workflow.errors import AlreadyExists, BadInput
from workflow.reporting.agenda import generate_agenda
from workflow.reporting.documents.write import FORMATS, document_files
from workflow.store.outward import issued_paper, issued_paper_file
from workflow.store.tables import committee
from workflow.store.uow import Tx, UnitOfWork

_p = issued_paper.c
_f = issued_paper_file.c
STEM = "paper"


class UnknownPaper(BadInput):
    pass


@dataclass(frozen=True, slots=True)
class IssuedPaper:
    """A paper as issued; `sha256` is its DOCX's, the paper as members receive it."""

    id: int
    committee: str
    meeting: date
    number: str
    issued_at: datetime
    sha256: str


def _digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _select() -> Select[Any]:
    return select(_p.id, committee.c.name, _p.meeting, _p.number, _p.issued_at, _p.sha256).join(
        committee, committee.c.id == _p.committee_id
    )


def _paper(row: Any) -> IssuedPaper:
    return IssuedPaper(*row)


def _number(conn: Connection, committee_id: int, number: str | None) -> str:
    """The number given, or the next of this committee's (report numbers run per committee)."""
    if number is not None:
        if not number.strip() or len(number) > 20:
            raise BadInput("--number: a report number of at most 20 characters")
        return number.strip()
    numbers = conn.execute(select(_p.number).where(_p.committee_id == committee_id)).scalars()
    whole = [int(n) for n in numbers if n.isdigit()]
    return str(max(whole, default=0) + 1)


def issue_paper(
    uow: UnitOfWork,
    committee_name: str,
    *,
    meeting: date,
    number: str | None = None,
    actor: str | None = None,
    timezone: str = "Europe/London",
) -> IssuedPaper:
    """Issue the paper of `committee_name`'s meeting on `meeting`: its agenda generated now,
    its report rendered in every format, the bytes kept. Refused if already issued."""
    from workflow.reporting.papers import committee_report

    with uow.read() as tx:
        com = get_committee(tx.conn, committee_name)
        recorded = operator_or(tx, actor, "paper.issue")
        done = tx.conn.execute(
            select(_p.id).where(_p.committee_id == com.id, _p.meeting == meeting)
        ).scalar()
        if done is not None:
            raise AlreadyExists(
                f"the {com.name} paper for {meeting} was issued already (paper {done})"
            )
        label = _number(tx.conn, com.id, number)
        if tx.conn.execute(
            select(_p.id).where(_p.committee_id == com.id, _p.number == label)
        ).first():
            raise AlreadyExists(f"{com.name} already has a paper numbered {label}")
    agenda = generate_agenda(uow, com.name, day=meeting, timezone=timezone)
    doc = committee_report(uow, agenda, label, timezone)
    when = uow.clock.now()
    files = {fmt: document_files(doc, fmt, f"{STEM}.{fmt}", when=when) for fmt in FORMATS}
    with uow.write() as tx:
        return _store(tx, com.id, com.name, meeting, label, recorded, files)


def _store(
    tx: Tx,
    committee_id: int,
    name: str,
    meeting: date,
    label: str,
    recorded: str,
    files: dict[str, list[tuple[str, bytes]]],
) -> IssuedPaper:
    """Keep the rendered files, and say in the trail what was issued, with every hash."""
    paper_id = tx.conn.execute(
        insert(issued_paper)
        .values(
            committee_id=committee_id,
            meeting=meeting,
            number=label,
            issued_at=tx.now,
            issued_by=recorded,
            sha256=_digest(files["docx"][0][1]),
        )
        .returning(_p.id)
    ).scalar_one()
    rows = [
        {"paper_id": paper_id, "format": fmt, "name": file, "content": content}
        | {"sha256": _digest(content)}
        for fmt, made in files.items()
        for file, content in made
    ]
    tx.conn.execute(insert(issued_paper_file), rows)
    tx.audit.append(
        actor=recorded,
        event="paper.issue",
        changes={
            "id": paper_id,
            "committee": name,
            "meeting": meeting,
            "number": label,
            "sha256": {f"{r['format']}:{r['name']}": r["sha256"] for r in rows},
        },
    )
    return _paper(tx.conn.execute(_select().where(_p.id == paper_id)).one())


def list_papers(uow: UnitOfWork, *, committee_name: str | None = None) -> list[IssuedPaper]:
    stmt = _select().order_by(_p.id)
    if committee_name is not None:
        stmt = stmt.where(committee.c.name == committee_name)
    with uow.read() as tx:
        return [_paper(r) for r in tx.conn.execute(stmt)]


def paper_files(uow: UnitOfWork, paper_id: int, fmt: str) -> list[tuple[str, bytes]]:
    """The stored files of paper `paper_id` in `fmt`, the document first (then, for
    Markdown, its figures, named as the text links them); each checked against its hash."""
    if fmt not in FORMATS:
        raise BadInput(f"unknown format {fmt!r} (known: {', '.join(FORMATS)})")
    with uow.read() as tx:
        if tx.conn.execute(select(_p.id).where(_p.id == paper_id)).first() is None:
            raise UnknownPaper(f"no issued paper {paper_id} (see `rectrack paper list`)")
        rows = tx.conn.execute(
            select(_f.name, _f.content, _f.sha256)
            .where(_f.paper_id == paper_id, _f.format == fmt)
            .order_by(_f.id)
        ).all()
    for name, content, digest in rows:
        if _digest(content) != digest:
            raise BadInput(f"paper {paper_id}'s {name} no longer matches its SHA-256")
    return [(name, bytes(content)) for name, content, _ in rows]


def issued_for(uow: UnitOfWork, committee_name: str, meeting: date) -> IssuedPaper | None:
    """The paper issued for `committee_name`'s meeting on `meeting`, if one was."""
    with uow.read() as tx:
        row = tx.conn.execute(
            _select().where(committee.c.name == committee_name, _p.meeting == meeting)
        ).first()
    return _paper(row) if row is not None else None
