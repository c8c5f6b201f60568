"""Importing people, reports and recommendations from a file: all or nothing.

Everything is checked against the database before anything is written; a problem is refused
with the file, the line (or record) and the field at fault, and the database is left as it was.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, update

from states import Actor
from workflow.directory.people import acting_as, insert_person
from workflow.directory.reports import NewReport, insert_report, report_ids
from workflow.intake.model import ImportDoc, ImportSummary, RecommendationIn, ReportIn
from workflow.intake.read import Source, read_import_file
from workflow.lifecycle.raising import audit_raise, new_recommendation_row
from workflow.lifecycle.unowned import tell_ilau_of_unowned
from workflow.store.tables import person, rec_link, recommendation, report
from workflow.store.uow import Tx, UnitOfWork

Link = tuple[str, str, str]
"""(recommendation, kind of link, linked recommendation)"""


def import_file(uow: UnitOfWork, path: Path, *, actor: str | None = None) -> ImportSummary:
    """Import a file in one transaction: everything in it, or (on any problem) nothing.

    The actor must be allowed to import (ilau); a database that holds nobody yet takes its
    first import without one, as the installation's set-up.
    """
    doc, source = read_import_file(path)
    with uow.write() as tx:
        newcomers = [Actor(p.email, frozenset(p.roles)) for p in doc.people]
        actor = acting_as(tx, actor, "import", newcomers)
        known = _known_people(tx, doc, source)
        _check_reports(tx, doc, known, source)
        links = _check_links(tx, doc, source)
        new_people = [p for p in doc.people if p.email not in known]
        for p in new_people:
            roles = tuple(sorted(set(p.roles)))
            insert_person(tx, p.email, p.name, roles, p.group, actor, p.title)
        ids = _person_ids(tx, set(known) | {p.email for p in new_people})
        count = sum(_insert_report(tx, rep, ids, actor) for rep in doc.reports)
        _insert_links(tx, links, actor)
        tell_ilau_of_unowned(tx)
        return ImportSummary(len(doc.reports), count, len(new_people))


def _walk_recs(doc: ImportDoc) -> Iterator[tuple[int, int, ReportIn, RecommendationIn]]:
    for i, rep in enumerate(doc.reports):
        for j, rec in enumerate(rep.recommendations):
            yield i, j, rep, rec


def _known_people(tx: Tx, doc: ImportDoc, source: Source) -> dict[str, tuple[int, bool]]:
    """People already known (email -> (id, active)) among those the file mentions."""
    seen: set[str] = set()
    for i, who in enumerate(doc.people):
        if who.email in seen:
            raise source.problem(("people", i, "email"), f"{who.email} appears twice")
        seen.add(who.email)
    emails = seen | {rec.owner for _, _, _, rec in _walk_recs(doc) if rec.owner}
    if not emails:
        return {}
    rows = tx.conn.execute(
        select(person.c.email, person.c.id, person.c.active).where(person.c.email.in_(emails))
    )
    return {e: (i, bool(a)) for e, i, a in rows}


def _check_reports(
    tx: Tx, doc: ImportDoc, known: dict[str, tuple[int, bool]], source: Source
) -> None:
    """New report keys, each ref once per report, owners known (or in the file) and active."""
    existing = report_ids(tx.conn, [r.key for r in doc.reports])
    in_file = set(known) | {p.email for p in doc.people}
    seen: set[str] = set()
    for i, rep in enumerate(doc.reports):
        if rep.key in existing or rep.key in seen:
            raise source.problem(("reports", i, "key"), f"report {rep.key} already exists")
        seen.add(rep.key)
        refs: set[str] = set()
        for j, rec in enumerate(rep.recommendations):
            at = ("reports", i, "recommendations", j)
            if rec.ref in refs:
                raise source.problem((*at, "ref"), f"{rep.key}/{rec.ref} appears twice")
            refs.add(rec.ref)
            if rec.owner is None:
                continue
            if rec.owner not in in_file:
                why = f"unknown person {rec.owner} (add them under people)"
                raise source.problem((*at, "owner"), why)
            if rec.owner in known and not known[rec.owner][1]:
                raise source.problem((*at, "owner"), f"{rec.owner} is not active")


def _person_ids(tx: Tx, emails: set[str]) -> dict[str, int]:
    if not emails:
        return {}
    rows = tx.conn.execute(select(person.c.email, person.c.id).where(person.c.email.in_(emails)))
    return {e: i for e, i in rows}


def _insert_report(tx: Tx, rep: ReportIn, people: dict[str, int], actor: str) -> int:
    """Insert a report and raise its recommendations; returns how many."""
    new = NewReport(
        rep.key,
        rep.title,
        rep.body,
        rep.kind,
        rep.published,
        rep.committee,
        tuple(rep.responding_bodies),
        rep.restricted,
        rep.published_assumed,
    )
    report_id = insert_report(tx, new, actor)
    if rep.judgements:
        graded = [{"area": j.area, "grade": j.grade} for j in rep.judgements]
        tx.conn.execute(update(report).where(report.c.id == report_id).values(judgements=graded))
    rows = [
        new_recommendation_row(
            tx,
            f"{rep.key}/{rec.ref}",
            report_id=report_id,
            kind=rep.kind,
            text=rec.text,
            paragraph=rec.paragraph,
            statutory=bool(rec.statutory),  # unknown: the rules of a non-statutory one
            owner_id=people.get(rec.owner) if rec.owner else None,
            subject=rec.subject,
            restricted=rec.restricted,
            category=rec.category,
        )
        | as_written(rec)
        for rec in rep.recommendations
    ]
    if rows:
        tx.conn.execute(insert(recommendation), rows)
    for row, rec in zip(rows, rep.recommendations, strict=True):
        audit_raise(tx, actor, row, rep.key, rec.owner)
    return len(rows)


def as_written(rec: RecommendationIn) -> dict[str, Any]:
    """What the report wrote of a recommendation, kept as written: its timescale, its lead
    of two levels, and whether it said it was statutory."""
    return {
        "timescale": rec.timescale,
        "lead_accountable": rec.lead.accountable if rec.lead else None,
        "lead_responsible": rec.lead.responsible if rec.lead else None,
        "statutory_known": rec.statutory is not None,
    }


def _check_links(tx: Tx, doc: ImportDoc, source: Source) -> list[Link]:
    """Every `repeats` and `related` link names another recommendation, in the file or stored."""
    codes = {f"{rep.key}/{rec.ref}" for _, _, rep, rec in _walk_recs(doc)}
    wanted: list[tuple[str, str, str, tuple[int | str, ...]]] = []
    for i, j, rep, rec in _walk_recs(doc):
        code, at = f"{rep.key}/{rec.ref}", ("reports", i, "recommendations", j)
        if rec.repeats:
            wanted.append((code, "repeats", rec.repeats, (*at, "repeats")))
        for k, other in enumerate(rec.related):
            wanted.append((code, "related", other, (*at, "related", k)))
    targets = {t for _, _, t, _ in wanted} - codes
    known = set()
    if targets:
        known = set(
            tx.conn.execute(
                select(recommendation.c.code).where(recommendation.c.code.in_(targets))
            ).scalars()
        )
    for code, _, target, loc in wanted:
        if target == code:
            raise source.problem(loc, f"{code} cannot link to itself")
        if target not in codes and target not in known:
            raise source.problem(loc, f"no recommendation {target}")
    return [(c, k, t) for c, k, t, _ in wanted]


def _insert_links(tx: Tx, links: list[Link], actor: str) -> None:
    if not links:
        return
    codes = {c for c, _, _ in links} | {t for _, _, t in links}
    ids = dict(
        tx.conn.execute(
            select(recommendation.c.code, recommendation.c.id).where(
                recommendation.c.code.in_(codes)
            )
        ).all()
    )
    tx.conn.execute(
        insert(rec_link),
        [{"rec_id": ids[c], "kind": k, "target_rec_id": ids[t]} for c, k, t in links],
    )
    for c, k, t in links:
        tx.audit.append(
            actor=actor, event="link", rec=c, report=c.split("/")[0], changes={"kind": k, "to": t}
        )
