"""Reminder and escalation rules over simulated dates, working days included."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from config import Rule
from workflow.chasing.escalations import escalation_due
from workflow.chasing.reminders import reminder_stage

RULE = Rule()  # remind 7 days before, escalate more than 7 days after
WORKING = Rule(working_days=True, remind_before_days=5, grace_days=5)
DUE = date(2004, 1, 12)  # a Monday


@pytest.mark.parametrize(
    ("today", "stage"),
    [
        (date(2004, 1, 1), None),
        (date(2004, 1, 4), None),
        (date(2004, 1, 5), "before"),  # seven days before
        (date(2004, 1, 11), "before"),
        (date(2004, 1, 12), "due"),  # on the day
        (date(2004, 2, 12), "due"),  # long after: still the one "due" reminder
    ],
)
def test_reminder_stage_by_date(today: date, stage: str | None) -> None:
    assert reminder_stage(DUE, today, RULE) == stage


@pytest.mark.parametrize(
    ("today", "escalated"),
    [
        (date(2004, 1, 12), False),
        (date(2004, 1, 19), False),  # seven days past: still within grace
        (date(2004, 1, 20), True),  # more than seven days past
    ],
)
def test_escalation_after_the_grace_period(today: date, escalated: bool) -> None:
    assert escalation_due(DUE, today, RULE) is escalated


def test_a_year_simulated_day_by_day_gives_each_stage_once() -> None:
    """Walking every day of a year, the stages come in order, each starting once."""
    stages = []
    for n in range(365):
        today = date(2003, 12, 1) + timedelta(days=n)
        stage = reminder_stage(DUE, today, RULE)
        if stage and (not stages or stages[-1][1] != stage):
            stages.append((today, stage))
    assert stages == [(date(2004, 1, 5), "before"), (date(2004, 1, 12), "due")]


def test_catching_up_after_downtime_sends_only_the_current_stage() -> None:
    """A sweep that first runs a month late finds the date due, never "before"."""
    assert reminder_stage(DUE, DUE + timedelta(days=30), RULE) == "due"
    assert escalation_due(DUE, DUE + timedelta(days=30), RULE)


def test_working_days_skip_the_easter_bank_holidays() -> None:
    """Due Tuesday 13 April 2004: five working days before is Friday 2 April (Good Friday and
    Easter Monday do not count); escalation comes after five more working days (20 April)."""
    due = date(2004, 4, 13)
    assert reminder_stage(due, date(2004, 4, 1), WORKING) is None
    assert reminder_stage(due, date(2004, 4, 2), WORKING) == "before"
    assert not escalation_due(due, date(2004, 4, 20), WORKING)
    assert escalation_due(due, date(2004, 4, 21), WORKING)
