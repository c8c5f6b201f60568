"""Finding recommendations in a report's text: the seed, reports written in its style and in
current HMICFRS style, and arbitrary text."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.ingest_reports import REPORTS, as_text
from workflow.intake.blocks import blocks
from workflow.intake.documents import read_lines, text_pages, without_furniture
from workflow.intake.extract import extract

SEED = Path(__file__).parents[1] / "data" / "seeds" / "001_ed4b0be2dbd59efa.txt"  # seed 001, as is
SEED_FOUND = [
    (
        "R1",
        "Her Majesty's Inspector recommends that BVRs are supported by clear aims which remain "
        "constant and define activity during reviews.",
        "3.1.5",
    ),
    (
        "R2",
        "Her Majesty's Inspector recommends that international benchmarking is conducted in "
        "future BVRs where the scale of operation or function makes domestic comparison "
        "difficult.",
        "3.3.2",
    ),
    (
        "R3",
        "Her Majesty's Inspector recommends that implementation plans are produced which "
        "delineate how recommendations from the improvement plan will be progressed and "
        "subsequently enable effective monitoring.",
        "4.2.3",
    ),
    (
        "R4",
        "Her Majesty's Inspector recommends that the police authority regularly monitors the "
        "progress of implementation and fully documents this.",
        "4.3.4",
    ),
]


def found_in(text: str) -> list[tuple[str, str, str | None, str]]:
    result = extract(without_furniture(text_pages(text)))
    return [(f.ref, f.text, f.paragraph, f.category) for f in result.found]


def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def test_the_seed_report_gives_its_four_recommendations_word_for_word_once_each() -> None:
    """Inline and again in the summary, each is found once, with its paragraph."""
    lines, warnings = read_lines(SEED)
    result = extract(lines)
    assert [(f.ref, f.text, f.paragraph) for f in result.found] == SEED_FOUND
    assert {f.category for f in result.found} == {"recommendation"}
    assert result.warnings == () and warnings == []
    assert result.title == "Metropolitan Police Service Bringing Offenders to Justice October 2003"


def test_the_seed_without_its_summary_still_gives_the_paragraphs_before_each() -> None:
    """The paragraph is the numbered one before the recommendation when none is named."""
    text = seed_text().split("5. Recommendations\n\nRecommendation 1:")[0]
    assert [(r, p) for r, _, p, _ in found_in(text)] == [(r, p) for r, _, p in SEED_FOUND]


@pytest.mark.parametrize("name", sorted(REPORTS))
@pytest.mark.parametrize("layout", ["lines", "wrapped", "markdown"])
def test_written_reports_give_exactly_their_recommendations(name: str, layout: str) -> None:
    """Headers, footers, hyphenated line breaks and page breaks aside; mentions left out."""
    paras, expected = REPORTS[name]
    text = as_text(paras, wrap=68 if layout == "wrapped" else None, markdown=layout == "markdown")
    assert found_in(text) == [(e.ref, e.text, e.paragraph, e.category) for e in expected]


def test_a_word_broken_by_a_hyphen_is_joined_and_a_compound_keeps_its_hyphen() -> None:
    text = (
        "Recommendation 1\n\nThe force should write an imple-\nmentation plan for its cross-\n"
        "cutting work.\n\nThe cross-cutting work matters.\n"
    )
    assert found_in(text)[0][1] == (
        "The force should write an implementation plan for its cross-cutting work."
    )


def test_a_recommendation_split_across_pages_is_joined_without_the_furniture() -> None:
    page = "Inspection of custody\n\n{body}\n\nPage {n} of 2\n"
    text = (
        page.format(body="1.1.1 Findings.\n\nRecommendation 1\n\nThe force should review", n=1)
        + "\f"
        + page.format(body="its custody suites every year.\n\n1.1.2 More findings.", n=2)
    )
    assert found_in(text) == [
        ("R1", "The force should review its custody suites every year.", "1.1.1", "recommendation")
    ]


@pytest.mark.parametrize(
    "mention",
    [
        "Recommendation 2 from the Managing Demand inspection will cover this.",
        "Recommendations made by the review were not implemented.",
        "The recommendation of 2002 was never implemented, as recommendation 4 shows.",
        "R2 of the earlier report was dropped.",
        "Recommendations",
    ],
)
def test_a_paragraph_that_only_mentions_recommendations_gives_none(mention: str) -> None:
    assert found_in(f"Introduction\n\n{mention}\n\nThe force was inspected in May.\n") == []


def test_a_summary_before_the_text_takes_the_paragraph_found_in_the_text() -> None:
    text = (
        "1.1.1 Introduction.\n\nSummary of recommendations\n\nRecommendation 1: The force "
        "should review custody.\n\n2.1.1 Custody was reviewed.\n\nRecommendation 1\n\n"
        "The force should review custody.\n\n2.1.2 More.\n"
    )
    assert found_in(text) == [("R1", "The force should review custody.", "2.1.1", "recommendation")]


def test_a_heading_followed_by_nothing_that_recommends_is_left_out_with_a_warning() -> None:
    result = extract(["Recommendation 7", "", "The weather was fine.", "", "Recommendation 8"])
    assert result.found == ()
    assert len(result.warnings) == 2
    assert "Recommendation 7" in result.warnings[0] and "left out" in result.warnings[0]
    assert "no text" in result.warnings[1]


def test_the_same_number_in_other_words_is_kept_twice_with_a_warning() -> None:
    text = (
        "Recommendation 1\n\nThe force should train its call handlers.\n\n"
        "Recommendations\n\nRecommendation 1: The force should publish its estates strategy.\n"
    )
    assert [r for r, *_ in found_in(text)] == ["R1", "R1-2"]


def test_an_audit_style_instruction_and_a_titled_recommendation_are_read() -> None:
    text = (
        "Recommendation 1: Review programme\n\nConfirm that the five-year programme covers "
        "every function.\n\nR2: Define the principles for partner working.\n"
    )
    result = extract(without_furniture(text_pages(text)))
    assert [(f.ref, f.subject) for f in result.found] == [("R1", "Review programme"), ("R2", None)]
    assert result.found[0].text == "Confirm that the five-year programme covers every function."


_WORDS = st.sampled_from(
    [
        "the",
        "force",
        "review",
        "police",
        "custody",
        "plan",
        "officers",
        "were",
        "found",
        "and",
        "with",
        "its",
        "reports",
        "staff",
        "victims",
        "time",
        "data",
        "cases",
        "public",
        "local",
        "work",
        "made",
    ]
)
_SENTENCE = st.lists(_WORDS, min_size=3, max_size=25).map(lambda w: " ".join(w).capitalize() + ".")
_PARAGRAPH = st.lists(_SENTENCE, min_size=1, max_size=4).map(" ".join)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    before=st.lists(_PARAGRAPH, max_size=6),
    after=st.lists(_PARAGRAPH, max_size=6),
    number=st.integers(1, 99),
    words=st.lists(_WORDS, min_size=3, max_size=40),
    width=st.integers(30, 100),
)
def test_a_recommendation_is_found_wherever_it_is_and_however_its_lines_break(
    before: list[str], after: list[str], number: int, words: list[str], width: int
) -> None:
    text = f"The force should {' '.join(words)}."
    paragraphs = [*before, f"Recommendation {number}", text, *after]
    document = "\n\n".join(textwrap.fill(p, width) for p in paragraphs)
    assert found_in(document) == [(f"R{number}", text, None, "recommendation")]


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_extraction_never_fails_on_arbitrary_text(text: str) -> None:
    result = extract(without_furniture(text_pages(text)))
    assert all(f.text.strip() for f in result.found)
    assert len({f.ref for f in result.found}) == len(result.found)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "Recommendation 1",
                "R2:",
                "Cause of concern",
                "• a",
                "",
                "\f",
                "Areas for improvement",
                "Recommendations",
                "1.2.3 x.",
                "4. Findings",
                "b should",
            ]
        ),
        max_size=30,
    )
)
def test_extraction_never_fails_on_arbitrary_arrangements_of_what_it_reads(
    lines: list[str],
) -> None:
    result = extract(lines)
    assert len({f.ref for f in result.found}) == len(result.found)
    assert all(b.text for b in blocks(lines))
