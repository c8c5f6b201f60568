"""The SQLite instant binder of the prepared statements: one spelling of every instant, in UTC,
whether or not it has just bound the same object."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.dialects import sqlite

from workflow.store.schema import UTCDateTime

ZONES = st.sampled_from([UTC, timezone(timedelta(hours=1)), timezone(timedelta(hours=-5))])
INSTANTS = st.builds(
    lambda naive, zone: naive.replace(tzinfo=zone),
    st.datetimes(min_value=datetime(1900, 1, 2), max_value=datetime(9999, 12, 30)),
    ZONES,
)


def spelled(value: datetime) -> str:
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


@given(st.lists(INSTANTS, min_size=1, max_size=8), st.lists(st.integers(0, 7), max_size=20))
def test_repeated_and_new_instants_bind_to_their_own_utc_text(
    instants: list[datetime], picks: list[int]
) -> None:
    bind = UTCDateTime().prepared_bind(sqlite.dialect())
    assert bind is not None
    # Each pick binds the same object again, or another: the text is always its own.
    for value in [instants[i % len(instants)] for i in picks] + instants:
        assert bind(value) == spelled(value)
    assert bind(None) is None


def test_a_naive_instant_is_refused_even_after_a_good_one() -> None:
    bind = UTCDateTime().prepared_bind(sqlite.dialect())
    assert bind is not None
    now = datetime(2004, 1, 12, 12, tzinfo=UTC)
    assert bind(now) == "2004-01-12 12:00:00.000000"
    with pytest.raises(ValueError, match="naive datetime"):
        bind(now.replace(tzinfo=None))
