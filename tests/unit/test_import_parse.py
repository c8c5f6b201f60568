"""Reading import files: a malformed file is refused naming the file, line (or record) and field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workflow.errors import ImportFileError
from workflow.intake.load import read_import_file

GOOD_YAML = """\
people:
  - {email: A.Owner@Example.org, name: A Owner, roles: [owner], group: TP}
reports:
  - key: botj-2003
    title: Bringing Offenders to Justice
    body: HMIC
    kind: inspection
    published: 2003-10-01
    committee: PPRC
    responding_bodies: [MPS, MPA]
    recommendations:
      - {ref: R1, text: "Clear aims", paragraph: 3.1.5, owner: a.owner@example.org}
      - ref: R2
        text: International benchmarking
        paragraph: 3.10
        statutory: true
"""

CSV_HEADER = "report_key,report_title,body,kind,published,ref,text,paragraph,owner,statutory\n"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def refused(path: Path) -> ImportFileError:
    with pytest.raises(ImportFileError) as err:
        read_import_file(path)
    assert str(path) in str(err.value)
    return err.value


def test_good_yaml_is_read(tmp_path: Path) -> None:
    doc, _ = read_import_file(write(tmp_path, "in.yaml", GOOD_YAML))
    rep = doc.reports[0]
    assert doc.people[0].email == "a.owner@example.org"
    assert rep.responding_bodies == ["MPS", "MPA"]
    assert [r.paragraph for r in rep.recommendations] == ["3.1.5", "3.10"]
    assert rep.recommendations[1].statutory is True


@pytest.mark.parametrize(
    ("old", "new", "line", "field"),
    [
        ("published: 2003-10-01", "published: 2003-13-01", 8, "published"),
        ("{email: A.Owner@Example.org,", "{email: not-an-email,", 2, "email"),
        ("owner: a.owner@example.org}", "owner: a.owner@example.org, colour: red}", 12, "colour"),
        ("        text: International benchmarking\n", "", 13, "text"),
        ("responding_bodies: [MPS, MPA]", "responding_bodies: []", 10, "responding_bodies"),
        ("    body: HMIC\n", "", 4, "body"),
        ("roles: [owner]", "roles: [owner, chief]", 2, "roles"),
    ],
)
def test_schema_errors_name_line_and_field(
    tmp_path: Path, old: str, new: str, line: int, field: str
) -> None:
    assert old in GOOD_YAML
    err = refused(write(tmp_path, "in.yaml", GOOD_YAML.replace(old, new)))
    assert (err.line, err.field) == (line, field)


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    err = refused(write(tmp_path, "in.yaml", GOOD_YAML.replace("title: Bringing", "title: [Bri")))
    assert err.line == 6
    assert "not valid YAML" in err.problem


def test_duplicate_yaml_keys_are_refused(tmp_path: Path) -> None:
    err = refused(
        write(
            tmp_path,
            "in.yaml",
            GOOD_YAML.replace("    body: HMIC\n", "    body: HMIC\n    body: DA\n"),
        )
    )
    assert (err.line, err.field) == (7, "body")


def test_json_errors_name_the_record(tmp_path: Path) -> None:
    data = {
        "reports": [
            {
                "key": "k",
                "title": "t",
                "body": "b",
                "kind": "audit",
                "responding_bodies": ["MPS"],
                "recommendations": [{"ref": "R1", "text": "x"}, {"ref": "R2"}],
            }
        ]
    }
    err = refused(write(tmp_path, "in.json", json.dumps(data)))
    assert err.line == "record reports[0].recommendations[1].text"
    assert err.field == "text"


def test_json_syntax_error_names_the_line(tmp_path: Path) -> None:
    err = refused(write(tmp_path, "in.json", '{"reports": [\n  {"key": }\n]}'))
    assert err.line == 2


def test_csv_rows_group_into_reports(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "in.csv",
        CSV_HEADER
        + "da-2001,District Audit,District Audit,audit,2001-12-14,R1,Include PIs,,,STATUTORY\n"
        + "botj,BOTJ,HMIC,inspection,2003-10-01,R1,Clear aims,3.1.5,,no\n"
        + "da-2001,District Audit,District Audit,audit,2001-12-14,R2,HMIC work,,,Non-statutory\n",
    )
    doc, _ = read_import_file(path)
    assert [(r.key, [x.ref for x in r.recommendations]) for r in doc.reports] == [
        ("da-2001", ["R1", "R2"]),
        ("botj", ["R1"]),
    ]
    assert [x.statutory for x in doc.reports[0].recommendations] == [True, False]
    assert doc.reports[0].responding_bodies == ["MPS"]


@pytest.mark.parametrize(
    ("row", "line", "field"),
    [
        ("da,DA,DA,audit,2001-12-14,R2,,,,no\n", 3, "text"),
        ("da,DA,DA,audit,2001-14-14,R2,text,,,no\n", 3, "published"),
        ("da,DA,DA,audit,2001-12-14,R2,text,,,maybe\n", 3, "statutory"),
        ("da,Other title,DA,audit,2001-12-14,R2,text,,,no\n", 3, "report_title"),
        ("da,DA,DA,audit,2001-12-14,R2,text,,x@,no\n", 3, "owner"),
    ],
)
def test_csv_errors_name_line_and_column(tmp_path: Path, row: str, line: int, field: str) -> None:
    path = write(tmp_path, "in.csv", CSV_HEADER + "da,DA,DA,audit,2001-12-14,R1,text,,,no\n" + row)
    err = refused(path)
    assert (err.line, err.field) == (line, field)


def test_csv_without_a_required_column(tmp_path: Path) -> None:
    err = refused(write(tmp_path, "in.csv", CSV_HEADER.replace(",statutory", "") + "x\n"))
    assert (err.line, err.field) == (1, "statutory")


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("in.txt", "people: []", "unknown format"),
        ("in.yaml", "- just\n- a list\n", "expected a mapping"),
        ("missing.yaml", None, "cannot read"),
    ],
)
def test_unusable_files(tmp_path: Path, name: str, content: str | None, problem: str) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_text(content)
    assert problem in refused(path).problem
