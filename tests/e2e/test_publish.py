"""`rectrack publish --out DIR`, and restricting by `rec restrict` and `report restrict`, as a
user runs them."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.e2e.conftest import Cli, assert_error

ADDRESS = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
ILAU = ("--actor", "lead@x.org")
WORLD = """
people:
  - {email: lead@x.org, name: Lee Lead, roles: [ilau], title: Head of Liaison}
  - {email: chief@x.org, name: Cass Chief, roles: [owner], title: Chief Superintendent}
  - {email: own@x.org, name: Otto Own, roles: [owner], group: TP, title: Analyst}
reports:
  - key: botj-2003
    title: Bringing Offenders to Justice
    body: HMIC
    kind: inspection
    published: 2003-10-01
    responding_bodies: [MPS, MPA]
    recommendations:
      - {ref: R1, text: Set clear aims, paragraph: 3.1, owner: chief@x.org}
      - {ref: R2, text: Benchmark abroad, owner: own@x.org}
      - {ref: R3, text: Undercover deployments, owner: own@x.org, restricted: true}
  - key: covert-2003
    title: Covert Policing
    body: HMIC
    kind: inspection
    published: 2003-10-02
    responding_bodies: [MPS]
    restricted: true
    recommendations:
      - {ref: R1, text: Handle informants, owner: own@x.org}
  - key: md-2003
    title: Managing Demand
    body: HMIC
    kind: inspection
    published: 2003-10-03
    responding_bodies: [MPS]
    recommendations:
      - {ref: R1, text: Answer calls, owner: own@x.org}
"""
NAMED = '[publish]\ntitle = "MPS register"\nnamed_titles = ["Chief Superintendent"]\n'


def setup(cli: Cli, home: Path) -> None:
    (home / "world.yaml").write_text(WORLD, encoding="utf-8")
    (home / "rectrack.toml").write_text(NAMED, encoding="utf-8")
    cli.ok("import", str(home / "world.yaml"))
    cli.ok(
        "rec",
        "respond",
        "botj-2003/R1",
        *ILAU,
        "--body",
        "MPS",
        "--text",
        "Accepted: mail lead@x.org",
    )


def site(home: Path) -> dict[str, str]:
    out = home / "site"
    return {str(p.relative_to(out)): p.read_text("utf-8") for p in out.rglob("*") if p.is_file()}


def test_the_register_is_written_without_anything_restricted_or_anyone_s_address(
    cli: Cli, tmp_path: Path
) -> None:
    setup(cli, tmp_path)
    done = cli.ok("--config", "rectrack.toml", "publish", "--out", "site")
    assert done.out == ""
    assert done.err == "wrote 2 report(s), 3 recommendation(s) to site\n"
    files = site(tmp_path)
    assert sorted(files) == [
        "index.html",
        "register.css",
        "register.csv",
        "register.json",
        "reports/botj-2003.html",
        "reports/md-2003.html",
    ]
    everything = "\n".join(files.values())
    assert ADDRESS.findall(everything) == []
    for gone in ("Undercover", "Covert", "covert-2003", "informants", "Lee Lead", "Otto Own"):
        assert gone not in everything
    assert "Cass Chief, Chief Superintendent" in files["reports/botj-2003.html"]
    assert "<h1>MPS register</h1>" in files["index.html"]
    register = json.loads(files["register.json"])
    assert register["generated_on"] == "2003-11-03"
    assert [r["id"] for rep in register["reports"] for r in rep["recommendations"]] == [
        "botj-2003/R1",
        "botj-2003/R2",
        "md-2003/R1",
    ]
    assert cli.ok("audit", "verify").code == 0


def test_restricting_needs_the_ilau_and_takes_pages_away(cli: Cli, tmp_path: Path) -> None:
    """An owner is refused (exit 3); the ILAU's restriction is audited, and the next publish
    removes the restricted report's old page."""
    setup(cli, tmp_path)
    cli.ok("publish", "--out", "site")
    assert (tmp_path / "site" / "reports" / "md-2003.html").exists()
    for args in (("rec", "restrict", "botj-2003/R2"), ("report", "restrict", "md-2003")):
        assert_error(cli(*args, "--actor", "own@x.org"), 3, "may not restrict", "only ilau")
        assert_error(cli(*args, "--actor", "nobody@x.org"), 2, "nobody@x.org")
    assert cli.ok("rec", "restrict", "botj-2003/R2", *ILAU, "--reason", "live").out == (
        "botj-2003/R2: restricted (left out of the public register)\n"
    )
    again = cli.ok("report", "restrict", "md-2003", *ILAU, "--json").json
    assert again == {"key": "md-2003", "restricted": True, "changed": True}
    assert "already restricted" in cli.ok("report", "restrict", "md-2003", *ILAU).out
    summary = cli.ok("publish", "--out", "site", "--json")
    assert summary.json["reports"] == 1 and summary.json["recommendations"] == 1
    assert "reports/botj-2003.html" in summary.json["files"]
    files = site(tmp_path)
    assert "reports/md-2003.html" not in files
    assert "Benchmark abroad" not in "\n".join(files.values())
    events = cli.ok("audit", "--event", "restrict", "--json").json
    assert [(e["rec"], e["report"], e["note"]) for e in events] == [
        ("botj-2003/R2", "botj-2003", "live"),
        (None, "md-2003", None),
    ]
    assert cli.ok("report", "unrestrict", "md-2003", *ILAU).out == "md-2003: not restricted\n"
    cli.ok("rec", "unrestrict", "botj-2003/R2", *ILAU)
    assert cli.ok("audit", "verify").code == 0
    cli.ok("publish", "--out", "site")
    assert "Benchmark abroad" in site(tmp_path)["reports/botj-2003.html"]


def test_an_unwritable_directory_is_one_error_line(cli: Cli, tmp_path: Path) -> None:
    setup(cli, tmp_path)
    (tmp_path / "a-file").write_text("in the way")
    assert_error(cli("publish", "--out", "a-file"), 2, "error: cannot write a-file")
    assert_error(cli("publish", "--out", "/dev/null/site"), 2, "cannot write /dev/null/site")
    assert (tmp_path / "a-file").read_text() == "in the way"
    assert_error(cli("publish"), 2, "--out")


def test_bad_publish_settings_are_exit_2_naming_the_key(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "bad.toml").write_text('[publish]\nnamed_titles = "Chief"\n')
    assert_error(cli("--config", "bad.toml", "publish", "--out", "site"), 2, "named_titles")
    assert not (tmp_path / "site").exists()


def test_people_carry_their_job_title(cli: Cli) -> None:
    cli.ok("people", "add", "lead@x.org", "--name", "Lee", "--role", "ilau", "--title", "Head")
    assert cli.ok("people", "list", "--json").json[0]["title"] == "Head"
