"""The `rectrack` command line, end to end: its contract, its JSON and its exit codes."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.e2e.conftest import Cli, assert_error
from tests.unit.test_import_parse import GOOD_YAML

PEOPLE = """\
people:
  - {email: ilau@x.org, name: Ivy Lau, roles: [ilau]}
  - {email: board@x.org, name: Bea Board, roles: [board]}
"""


def setup_world(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "people.yaml").write_text(PEOPLE)
    (tmp_path / "botj.yaml").write_text(GOOD_YAML)
    cli.ok("import", str(tmp_path / "people.yaml"))
    assert cli.ok(
        "import", str(tmp_path / "botj.yaml"), "--actor", "ilau@x.org", "--json"
    ).json == {
        "reports": 1,
        "recommendations": 2,
        "people": 1,
    }


def test_init_is_safe_to_repeat(cli: Cli) -> None:
    assert "already at revision" in cli.ok("init").out


def test_a_recommendation_through_the_command_line(cli: Cli, tmp_path: Path) -> None:
    setup_world(cli, tmp_path)
    rec = "botj-2003/R1"
    cli.ok(
        "rec",
        "respond",
        rec,
        "--actor",
        "ilau@x.org",
        "--body",
        "MPS",
        "--text",
        "Yes",
        now="2004-01-12",
    )
    out = cli.ok(
        "rec",
        "respond",
        rec,
        "--actor",
        "ilau@x.org",
        "--body",
        "MPA",
        "--not-applicable",
        "MPS issue",
        "--json",
        now="2004-01-12",
    ).json
    assert (out["from"], out["to"]) == ("raised", "responded")
    cli.ok(
        "rec",
        "plan",
        rec,
        "--actor",
        "a.owner@example.org",
        "--action",
        "Write PIDs|a.owner@example.org|2004-03-31",
        now="2004-01-19",
    )
    cli.ok("rec", "start", rec, "--actor", "a.owner@example.org", now="2004-01-20")
    cli.ok(
        "rec",
        "extend",
        rec,
        "--actor",
        "a.owner@example.org",
        "--to",
        "2004-06-30",
        "--reason",
        "MPA review first",
        now="2004-03-01",
    )
    cli.ok("rec", "approve-extension", rec, "--actor", "board@x.org", now="2004-03-02")
    cli.ok("rec", "action-done", rec, "1", "--actor", "a.owner@example.org", now="2004-05-01")
    cli.ok(
        "rec",
        "update",
        rec,
        "--actor",
        "a.owner@example.org",
        "--note",
        "All PIDs done",
        "--degree",
        "completely",
        "--evidence",
        "PIDs",
        now="2004-05-01",
    )
    cli.ok("rec", "monitor", rec, "--actor", "a.owner@example.org", now="2004-05-02")
    cli.ok(
        "rec", "complete", rec, "--actor", "ilau@x.org", "--evidence", "PIDs seen", now="2004-05-10"
    )

    view = cli.ok("rec", "show", rec, "--json", now="2004-05-10").json
    for key in (
        "id",
        "report",
        "ref",
        "state",
        "owner",
        "statutory",
        "degree",
        "due",
        "actions",
        "responses",
        "history",
    ):
        assert key in view
    assert (view["id"], view["report"], view["ref"]) == (rec, "botj-2003", "R1")
    assert (view["state"], view["degree"], view["statutory"]) == ("complete", "completely", False)
    assert set(view["due"]) == {"response", "plan", "update", "target"}
    assert (view["target"], view["target_original"]) == ("2004-06-30", "2004-03-31")
    assert [r["body"] for r in view["responses"]] == ["MPA", "MPS"]
    assert view["actions"][0]["done"] is True
    assert set(view["history"][0]) == {"at", "actor", "event", "from", "to", "note"}
    assert [h["event"] for h in view["history"]][-1] == "complete"

    listed = cli.ok("rec", "list", "--state", "complete", "--json").json
    assert [r["id"] for r in listed] == [rec]
    trail = cli.ok(
        "audit", "--rec", rec, "--since", "2004-05-01", "--until", "2004-05-02", "--json"
    ).json
    assert [e["event"] for e in trail] == ["action_done", "update", "monitor"]
    by_board = cli.ok("audit", "--actor", "board@x.org", "--json").json
    assert [e["event"] for e in by_board] == ["approve_extension"]
    reports = cli.ok("report", "list", "--json").json
    assert reports[0]["key"] == "botj-2003" and reports[0]["complete"] == 1


def test_list_filters_and_overdue(cli: Cli, tmp_path: Path) -> None:
    setup_world(cli, tmp_path)
    assert cli.ok("rec", "list", "--overdue", "--json", now="2003-12-01").json == []
    overdue = cli.ok("rec", "list", "--overdue", "--json", now="2004-01-01").json
    assert [r["id"] for r in overdue] == ["botj-2003/R1", "botj-2003/R2"]
    assert overdue[0]["due"]["response"] == "2003-12-29"
    mine = cli.ok("rec", "list", "--owner", "a.owner@example.org", "--json").json
    assert [r["id"] for r in mine] == ["botj-2003/R1"]
    assert cli.ok("rec", "list", "--report", "nope", "--json").json == []


def test_people_and_raise(cli: Cli) -> None:
    cli.ok(
        "people",
        "add",
        "ilau@x.org",
        "--name",
        "Ivy",
        "--role",
        "ilau",
        "--role",
        "owner",
        "--group",
        "BCG",
    )
    people = cli.ok("people", "list", "--json").json
    assert people == [
        {
            "email": "ilau@x.org",
            "name": "Ivy",
            "roles": ["ilau", "owner"],
            "group": "BCG",
            "active": True,
            "title": None,
        }
    ]
    assert_error(
        cli(
            "people",
            "add",
            "ilau@x.org",
            "--name",
            "Ivy",
            "--role",
            "ilau",
            "--actor",
            "ilau@x.org",
        ),
        2,
        "already registered",
    )
    assert_error(
        cli("people", "add", "x@x.org", "--name", "X", "--role", "chief"), 2, "unknown role"
    )
    assert_error(
        cli("rec", "raise", "botj-2003/R1", "--text", "t", "--actor", "ilau@x.org"),
        2,
        "no report botj-2003",
    )


def test_exit_codes(cli: Cli, tmp_path: Path) -> None:
    """0 done, 2 bad input, 3 refused, 4 conflict: always one `error:` line, never a traceback."""
    setup_world(cli, tmp_path)
    rec = "botj-2003/R1"
    assert_error(cli("rec", "show", "botj-2003/R9"), 2, "no recommendation botj-2003/R9")
    assert_error(cli("rec", "show", "not an id"), 2, "not a recommendation id")
    assert_error(cli("rec", "start", rec, "--actor", "nobody@x.org"), 2, "no person")
    assert_error(cli("rec", "list", "--frobnicate"), 2, "--frobnicate")
    assert_error(
        cli("rec", "respond", rec, "--actor", "ilau@x.org", "--body", "MPS"),
        2,
        "exactly one of --text and --not-applicable",
    )
    assert_error(
        cli("rec", "plan", rec, "--actor", "ilau@x.org", "--action", "no pipes"),
        2,
        "TEXT|OWNER_EMAIL|YYYY-MM-DD",
    )
    assert_error(
        cli("rec", "extend", rec, "--actor", "ilau@x.org", "--to", "soon", "--reason", "r"),
        2,
        "not a date",
    )
    assert_error(cli("rec", "list", now="last tuesday"), 2, "not an ISO date")

    assert_error(
        cli("rec", "start", rec, "--actor", "a.owner@example.org"),
        3,
        "cannot start from state raised",
    )
    assert_error(
        cli("rec", "reopen", rec, "--actor", "a.owner@example.org", "--reason", "r"),
        3,
        "may not reopen",
    )
    cli.ok("rec", "respond", rec, "--actor", "ilau@x.org", "--body", "MPS", "--text", "a")
    cli.ok("rec", "respond", rec, "--actor", "ilau@x.org", "--body", "MPA", "--text", "b")
    assert_error(
        cli(
            "rec",
            "plan",
            rec,
            "--actor",
            "a.owner@example.org",
            "--action",
            "Late|a.owner@example.org|2003-01-01",
        ),
        3,
        "guard targets_in_future",
    )

    version = cli.ok("rec", "show", rec, "--json").json["version"]
    cli.ok(
        "rec",
        "reassign",
        rec,
        "--actor",
        "ilau@x.org",
        "--owner",
        "board@x.org",
        "--if-version",
        str(version),
    )
    assert_error(
        cli(
            "rec",
            "reassign",
            rec,
            "--actor",
            "ilau@x.org",
            "--owner",
            "a.owner@example.org",
            "--if-version",
            str(version),
        ),
        4,
        f"you had version {version}",
    )
    assert cli.ok("rec", "show", rec, "--json").json["owner"] == "board@x.org"


def test_a_malformed_import_changes_nothing(cli: Cli, tmp_path: Path) -> None:
    setup_world(cli, tmp_path)
    before = (
        cli.ok("audit", "--json").out,
        cli.ok("rec", "list", "--json").out,
        cli.ok("people", "list", "--json").out,
    )
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        GOOD_YAML.replace("botj-2003", "md-2003")
        .replace(
            "{email: A.Owner@Example.org, name: A Owner, roles: [owner]",
            "{email: new@x.org, name: New, roles: [owner]",
        )
        .replace("published: 2003-10-01", "published: 2003-02-30")
    )
    assert_error(cli("import", str(bad)), 2, f"{bad}:8: field published")
    after = (
        cli.ok("audit", "--json").out,
        cli.ok("rec", "list", "--json").out,
        cli.ok("people", "list", "--json").out,
    )
    assert after == before


def test_settings_from_the_environment(cli: Cli, tmp_path: Path) -> None:
    result = cli(
        "rec", "list", "--json", now=None, env={"RECTRACK_NOW": "2004-01-01", "RECTRACK_DB": cli.db}
    )
    assert result.code == 0 and result.json == []
    config = tmp_path / "rectrack.toml"
    config.write_text("[rules.defaults]\nresponse_days = 'soon'\n")
    assert_error(
        cli("rec", "list", env={"RECTRACK_CONFIG": str(config)}),
        2,
        "response_days must be a whole number of days",
    )


def test_an_uninitialised_database_says_what_to_do(tmp_path: Path) -> None:
    fresh = Cli(str(tmp_path / "fresh.db"), tmp_path)
    assert_error(fresh("rec", "list"), 2, "rectrack init")


@pytest.mark.external_service
def test_the_command_line_on_postgresql(pg_engine: Engine, tmp_path: Path) -> None:
    """The same contract against a PostgreSQL URL (a schema of its own, migrated)."""
    cli = Cli(pg_engine.url.render_as_string(hide_password=False), tmp_path)
    assert "already at revision" in cli.ok("init").out
    setup_world(cli, tmp_path)
    cli.ok(
        "rec", "respond", "botj-2003/R1", "--actor", "ilau@x.org", "--body", "MPS", "--text", "a"
    )
    out = cli.ok(
        "rec",
        "respond",
        "botj-2003/R1",
        "--actor",
        "ilau@x.org",
        "--body",
        "MPA",
        "--text",
        "b",
        "--json",
    ).json
    assert out["to"] == "responded" and len(out["events"]) == 2
    assert_error(
        cli(
            "rec",
            "plan",
            "botj-2003/R1",
            "--actor",
            "ilau@x.org",
            "--action",
            "x|ilau@x.org|2003-01-01",
        ),
        3,
        "targets_in_future",
    )
    assert [
        h["event"] for h in cli.ok("rec", "show", "botj-2003/R1", "--json").json["history"]
    ] == ["raise", "record_response", "record_response", "respond"]


def test_showing_a_recommendation_loads_only_what_it_needs(cli: Cli) -> None:
    """`rec show` starts fast: no papers' libraries, no scheduler, no templates, no logging."""
    cli.ok("init")
    code = (
        "import sys\n"
        "from workflow.cli.main import run\n"
        f"code = run(['--db', {cli.db!r}, 'rec', 'show', 'nope/R1'])\n"
        "heavy = ['matplotlib', 'docx', 'jinja2', 'apscheduler', 'structlog', 'pydantic',"
        " 'yaml', 'aiosmtplib', 'alembic', 'openpyxl']\n"
        "print(code, *(m for m in heavy if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.split() == ["2"]  # no such recommendation, and nothing heavy loaded


def test_directory_writes_need_a_known_allowed_actor(cli: Cli, tmp_path: Path) -> None:
    """`system` is nobody on the command line; an unknown actor changes nothing; the set-up
    (the first import on an empty database) needs no actor, and later ones do."""
    setup_world(cli, tmp_path)
    add = ("people", "add", "new@x.org", "--name", "New", "--role", "ilau")
    assert_error(cli(*add), 2, "an actor is required")
    assert_error(cli(*add, "--actor", "system"), 2, "no person with email system")
    assert_error(cli(*add, "--actor", "board@x.org"), 3, "only ilau may")
    assert_error(
        cli("committee", "add", "PPRC", "--cadence", "monthly", "--actor", "nobody@x.org"),
        2,
        "no person with email nobody@x.org",
    )
    assert [p["email"] for p in cli.ok("people", "list", "--json").json] == [
        "a.owner@example.org",
        "board@x.org",
        "ilau@x.org",
    ]
    cli.ok(*add, "--actor", "ilau@x.org")
    trail = cli.ok("audit", "--event", "person.add", "--json").json
    assert [e["actor"] for e in trail][:2] == ["installation set-up", "installation set-up"]
    assert trail[-1]["actor"] == "ilau@x.org"


def test_dates_that_break_arithmetic_are_refused(cli: Cli, tmp_path: Path) -> None:
    """`--now 9999-12-31` and an extension to 9999-12-31 crashed with OverflowError."""
    setup_world(cli, tmp_path)
    assert_error(cli("rec", "list", now="9999-12-31"), 2, "between 1900-01-01 and 2200-12-31")
    assert_error(cli("rec", "list", now="2004-03-28T01:30"), 2, "does not exist")
    extend = ("rec", "extend", "botj-2003/R1", "--actor", "ilau@x.org", "--reason", "r")
    assert_error(cli(*extend, "--to", "9999-12-31"), 2, "--to 9999-12-31")


def test_a_database_held_too_long_is_busy_and_nothing_is_written(cli: Cli, tmp_path: Path) -> None:
    """Another writer holding SQLite past the busy timeout: exit 4, a clear line, no change."""
    setup_world(cli, tmp_path)
    add = ("people", "add", "new@x.org", "--name", "New", "--role", "ilau", "--actor", "ilau@x.org")
    holder = sqlite3.connect(cli.db, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        result = cli(*add, env={"RECTRACK_BUSY_TIMEOUT": "0.3"})
    finally:
        holder.close()
    assert_error(result, 4, "the database is busy", "RECTRACK_BUSY_TIMEOUT", "nothing was written")
    assert "new@x.org" not in cli.ok("people", "list").out
    cli.ok(*add)  # once the other writer is gone, the same command goes through
    assert_error(cli("rec", "list", env={"RECTRACK_BUSY_TIMEOUT": "soon"}), 2, "busy_timeout")
