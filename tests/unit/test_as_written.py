"""Reading what a report wrote (issue 12, item 8): a lead of one or two levels, a statutory
flag of yes, no or unknown; and the tracker's column widths proportioned to their content."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from workflow.intake.model import STATUTORY_WORDS, RecommendationIn, parse_lead, parse_statutory
from workflow.reporting.documents.model import Table, content_widths
from workflow.reporting.tracker import judgement_text, statutory_text

# A level of a lead: a post's name, without "/" (which separates the levels).
LEVEL = st.text(
    st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="/"), max_size=40
).filter(lambda t: t.strip())
SPACE = st.sampled_from(["", " ", "  ", "\t"])


@given(LEVEL, LEVEL, SPACE, SPACE)
def test_two_levels_are_accountable_then_responsible(
    first: str, second: str, before: str, after: str
) -> None:
    accountable, responsible = parse_lead(f"{first}{before}/{after}{second}")
    assert accountable == " ".join(first.split())
    assert responsible == " ".join(second.split())


@given(LEVEL)
def test_one_level_is_who_is_accountable(only: str) -> None:
    assert parse_lead(only) == (" ".join(only.split()), None)


@given(st.lists(LEVEL, min_size=3, max_size=5))
def test_more_than_two_levels_are_refused(levels: list[str]) -> None:
    with pytest.raises(ValueError, match="at most two levels"):
        parse_lead(" / ".join(levels))


@given(st.text(max_size=30))
def test_any_text_is_a_lead_or_refused_plainly(text: str) -> None:
    try:
        accountable, responsible = parse_lead(text)
    except ValueError:
        return
    assert accountable and "/" not in accountable
    assert responsible is None or (responsible and "/" not in responsible)


@given(st.sampled_from(sorted(STATUTORY_WORDS)), st.booleans(), SPACE, SPACE)
def test_statutory_words_in_any_case(word: str, upper: bool, before: str, after: str) -> None:
    written = f"{before}{word.upper() if upper else word.title()}{after}"
    assert parse_statutory(written) is STATUTORY_WORDS[word]
    rec = RecommendationIn(ref="R1", text="t", statutory=written)
    assert rec.statutory is STATUTORY_WORDS[word]


@given(st.text(max_size=20))
def test_any_other_statutory_text_is_refused(text: str) -> None:
    if " ".join(text.split()).lower() in STATUTORY_WORDS:
        assert parse_statutory(text) is STATUTORY_WORDS[" ".join(text.split()).lower()]
        return
    with pytest.raises(ValidationError, match="yes, no or unknown"):
        RecommendationIn(ref="R1", text="t", statutory=text)


def test_booleans_and_absence() -> None:
    assert RecommendationIn(ref="R1", text="t", statutory=True).statutory is True
    assert RecommendationIn(ref="R1", text="t").statutory is False
    assert RecommendationIn(ref="R1", text="t", statutory="unknown").statutory is None
    assert [statutory_text(*f) for f in ((True, True), (False, True), (False, False))] == [
        "STATUTORY",
        "Non-statutory",
        "Statutory: not stated",
    ]
    assert judgement_text("How good is the service?", "Fair") == "How good is the service? Fair"
    assert judgement_text("Leadership", "Good") == "Leadership: Good"


CELLS = st.text(st.characters(codec="ascii", blacklist_categories=("Cc",)), max_size=300)


@given(st.integers(1, 8).flatmap(lambda n: st.lists(st.tuples(*[CELLS] * n), max_size=12)))
def test_widths_fill_the_line_and_keep_words_whole(rows: list[tuple[str, ...]]) -> None:
    if not rows:
        return
    headers = tuple(f"Column {n}" for n in range(len(rows[0])))
    widths = content_widths(headers, tuple(rows), line=160)
    assert len(widths) == len(headers) and all(w > 0 for w in widths)
    assert sum(widths) == pytest.approx(160) or sum(widths) > 160  # floors may need more
    for n, width in enumerate(widths):
        words = [w for r in rows for w in r[n].split()] + headers[n].split()
        assert width >= min(16, max(len(w) for w in words)) + 3


def test_the_column_with_the_most_text_is_widest() -> None:
    rows = (("R1", "short", "a much longer text " * 20), ("R2", "tiny", "more words " * 10))
    widths = content_widths(("No", "Subject", "Progress"), rows, line=150)
    assert widths[2] > widths[1] > widths[0]
    Table(("No", "Subject", "Progress"), rows, widths=widths)  # a table takes them
    with pytest.raises(ValueError, match="positive"):
        Table(("No", "Subject"), (), widths=(1.0, 0.0))
    with pytest.raises(ValueError, match="2 positive numbers"):
        Table(("No", "Subject"), (), widths=(1.0,))
