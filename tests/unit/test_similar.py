"""Scoring stored recommendations against new ones, and how well the labelled set's repeats
are found at the chosen thresholds."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import CountVectorizer

from config.ingest import IngestSettings
from workflow.intake.similar import comparable, letter_runs, most_like, similarity

BENCH = Path(__file__).parents[2] / "bench" / "bench_repeats.py"
BOTJ_R1 = (
    "Her Majesty's Inspector recommends that BVRs are supported by clear aims which remain "
    "constant and define activity during reviews."
)
MD_R1 = (
    "Her Majesty's Inspector recommends that all future BVRs contain clear, challenging and "
    "SMART aims, supported by clearly defined activities."
)


def bench() -> ModuleType:
    """bench/bench_repeats.py, which measures the labelled set (the test and the bench agree)."""
    if "bench_repeats" not in sys.modules:
        spec = importlib.util.spec_from_file_location("bench_repeats", BENCH)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules["bench_repeats"] = module  # its dataclasses look their module up
        spec.loader.exec_module(module)
    return sys.modules["bench_repeats"]


def test_the_labelled_set_at_the_chosen_thresholds() -> None:
    """Precision and recall of the proposed repeats, and of every link listed, printed."""
    b = bench()
    labelled = b.load_labelled()
    s = b.measure(labelled, IngestSettings())
    print(
        f"\nrepeats: precision {s.repeat_precision:.2f} recall {s.repeat_recall:.2f} "
        f"({s.repeats_proposed} proposed, {s.repeats_labelled} labelled); links: precision "
        f"{s.link_precision:.2f} recall {s.link_recall:.2f} ({s.links_proposed} listed, "
        f"{s.links_labelled} labelled)"
    )
    assert len(labelled.stored) >= 30 and len(labelled.new) >= 40
    assert s.repeats_labelled >= 20
    assert s.repeat_precision >= 0.85 and s.repeat_recall >= 0.9
    assert s.link_precision >= 0.7 and s.link_recall >= 0.6


def test_the_seed_repeat_is_proposed_and_the_seed_relation_listed() -> None:
    """Managing Demand R1 repeats BOTJ R1; its R2 is related to BOTJ R3 (seed 000)."""
    b = bench()
    labelled = b.load_labelled()
    chosen = IngestSettings()
    new = {n.get("id"): n["text"] for n in labelled.new}
    md_r1, md_r2 = most_like(
        [new["md-2003/R1"], new["md-2003/R2"]],
        labelled.stored,
        floor=0.0,
        most=5,
    )
    assert md_r1[0].id == "botj-2003/R1" and md_r1[0].score >= chosen.repeat_threshold
    assert "botj-2003/R3" in [c.id for c in md_r2[:3]]
    assert md_r2[0].score < chosen.repeat_threshold  # related, not proposed as a repeat


def test_scores_lie_between_0_and_1_and_an_identical_text_scores_1() -> None:
    scores = similarity([BOTJ_R1, "Something else entirely."], [MD_R1, BOTJ_R1])
    assert scores.shape == (2, 2)
    assert ((scores >= 0) & (scores <= 1)).all()
    assert scores[0, 1] > 0.999 and scores[0, 0] > scores[1, 0]


def test_the_formulaic_opening_is_left_out_of_the_comparison() -> None:
    assert comparable(f"By 31 March 2024, {BOTJ_R1}").startswith("BVRs are supported")
    assert comparable("Within three months, the force should act.") == "the force should act."
    scores = similarity(
        ["Her Majesty's Inspector recommends that custody suites are cleaned."],
        ["Her Majesty's Inspector recommends that the fleet is replaced."],
    )
    assert scores[0, 0] < 0.1


def test_candidates_are_best_first_at_most_so_many_and_above_the_floor() -> None:
    stored = [("a/R1", BOTJ_R1), ("b/R1", MD_R1), ("c/R1", "The force should buy cars.")]
    (ranked,) = most_like([BOTJ_R1], stored, floor=0.2, most=2)
    assert [c.id for c in ranked] == ["a/R1", "b/R1"]
    assert ranked[0].score >= ranked[1].score >= 0.2
    assert most_like([BOTJ_R1], stored, floor=0.2, most=1) == [ranked[:1]]
    assert most_like([], stored, floor=0.0, most=5) == []
    assert most_like([BOTJ_R1], [], floor=0.0, most=5) == [[]]


def test_texts_with_no_words_to_compare_score_nothing() -> None:
    assert similarity(["the and of", ""], ["it is", "a"]).tolist() == [[0.0, 0.0], [0.0, 0.0]]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(max_size=60), min_size=1, max_size=6))
def test_letter_runs_are_counted_as_scikit_learn_counts_them(documents: list[str]) -> None:
    """The same runs of four inside words (one-letter words aside, which it counts whole)."""
    runs = letter_runs(documents)
    words = [
        " ".join(w for w in d.casefold().replace("\0", " ").split() if len(w) > 1)
        for d in documents
    ]
    try:
        expected = CountVectorizer(
            analyzer="char_wb", ngram_range=(4, 4), lowercase=False
        ).fit_transform(words)
    except ValueError:  # nothing to count at all
        assert runs.nnz == 0
        return
    assert np.asarray(runs.sum(axis=1)).ravel().tolist() == (
        np.asarray(expected.sum(axis=1)).ravel().tolist()
    )
