"""The instant an as-of query names: a bare date is the end of that day in London."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from workflow.audit.asof import as_of_instant


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A bare date is the last instant of that day in London: BST in June, GMT in January.
        ("2004-06-01", datetime(2004, 6, 1, 22, 59, 59, 999999, tzinfo=UTC)),
        ("2004-01-12", datetime(2004, 1, 12, 23, 59, 59, 999999, tzinfo=UTC)),
        ("2004-06-01T09:30", datetime(2004, 6, 1, 8, 30, tzinfo=UTC)),
        ("2004-06-01T09:30:00+00:00", datetime(2004, 6, 1, 9, 30, tzinfo=UTC)),
    ],
)
def test_as_of_reads_a_date_as_its_end_and_a_date_time_as_given(
    text: str, expected: datetime
) -> None:
    assert as_of_instant(text, "Europe/London") == expected
