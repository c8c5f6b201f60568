"""The engine through its service layer, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from states import EventNotAllowed, GuardRefused, NotPermitted
from tests import world
from tests.world import BOARD, ILAU, OTHER, OWNER, advance, to_in_progress
from workflow.audit.query import AuditQuery, find_events
from workflow.clock import FixedClock
from workflow.errors import AlreadyExists, BadInput, UnknownPerson, UnknownRecommendation
from workflow.lifecycle import service as svc
from workflow.lifecycle.views import list_recommendations, show_recommendation
from workflow.plain import plain
from workflow.store.tables import audit_event, recommendation
from workflow.store.uow import UnitOfWork


def snapshot(uow: UnitOfWork) -> tuple[int, list[tuple[object, ...]]]:
    """Audit event count and every recommendation row: equal before and after a refusal."""
    with uow.read() as tx:
        events = tx.conn.execute(select(func.count()).select_from(audit_event)).scalar_one()
        rows = [
            tuple(r) for r in tx.conn.execute(select(recommendation).order_by(recommendation.c.id))
        ]
    return events, rows


def test_a_recommendation_walks_its_whole_lifecycle(uow: UnitOfWork, clock: FixedClock) -> None:
    """raised -> responded -> planned -> in progress -> monitored -> complete, all audited."""
    code = world.build(uow, recs=1)[0]
    svc.respond(uow, code, ILAU, body="MPS", text="Accepted")
    assert plain(show_recommendation(uow, code))["state"] == "raised"
    out = svc.respond(uow, code, ILAU, body="MPA", not_applicable="MPS matter")
    assert [o.event for o in out] == ["record_response", "respond"]
    advance(clock, 7)
    svc.plan(
        uow,
        code,
        OWNER,
        actions=[
            ("Write the plan", OWNER, date(2004, 3, 31)),
            ("Brief the board", OTHER, date(2004, 2, 28)),
        ],
    )
    svc.start(uow, code, OWNER, note="kick-off")
    advance(clock, 30)
    svc.record_update(uow, code, OWNER, note="Half way", degree="partially")
    svc.close_action(uow, code, OWNER, number=1)
    svc.close_action(uow, code, OWNER, number=2, dropped_reason="Board briefed in person instead")
    svc.record_update(uow, code, OWNER, note="Done", degree="completely", evidence="Plan v1")
    svc.monitor(uow, code, OWNER)
    final = svc.complete(uow, code, BOARD, evidence="Minutes of 12 Feb")
    assert (final.from_state, final.to_state) == ("monitored", "complete")

    view = plain(show_recommendation(uow, code))
    assert view["state"] == "complete" and view["degree"] == "completely"
    assert view["due"] == {"response": None, "plan": None, "update": None, "target": None}
    assert view["signed_off"]["by"] == BOARD
    assert [a["done"] for a in view["actions"]] == [True, False]
    assert view["actions"][1]["dropped_reason"] == "Board briefed in person instead"
    assert [(h["event"], h["from"], h["to"]) for h in view["history"]] == [
        ("raise", None, "raised"),
        ("record_response", "raised", "raised"),
        ("record_response", "raised", "raised"),
        ("respond", "raised", "responded"),
        ("plan", "responded", "planned"),
        ("start", "planned", "in_progress"),
        ("update", "in_progress", "in_progress"),
        ("action_done", "in_progress", "in_progress"),
        ("action_drop", "in_progress", "in_progress"),
        ("update", "in_progress", "in_progress"),
        ("monitor", "in_progress", "monitored"),
        ("complete", "monitored", "complete"),
    ]
    assert view["version"] == 12


def test_due_dates_follow_the_rules(uow: UnitOfWork, clock: FixedClock) -> None:
    code = world.build(uow, recs=1)[0]
    assert plain(show_recommendation(uow, code))["due"]["response"] == "2003-12-29"
    svc.respond(uow, code, ILAU, body="MPS", text="a")
    svc.respond(uow, code, ILAU, body="MPA", text="b")
    assert plain(show_recommendation(uow, code))["due"] == {
        "response": None,
        "plan": "2003-12-29",
        "update": None,
        "target": None,
    }
    svc.plan(uow, code, OWNER, actions=[("x", OWNER, date(2004, 6, 30))])
    assert plain(show_recommendation(uow, code))["due"] == {
        "response": None,
        "plan": None,
        "update": "2003-12-03",
        "target": "2004-06-30",
    }
    advance(clock, 10)
    svc.record_update(uow, code, OWNER, note="progress")
    assert plain(show_recommendation(uow, code))["due"]["update"] == "2003-12-13"


def test_every_change_is_audited_with_its_fields(uow: UnitOfWork) -> None:
    code = world.build(uow, recs=1)[0]
    svc.reassign(uow, code, ILAU, owner=OTHER)
    with uow.read() as tx:
        event = find_events(tx.conn, AuditQuery(rec=code, event="reassign"))[0]
    assert event["actor"] == ILAU
    assert json.loads(event["changes"]) == {"owner": [OWNER, OTHER]}
    assert plain(show_recommendation(uow, code))["owner"] == OTHER


def test_the_refused_event_says_why_and_changes_nothing(uow: UnitOfWork) -> None:
    code = world.build(uow, recs=1)[0]
    svc.respond(uow, code, ILAU, body="MPS", text="a")
    svc.respond(uow, code, ILAU, body="MPA", text="b")
    before = snapshot(uow)
    with pytest.raises(GuardRefused) as err:
        svc.plan(uow, code, OWNER, actions=[("x", OWNER, date(2003, 11, 1))])
    assert err.value.guard == "targets_in_future"
    with pytest.raises(EventNotAllowed):
        svc.monitor(uow, code, OWNER)
    with pytest.raises(NotPermitted):
        svc.plan(uow, code, OTHER, actions=[("x", OTHER, date(2004, 3, 1))])
    with pytest.raises(UnknownPerson):
        svc.plan(uow, code, OWNER, actions=[("x", "nobody@example.org", date(2004, 3, 1))])
    assert snapshot(uow) == before


def test_last_response_refused_without_owner_records_nothing(uow: UnitOfWork) -> None:
    world.build(uow, recs=0)
    svc.raise_recommendation(uow, "botj-2003/R9", ILAU, text="No owner yet")
    svc.respond(uow, "botj-2003/R9", ILAU, body="MPS", text="a")
    before = snapshot(uow)
    with pytest.raises(GuardRefused, match="owner_assigned"):
        svc.respond(uow, "botj-2003/R9", ILAU, body="MPA", text="b")
    assert snapshot(uow) == before
    svc.reassign(uow, "botj-2003/R9", ILAU, owner=OWNER)
    assert svc.respond(uow, "botj-2003/R9", ILAU, body="MPA", text="b")[-1].to_state == "responded"


def test_extension_keeps_the_original_target(uow: UnitOfWork, clock: FixedClock) -> None:
    code = world.build(uow, recs=1)[0]
    to_in_progress(uow, clock, code)
    original = plain(show_recommendation(uow, code))["target"]
    revised = date.fromisoformat(original) + timedelta(days=90)
    svc.request_extension(uow, code, OWNER, to=revised, reason="waiting for the MPA review")
    assert plain(show_recommendation(uow, code))["target"] == original  # not yet approved
    with pytest.raises(NotPermitted):
        svc.decide_extension(uow, code, OWNER, approve=True)
    with pytest.raises(GuardRefused, match="no_extension_pending"):
        svc.request_extension(uow, code, OWNER, to=revised + timedelta(days=1), reason="again")
    svc.decide_extension(uow, code, BOARD, approve=True)
    view = plain(show_recommendation(uow, code))
    assert (view["target"], view["target_original"]) == (revised.isoformat(), original)
    assert view["due"]["target"] == revised.isoformat()
    assert view["extensions"][0]["status"] == "approved"


def test_rejected_extension_leaves_the_target(uow: UnitOfWork, clock: FixedClock) -> None:
    code = world.build(uow, recs=1)[0]
    to_in_progress(uow, clock, code)
    original = plain(show_recommendation(uow, code))["target"]
    svc.request_extension(uow, code, OWNER, to=date(2005, 1, 1), reason="slow")
    svc.decide_extension(uow, code, ILAU, approve=False, reason="No good reason")
    view = plain(show_recommendation(uow, code))
    assert view["target"] == original
    assert view["extensions"][0]["decision_reason"] == "No good reason"


def test_supersede_records_the_successor_and_reopen_brings_it_back(uow: UnitOfWork) -> None:
    first, second, _ = world.build(uow, recs=3)
    with pytest.raises(NotPermitted):
        svc.supersede(uow, first, OWNER, by=second)
    svc.supersede(uow, first, ILAU, by=second)
    view = plain(show_recommendation(uow, first))
    assert view["state"] == "superseded"
    assert view["links"] == [{"kind": "superseded_by", "to": second, "note": None}]
    assert plain(show_recommendation(uow, second))["links"] == [
        {"kind": "supersedes", "to": first, "note": None}
    ]
    with pytest.raises(BadInput):
        svc.supersede(uow, second, ILAU, by="botj-2003/R99")
    svc.supersede(uow, second, ILAU, rationale="Overtaken by the CJ strategy 2003-2006")
    assert plain(show_recommendation(uow, second))["closure_note"].startswith("Overtaken")
    reopened = svc.reopen(uow, first, ILAU, reason="The successor was dropped too")
    assert reopened.to_state == "in_progress"


def test_raise_checks_report_person_and_duplicates(uow: UnitOfWork) -> None:
    world.build(uow, recs=1)
    with pytest.raises(AlreadyExists):
        svc.raise_recommendation(uow, "botj-2003/R1", ILAU, text="again")
    with pytest.raises(NotPermitted):
        svc.raise_recommendation(uow, "botj-2003/R7", OWNER, text="by an owner")
    with pytest.raises(BadInput, match="no report"):
        svc.raise_recommendation(uow, "nope/R1", ILAU, text="text")
    with pytest.raises(UnknownRecommendation):
        svc.start(uow, "botj-2003/R7", OWNER)


def test_list_filters_and_overdue(uow: UnitOfWork, clock: FixedClock) -> None:
    first, second, third = world.build(uow, recs=3)
    svc.reassign(uow, third, ILAU, owner=OTHER)
    to_in_progress(uow, clock, first)
    assert [r["id"] for r in plain(list_recommendations(uow, state="raised"))] == [second, third]
    assert [r["id"] for r in plain(list_recommendations(uow, owner=OTHER))] == [third]
    assert plain(list_recommendations(uow, overdue=True)) == []
    advance(clock, 57)  # past the response date of the two still raised
    overdue = plain(list_recommendations(uow, overdue=True))
    assert [r["id"] for r in overdue] == [first, second, third]  # first: update due after 30 days
    assert all(r["overdue"] for r in overdue)
    with pytest.raises(BadInput):
        plain(list_recommendations(uow, state="lost"))


def test_edits_are_corrections_kept_in_the_trail(uow: UnitOfWork) -> None:
    code = world.build(uow, recs=1)[0]
    with pytest.raises(NotPermitted):
        svc.edit(uow, code, OWNER, text="Owners cannot rewrite it")
    svc.edit(uow, code, world.ADMIN, paragraph="3.1.5", statutory=True)
    view = plain(show_recommendation(uow, code))
    assert (view["paragraph"], view["statutory"]) == ("3.1.5", True)
    with uow.read() as tx:
        event = find_events(tx.conn, AuditQuery(rec=code, event="edit"))[0]
    assert json.loads(event["changes"]) == {
        "paragraph": ["3.1", "3.1.5"],
        "statutory": [False, True],
    }
    with pytest.raises(BadInput, match="already says that"):
        svc.edit(uow, code, ILAU, statutory=True)
    with pytest.raises(BadInput, match="nothing to change"):
        svc.edit(uow, code, ILAU)


def test_a_supersession_names_one_successor_at_most_and_says_why(
    uow: UnitOfWork, clock: FixedClock
) -> None:
    code = world.build(uow, recs=2)[0]
    before = show_recommendation(uow, code)
    with pytest.raises(BadInput, match="at most one successor"):
        svc.supersede(uow, code, ILAU, by=f"{world.REPORT}/R2", by_report=world.REPORT)
    with pytest.raises(BadInput, match="a rationale, or both"):
        svc.supersede(uow, code, ILAU)
    assert show_recommendation(uow, code) == before
    svc.supersede(uow, code, ILAU, by=f"{world.REPORT}/R2", rationale="One plan for both")
    with uow.read() as tx:
        (event,) = find_events(tx.conn, AuditQuery(rec=code, event="supersede"))
    assert event["note"] == f"superseded by {world.REPORT}/R2: One plan for both"
