"""`ingest_file` against a store: the possible repeats of each recommendation found, and a
draft that imports cleanly (with the repeats it proposes as links)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from config.ingest import IngestSettings
from tests.ingest_reports import CUSTODY, write_pdf
from workflow.audit.replay import verify
from workflow.clock import FixedClock
from workflow.errors import BadInput
from workflow.intake.draft import draft_file
from workflow.intake.ingest import ingest_file
from workflow.intake.load import import_file
from workflow.lifecycle.views import show_recommendation
from workflow.store.tables import metadata
from workflow.store.uow import UnitOfWork

DEMO = Path(__file__).parents[2] / "workflow" / "demo"
ILAU = "ilau@mps.example.org"
MD_R1 = (
    "Her Majesty's Inspector recommends that all future BVRs contain clear, challenging and "
    "SMART aims, supported by clearly defined activities."
)
MD_R2 = (
    "Her Majesty's Inspector recommends that the current arrangements for implementation of "
    "approved BVR recommendations are fully reviewed."
)
MANAGING_DEMAND = f"""Managing Demand: HMIC Best Value Review Inspection

1.1.1 The review of how the MPS manages demand was wide.

Recommendation 1

{MD_R1}

1.1.2 Implementation of approved recommendations has been slow.

Recommendation 2: {MD_R2}
"""


def stored_world(uow: UnitOfWork, clock: FixedClock, folder: Path) -> None:
    """The District Audit report and BOTJ (the demo's), without Managing Demand."""
    import_file(uow, DEMO / "da-2001.yaml")
    text = (DEMO / "hmic-2003.yaml").read_text(encoding="utf-8").split("  - key: md-2003")[0]
    path = folder / "botj.yaml"
    path.write_text(text, encoding="utf-8")
    clock.move_to(datetime(2004, 3, 2, 12, tzinfo=UTC))
    import_file(uow, path, actor=ILAU)


def counts(uow: UnitOfWork) -> dict[str, int]:
    with uow.read() as tx:
        return {
            t.name: tx.conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in metadata.sorted_tables
        }


def test_each_recommendation_found_comes_with_its_possible_repeats(
    uow: UnitOfWork, clock: FixedClock, tmp_path: Path
) -> None:
    stored_world(uow, clock, tmp_path)
    path = tmp_path / "managing-demand.txt"
    path.write_text(MANAGING_DEMAND, encoding="utf-8")
    before = counts(uow)
    found = ingest_file(uow, path, published=date(2004, 3, 1))
    assert counts(uow) == before  # nothing written
    r1, r2 = found.recommendations
    assert (r1.ref, r1.text, r1.paragraph) == ("R1", MD_R1, "1.1.1")
    assert (r2.ref, r2.text, r2.paragraph) == ("R2", MD_R2, "1.1.2")
    assert r1.possible_repeats[0].id == "botj-2003/R1"
    assert r1.repeats == "botj-2003/R1"
    assert r1.possible_repeats[0].score >= IngestSettings().repeat_threshold
    scores = [c.score for c in r1.possible_repeats]
    assert scores == sorted(scores, reverse=True) and all(0 <= s <= 1 for s in scores)
    assert len(r1.possible_repeats) <= IngestSettings().candidates
    assert r2.repeats is None
    assert (found.report.key, found.report.title) == (
        "managing-demand",
        "Managing Demand: HMIC Best Value Review Inspection",
    )
    assert found.report.body == "HMIC"
    assert found.report.made == date(2004, 3, 2)


def test_the_draft_imports_cleanly_with_the_repeat_it_proposed(
    uow: UnitOfWork, clock: FixedClock, tmp_path: Path
) -> None:
    stored_world(uow, clock, tmp_path)
    source = tmp_path / "md.txt"
    source.write_text(MANAGING_DEMAND, encoding="utf-8")
    found = ingest_file(uow, source, report_key="md-2003", published=date(2004, 3, 1))
    draft = tmp_path / "md-draft.yaml"
    draft.write_text(draft_file(found), encoding="utf-8")
    summary = import_file(uow, draft, actor=ILAU)
    assert (summary.reports, summary.recommendations) == (1, 2)
    shown = show_recommendation(uow, "md-2003/R1")
    assert [(link.kind, link.to) for link in shown.links] == [("repeats", "botj-2003/R1")]
    assert (shown.text, shown.paragraph) == (MD_R1, "1.1.1")
    with uow.read() as tx:
        assert verify(tx.conn).ok


def test_a_report_read_again_is_not_its_own_repeat_and_its_key_is_flagged(
    uow: UnitOfWork, clock: FixedClock, tmp_path: Path
) -> None:
    """The seed report against the demo's copy of it: under another key, every one of its
    recommendations repeats the stored one; under its own key, those are left out."""
    stored_world(uow, clock, tmp_path)
    seed = Path(__file__).parents[1] / "data" / "seeds" / "001_ed4b0be2dbd59efa.txt"  # as is
    again = ingest_file(uow, seed, report_key="botj-2004")
    assert [(r.ref, r.repeats) for r in again.recommendations] == [
        (f"R{n}", f"botj-2003/R{n}") for n in range(1, 5)
    ]
    assert all(r.possible_repeats[0].score > 0.99 for r in again.recommendations)
    same = ingest_file(uow, seed, report_key="botj-2003")
    assert not any(
        c.id.startswith("botj-2003/") for r in same.recommendations for c in r.possible_repeats
    )
    assert any("report botj-2003 is already stored" in w for w in same.warnings)


def test_a_pdf_report_is_read_with_its_options(
    uow: UnitOfWork, clock: FixedClock, tmp_path: Path
) -> None:
    stored_world(uow, clock, tmp_path)
    path = write_pdf(CUSTODY, tmp_path / "Custody Inspection (2004).pdf")
    found = ingest_file(uow, path, title="  Custody\n inspection ", body="HMIC Inspectorate")
    assert [r.ref for r in found.recommendations] == ["R1", "R2", "R3", "R4"]
    assert (found.report.key, found.report.title, found.report.body) == (
        "custody-inspection-2004",
        "Custody inspection",
        "HMIC Inspectorate",
    )
    assert found.warnings == ()


def test_a_bad_report_key_is_refused(uow: UnitOfWork, tmp_path: Path) -> None:
    path = tmp_path / "r.txt"
    path.write_text(MANAGING_DEMAND, encoding="utf-8")
    with pytest.raises(BadInput, match="--report-key"):
        ingest_file(uow, path, report_key="no spaces/here")


def test_a_report_with_no_recommendations_warns(uow: UnitOfWork, tmp_path: Path) -> None:
    path = tmp_path / "minutes.md"
    path.write_text("# Minutes\n\nThe committee met and noted the report.\n", encoding="utf-8")
    found = ingest_file(uow, path, body="MPA")
    assert found.recommendations == ()
    assert found.warnings == (f"{path}: no recommendations found",)


def test_categories_found_are_kept_on_import(uow: UnitOfWork, tmp_path: Path) -> None:
    """HMICFRS's vocabulary survives: the draft says what each one is, and the import keeps
    it, for `rec show`, the API and the tracker."""
    from tests.ingest_reports import PEEL, PEEL_FOUND, as_text
    from tests.world import build

    build(uow, recs=1)
    source = tmp_path / "peel.txt"
    source.write_text(as_text(PEEL), encoding="utf-8")
    found = ingest_file(uow, source, report_key="peel-2025")
    draft = tmp_path / "peel.yaml"
    draft.write_text(draft_file(found), encoding="utf-8")
    import_file(uow, draft, actor="ilau@example.org")
    for expected in PEEL_FOUND:
        shown = show_recommendation(uow, f"peel-2025/{expected.ref}")
        assert shown.category == (expected.category or "recommendation"), expected.ref
    with uow.read() as tx:
        assert verify(tx.conn).ok
