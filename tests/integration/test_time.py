"""Time: dates within a sane range, no date arithmetic that can raise, and time that moves
forward on a recommendation (and is checked so by `audit verify`)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import update

from states import GuardRefused
from tests import world
from tests.world import ILAU, OWNER, REPORT, to_in_progress
from workflow.audit.verify import verify_chain
from workflow.chasing.sweep import sweep
from workflow.clock import FixedClock, parse_day, parse_instant
from workflow.errors import BadInput, OutOfOrder
from workflow.lifecycle import service as svc
from workflow.lifecycle.due import add_days
from workflow.store.tables import recommendation, report
from workflow.store.uow import UnitOfWork


@pytest.mark.parametrize("text", ["9999-12-31", "0001-01-01", "2201-01-01T09:00"])
def test_now_and_dates_lie_in_a_sane_range(text: str) -> None:
    with pytest.raises(BadInput, match="between 1900-01-01 and 2200-12-31"):
        parse_instant(text)
    with pytest.raises(BadInput, match="between"):
        parse_day(text[:10], "--to")


def test_a_local_time_the_clocks_skip_is_refused() -> None:
    """01:30 on 28 March 2004 never happened in London: it is refused, not shifted."""
    with pytest.raises(BadInput, match="does not exist in Europe/London"):
        parse_instant("2004-03-28T01:30")
    assert parse_instant("2004-03-28T02:30") == datetime(2004, 3, 28, 1, 30, tzinfo=UTC)
    assert parse_instant("2004-03-28T01:30+00:00") == datetime(2004, 3, 28, 1, 30, tzinfo=UTC)


@pytest.mark.parametrize("working", [False, True])
def test_date_arithmetic_never_raises(working: bool) -> None:
    assert add_days(date(9999, 12, 30), 30, working) == date.max
    assert add_days(date(1, 1, 2), -30, False) == date.min


def test_an_extension_obeys_the_planning_horizon(uow: UnitOfWork, clock: FixedClock) -> None:
    """An approved extension to 9999-12-31 once stopped every later sweep of the database."""
    code = world.build(uow, recs=1)[0]
    to_in_progress(uow, clock, code)
    with pytest.raises(GuardRefused) as err:
        svc.request_extension(uow, code, OWNER, to=date(2200, 12, 31), reason="Forever")
    assert err.value.guard == "revised_target_within_horizon"


def test_a_date_stored_at_the_end_of_time_does_not_stop_the_sweep(
    uow: UnitOfWork, clock: FixedClock
) -> None:
    codes = world.build(uow, recs=2)
    to_in_progress(uow, clock, codes[0])
    with uow.write() as tx:  # as a database written before dates were checked may hold
        tx.conn.execute(
            update(recommendation)
            .where(recommendation.c.code == codes[0])
            .values(target_date=date(9999, 12, 31), next_due=date(2003, 12, 1))
        )
    clock.move_to(clock.now() + timedelta(days=60))
    result = sweep(uow)
    assert {r.rec for r in result.reminders} == {codes[0], codes[1]}


def test_an_event_before_the_latest_one_is_refused(uow: UnitOfWork, clock: FixedClock) -> None:
    """`--now` going backwards once let `audit as-of` show a recommendation complete a year
    before its report existed."""
    code = world.build(uow, recs=1)[0]
    clock.move_to(clock.now() + timedelta(days=30))
    svc.respond(uow, code, ILAU, body="MPS", text="Accepted")
    clock.move_to(clock.now() - timedelta(days=1))
    with pytest.raises(OutOfOrder, match="before its latest event"):
        svc.respond(uow, code, ILAU, body="MPA", text="Agreed")
    clock.move_to(clock.now() + timedelta(days=1))
    svc.respond(uow, code, ILAU, body="MPA", text="Agreed")  # the same instant is fine


def test_no_answer_before_the_report_is_published(uow: UnitOfWork, clock: FixedClock) -> None:
    code = world.build(uow, recs=1)[0]
    with uow.write() as tx:
        tx.conn.execute(
            update(report).where(report.c.key == REPORT).values(published=date(2004, 3, 1))
        )
    with pytest.raises(OutOfOrder, match="before the report was published"):
        svc.respond(uow, code, ILAU, body="MPS", text="Too early")
    svc.reassign(uow, code, ILAU, owner=world.OTHER)  # other events are not answers
    clock.move_to(datetime(2004, 3, 1, 12, tzinfo=UTC))
    svc.respond(uow, code, ILAU, body="MPS", text="Now")


def test_a_sweep_cannot_be_dated_before_the_trail(uow: UnitOfWork, clock: FixedClock) -> None:
    world.build(uow, recs=1)
    clock.move_to(clock.now() - timedelta(days=1))
    with pytest.raises(OutOfOrder, match="a sweep cannot"):
        sweep(uow)


def test_verify_finds_time_that_went_backwards(uow: UnitOfWork, clock: FixedClock) -> None:
    """An event written around the checks, chained correctly but dated before the event of
    the same recommendation before it, fails verification."""
    code = world.build(uow, recs=1)[0]
    clock.move_to(clock.now() - timedelta(days=3))
    with uow.write() as tx:
        tx.audit.append(actor=ILAU, event="note", rec=code, report=REPORT, note="back-dated")
    with uow.read() as tx:
        verdict = verify_chain(tx.conn)
    assert not verdict.ok
    assert verdict.problem is not None and "time went backwards" in verdict.problem
