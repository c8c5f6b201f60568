"""Importing into the store: everything in the file, or nothing at all."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.unit.test_import_parse import CSV_HEADER, GOOD_YAML
from workflow.directory.people import add_person
from workflow.directory.reports import list_reports
from workflow.errors import ImportFileError
from workflow.intake.load import import_file
from workflow.lifecycle.views import list_recommendations, show_recommendation
from workflow.plain import plain
from workflow.store.tables import audit_event, metadata
from workflow.store.uow import UnitOfWork

DEMO = Path(__file__).parents[2] / "workflow" / "demo"


def counts(uow: UnitOfWork) -> dict[str, int]:
    with uow.read() as tx:
        return {
            t.name: tx.conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in metadata.sorted_tables
        }


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_import_the_demo_data(uow: UnitOfWork) -> None:
    first = import_file(uow, DEMO / "da-2001.yaml", actor="ilau@mps.example.org")
    second = import_file(uow, DEMO / "hmic-2003.yaml", actor="ilau@mps.example.org")
    assert plain(first) == {"reports": 1, "recommendations": 13, "people": 8}
    assert plain(second) == {"reports": 2, "recommendations": 6, "people": 7}
    assert [r["key"] for r in plain(list_reports(uow))] == ["da-bvpp-2001", "botj-2003", "md-2003"]
    md1 = plain(show_recommendation(uow, "md-2003/R1"))
    assert md1["links"] == [{"kind": "repeats", "to": "botj-2003/R1", "note": None}]
    assert plain(show_recommendation(uow, "da-bvpp-2001/R1"))["statutory"] is True
    # one event per person, report, recommendation and link
    assert counts(uow)["audit_event"] == 8 + 1 + 13 + 7 + 2 + 6 + 2


def test_csv_import(uow: UnitOfWork, tmp_path: Path) -> None:
    import_file(
        uow, write(tmp_path, "p.yaml", "people: [{email: lead@x.org, name: Lead, roles: [ilau]}]")
    )
    path = write(
        tmp_path,
        "in.csv",
        CSV_HEADER
        + "da,DA report,District Audit,audit,2001-12-14,R1,Include PIs,,lead@x.org,yes\n"
        + "da,DA report,District Audit,audit,2001-12-14,R2,Include HMIC,,,no\n",
    )
    summary = import_file(uow, path, actor="lead@x.org")
    assert plain(summary) == {"reports": 1, "recommendations": 2, "people": 0}
    assert [(r["id"], r["owner"], r["statutory"]) for r in plain(list_recommendations(uow))] == [
        ("da/R1", "lead@x.org", True),
        ("da/R2", None, False),
    ]


@pytest.mark.parametrize(
    ("change", "line", "field", "problem"),
    [
        (
            ("owner: a.owner@example.org}", "owner: b.nobody@example.org}"),
            12,
            "owner",
            "unknown person",
        ),
        (("- ref: R2", "- ref: R1"), 13, "ref", "appears twice"),
        (
            ("paragraph: 3.10", "paragraph: 3.10\n        repeats: md/R9"),
            16,
            "repeats",
            "no recommendation md/R9",
        ),
        (("published: 2003-10-01", "published: 1 October"), 8, "published", "date"),
        (
            ("paragraph: 3.10", "paragraph: 3.10\n        category: finding"),
            16,
            "category",
            "area for improvement",
        ),
    ],
)
def test_a_bad_file_imports_nothing(
    uow: UnitOfWork, tmp_path: Path, change: tuple[str, str], line: int, field: str, problem: str
) -> None:
    """Even problems found only against the database leave every table as it was."""
    before = counts(uow)
    path = write(tmp_path, "in.yaml", GOOD_YAML.replace(*change))
    with pytest.raises(ImportFileError) as err:
        import_file(uow, path)
    assert (err.value.line, err.value.field) == (line, field)
    assert problem in err.value.problem
    assert counts(uow) == before


def test_importing_a_report_twice_is_refused(uow: UnitOfWork, tmp_path: Path) -> None:
    path = write(tmp_path, "in.yaml", GOOD_YAML)
    add_person(uow, "ilau@x.org", name="Ivy", roles=["ilau"])
    import_file(uow, path, actor="ilau@x.org")
    before = counts(uow)
    with pytest.raises(ImportFileError, match="already exists") as err:
        import_file(uow, path, actor="ilau@x.org")
    assert (err.value.line, err.value.field) == (4, "key")
    assert counts(uow) == before


def test_people_already_known_are_left_as_they_are(uow: UnitOfWork, tmp_path: Path) -> None:
    import_file(
        uow,
        write(
            tmp_path, "p.yaml", "people: [{email: a.owner@example.org, name: Known, roles: [ilau]}]"
        ),
    )
    summary = import_file(uow, write(tmp_path, "in.yaml", GOOD_YAML), actor="a.owner@example.org")
    assert summary.people == 0
    assert plain(show_recommendation(uow, "botj-2003/R1"))["owner"] == "a.owner@example.org"
    with uow.read() as tx:
        assert (
            tx.conn.execute(
                select(func.count())
                .select_from(audit_event)
                .where(audit_event.c.event == "person.add")
            ).scalar_one()
            == 1
        )
