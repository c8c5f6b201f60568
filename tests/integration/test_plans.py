"""Plans with measures, costs and benefits, verdicts, and work already done (issue 12, items 4
and 5): through the service layer and the command line (in process), on both backends."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from states import GuardRefused, NotPermitted
from tests import world
from tests.world import BOARD, ILAU, OTHER, OWNER, advance
from workflow.cli.main import run
from workflow.clock import FixedClock, instant_text
from workflow.directory.committees import add_committee, add_meeting, get_committee
from workflow.directory.reports import NewReport, insert_report
from workflow.errors import BadInput
from workflow.lifecycle import plans
from workflow.lifecycle import service as svc
from workflow.lifecycle.views import show_recommendation
from workflow.plain import plain
from workflow.reporting.agenda import build_agenda
from workflow.reporting.documents.markdown import to_markdown
from workflow.reporting.papers import committee_report
from workflow.store.tables import action, audit_event, recommendation, response
from workflow.store.uow import UnitOfWork

R1, R2 = f"{world.REPORT}/R1", f"{world.REPORT}/R2"


def answered(uow: UnitOfWork, code: str, **kw: Any) -> None:
    svc.respond(uow, code, ILAU, body="MPS", text="Accepted", **kw)
    svc.respond(uow, code, ILAU, body="MPA", text="Agreed")


def snapshot(uow: UnitOfWork) -> tuple[Any, ...]:
    """The trail's length and every recommendation and action row."""
    with uow.read() as tx:
        c = tx.conn
        events = c.execute(select(func.count()).select_from(audit_event)).scalar_one()
        recs = c.execute(select(recommendation).order_by(recommendation.c.id)).all()
        actions = c.execute(select(action).order_by(action.c.id)).all()
    return events, [tuple(r) for r in recs], [tuple(a) for a in actions]


def cli(uow: UnitOfWork, clock: FixedClock, *args: str) -> int:
    db = uow.engine.url.render_as_string(hide_password=False)
    return run(["--db", db, "--now", instant_text(clock.now()), *args])


def plan_file(tmp_path: Path, target: date, name: str = "plan.yaml") -> Path:
    path = tmp_path / name
    path.write_text(
        "actions:\n"
        "  - text: Train the custody staff\n"
        f"    owner: {OWNER.upper()}\n"
        f"    target: {target}\n"
        "    measure: Share of staff trained\n"
        "    cost_estimate: 12500.50\n"
        "    benefit: Fewer failed prosecutions\n"
        "  - text: Audit the suites\n"
        f"    owner: {OTHER}\n"
        f"    target: {target}\n"
        '    cost_estimate: "£1,000"\n'
    )
    return path


def _planned_from_a_file(uow: UnitOfWork, clock: FixedClock, tmp_path: Path) -> date:
    """R1 answered, then planned on the command line from a plan file; its target."""
    world.build(uow, recs=1)
    answered(uow, R1)
    target = clock.today() + timedelta(days=90)
    plan = str(plan_file(tmp_path, target))
    assert cli(uow, clock, "rec", "plan", R1, "--actor", OWNER, "--from", plan) == 0
    return target


def test_a_plan_from_a_file_keeps_measures_costs_and_benefits(
    uow: UnitOfWork, clock: FixedClock, tmp_path: Path, capsys: Any
) -> None:
    target = _planned_from_a_file(uow, clock, tmp_path)
    view = plain(show_recommendation(uow, R1))
    assert view["state"] == "planned" and view["target"] == target.isoformat()
    got = [(a["owner"], a["measure"], a["cost_estimate"], a["benefit"]) for a in view["actions"]]
    assert got == [
        (OWNER, "Share of staff trained", "12500.50", "Fewer failed prosecutions"),
        (OTHER, None, "1000.00", None),
    ]
    with uow.read() as tx:
        changes = tx.conn.execute(
            select(audit_event.c.changes).where(audit_event.c.event == "plan")
        ).scalar_one()
    recorded = json.loads(changes)["actions"]
    assert [a.get("cost_estimate") for a in recorded] == ["12500.50", "1000.00"]
    assert recorded[0]["measure"] == "Share of staff trained" and "measure" not in recorded[1]


def test_plan_takes_either_actions_or_a_file(
    uow: UnitOfWork, clock: FixedClock, tmp_path: Path, capsys: Any
) -> None:
    world.build(uow, recs=1)
    answered(uow, R1)
    before = snapshot(uow)
    target = clock.today() + timedelta(days=90)
    both = ["--action", f"Do it|{OWNER}|{target}", "--from", str(plan_file(tmp_path, target))]
    capsys.readouterr()
    assert cli(uow, clock, "rec", "plan", R1, "--actor", OWNER, *both) == 2
    assert cli(uow, clock, "rec", "plan", R1, "--actor", OWNER) == 2
    errors = capsys.readouterr().err.splitlines()
    assert len(errors) == 2 and all("--action" in e and "--from FILE" in e for e in errors)
    missing = tmp_path / "missing.yaml"
    assert cli(uow, clock, "rec", "plan", R1, "--actor", OWNER, "--from", str(missing)) == 2
    assert str(missing) in capsys.readouterr().err
    assert snapshot(uow) == before


BAD_FILES = [
    # (file text, where the error must point: line, action, field)
    ("actions:\n  - text: A\n    owner: o@x.org\n    target: 2004-02-30\n", (4, 1, "target")),
    ("actions:\n  - text: A\n    owner: o@x.org\n", (2, 1, "target")),
    (
        "actions:\n  - {text: A, owner: o@x.org, target: 2004-05-01}\n"
        "  - text: B\n    owner: o@x.org\n    target: 2004-05-01\n    cost_estimate: 12.345\n",
        (6, 2, "cost_estimate"),
    ),
    (
        "actions:\n  - text: A\n    owner: o@x.org\n    target: 2004-05-01\n    cost: 1\n",
        (5, 1, "cost"),
    ),
    ("actions:\n  - text: ''\n    owner: o@x.org\n    target: 2004-05-01\n", (2, 1, "text")),
    (
        "actions:\n  - text: A\n    owner: o@x.org\n    target: 2004-05-01\n"
        "    cost_estimate: -5\n",
        (5, 1, "cost_estimate"),
    ),
    ("actions:\n  - just words\n", (2, 1, None)),
]


@pytest.mark.parametrize(("text", "where"), BAD_FILES)
def test_a_bad_plan_file_names_the_file_action_line_and_field_and_changes_nothing(
    uow: UnitOfWork,
    clock: FixedClock,
    tmp_path: Path,
    capsys: Any,
    text: str,
    where: tuple[int, int, str | None],
) -> None:
    world.build(uow, recs=1)
    answered(uow, R1)
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    before = snapshot(uow)
    capsys.readouterr()
    assert cli(uow, clock, "rec", "plan", R1, "--actor", OWNER, "--from", str(path)) == 2
    err = capsys.readouterr().err.strip()
    line, number, field = where
    assert err.startswith(f"error: {path}:{line}: action {number}"), err
    assert (f"field {field}:" in err) == (field is not None), err
    assert "Traceback" not in err and len(err.splitlines()) == 1
    assert snapshot(uow) == before


def test_json_plan_files_are_read_exactly(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text(
        json.dumps(
            {
                "actions": [
                    {"text": "A", "owner": "O@X.org", "done": "2003-10-01", "cost_estimate": 0.1}
                ]
            }
        )
    )
    (got,) = plans.read_plan(path)
    assert got == plans.PlannedAction(
        "A", "o@x.org", date(2003, 10, 1), None, Decimal("0.10"), None, date(2003, 10, 1)
    )
    path.write_text('{"actions": [{"text": "A", "owner": "o@x.org", "target": 5}]}')
    with pytest.raises(plans.PlanFileError) as err:
        plans.read_plan(path)
    assert (err.value.file, err.value.number, err.value.field) == (str(path), 1, "target")


def test_actual_costs_are_recorded_audited_and_leave_the_version(
    uow: UnitOfWork, clock: FixedClock, tmp_path: Path, capsys: Any
) -> None:
    _planned_from_a_file(uow, clock, tmp_path)
    version = show_recommendation(uow, R1).version
    advance(clock, 3)
    assert (
        cli(uow, clock, "rec", "action-cost", R1, "2", "--actor", OTHER, "--actual", "£1,234.56")
        == 0
    )
    svc_out = plans.record_cost(uow, R1, OWNER, number=2, actual=Decimal("1300.00"))
    assert (svc_out.event, svc_out.version) == ("action_cost", version)
    view = show_recommendation(uow, R1)
    assert view.version == version
    assert [a.cost_actual for a in view.actions] == [None, Decimal("1300.00")]
    with uow.read() as tx:
        rows = tx.conn.execute(
            select(audit_event.c.actor, audit_event.c.changes)
            .where(audit_event.c.event == "action_cost")
            .order_by(audit_event.c.id)
        ).all()
    assert [(a, json.loads(c)["cost_actual"]) for a, c in rows] == [
        (OTHER, [None, "1234.56"]),
        (OWNER, ["1234.56", "1300.00"]),
    ]
    capsys.readouterr()
    assert cli(uow, clock, "audit", "verify") == 0


def test_an_actual_cost_is_refused_to_others_and_for_bad_input(
    uow: UnitOfWork, clock: FixedClock, capsys: Any
) -> None:
    world.build(uow, recs=1)
    answered(uow, R1)
    target = clock.today() + timedelta(days=60)
    svc.plan(uow, R1, OWNER, actions=[("Do it", OTHER, target), ("More", OWNER, target)])
    before = snapshot(uow)
    with pytest.raises(NotPermitted):  # owns action 1, not action 2
        plans.record_cost(uow, R1, OTHER, number=2, actual=Decimal(5))
    with pytest.raises(NotPermitted):
        plans.record_cost(uow, R1, BOARD, number=1, actual=Decimal(5))
    with pytest.raises(BadInput, match="no action 3"):
        plans.record_cost(uow, R1, ILAU, number=3, actual=Decimal(5))
    for amount in ("-1", "1.234", "lots", "1e3"):
        capsys.readouterr()
        assert (
            cli(uow, clock, "rec", "action-cost", R1, "1", "--actor", OWNER, "--actual", amount)
            == 2
        )
        assert "--actual" in capsys.readouterr().err
    assert snapshot(uow) == before


def test_a_bodys_verdict_is_recorded_and_shown(
    uow: UnitOfWork, clock: FixedClock, capsys: Any
) -> None:
    world.build(uow, recs=2)
    assert (
        cli(
            uow,
            clock,
            "rec",
            "respond",
            R1,
            "--actor",
            ILAU,
            "--body",
            "MPS",
            "--text",
            "Done already",
            "--considered-complete",
        )
        == 0
    )
    svc.respond(uow, R1, ILAU, body="MPA", text="Agreed")
    capsys.readouterr()
    assert cli(uow, clock, "rec", "show", R1, "--json") == 0
    shown = json.loads(capsys.readouterr().out)["responses"]
    assert [(r["body"], r["considered_complete"]) for r in shown] == [("MPA", False), ("MPS", True)]
    with uow.read() as tx:
        notes = (
            tx.conn.execute(
                select(audit_event.c.note).where(audit_event.c.event == "record_response")
            )
            .scalars()
            .all()
        )
    assert notes == ["MPS: response recorded; considered complete", "MPA: response recorded"]
    before = snapshot(uow)
    with pytest.raises(BadInput, match="considered complete"):
        svc.respond(uow, R2, ILAU, body="MPS", not_applicable="MPA's", considered_complete=True)
    assert snapshot(uow) == before
    with uow.read() as tx:
        assert tx.conn.execute(select(func.count()).select_from(response)).scalar_one() == 2


def test_work_done_before_the_response_is_walked_honestly_to_sign_off(
    uow: UnitOfWork, clock: FixedClock, capsys: Any
) -> None:
    """A recommendation implemented before its response: the body says so, the plan records
    the work as done on its day (its target long past), and it is monitored and signed off."""
    world.build(uow, recs=1)
    advance(clock, 30)
    answered(uow, R1, considered_complete=True)
    done_on = clock.today() - timedelta(days=20)
    spec = f"Custody suites refitted|{OWNER}|{done_on - timedelta(days=5)}|done:{done_on}"
    assert cli(uow, clock, "rec", "plan", R1, "--actor", OWNER, "--action", spec) == 0
    (only,) = show_recommendation(uow, R1).actions
    assert only.done and only.done_at is not None and only.done_at.date() == done_on
    assert only.target == done_on - timedelta(days=5)
    svc.start(uow, R1, OWNER)
    svc.record_update(uow, R1, OWNER, note="Refit finished", degree="completely")
    assert svc.monitor(uow, R1, OWNER).to_state == "monitored"
    assert svc.complete(uow, R1, BOARD, evidence="HMIC follow-up").to_state == "complete"


def test_a_done_day_in_the_future_is_refused_and_open_targets_still_lie_ahead(
    uow: UnitOfWork, clock: FixedClock, tmp_path: Path
) -> None:
    world.build(uow, recs=1)
    answered(uow, R1)
    before = snapshot(uow)
    tomorrow = clock.today() + timedelta(days=1)
    with pytest.raises(GuardRefused) as err:
        svc.plan(uow, R1, OWNER, actions=[plans.PlannedAction("A", OWNER, tomorrow, done=tomorrow)])
    assert err.value.guard == "targets_in_future" and "done" in str(err.value)
    past = clock.today() - timedelta(days=3)
    with pytest.raises(GuardRefused) as err:
        svc.plan(
            uow,
            R1,
            OWNER,
            actions=[plans.PlannedAction("A", OWNER, past, done=past), ("B", OWNER, past)],
        )
    assert err.value.guard == "targets_in_future" and "action(s) 2 " in str(err.value)
    assert snapshot(uow) == before


def _costed_world(uow: UnitOfWork, clock: FixedClock) -> None:
    """Two reports for the PPRC, each with a costed plan."""
    world.build(uow, recs=1)
    add_committee(uow, "PPRC", cadence="six-monthly", secretary=world.ADMIN, actor=ILAU)
    add_meeting(uow, "PPRC", date(2004, 5, 10), actor=ILAU)
    with uow.write() as tx:
        insert_report(
            tx,
            NewReport(
                "md-2003",
                "Managing Demand",
                "HMIC",
                "inspection",
                date(2003, 10, 1),
                "PPRC",
                ("MPS",),
            ),
            ILAU,
        )
    svc.raise_recommendation(uow, "md-2003/R1", ILAU, text="Manage demand", owner=OWNER)
    advance(clock, 1)  # the plans come a day after the reports
    target = clock.today() + timedelta(days=90)
    answered(uow, R1)
    svc.plan(
        uow,
        R1,
        OWNER,
        actions=[
            plans.PlannedAction(
                "Train", OWNER, target, "Staff trained", Decimal("1000.50"), "Fewer failures"
            ),
            plans.PlannedAction("Audit", OWNER, target, None, Decimal("200"), None),
        ],
    )
    svc.respond(uow, "md-2003/R1", ILAU, body="MPS", text="Accepted")
    svc.plan(
        uow,
        "md-2003/R1",
        OWNER,
        actions=[plans.PlannedAction("Triage", OWNER, target, None, Decimal("1234567.89"))],
    )


def _section_d(uow: UnitOfWork) -> str:
    with uow.read() as tx:
        agenda = build_agenda(
            tx, get_committee(tx.conn, "PPRC"), date(2004, 5, 10), "Europe/London"
        )
    text = to_markdown(committee_report(uow, agenda, "1", "Europe/London"), "")
    return text.split("D. Financial implications", 1)[1].split("E. Background papers", 1)[0]


def test_section_d_totals_costs_per_report_as_of_its_day(
    uow: UnitOfWork, clock: FixedClock
) -> None:
    world_start = clock.now()
    _costed_world(uow, clock)
    advance(clock, 10)
    planned_at = clock.now() - timedelta(days=1)
    plans.record_cost(uow, R1, OWNER, number=1, actual=Decimal("900"))
    svc.start(uow, R1, OWNER)
    svc.close_action(uow, R1, OWNER, number=2, dropped_reason="Not needed")
    d = _section_d(uow)
    rows = {line.split("|")[1].strip(): line for line in d.splitlines() if line.startswith("|")}
    assert [
        c.strip() for c in rows[f"Bringing Offenders to Justice ({world.REPORT})"].split("|")[2:4]
    ] == ["£1,000.50", "£900.00"]
    assert [c.strip() for c in rows["Managing Demand (md-2003)"].split("|")[2:4]] == [
        "£1,234,567.89",
        "-",
    ]
    assert [c.strip() for c in rows["Total"].split("|")[2:4]] == ["£1,235,568.39", "£900.00"]
    assert f"{R1}, action 1 (Train): Fewer failures (measured by: Staff trained)" in d
    assert "No costs have been recorded" not in d
    clock.move_to(planned_at)  # as of the day before: the estimates, nothing spent or dropped
    earlier = _section_d(uow)
    assert "£1,235,768.39" in earlier and "£900.00" not in earlier
    clock.move_to(world_start + timedelta(hours=1))
    assert "No costs have been recorded" in _section_d(uow)


def test_section_d_says_so_when_no_plan_is_costed(uow: UnitOfWork, clock: FixedClock) -> None:
    world.build(uow, recs=1)
    add_committee(uow, "PPRC", cadence="six-monthly", secretary=world.ADMIN, actor=ILAU)
    answered(uow, R1)
    svc.plan(uow, R1, OWNER, actions=[("Do it", OWNER, clock.today() + timedelta(days=9))])
    assert "No costs have been recorded" in _section_d(uow)


def test_done_instants_fall_on_their_day(uow: UnitOfWork, clock: FixedClock) -> None:
    clock.move_to(datetime(2004, 6, 30, 23, 30, tzinfo=UTC))  # 00:30 on 1 July in London
    with uow.read() as tx:
        assert plans.done_instant(tx, tx.today) == tx.now
        assert plans.done_instant(tx, date(2004, 6, 1)).date() == date(2004, 6, 1)
