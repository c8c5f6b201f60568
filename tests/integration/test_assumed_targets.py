"""Assumed targets (issue 12, item 11): a plan's target that the source does not give is
recorded as assumed, printed "(assumed)" wherever it is printed, rebuilt as of a date from the
trail, checked by `audit verify`, and cleared by an approved revision; on both backends."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from tests import world
from tests.web_support import clock_of, sign_in
from tests.world import ILAU, OWNER, advance
from workflow.audit.replay import verify
from workflow.chasing.escalations import list_escalations
from workflow.chasing.sweep import sweep
from workflow.cli.main import run
from workflow.clock import FixedClock, instant_text
from workflow.lifecycle import plans
from workflow.lifecycle import service as svc
from workflow.lifecycle.views import show_recommendation
from workflow.plain import plain
from workflow.reporting.documents.markdown import to_markdown
from workflow.reporting.monthly import monthly_report
from workflow.reporting.tracker import tracker
from workflow.store.tables import audit_event, recommendation
from workflow.store.uow import UnitOfWork

R1, R2 = f"{world.REPORT}/R1", f"{world.REPORT}/R2"


def cli(uow: UnitOfWork, clock: FixedClock, *args: str) -> int:
    db = uow.engine.url.render_as_string(hide_password=False)
    return run(["--db", db, "--now", instant_text(clock.now()), *args])


def planned(uow: UnitOfWork, clock: FixedClock) -> date:
    """R1 planned with an assumed target, R2 with a given one, both started; the target."""
    world.build(uow, recs=2)
    target = clock.today() + timedelta(days=60)
    for code in (R1, R2):
        svc.respond(uow, code, ILAU, body="MPS", text="Accepted")
        svc.respond(uow, code, ILAU, body="MPA", text="Agreed")
    assumed = f"Keep it going|{OWNER}|{target} (assumed)"
    assert cli(uow, clock, "rec", "plan", R1, "--actor", OWNER, "--action", assumed) == 0
    assert (
        cli(uow, clock, "rec", "plan", R2, "--actor", OWNER, "--action", f"Do it|{OWNER}|{target}")
        == 0
    )
    for code in (R1, R2):
        svc.start(uow, code, OWNER)
    return target


def tracker_text(uow: UnitOfWork) -> str:
    return to_markdown(tracker(uow, world.REPORT))


def test_the_action_syntax_and_the_plan_file_mark_a_target_assumed(tmp_path: Path) -> None:
    got = plans.parse_action(f"Ongoing work|{OWNER}|2003-03-31 (Assumed)", 1)
    assert (got.target, got.target_assumed) == (date(2003, 3, 31), True)
    assert not plans.parse_action(f"Work|{OWNER}|2003-03-31", 1).target_assumed
    text = f"actions:\n  - text: A\n    owner: {OWNER}\n    target: 2003-03-31\n"
    read = plans.parse_plan("p.yaml", text + "    target_assumed: true\n")
    assert [a.target_assumed for a in read] == [True]
    assert [a.target_assumed for a in plans.parse_plan("p.yaml", text)] == [False]


@pytest.mark.parametrize(
    ("extra", "problem"),
    [
        ("    target_assumed: perhaps\n", "expected true or false"),
        ("    target_assumed: 1\n", "expected true or false"),
    ],
)
def test_a_bad_assumed_flag_names_its_line_and_field(extra: str, problem: str) -> None:
    text = f"actions:\n  - text: A\n    owner: {OWNER}\n    target: 2003-03-31\n" + extra
    with pytest.raises(plans.PlanFileError) as raised:
        plans.parse_plan("p.yaml", text)
    assert str(raised.value) == f"p.yaml:5: action 1: field target_assumed: {problem}"


def test_an_assumed_flag_without_a_target_is_refused() -> None:
    text = f"actions:\n  - text: A\n    owner: {OWNER}\n    done: 2003-03-31\n"
    text += "    target_assumed: true\n"
    with pytest.raises(plans.PlanFileError, match="field target_assumed: an assumed target"):
        plans.parse_plan("p.yaml", text)


def test_an_assumed_target_is_shown_by_rec_show_and_the_tracker(
    uow: UnitOfWork, clock: FixedClock, capsys: Any
) -> None:
    target = planned(uow, clock)
    view = plain(show_recommendation(uow, R1))
    assert view["target_assumed"] is True and view["actions"][0]["target_assumed"] is True
    assert plain(show_recommendation(uow, R2))["target_assumed"] is False
    capsys.readouterr()
    assert cli(uow, clock, "rec", "show", R1) == 0
    shown = capsys.readouterr().out
    # The due line and the action's line.
    assert f"target {target} (assumed)" in shown and shown.count("(assumed)") == 2
    assert cli(uow, clock, "rec", "show", R2) == 0
    assert "(assumed)" not in capsys.readouterr().out
    rows = [line for line in tracker_text(uow).splitlines() if line.startswith("| R")]
    assert "(assumed)" in rows[0] and "(assumed)" not in rows[1]


def test_a_missed_assumed_target_is_escalated_and_listed_as_assumed(
    uow: UnitOfWork, clock: FixedClock, capsys: Any
) -> None:
    target = planned(uow, clock)
    advance(clock, 60 + 30)
    sweep(uow)
    missed = {e.rec: e for e in list_escalations(uow) if e.reason == "missed_target"}
    assert (missed[R1].due, missed[R1].due_assumed) == (target, True)
    assert (missed[R2].due, missed[R2].due_assumed) == (target, False)
    capsys.readouterr()
    assert cli(uow, clock, "escalations", "--open") == 0
    lines = [ln for ln in capsys.readouterr().out.splitlines() if "missed_target" in ln]
    assert len(lines) == 2
    assert [R1 in ln for ln in lines if f"{target} (assumed)" in ln] == [True]


def test_an_approved_revision_clears_the_mark_and_the_trail_keeps_it(
    uow: UnitOfWork, clock: FixedClock
) -> None:
    target = planned(uow, clock)
    planned_at = clock.now()
    advance(clock, 7)
    svc.request_extension(uow, R1, OWNER, to=target + timedelta(days=30), reason="Ongoing")
    advance(clock, 1)
    svc.decide_extension(uow, R1, ILAU, approve=True)
    assert plain(show_recommendation(uow, R1))["target_assumed"] is False
    with uow.read() as tx:
        stored = tx.conn.execute(
            select(func.count()).where(recommendation.c.target_assumed.is_(True))
        ).scalar_one()
        events = tx.conn.execute(
            select(audit_event.c.changes).where(audit_event.c.event == "approve_extension")
        ).scalars()
        assert stored == 0 and all('"target_assumed":[true,false]' in e for e in events)
        assert verify(tx.conn).ok
    # As of the day it was planned, the tracker shows the assumed target it had then.
    clock.move_to(planned_at)
    rows = [line for line in tracker_text(uow).splitlines() if line.startswith("| R1")]
    assert len(rows) == 1 and "(assumed)" in rows[0]


def test_audit_verify_names_a_mark_changed_by_hand(uow: UnitOfWork, clock: FixedClock) -> None:
    planned(uow, clock)
    with uow.write() as tx:
        tx.conn.execute(
            recommendation.update().where(recommendation.c.code == R2).values(target_assumed=True)
        )
    with uow.read() as tx:
        found = verify(tx.conn)
    assert (found.ok, found.rec) == (False, R2)
    assert found.problem == "its target_assumed is True but its trail gives False"


def _line(text: str, code: str) -> str:
    found = [line for line in text.splitlines() if code in line and "|" in line]
    assert found, code
    return found[0]


def test_the_monthly_report_marks_an_assumed_target_next_and_overdue(
    uow: UnitOfWork, clock: FixedClock
) -> None:
    target = planned(uow, clock)
    advance(clock, 35)
    for code in (R1, R2):
        svc.record_update(uow, code, OWNER, note="Going on")  # the next update after the target
    advance(clock, 5)
    text = to_markdown(monthly_report(uow))
    progress = text.split("Progress on", 1)[1]
    assert f"{target} (assumed)" in _line(progress, R1)
    assert str(target) in _line(progress, R2) and "(assumed)" not in _line(progress, R2)
    advance(clock, 30)
    outstanding = to_markdown(monthly_report(uow)).split("Outstanding", 1)[1]
    assert f"target date overdue by 10 days (due {target}, assumed)" in _line(outstanding, R1)
    assert f"target date overdue by 10 days (due {target})" in _line(outstanding, R2)


def test_the_page_marks_an_assumed_target(web: Any) -> None:
    app, client = web
    clock = clock_of(app)
    target = clock.today() + timedelta(days=60)
    with app.uow() as uow:
        for code in (R1, R2):
            svc.respond(uow, code, ILAU, body="MPS", text="Accepted")
            svc.respond(uow, code, ILAU, body="MPA", text="Agreed")
        actions = [plans.PlannedAction("Keep going", OWNER, target, target_assumed=True)]
        svc.plan(uow, R1, OWNER, actions=actions)
        svc.plan(uow, R2, OWNER, actions=[("Do it", OWNER, target)])
    sign_in(client, app, OWNER)
    first, second = client.get(f"/recs/{R1}").text, client.get(f"/recs/{R2}").text
    assert first.count("(assumed)") == 2  # the target date, and the action's
    assert "(assumed)" not in second
