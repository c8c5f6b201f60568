"""The sweep on SQLite and PostgreSQL: reminders, escalations, clearing, unowned, idempotence."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from config import default_rules, load_rules
from states import TRANSITIONS, NotPermitted, build_machine
from tests import world
from tests.world import BOARD, ILAU, OTHER, OWNER
from workflow.bootstrap import unit_of_work
from workflow.chasing.escalations import escalate, list_escalations
from workflow.chasing.sweep import sweep
from workflow.clock import FixedClock
from workflow.directory.people import set_active
from workflow.lifecycle import service as svc
from workflow.lifecycle.views import show_recommendation
from workflow.mail.outbox import list_outbox
from workflow.plain import plain
from workflow.store.tables import audit_event, escalation, metadata, notice, outbox
from workflow.store.uow import UnitOfWork


def at(clock: FixedClock, day: str) -> None:
    clock.move_to(datetime.fromisoformat(day).replace(hour=12, tzinfo=UTC))


def counts(uow: UnitOfWork) -> dict[str, int]:
    with uow.read() as tx:
        return {
            t.name: tx.conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in metadata.sorted_tables
        }


def test_reminders_before_and_on_the_day_then_escalation_then_cleared(
    uow: UnitOfWork, clock: FixedClock
) -> None:
    codes = world.build(uow, recs=2)  # raised 2003-11-03: responses due 2003-12-29
    at(clock, "2003-12-21")
    assert plain(sweep(uow))["reminders"] == []
    at(clock, "2003-12-22")
    first = plain(sweep(uow))
    assert [(r["rec"], r["kind"], r["stage"], r["to"], r["due"]) for r in first["reminders"]] == [
        (c, "response", "before", OWNER, "2003-12-29") for c in codes
    ]
    assert first["messages"] == 1  # one digest for the owner, listing both
    assert plain(sweep(uow)) == {
        "reminders": [],
        "escalations": [],
        "cleared": [],
        "messages": 0,
    }
    at(clock, "2003-12-29")
    assert [r["stage"] for r in plain(sweep(uow))["reminders"]] == ["due", "due"]
    at(clock, "2004-01-05")
    assert plain(sweep(uow))["escalations"] == []  # seven days past: within grace
    at(clock, "2004-01-06")
    raised = plain(sweep(uow))
    assert raised["escalations"] == [
        {"rec": c, "reason": "missed_response", "committee": "Performance Board"} for c in codes
    ]
    assert raised["messages"] == 1  # one message for the one board member
    svc.respond(uow, codes[0], ILAU, body="MPS", text="a")
    svc.respond(uow, codes[0], ILAU, body="MPA", text="b")
    cleared = plain(sweep(uow))
    assert cleared["cleared"] == [codes[0]]
    open_ = plain(list_escalations(uow, open_only=True))
    assert [e["rec"] for e in open_] == [codes[1]]
    with uow.read() as tx:
        trail = [
            (e, r)
            for e, r in tx.conn.execute(
                select(audit_event.c.event, audit_event.c.rec)
                .where(audit_event.c.event.in_(["escalate", "escalation.clear"]))
                .order_by(audit_event.c.id)
            )
        ]
    assert trail == [("escalate", codes[0]), ("escalate", codes[1]), ("escalation.clear", codes[0])]


def test_catch_up_after_downtime_sends_one_reminder_per_thing(
    uow: UnitOfWork, clock: FixedClock
) -> None:
    codes = world.build(uow, recs=3)
    at(clock, "2004-02-28")  # two months without a sweep
    result = plain(sweep(uow))
    assert [(r["rec"], r["stage"]) for r in result["reminders"]] == [(c, "due") for c in codes]
    assert len(result["escalations"]) == 3
    assert result["messages"] == 2  # one owner digest, one board message
    for day in ("2004-02-29", "2004-03-01", "2004-03-15"):
        at(clock, day)
        assert plain(sweep(uow))["reminders"] == []
    with uow.read() as tx:
        assert tx.conn.execute(select(func.count()).select_from(notice)).scalar_one() == 3


def test_one_digest_per_owner_lists_every_item(uow: UnitOfWork, clock: FixedClock) -> None:
    codes = world.build(uow, recs=3)
    svc.reassign(uow, codes[2], ILAU, owner=OTHER)
    svc.respond(uow, codes[0], ILAU, body="MPS", text="a")
    svc.respond(uow, codes[0], ILAU, body="MPA", text="b")
    svc.plan(uow, codes[0], OWNER, actions=[("Brief the board", OTHER, date(2003, 12, 24))])
    at(clock, "2003-12-23")
    result = plain(sweep(uow))
    assert sorted((r["rec"], r["kind"], r["to"]) for r in result["reminders"]) == [
        (codes[0], "action", OTHER),  # the action's owner hears about the action
        (codes[0], "target", OWNER),
        (codes[0], "update", OWNER),  # planned on 3 Nov: an update was due on 3 Dec
        (codes[1], "response", OWNER),
        (codes[2], "response", OTHER),
    ]
    digests = {m["to"]: m for m in plain(list_outbox(uow)) if m["kind"] == "reminder"}
    assert set(digests) == {OWNER, OTHER}
    assert digests[OTHER]["recs"] == [codes[0], codes[2]]
    assert (
        digests[OTHER]["subject"] == "rectrack: 2 recommendations need your attention (2 items due)"
    )
    assert (
        digests[OWNER]["subject"] == "rectrack: 2 recommendations need your attention (3 items due)"
    )


def test_working_day_rules_move_reminders_round_bank_holidays(
    engine: Engine, clock: FixedClock, tmp_path: object
) -> None:
    path = tmp_path / "rules.toml"  # type: ignore[operator]
    path.write_text("[defaults]\nworking_days = true\nresponse_days = 10\n")
    rules = load_rules(path)
    with unit_of_work(engine, clock, rules) as uow:
        at(clock, "2003-12-15")
        code = world.build(uow, recs=1)[0]
        # 10 working days from Mon 15 Dec 2003, skipping Christmas and Boxing Day: Wed 31 Dec
        assert plain(show_recommendation(uow, code))["due"]["response"] == "2003-12-31"
        at(clock, "2003-12-17")
        assert plain(sweep(uow))["reminders"] == []
        at(clock, "2003-12-18")  # 7 working days before 31 Dec
        assert [r["stage"] for r in plain(sweep(uow))["reminders"]] == ["before"]
        at(clock, "2004-01-12")  # 7 working days after 31 Dec (New Year's Day skipped)
        assert plain(sweep(uow))["escalations"] == []
        at(clock, "2004-01-13")
        assert [e["reason"] for e in plain(sweep(uow))["escalations"]] == ["missed_response"]


def test_unowned_and_inactive_owners_are_reported_to_the_ilau_once(
    uow: UnitOfWork, clock: FixedClock
) -> None:
    world.build(uow, recs=1)
    svc.raise_recommendation(uow, "botj-2003/R8", ILAU, text="Nobody owns this")
    told = [m for m in plain(list_outbox(uow)) if m["kind"] == "ilau"]
    assert [(m["to"], m["recs"]) for m in told] == [(ILAU, ["botj-2003/R8"])]  # at once
    assert sweep(uow).unowned == []  # and only once
    set_active(uow, OWNER, active=False, actor=ILAU)
    assert sweep(uow).unowned == ["botj-2003/R1"]
    assert sweep(uow).unowned == []


def test_dry_run_reports_but_changes_nothing(uow: UnitOfWork, clock: FixedClock) -> None:
    world.build(uow, recs=2)
    at(clock, "2004-02-01")
    before = counts(uow)
    dry = plain(sweep(uow, dry_run=True))
    assert len(dry["reminders"]) == 2 and len(dry["escalations"]) == 2 and dry["messages"] == 2
    assert counts(uow) == before
    assert plain(sweep(uow)) == dry


def test_manual_escalation_is_for_the_ilau(uow: UnitOfWork, clock: FixedClock) -> None:
    code = world.build(uow, recs=1)[0]
    with pytest.raises(NotPermitted):
        escalate(uow, code, OWNER, reason="Owner is unresponsive")
    escalate(uow, code, ILAU, reason="Owner is unresponsive")
    assert [(e["reason"], e["note"], e["open"]) for e in plain(list_escalations(uow))] == [
        ("manual", "Owner is unresponsive", True)
    ]
    board = [m for m in plain(list_outbox(uow)) if m["kind"] == "escalation"]
    assert [m["to"] for m in board] == [BOARD]
    assert plain(sweep(uow))["cleared"] == []  # nothing has moved yet
    world.advance(clock, 1)
    svc.respond(uow, code, ILAU, body="MPS", text="a")
    svc.respond(uow, code, ILAU, body="MPA", text="b")
    assert plain(sweep(uow))["cleared"] == [code]


def test_reassignment_and_sign_off_tell_the_owners(uow: UnitOfWork, clock: FixedClock) -> None:
    code = world.build(uow, recs=1)[0]
    svc.reassign(uow, code, ILAU, owner=OTHER)
    mails = [(m["kind"], m["to"], m["subject"]) for m in plain(list_outbox(uow))]
    assert mails == [
        ("reassign", OTHER, f"rectrack: {code} is now yours"),
        ("reassign", OWNER, f"rectrack: {code} has passed to Olive Other"),
    ]


def test_two_sweeps_at_once_send_each_reminder_once(engine: Engine, clock: FixedClock) -> None:
    """Two connections sweep at the same moment: every reminder and escalation happens once."""
    with unit_of_work(engine, clock, default_rules()) as uow:
        world.build(uow, recs=6)
    at(clock, "2004-02-01")

    def one() -> dict[str, object]:
        with unit_of_work(engine, clock, default_rules()) as uow:
            return plain(sweep(uow))

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda _: one(), range(2)))
    reminders = [r["rec"] for res in results for r in res["reminders"]]  # type: ignore[attr-defined]
    escalations = [e["rec"] for res in results for e in res["escalations"]]  # type: ignore[attr-defined]
    assert sorted(reminders) == sorted(set(reminders)) and len(reminders) == 6
    assert len(escalations) == 6 == len(set(escalations))
    with unit_of_work(engine, clock, default_rules()) as uow, uow.read() as tx:
        assert tx.conn.execute(select(func.count()).select_from(outbox)).scalar_one() == 2
        assert tx.conn.execute(select(func.count()).select_from(escalation)).scalar_one() == 6
    assert json.dumps(results)  # both results are plain data


def _machine_without(event: str, state: str) -> Any:
    """The lifecycle's machine, except that `event` can no longer fire from `state`."""
    changed = []
    for t in TRANSITIONS:
        sources = [t["source"]] if isinstance(t["source"], str) else list(t["source"])
        if t["trigger"] == event and state in sources:
            sources.remove(state)
            if not sources:
                continue
        changed.append({**t, "source": sources})
    return build_machine(changed)


def test_the_machine_decides_what_the_sweep_may_escalate(
    uow: UnitOfWork, clock: FixedClock
) -> None:
    """With `escalate` unable to fire from raised, late responses are reminded, not escalated."""
    world.build(uow, recs=2)
    at(clock, "2004-02-01")  # responses were due 2003-12-29: past the grace period
    assert plain(sweep(uow, dry_run=True))["escalations"] != []
    result = sweep(uow, machine=_machine_without("escalate", "raised"))
    assert result.escalations == []
    assert [r.kind for r in result.reminders] == ["response", "response"]


def test_the_machine_decides_which_deadlines_run(uow: UnitOfWork, clock: FixedClock) -> None:
    """A deadline runs where its answering event can fire: take `update` away from planned and
    a planned recommendation owes no update, nor a target (it runs while progress is
    reported), though its actions are chased; take `action_done` away and only they stop."""
    code = world.build(uow, recs=1)[0]
    svc.respond(uow, code, ILAU, body="MPS", text="a")
    svc.respond(uow, code, ILAU, body="MPA", text="b")
    svc.plan(uow, code, OWNER, actions=[("Do it", OWNER, date(2004, 1, 10))])
    at(clock, "2004-01-08")  # update due 2003-12-03, target and action 2004-01-10
    kinds = {r.kind for r in sweep(uow, dry_run=True).reminders}
    assert kinds == {"update", "target", "action"}
    narrowed = sweep(uow, dry_run=True, machine=_machine_without("update", "planned"))
    assert {r.kind for r in narrowed.reminders} == {"action"}
    no_actions = sweep(uow, dry_run=True, machine=_machine_without("action_done", "planned"))
    assert {r.kind for r in no_actions.reminders} == {"update", "target"}
