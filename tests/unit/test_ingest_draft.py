"""The draft import file: the importer's YAML, whatever the words found, with its comments."""

from __future__ import annotations

from datetime import date

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from workflow.intake.draft import draft_file
from workflow.intake.ingest import DraftReport, FoundRecommendation, Ingested, PossibleRepeat
from workflow.intake.model import ImportDoc
from workflow.plain import plain

REPORT = DraftReport(
    "custody-2004",
    "Custody: a Best Value Review Inspection",
    "HMIC",
    "inspection",
    date(2004, 5, 3),
    ("MPS",),
    "custody.pdf",
    date(2004, 6, 1),
)


def found(text: str, ref: str = "R1", **more: object) -> FoundRecommendation:
    fields: dict[str, object] = {
        "ref": ref,
        "text": text,
        "paragraph": "3.1.1",
        "category": "recommendation",
        "possible_repeats": (),
    } | more
    return FoundRecommendation(**fields)  # type: ignore[arg-type]


def test_the_draft_names_the_report_and_each_recommendation_with_its_proposed_repeat() -> None:
    candidates = (
        PossibleRepeat("botj-2003/R3", 0.61, "Implementation plans are produced."),
        PossibleRepeat("md-2003/R2", 0.27, "Arrangements for implementation are reviewed."),
    )
    ingested = Ingested(
        (
            found("The force should plan.", possible_repeats=candidates, repeats="botj-2003/R3"),
            found("The force should publish its plan.", "R2", paragraph=None, subject="Plans"),
        ),
        ("a warning",),
        REPORT,
    )
    text = draft_file(ingested)
    doc = ImportDoc.model_validate(yaml.safe_load(text))
    (report,) = doc.reports
    assert (report.key, report.body, report.published) == ("custody-2004", "HMIC", date(2004, 5, 3))
    assert report.responding_bodies == ["MPS"]
    first, second = report.recommendations
    assert (first.ref, first.paragraph, first.repeats, first.owner) == (
        "R1",
        "3.1.1",
        "botj-2003/R3",
        None,
    )
    assert (second.subject, second.paragraph, second.repeats) == ("Plans", None, None)
    assert "#   repeats? botj-2003/R3 (0.61): Implementation plans are produced." in text
    assert "#   related? md-2003/R2 (0.27)" in text
    assert "#   a warning" in text and "# owner: EMAIL" in text
    assert "custody.pdf on 2004-06-01" in text


def test_the_json_shows_what_was_asked_for_and_nothing_internal() -> None:
    candidate = PossibleRepeat("botj-2003/R3", 0.61, "Plans.")
    ingested = Ingested(
        (found("The force should plan.", possible_repeats=(candidate,)),), (), REPORT
    )
    assert plain(ingested) == {
        "recommendations": [
            {
                "ref": "R1",
                "text": "The force should plan.",
                "paragraph": "3.1.1",
                "category": "recommendation",
                "possible_repeats": [{"id": "botj-2003/R3", "score": 0.61, "text": "Plans."}],
            }
        ],
        "warnings": [],
    }


def test_a_report_with_none_found_is_still_a_draft_that_imports() -> None:
    text = draft_file(Ingested((), ("no recommendations found",), REPORT))
    assert ImportDoc.model_validate(yaml.safe_load(text)).reports[0].recommendations == []


_TEXT = st.text(
    st.characters(exclude_categories=("Cc", "Cs", "Zl", "Zp"), exclude_characters="\ufeff"),
    min_size=1,
    max_size=200,
).filter(lambda t: t.strip() == t and t.strip())


@settings(max_examples=150, deadline=None)
@given(
    st.lists(_TEXT, min_size=1, max_size=4),
    st.one_of(st.none(), _TEXT),
    st.lists(st.sampled_from(["", "\n- "]), min_size=1, max_size=4),
)
def test_any_words_found_come_back_from_the_draft_exactly(
    texts: list[str], subject: str | None, joins: list[str]
) -> None:
    recs = tuple(
        found(
            text + joins[n % len(joins)] + "x" if joins[n % len(joins)] else text,
            f"R{n + 1}",
            subject=subject,
        )
        for n, text in enumerate(texts)
    )
    text = draft_file(Ingested(recs, (), REPORT))
    doc = ImportDoc.model_validate(yaml.safe_load(text))
    assert [r.text for r in doc.reports[0].recommendations] == [r.text for r in recs]
    assert {r.subject for r in doc.reports[0].recommendations} == {subject}
