"""Due dates: calendar or England and Wales working days, and how each event moves them."""

from __future__ import annotations

from datetime import date

import pytest

from config import Rule
from states import Due, due_in_state
from workflow.lifecycle.due import add_days, after_event, is_working_day
from workflow.plain import plain

RULE = Rule()
WORKING = Rule(working_days=True)
D = date(2003, 11, 3)  # a Monday


def test_calendar_days() -> None:
    assert add_days(D, 56, working_days=False) == date(2003, 12, 29)


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        (date(2003, 11, 3), 5, date(2003, 11, 10)),  # a week of working days
        (date(2003, 12, 24), 1, date(2003, 12, 29)),  # Christmas Day and Boxing Day 2003
        (date(2004, 4, 8), 1, date(2004, 4, 13)),  # Good Friday and Easter Monday 2004
        (date(2004, 5, 28), 1, date(2004, 6, 1)),  # Spring bank holiday, 31 May 2004
        (date(2004, 12, 24), 1, date(2004, 12, 29)),  # Christmas 2004 fell on a Saturday
        (date(2003, 11, 3), 0, date(2003, 11, 3)),
    ],
)
def test_working_days_skip_weekends_and_bank_holidays(start: date, days: int, due: date) -> None:
    assert add_days(start, days, working_days=True) == due


def test_working_day_calendar() -> None:
    assert not is_working_day(date(2004, 8, 30))  # late summer bank holiday
    assert not is_working_day(date(2004, 1, 3))  # a Saturday
    assert is_working_day(date(2004, 1, 5))


def test_raise_sets_the_response_due_date() -> None:
    due = after_event("raise", "raised", Due(), None, D, RULE)
    assert due == Due(response=date(2003, 12, 29))
    assert due.next == date(2003, 12, 29)


def test_working_day_rules_count_working_days() -> None:
    due = after_event("raise", "raised", Due(), None, D, Rule(working_days=True, response_days=56))
    # 56 working days from 3 Nov 2003: 16 weekends and 3 bank holidays (25, 26 Dec, 1 Jan) later
    assert due.response == date(2004, 1, 23)


def test_respond_replaces_the_response_date_with_the_plan_date() -> None:
    before = Due(response=date(2003, 12, 29))
    assert after_event("respond", "responded", before, None, D, RULE) == Due(
        plan=date(2003, 12, 29)
    )


def test_plan_starts_the_update_clock_and_sets_the_target() -> None:
    target = date(2004, 6, 30)
    due = after_event("plan", "planned", Due(plan=D), target, D, RULE)
    assert due == Due(update=date(2003, 12, 3), target=target)
    assert due.next == date(2003, 12, 3)


def test_start_keeps_the_update_clock_running() -> None:
    before = Due(update=date(2003, 12, 3), target=date(2004, 6, 30))
    assert (
        after_event("start", "in_progress", before, date(2004, 6, 30), date(2003, 11, 20), RULE)
        == before
    )


def test_an_update_resets_the_update_clock() -> None:
    before = Due(update=date(2003, 12, 3), target=date(2004, 6, 30))
    due = after_event("update", "in_progress", before, date(2004, 6, 30), date(2003, 12, 10), RULE)
    assert due.update == date(2004, 1, 9)


def test_an_approved_extension_moves_the_target() -> None:
    before = Due(update=date(2003, 12, 3), target=date(2004, 6, 30))
    due = after_event("approve_extension", "in_progress", before, date(2004, 9, 30), D, RULE)
    assert due == Due(update=date(2003, 12, 3), target=date(2004, 9, 30))


@pytest.mark.parametrize("state", ["complete", "superseded"])
def test_nothing_is_due_once_closed(state: str) -> None:
    before = Due(update=date(2003, 12, 3), target=date(2004, 6, 30))
    assert after_event("complete", state, before, date(2004, 6, 30), D, RULE) == Due()
    assert due_in_state(state, None, None, None, date(2004, 6, 30)).next is None


def test_the_target_counts_only_while_being_implemented() -> None:
    assert due_in_state("responded", None, D, None, date(2004, 1, 1)).target is None
    assert due_in_state("monitored", None, None, D, date(2004, 1, 1)).target == date(2004, 1, 1)


def test_due_as_json_has_the_four_keys() -> None:
    assert plain(Due(update=D)) == {
        "response": None,
        "plan": None,
        "update": "2003-11-03",
        "target": None,
    }
