"""What the report wrote, imported as written (issue 12, items 8 and 9): a free-text
timescale, a lead of two levels, statutory yes, no or unknown, paragraph references, and a
report's graded judgements; `rec show` and the tracker print them. A bad value is refused
with its file, line and field, and nothing changes."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.unit.test_import_parse import CSV_HEADER
from workflow.errors import ImportFileError
from workflow.intake.load import import_file
from workflow.lifecycle.views import show_recommendation
from workflow.plain import plain
from workflow.reporting.documents.markdown import to_markdown
from workflow.reporting.tracker import tracker
from workflow.store.tables import metadata, report
from workflow.store.uow import UnitOfWork

YAML = """\
people:
  - {email: ilau@x.org, name: Ivy Lau, roles: [ilau]}
  - {email: perf@x.org, name: Head of Corporate Performance, roles: [owner]}
reports:
  - key: bvri-2003
    title: Bringing Offenders to Justice
    body: HMIC
    kind: inspection
    published: 2003-10-01
    responding_bodies: [MPS]
    judgements:
      - {area: "How good is the service?", grade: Fair}
      - {area: "What are the prospects for improvement?", grade: Uncertain}
    recommendations:
      - ref: R1
        text: Include all performance information
        paragraph: 3.1.5
        owner: perf@x.org
        statutory: yes
        lead: "ACPRS/ Head of Corporate Performance"
        timescale: "This depends on future amendments to the BVPI suite."
      - ref: R2
        text: Include HMIC work
        statutory: Non-statutory
        lead: {accountable: ACPRS, responsible: "Head of PR/Comms"}
        timescale: 2003
      - ref: R3
        text: Resourcing for reviews
        statutory: unknown
        lead: ACHR
      - ref: R4
        text: Define hierarchies
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def counts(uow: UnitOfWork) -> dict[str, int]:
    with uow.read() as tx:
        return {
            t.name: tx.conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in metadata.sorted_tables
        }


def _written(uow: UnitOfWork, code: str) -> tuple[object, ...]:
    v = plain(show_recommendation(uow, code))
    keys = ("statutory", "statutory_known", "timescale", "lead_accountable", "lead_responsible")
    return tuple(v[k] for k in keys)


def test_what_the_report_wrote_is_kept_and_shown(uow: UnitOfWork, tmp_path: Path) -> None:
    import_file(uow, write(tmp_path, "in.yaml", YAML))
    assert _written(uow, "bvri-2003/R1") == (
        True,
        True,
        "This depends on future amendments to the BVPI suite.",
        "ACPRS",
        "Head of Corporate Performance",
    )
    assert _written(uow, "bvri-2003/R2") == (False, True, "2003", "ACPRS", "Head of PR/Comms")
    assert _written(uow, "bvri-2003/R3") == (False, False, None, "ACHR", None)
    assert _written(uow, "bvri-2003/R4") == (False, True, None, None, None)
    assert plain(show_recommendation(uow, "bvri-2003/R1"))["paragraph"] == "3.1.5"
    with uow.read() as tx:
        graded = tx.conn.execute(select(report.c.judgements)).scalar_one()
    assert graded == [
        {"area": "How good is the service?", "grade": "Fair"},
        {"area": "What are the prospects for improvement?", "grade": "Uncertain"},
    ]
    text = to_markdown(tracker(uow, "bvri-2003"), "")
    assert (
        "**Judgements:** How good is the service? Fair\\\n"
        "What are the prospects for improvement? Uncertain"
    ) in text
    rows = {line.split("|")[1].strip(): line for line in text.splitlines() if "| R" in line}
    assert rows["R1"].split("|")[2:6] == [
        " STATUTORY ",
        " ACPRS (accountable)<br>Head of Corporate Performance (responsible) ",
        " This depends on future amendments to the BVPI suite.<br>Target date: No plan agreed yet ",
        " Include all performance information<br>(paragraph 3.1.5) ",
    ]
    assert rows["R3"].split("|")[2:4] == [" Statutory: not stated ", " ACHR<br>Owner: (none) "]
    assert rows["R4"].split("|")[2:5] == [" Non-statutory ", " (no owner) ", " No plan agreed yet "]


def test_the_csv_layout_takes_them_too(uow: UnitOfWork, tmp_path: Path) -> None:
    import_file(
        uow, write(tmp_path, "p.yaml", "people: [{email: i@x.org, name: I, roles: [ilau]}]")
    )
    header = CSV_HEADER.rstrip("\n") + ",timescale,lead\n"
    path = write(
        tmp_path,
        "in.csv",
        header + "da,DA,District Audit,audit,2001-12-14,R1,Include PIs,,,STATUTORY,Ongoing,"
        "ACPRS / Head of Corporate Performance\n"
        + "da,DA,District Audit,audit,2001-12-14,R2,Resourcing,,,unknown,,\n"
        + "da,DA,District Audit,audit,2001-12-14,R3,HMIC work,,,,,\n",
    )
    import_file(uow, path, actor="i@x.org")
    assert _written(uow, "da/R1") == (
        True,
        True,
        "Ongoing",
        "ACPRS",
        "Head of Corporate Performance",
    )
    assert _written(uow, "da/R2") == (False, False, None, None, None)
    assert _written(uow, "da/R3") == (False, True, None, None, None)


@pytest.mark.parametrize(
    ("old", "new", "line", "field", "problem"),
    [
        ('lead: "ACPRS/ Head', 'lead: "ACPRS / Head / Deputy', 20, "lead", "at most two levels"),
        ("lead: ACHR", 'lead: " / ACHR"', 30, "lead", "each level of the lead needs a name"),
        ("lead: {accountable: ACPRS,", "lead: {boss: ACPRS,", 25, "accountable", "required"),
        ("statutory: unknown", "statutory: maybe", 29, "statutory", "yes, no or unknown"),
        ("grade: Uncertain}", "grade: ''}", 13, "grade", "at least 1 character"),
        ("timescale: 2003", f"timescale: {'x' * 201}", 26, "timescale", "at most 200"),
    ],
)
def test_a_bad_value_is_refused_where_it_is(
    uow: UnitOfWork,
    tmp_path: Path,
    old: str,
    new: str,
    line: int,
    field: str,
    problem: str,
) -> None:
    before = counts(uow)
    assert old in YAML
    path = write(tmp_path, "bad.yaml", YAML.replace(old, new))
    with pytest.raises(ImportFileError) as err:
        import_file(uow, path)
    assert (err.value.file, err.value.line, err.value.field) == (str(path), line, field)
    assert problem in err.value.problem
    assert counts(uow) == before


def test_a_bad_statutory_cell_is_refused_where_it_is(uow: UnitOfWork, tmp_path: Path) -> None:
    before = counts(uow)
    path = write(
        tmp_path,
        "in.csv",
        CSV_HEADER + "da,DA,District Audit,audit,2001-12-14,R1,Include PIs,,,perhaps\n",
    )
    with pytest.raises(ImportFileError) as err:
        import_file(uow, path)
    assert (err.value.line, err.value.field) == (2, "statutory")
    assert "yes, no or unknown" in err.value.problem
    assert counts(uow) == before


def test_rec_show_prints_them(uow: UnitOfWork, tmp_path: Path, store_url: str) -> None:
    from click.testing import CliRunner

    from workflow.cli.app import cli

    import_file(uow, write(tmp_path, "in.yaml", YAML))
    runner = CliRunner()
    shown = {}
    for ref in ("R1", "R3", "R4"):
        done = runner.invoke(cli, ["--db", store_url, "rec", "show", f"bvri-2003/{ref}"])
        assert done.exit_code == 0, done.output
        shown[ref] = [line.strip() for line in done.output.splitlines()]
    assert "lead:      ACPRS / Head of Corporate Performance" in shown["R1"]
    assert "timescale: This depends on future amendments to the BVPI suite." in shown["R1"]

    def said(ref: str, start: str) -> list[str]:
        return [line for line in shown[ref] if line.startswith(start)]

    assert said("R1", "paragraph:") == ["paragraph: 3.1.5"]
    assert said("R1", "statutory:")[0].startswith("statutory: yes ")
    assert said("R3", "statutory:")[0].startswith("statutory: unknown ")
    assert "lead:      ACHR" in shown["R3"]
    assert said("R4", "statutory:")[0].startswith("statutory: no ")
    assert not any(line.startswith(("lead:", "timescale:")) for line in shown["R4"])
