"""`rectrack ingest`, `rec link|unlink` and `report repeats`, as a user runs them."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.e2e.conftest import Cli, assert_error
from tests.ingest_reports import PEEL, PEEL_FOUND, write_docx

SEED = Path(__file__).parents[1] / "data" / "seeds" / "001_ed4b0be2dbd59efa.txt"  # seed 001, as is
DEMO = Path(__file__).parents[2] / "workflow" / "demo"
ILAU = ("--actor", "ilau@mps.example.org")
LATER = "2004-06-01"


def demo(cli: Cli) -> None:
    cli.ok("import", str(DEMO / "da-2001.yaml"))
    cli.ok("import", str(DEMO / "hmic-2003.yaml"), *ILAU, now="2004-03-02")


def test_the_seed_report_as_json_gives_its_four_recommendations(cli: Cli) -> None:
    result = cli.ok("ingest", str(SEED), "--json")
    found = result.json
    assert set(found) == {"recommendations", "warnings"}
    assert [(r["ref"], r["paragraph"], r["category"]) for r in found["recommendations"]] == [
        ("R1", "3.1.5", "recommendation"),
        ("R2", "3.3.2", "recommendation"),
        ("R3", "4.2.3", "recommendation"),
        ("R4", "4.3.4", "recommendation"),
    ]
    assert found["recommendations"][3]["text"] == (
        "Her Majesty's Inspector recommends that the police authority regularly monitors the "
        "progress of implementation and fully documents this."
    )
    assert all(
        set(r) == {"ref", "text", "paragraph", "category", "possible_repeats"}
        for r in found["recommendations"]
    )


def test_a_draft_written_out_is_checked_then_imported_with_its_repeats(
    cli: Cli, tmp_path: Path
) -> None:
    demo(cli)
    draft = tmp_path / "botj-again.yaml"
    result = cli.ok(
        "ingest",
        str(SEED),
        "--report-key",
        "botj-2004",
        "--published",
        "2004-05-01",
        "--body",
        "HMIC",
        "--out",
        str(draft),
        now=LATER,
    )
    assert result.out == ""
    assert f"wrote {draft}: 4 recommendation(s)" in result.err
    doc = yaml.safe_load(draft.read_text(encoding="utf-8"))
    recs = doc["reports"][0]["recommendations"]
    assert [r["repeats"] for r in recs] == [f"botj-2003/R{n}" for n in range(1, 5)]
    cli.ok("import", str(draft), *ILAU, now=LATER)
    shown = cli.ok("rec", "show", "botj-2003/R2", "--json", now=LATER).json
    assert {"kind": "repeated_by", "to": "botj-2004/R2", "note": None} in shown["links"]
    assert "ok:" in cli.ok("audit", "verify").out


def test_the_draft_goes_to_standard_output_and_warnings_to_standard_error(
    cli: Cli, tmp_path: Path
) -> None:
    path = write_docx(PEEL, tmp_path / "peel.docx")
    result = cli.ok("ingest", str(path))
    doc = yaml.safe_load(result.out)
    assert [r["ref"] for r in doc["reports"][0]["recommendations"]] == [e.ref for e in PEEL_FOUND]
    assert doc["reports"][0]["body"] == "HMICFRS"
    assert "warning: no --body given: the report seems to be HMICFRS's" in result.err
    assert "# CC1: cause of concern" in result.out


def test_a_report_with_no_recommendations_exits_0_with_a_warning(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "minutes.txt"
    path.write_text("Minutes of the meeting.\n\nThe recommendation was noted.\n", encoding="utf-8")
    result = cli.ok("ingest", str(path), "--body", "MPA")
    assert result.err.strip() == f"warning: {path}: no recommendations found"
    assert yaml.safe_load(result.out)["reports"][0]["recommendations"] == []
    as_json = cli.ok("ingest", str(path), "--body", "MPA", "--json").json
    assert as_json == {"recommendations": [], "warnings": [f"{path}: no recommendations found"]}


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("empty.txt", b"", "the file is empty"),
        ("broken.docx", b"PK\x03\x04 broken", "not a readable DOCX file"),
        ("broken.pdf", b"%PDF-1.7\n%%EOF garbage", "not a readable PDF file"),
        ("binary.md", bytes(range(32)) * 8, "not a text file"),
        ("report.rtf", b"{\\rtf1 text}", "unknown format .rtf"),
    ],
)
def test_a_malformed_or_empty_file_is_exit_2_with_one_error_line(
    cli: Cli, tmp_path: Path, name: str, content: bytes, words: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    assert_error(cli("ingest", str(path)), 2, str(path), words)


def test_bad_options_are_exit_2(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "r.txt"
    path.write_text("Recommendation 1: The force should act.\n", encoding="utf-8")
    assert_error(cli("ingest", str(path), "--published", "2004-13-01"), 2, "--published")
    assert_error(cli("ingest", str(path), "--report-key", "a b"), 2, "--report-key")
    assert_error(cli("ingest", str(tmp_path / "none.pdf")), 2, "cannot read")
    assert_error(
        cli("ingest", str(path), "--out", str(tmp_path / "no" / "d.yaml")), 2, "cannot write"
    )


def test_rec_link_and_unlink_are_audited_and_the_trail_verifies(cli: Cli) -> None:
    demo(cli)
    made = cli.ok("rec", "link", "md-2003/R2", "--related", "botj-2003/R4", *ILAU, now=LATER)
    assert made.out.strip() == "md-2003/R2: is related to botj-2003/R4"
    again = cli.ok(
        "rec", "link", "botj-2003/R4", "--related", "md-2003/R2", *ILAU, "--json", now=LATER
    )
    assert again.json == {
        "id": "botj-2003/R4",
        "kind": "related",
        "to": "md-2003/R2",
        "linked": True,
        "changed": False,
    }
    gone = cli.ok("rec", "unlink", "md-2003/R1", "--repeats", "botj-2003/R1", *ILAU, now=LATER)
    assert gone.out.strip() == "md-2003/R1: no longer repeats botj-2003/R1"
    assert "ok:" in cli.ok("audit", "verify").out
    trail = cli.ok("audit", "--rec", "md-2003/R1", "--event", "unlink", "--json").json
    assert [e["changes"] for e in trail] == [{"kind": "repeats", "to": "botj-2003/R1"}]


def test_rec_link_refusals(cli: Cli) -> None:
    demo(cli)
    owner = ("--actor", "icg.head@mps.example.org")
    assert_error(
        cli("rec", "link", "md-2003/R2", "--repeats", "botj-2003/R3", *owner, now=LATER),
        3,
        "may not link",
    )
    assert_error(cli("rec", "link", "md-2003/R2", *ILAU, now=LATER), 2, "exactly one")
    assert_error(
        cli("rec", "link", "md-2003/R2", "--repeats", "nope/R1", *ILAU, now=LATER), 2, "nope/R1"
    )
    assert_error(
        cli("rec", "link", "md-2003/R1", "--repeats", "botj-2003/R2", *ILAU, now=LATER),
        2,
        "already repeats botj-2003/R1",
    )


@pytest.mark.parametrize("fmt", ["md", "html", "docx"])
def test_report_repeats_in_each_format(cli: Cli, tmp_path: Path, fmt: str) -> None:
    demo(cli)
    out = tmp_path / f"repeats.{fmt}"
    cli.ok("report", "repeats", "--format", fmt, "--out", str(out), now=LATER)
    data = out.read_bytes()
    if fmt == "docx":
        assert data.startswith(b"PK")
        import docx

        cells = [c.text for t in docx.Document(str(out)).tables for r in t.rows for c in r.cells]
        assert "md-2003/R1" in cells and "botj-2003/R1" in cells
    else:
        text = data.decode()
        assert (
            "botj-2003/R1" in text and "md-2003/R1" in text and "icg.head@mps.example.org" in text
        )


def test_report_repeats_to_standard_output_and_docx_needs_a_file(cli: Cli) -> None:
    demo(cli)
    shown = cli.ok("report", "repeats", now=LATER).out
    assert shown.startswith("# Repeated recommendations")
    assert "| md-2003/R1 |" in shown and "| raised |" in shown
    assert_error(cli("report", "repeats", "--format", "docx"), 2, "needs --out")


MD_YAML = """\
reports:
  - key: md-2004
    title: Managing Demand
    body: HMIC
    kind: inspection
    published: 2004-03-01
    responding_bodies: [MPS]
    recommendations:
      - {ref: R1, text: "Clear aims for every review"}
      - {ref: R2, text: "The custody estate is rebuilt by 2010"}
"""
LINKED_YAML = """\
reports:
  - key: md-2005
    title: Managing Demand again
    body: HMIC
    kind: inspection
    responding_bodies: [MPS]
    recommendations:
      - {ref: R1, text: "Clear aims", repeats: botj-2003/R1}
"""


def test_import_says_which_new_recommendations_look_like_repeats(cli: Cli, tmp_path: Path) -> None:
    from tests.e2e.test_cli import setup_world

    setup_world(cli, tmp_path)  # botj-2003/R1: "Clear aims"
    (tmp_path / "md.yaml").write_text(MD_YAML)
    done = cli.ok("import", str(tmp_path / "md.yaml"), "--actor", "ilau@x.org")
    hints = [line for line in done.err.splitlines() if line.startswith("possible repeat:")]
    assert len(hints) == 1
    assert hints[0].startswith("possible repeat: md-2004/R1 is like botj-2003/R1")
    assert "rectrack rec link md-2004/R1 --repeats botj-2003/R1" in hints[0]
    (tmp_path / "md5.yaml").write_text(LINKED_YAML)
    again = cli.ok("import", str(tmp_path / "md5.yaml"), "--actor", "ilau@x.org", "--json")
    assert "possible repeat" not in again.err  # its best match is linked already, in the file
    assert again.json == {"reports": 1, "recommendations": 1, "people": 0}
