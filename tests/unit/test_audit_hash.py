"""The hashed spelling of events: canonical JSON, SHA-256 over the listed content."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime
from decimal import Decimal

from workflow.audit.trail import GENESIS, canonical, content_hash, event_hash
from workflow.clock import instant_text

ROW = {
    "id": 7,
    "at": datetime(2004, 1, 12, 12, tzinfo=UTC),
    "actor": "ilau@example.org",
    "event": "reassign",
    "rec": "botj-2003/R1",
    "report": "botj-2003",
    "from_state": "planned",
    "to_state": "planned",
    "note": "owner a -> b — “moved”",
    "changes": canonical({"owner": ["a@x.org", "b@x.org"]}),
    "prev_hash": GENESIS,
}


def test_canonical_is_the_spelling_the_trail_was_written_with() -> None:
    """Sorted keys, no spaces, UTF-8 kept, dates as ISO: unchanged since the first event."""
    value = {"b": [date(2004, 1, 2), Decimal("1.50")], "a": "é", "c": None}
    assert canonical(value) == '{"a":"é","b":["2004-01-02","1.50"],"c":null}'
    assert canonical(value) == json.dumps(
        json.loads(canonical(value)), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )


def test_an_event_hash_is_sha256_of_its_listed_content() -> None:
    content = [
        7,
        "2004-01-12T12:00:00.000000+00:00",
        *(ROW[k] for k in ("actor", "event", "rec", "report", "from_state", "to_state", "note")),
        ROW["changes"],
        GENESIS,
    ]
    expected = hashlib.sha256(
        json.dumps(content, separators=(",", ":"), ensure_ascii=False).encode()
    ).hexdigest()
    assert event_hash(ROW) == expected
    assert content_hash(*content) == expected


def test_instants_are_hashed_in_utc_to_the_microsecond() -> None:
    assert instant_text(datetime(2004, 6, 1, 12, 0, 0, 5, tzinfo=UTC)) == (
        "2004-06-01T12:00:00.000005+00:00"
    )
