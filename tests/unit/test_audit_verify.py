"""The chain walk on rows in memory: each kind of tampering is named at the right event."""

from __future__ import annotations

import pytest

from workflow.audit.trail import GENESIS, content_hash
from workflow.audit.verify import Anchor, ChainRow, check_chain, parse_anchor
from workflow.errors import BadInput
from workflow.plain import plain


def chain(n: int, start: int = 1, prev: str = GENESIS) -> list[ChainRow]:
    """A valid chain of `n` events numbered from `start`, linked onto `prev`."""
    rows: list[ChainRow] = []
    for seq in range(start, start + n):
        content = (
            seq,
            f"2004-01-{seq % 28 + 1:02d}T12:00:00.000000+00:00",
            "ilau@example.org",
            "update",
            f"r-2004/R{seq % 3}",
            "r-2004",
            "in_progress",
            "in_progress",
            f"note {seq}",
            '{"degree":["none","partially"]}',
            prev,
        )
        prev = content_hash(*content)
        rows.append((*content, prev))
    return rows


def with_note(row: ChainRow, note: str, rehash: bool = False) -> ChainRow:
    changed = (*row[:8], note, *row[9:11])
    return (*changed, content_hash(*changed) if rehash else row[11])


def renumbered(row: ChainRow, seq: int) -> ChainRow:
    return (seq, *row[1:])


def test_an_intact_chain_is_ok_and_counts_its_events() -> None:
    verdict = check_chain(chain(20))
    assert verdict.ok and verdict.events == 20
    assert plain(verdict) == {"events": 20, "ok": True}


def test_an_empty_trail_is_ok() -> None:
    assert plain(check_chain([])) == {"events": 0, "ok": True}


def test_altered_content_is_named() -> None:
    rows = chain(10)
    rows[6] = with_note(rows[6], "nothing happened")
    verdict = check_chain(rows)
    assert plain(verdict) == {
        "ok": False,
        "first_bad": 7,
        "problem": "event 7 was altered: its content does not match its hash",
    }


def test_an_altered_hash_column_is_named() -> None:
    rows = chain(10)
    rows[3] = (*rows[3][:11], "f" * 64)
    assert check_chain(rows).first_bad == 4


def test_an_altered_event_whose_hash_was_recomputed_is_named_not_its_successor() -> None:
    rows = chain(10)
    rows[4] = with_note(rows[4], "nothing happened", rehash=True)
    verdict = check_chain(rows)
    assert verdict.first_bad == 5
    assert verdict.problem is not None and "hash recomputed" in verdict.problem


def test_a_deleted_event_is_named_by_its_missing_number() -> None:
    rows = chain(10)
    del rows[3]
    verdict = check_chain(rows)
    assert verdict.first_bad == 4
    assert verdict.problem == "event 4 was deleted: the chain goes from event 3 to event 5"


def test_several_deleted_events_are_named_from_the_first() -> None:
    rows = chain(10)
    del rows[0:3]
    verdict = check_chain(rows)
    assert (verdict.first_bad, verdict.problem) == (
        1,
        "events 1 to 3 were deleted: the chain starts at event 4",
    )


def test_a_deletion_hidden_by_renumbering_is_named_where_the_numbers_slipped() -> None:
    rows = chain(10)
    del rows[3]
    rows = [renumbered(r, i) for i, r in enumerate(rows, start=1)]
    verdict = check_chain(rows)
    assert verdict.first_bad == 4
    assert verdict.problem is not None and "written as event 5" in verdict.problem


def test_two_swapped_events_are_named_at_the_first_of_them() -> None:
    rows = chain(10)
    rows[5], rows[6] = renumbered(rows[6], 6), renumbered(rows[5], 7)
    verdict = check_chain(rows)
    assert verdict.first_bad == 6
    assert verdict.problem is not None and "reordered" in verdict.problem


def test_an_event_inserted_in_the_middle_is_named() -> None:
    rows = chain(10)
    forged = chain(1, start=5, prev=rows[3][11])[0]
    rows = [*rows[:4], forged, *(renumbered(r, r[0] + 1) for r in rows[4:])]
    verdict = check_chain(rows)
    assert verdict.first_bad == 5
    assert verdict.problem == "event 6 was written as event 5: event 5 was inserted before it"


def test_an_event_chained_to_an_earlier_one_is_named() -> None:
    rows = chain(10)
    # A copy of event 5, rehashed at position 7 but still chained after event 4.
    moved = (7, *rows[4][1:])
    rows[6] = (*moved[:11], content_hash(*moved[:11]))
    verdict = check_chain(rows)
    assert verdict.first_bad == 5
    assert verdict.problem == (
        "event 7 is chained after event 4, not after event 6: "
        "events 5 to 6 were inserted, or event 7 was moved"
    )


def test_an_event_numbered_below_one_is_named() -> None:
    rows = [renumbered(chain(1)[0], 0), *chain(3)]
    assert check_chain(rows).first_bad == 0


def test_a_recomputed_chain_passes_alone_but_not_against_an_anchor() -> None:
    rows = chain(10)
    anchor = Anchor(8, rows[7][11])
    altered = with_note(rows[4], "nothing happened", rehash=True)
    rewritten = [*rows[:4], altered, *chain(5, start=6, prev=altered[11])]
    assert check_chain(rewritten).ok
    verdict = check_chain(rewritten, [anchor])
    assert verdict.first_bad == 8
    assert verdict.problem is not None and "does not match the anchor" in verdict.problem
    assert check_chain(rows, [anchor]).ok


def test_a_cut_tail_is_caught_by_an_anchor_beyond_it() -> None:
    rows = chain(10)
    anchor = Anchor(10, rows[9][11])
    verdict = check_chain(rows[:7], [anchor])
    assert (verdict.first_bad, verdict.problem) == (
        8,
        "the trail ends at event 7, but an anchor names event 10: events 8 to 10 were deleted",
    )


def test_anchors_parse_as_audit_head_prints_them() -> None:
    digest = "ab" * 32
    assert parse_anchor(f" 12:{digest.upper()} ") == Anchor(12, digest)
    assert str(Anchor(12, digest)) == f"12:{digest}"


@pytest.mark.parametrize("text", ["12", "12:abc", f"0:{'a' * 64}", f"x:{'a' * 64}", ""])
def test_malformed_anchors_are_bad_input(text: str) -> None:
    with pytest.raises(BadInput, match="not an anchor"):
        parse_anchor(text)
