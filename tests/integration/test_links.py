"""Linking recommendations after import (`rec link|unlink`), and the repeated ones reported."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from states import NotPermitted
from tests import world
from workflow.audit.replay import verify
from workflow.clock import FixedClock
from workflow.directory.reports import NewReport, insert_report
from workflow.errors import BadInput, OutOfOrder, UnknownRecommendation
from workflow.lifecycle import service as svc
from workflow.lifecycle.links import link, unlink
from workflow.lifecycle.views import show_recommendation
from workflow.reporting.documents import Heading, Table, render
from workflow.reporting.repeats import repeat_groups, repeats_report
from workflow.store.tables import audit_event, rec_link
from workflow.store.uow import UnitOfWork

ILAU, OWNER = world.ILAU, world.OWNER
B1, B2, B3 = "botj-2003/R1", "botj-2003/R2", "botj-2003/R3"
M1, M2 = "md-2004/R1", "md-2004/R2"


def build(uow: UnitOfWork, clock: FixedClock) -> None:
    """botj-2003 (R1 to R3) and md-2004 (R1, R2), a day later."""
    world.build(uow)
    world.advance(clock, 1)
    with uow.write() as tx:
        insert_report(
            tx,
            NewReport(
                "md-2004",
                "Managing Demand",
                "HMIC",
                "inspection",
                date(2003, 11, 1),
                "PPRC",
                ("MPS",),
            ),
            ILAU,
        )
    for n in (1, 2):
        svc.raise_recommendation(uow, f"md-2004/R{n}", ILAU, text=f"Demand {n}", owner=OWNER)
    world.advance(clock, 1)


def links_of(uow: UnitOfWork, code: str) -> list[tuple[str, str]]:
    return [(shown.kind, shown.to) for shown in show_recommendation(uow, code).links]


def events(uow: UnitOfWork, event: str) -> list[tuple[str, str, str, str]]:
    with uow.read() as tx:
        rows = tx.conn.execute(
            select(
                audit_event.c.actor, audit_event.c.rec, audit_event.c.report, audit_event.c.changes
            )
            .where(audit_event.c.event == event)
            .order_by(audit_event.c.id)
        )
        return [tuple(r) for r in rows]  # type: ignore[misc]


def assert_verified(uow: UnitOfWork) -> None:
    with uow.read() as tx:
        verdict = verify(tx.conn)
    assert verdict.ok, verdict


def test_a_repeat_is_linked_audited_and_shown_from_both_sides(
    uow: UnitOfWork, clock: FixedClock
) -> None:
    build(uow, clock)
    before = show_recommendation(uow, M1).version
    done = link(uow, M1, ILAU, repeats=B1)
    assert (done.id, done.kind, done.to, done.linked, done.changed) == (
        M1,
        "repeats",
        B1,
        True,
        True,
    )
    assert links_of(uow, M1) == [("repeats", B1)]
    assert links_of(uow, B1) == [("repeated_by", M1)]
    assert show_recommendation(uow, M1).version == before  # not a step of the lifecycle
    assert events(uow, "link") == [(ILAU, M1, "md-2004", '{"kind":"repeats","to":"botj-2003/R1"}')]
    assert_verified(uow)


def test_linking_again_writes_nothing_and_unlinking_removes_it(
    uow: UnitOfWork, clock: FixedClock
) -> None:
    build(uow, clock)
    link(uow, M1, ILAU, repeats=B1)
    assert link(uow, M1, ILAU, repeats=B1).changed is False
    assert len(events(uow, "link")) == 1
    done = unlink(uow, M1, ILAU, repeats=B1)
    assert (done.linked, done.changed) == (False, True)
    assert links_of(uow, M1) == [] and links_of(uow, B1) == []
    assert unlink(uow, M1, ILAU, repeats=B1).changed is False
    assert events(uow, "unlink") == [
        (ILAU, M1, "md-2004", '{"kind":"repeats","to":"botj-2003/R1"}')
    ]
    assert_verified(uow)


def test_related_goes_both_ways(uow: UnitOfWork, clock: FixedClock) -> None:
    build(uow, clock)
    link(uow, M2, ILAU, related=B3)
    assert link(uow, B3, ILAU, related=M2).changed is False
    assert links_of(uow, B3) == [("related", M2)]
    assert unlink(uow, B3, ILAU, related=M2).changed is True
    with uow.read() as tx:
        assert tx.conn.execute(select(func.count()).select_from(rec_link)).scalar() == 0
    assert_verified(uow)


@pytest.mark.parametrize(
    ("first", "then", "error", "words"),
    [
        (None, (M1, {"repeats": M1}), BadInput, "cannot be linked to itself"),
        (None, (M1, {"repeats": "md-2004/R9"}), UnknownRecommendation, "md-2004/R9"),
        (None, ("md-2004/R9", {"repeats": B1}), UnknownRecommendation, "md-2004/R9"),
        (None, (M1, {}), BadInput, "exactly one"),
        (None, (M1, {"repeats": B1, "related": B2}), BadInput, "exactly one"),
        ((M1, {"repeats": B1}), (M1, {"repeats": B2}), BadInput, "already repeats botj-2003/R1"),
        ((M1, {"repeats": B1}), (M1, {"related": B1}), BadInput, "already linked"),
        ((M1, {"related": B1}), (B1, {"repeats": M1}), BadInput, "already linked"),
        ((M1, {"repeats": B1}), (B1, {"repeats": M1}), BadInput, "cannot repeat its repeat"),
        ((M1, {"repeats": B1}), (B1, {"related": M1}), BadInput, "already repeats"),
    ],
)
def test_links_that_cannot_be_are_refused_and_nothing_written(
    uow: UnitOfWork,
    clock: FixedClock,
    first: tuple[str, dict[str, str]] | None,
    then: tuple[str, dict[str, str]],
    error: type[Exception],
    words: str,
) -> None:
    build(uow, clock)
    if first is not None:
        link(uow, first[0], ILAU, **first[1])
    before = len(events(uow, "link"))
    with pytest.raises(error, match=words):
        link(uow, then[0], ILAU, **then[1])
    assert len(events(uow, "link")) == before


def test_only_the_ilau_may_link_or_unlink(uow: UnitOfWork, clock: FixedClock) -> None:
    build(uow, clock)
    with pytest.raises(NotPermitted, match=f"{OWNER} may not link: only ilau may"):
        link(uow, M1, OWNER, repeats=B1)
    link(uow, M1, ILAU, repeats=B1)
    with pytest.raises(NotPermitted, match="may not unlink"):
        unlink(uow, M1, world.BOARD, repeats=B1)
    assert links_of(uow, M1) == [("repeats", B1)]


def test_a_link_cannot_be_dated_before_the_recommendations_latest_event(
    uow: UnitOfWork, clock: FixedClock
) -> None:
    build(uow, clock)
    clock.move_to(clock.now() - timedelta(days=5))
    with pytest.raises(OutOfOrder, match="time moves forward"):
        link(uow, M1, ILAU, repeats=B1)


def test_the_repeats_report_groups_what_repeats_what_oldest_first(
    uow: UnitOfWork, clock: FixedClock
) -> None:
    build(uow, clock)
    assert repeat_groups(uow) == []
    empty = render(repeats_report(uow), "md")
    assert isinstance(empty, str) and "No recommendation is recorded as repeating another" in empty
    link(uow, M1, ILAU, repeats=B1)
    link(uow, B3, ILAU, repeats=B2)  # within one report, a chain of its own
    link(uow, M2, ILAU, repeats=B3)
    link(uow, M2, ILAU, related=B1)  # related links make no group
    groups = repeat_groups(uow)
    assert [[m.id for m in g.members] for g in groups] == [[B1, M1], [B2, B3, M2]]
    b2, b3, m2 = groups[1].members
    assert (b2.repeats, b3.repeats, m2.repeats) == ((), (B2,), (B3,))
    assert (m2.report, m2.state, m2.owner) == ("md-2004", "raised", OWNER)
    doc = repeats_report(uow)
    tables = [b for b in doc.blocks if isinstance(b, Table)]
    assert [len(t.rows) for t in tables] == [2, 3]
    assert tables[1].rows[2][:5] == (M2, "Managing Demand (2003-11-01)", "raised", OWNER, B3)
    headings = [b.text for b in doc.blocks if isinstance(b, Heading)]
    assert headings == ["1. Recommendation 1", "2. Recommendation 2"]
    html = render(doc, "html")
    assert isinstance(html, str) and M2 in html and OWNER in html
    assert isinstance(render(doc, "docx"), bytes)
