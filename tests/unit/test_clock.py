"""The clock and how `--now` is read."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from workflow.clock import FixedClock, SystemClock, make_clock, parse_bound, parse_instant
from workflow.errors import BadInput


def test_a_bare_date_is_noon_in_london() -> None:
    assert parse_instant("2004-07-01") == datetime(2004, 7, 1, 11, 0, tzinfo=UTC)  # BST
    assert parse_instant("2004-01-12") == datetime(2004, 1, 12, 12, 0, tzinfo=UTC)  # GMT


def test_date_times_with_and_without_offsets() -> None:
    assert parse_instant("2004-07-01T09:30") == datetime(2004, 7, 1, 8, 30, tzinfo=UTC)
    assert parse_instant("2004-07-01T09:30+00:00") == datetime(2004, 7, 1, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize("text", ["yesterday", "2004-13-01", "2004/01/01", ""])
def test_nonsense_is_bad_input(text: str) -> None:
    with pytest.raises(BadInput, match="not an ISO date"):
        parse_instant(text)


def test_fixed_clock_stands_still_until_moved() -> None:
    clock = make_clock("2003-11-03")
    assert isinstance(clock, FixedClock)
    assert clock.now() == clock.now()
    assert clock.today().isoformat() == "2003-11-03"
    clock.move_to(datetime(2004, 1, 1, 23, 30, tzinfo=UTC))
    assert clock.today().isoformat() == "2004-01-01"


def test_without_now_the_system_clock_is_used() -> None:
    clock = make_clock(None)
    assert isinstance(clock, SystemClock)
    assert clock.now().tzinfo is not None


def test_query_bounds_cover_whole_days() -> None:
    assert parse_bound("2004-01-12") == datetime(2004, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_bound("2004-01-12", end=True) == datetime(2004, 1, 13, 0, 0, tzinfo=UTC)
