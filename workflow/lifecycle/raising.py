"""Raising recommendations: one by hand, or many at once by the importer."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select

from states import Due, authorise
from workflow.directory.people import get_person
from workflow.errors import AlreadyExists, BadInput, UnknownReport
from workflow.lifecycle.due import after_event
from workflow.lifecycle.ids import normal_code, split_code
from workflow.lifecycle.transition import Outcome
from workflow.lifecycle.unowned import tell_ilau_of_unowned
from workflow.store.tables import CATEGORIES, recommendation, report
from workflow.store.uow import Tx, UnitOfWork


def new_recommendation_row(
    tx: Tx,
    code: str,
    *,
    report_id: int,
    kind: str,
    text: str,
    paragraph: str | None = None,
    statutory: bool = False,
    owner_id: int | None = None,
    subject: str | None = None,
    restricted: bool = False,
    category: str = CATEGORIES[0],
) -> dict[str, Any]:
    """The row of a newly raised recommendation `code`, due dates included."""
    rule = tx.rules.for_recommendation(kind, statutory)
    due = after_event("raise", "raised", Due(), None, tx.today, rule)
    return {
        "report_id": report_id,
        "ref": split_code(code)[1],
        "code": code,
        "subject": subject,
        "text": text,
        "paragraph": paragraph,
        "statutory": statutory,
        "owner_id": owner_id,
        "state": "raised",
        "degree": "none",
        "version": 1,
        "raised_at": tx.now,
        "state_changed_at": tx.now,
        "response_due": due.response,
        "plan_due": None,
        "update_due": None,
        "target_date": None,
        "original_target_date": None,
        "next_due": due.next,
        "restricted": restricted,
        "category": category,
    }


def audit_raise(
    tx: Tx, actor: str, row: dict[str, Any], report_key: str, owner: str | None
) -> None:
    """The trail's record of a raised recommendation: its first values, plainly."""
    changes = {
        "text": row["text"],
        "paragraph": row["paragraph"],
        "statutory": row["statutory"],
        "owner": owner,
        "subject": row["subject"],
        "degree": "none",
        "response_due": row["response_due"],
        "next_due": row["next_due"],
    }
    if row.get("restricted"):  # recorded when so: public ones read as they always have
        changes["restricted"] = True
    if row.get("category", CATEGORIES[0]) != CATEGORIES[0]:  # likewise, when not the usual
        changes["category"] = row["category"]
    tx.audit.append(
        actor=actor,
        event="raise",
        rec=row["code"],
        report=report_key,
        to_state="raised",
        changes=changes,
    )


def raise_recommendation(
    uow: UnitOfWork,
    code: str,
    actor: str,
    *,
    text: str,
    owner: str | None = None,
    paragraph: str | None = None,
    statutory: bool = False,
    subject: str | None = None,
) -> Outcome:
    """Record a new recommendation of a known report, in state raised."""
    code = normal_code(code)
    report_key = split_code(code)[0]
    if not text.strip():
        raise BadInput("a recommendation needs its text")
    with uow.write() as tx:
        who = get_person(tx.conn, actor)
        authorise("raise", None, who.actor)
        rep = tx.conn.execute(
            select(report.c.id, report.c.kind).where(report.c.key == report_key)
        ).first()
        if rep is None:
            raise UnknownReport(report_key)
        exists = tx.conn.execute(
            select(recommendation.c.id).where(recommendation.c.code == code)
        ).first()
        if exists:
            raise AlreadyExists(f"{code} already exists")
        owner_id = None
        if owner is not None:
            found = get_person(tx.conn, owner)
            if not found.active:
                raise BadInput(f"{found.email} is not active and cannot own a recommendation")
            owner, owner_id = found.email, found.id
        row = new_recommendation_row(
            tx,
            code,
            report_id=rep.id,
            kind=rep.kind,
            text=text.strip(),
            paragraph=paragraph,
            statutory=statutory,
            owner_id=owner_id,
            subject=subject,
        )
        tx.conn.execute(insert(recommendation).values(**row))
        audit_raise(tx, who.email, row, report_key, owner)
        if owner is None:
            tell_ilau_of_unowned(tx)
        return Outcome(code, "raise", "", "raised", 1)
