"""`rectrack audit` end to end: pages, as-of, verify (exit 5), head and anchors, export."""

from __future__ import annotations

import csv
import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.e2e.conftest import Cli, assert_error
from tests.e2e.test_cli import setup_world

R1, R2 = "botj-2003/R1", "botj-2003/R2"
OWNER = "a.owner@example.org"
ILAU = "ilau@x.org"


def fields(view: dict[str, object]) -> dict[str, object]:
    return {k: view[k] for k in ("id", "state", "owner", "degree", "due")}


Seen = dict[str, list[dict[str, object]]]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Seen]:
    """R1 answered on 12 Jan 2004 and planned on 19 Jan; R2 given an owner on 19 Jan.

    Built once for the module; returns the database file and what `rec show` said of both
    recommendations at the end of each of those days.
    """
    home = tmp_path_factory.mktemp("audit-world")
    cli = Cli(str(home / "rectrack.db"), home)
    cli.ok("init")
    setup_world(cli, home)
    shown: Seen = {}

    def show(day: str) -> None:
        shown[day] = [fields(cli.ok("rec", "show", r, "--json", now=day).json) for r in (R1, R2)]

    show("2003-11-03")
    for body, answer in (("MPS", ["--text", "Yes"]), ("MPA", ["--not-applicable", "MPS issue"])):
        cli.ok("rec", "respond", R1, "--actor", ILAU, "--body", body, *answer, now="2004-01-12")
    show("2004-01-12")
    action = f"Write PIDs|{OWNER}|2004-03-31"
    cli.ok("rec", "plan", R1, "--actor", OWNER, "--action", action, now="2004-01-19")
    cli.ok("rec", "reassign", R2, "--actor", ILAU, "--owner", OWNER, now="2004-01-19")
    show("2004-01-19")
    return Path(cli.db), shown


@pytest.fixture
def world(built: tuple[Path, Seen], tmp_path: Path) -> Seen:
    return built[1]


@pytest.fixture
def cli(built: tuple[Path, Seen], tmp_path: Path) -> Cli:
    """The command line on this test's own copy of the built database."""
    db = tmp_path / "rectrack.db"
    shutil.copy(built[0], db)
    return Cli(str(db), tmp_path)


def test_as_of_a_date_is_what_rec_show_said_at_the_end_of_it(cli: Cli, world: Seen) -> None:
    for day, seen in world.items():
        assert cli.ok("audit", "as-of", day, "--json", now="2004-06-01").json == seen
    # The events of 12 January happened at noon (what a bare --now means): not yet at 11:00.
    morning = cli.ok("audit", "as-of", "2004-01-12T11:00", "--json").json
    assert morning == world["2003-11-03"]
    one = cli.ok("audit", "as-of", "2004-01-19", "--report", "botj-2003", "--json").json
    assert one == world["2004-01-19"]
    table = cli.ok("audit", "as-of", "2004-01-19").out.splitlines()
    assert table[0].split() == ["ID", "STATE", "OWNER", "DEGREE", "NEXT", "DUE"]
    assert table[1].split()[:3] == [R1, "planned", OWNER]


def test_as_of_refuses_bad_input(cli: Cli, world: object) -> None:
    assert_error(cli("audit", "as-of", "2004-13-01"), 2, "not an ISO date")
    assert_error(cli("audit", "as-of", "2004-01-19", "--report", "nope"), 2, "no report nope")
    assert_error(cli("audit", "--rec", R1, "as-of", "2004-01-19"), 2, "filters")


def test_the_trail_comes_in_pages(cli: Cli, world: object) -> None:
    every = [e["seq"] for e in cli.ok("audit", "--json").json]
    first = cli.ok("audit", "--newest-first", "--limit", "3", "--json").json
    after = str(first[-1]["seq"])
    second = cli.ok("audit", "--newest-first", "--limit", "3", "--after-id", after, "--json").json
    assert [e["seq"] for e in first + second] == every[::-1][:6]
    page = cli.ok("audit", "--rec", R1, "--limit", "2", "--after-id", "1", "--json").json
    assert [e["event"] for e in page] == ["raise", "record_response"]


def tamper(db: str, sql: str) -> None:
    """What anyone holding the SQLite file can do: drop the triggers, then change the trail."""
    with sqlite3.connect(db) as conn:
        conn.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
        conn.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
        conn.execute(sql)


def test_verify_passes_then_names_the_altered_event_with_exit_5(cli: Cli, world: object) -> None:
    total = len(cli.ok("audit", "--json").json)
    recs = len(cli.ok("rec", "list", "--json").json)
    assert cli.ok("audit", "verify", "--json").json == {
        "events": total,
        "recommendations": recs,
        "ok": True,
    }
    assert cli.ok("audit", "verify").out.strip() == (
        f"ok: {total} events, the chain is intact; {recs} recommendations agree with it"
    )
    tamper(cli.db, "UPDATE audit_event SET note = 'never answered' WHERE id = 7")
    broken = cli("audit", "verify", "--json")
    assert broken.code == 5 and broken.err == ""
    assert broken.json == {
        "ok": False,
        "first_bad": 7,
        "problem": "event 7 was altered: its content does not match its hash",
    }
    assert_error(cli("audit", "verify"), 5, "audit trail broken at event 7")


def test_verify_names_a_recommendation_changed_behind_the_trail(cli: Cli, world: object) -> None:
    """The chain holds, but `rec show` and `audit as-of` would disagree: exit 5, naming it."""
    code = cli.ok("rec", "list", "--json").json[0]["id"]
    tamper(cli.db, f"UPDATE recommendation SET state = 'complete' WHERE code = '{code}'")
    broken = cli("audit", "verify", "--json")
    assert broken.code == 5 and broken.json["rec"] == code
    assert broken.json["problem"].startswith("its state is complete but its trail gives ")
    assert_error(
        cli("audit", "verify"), 5, f"recommendation {code} differs from its trail: its state"
    )


def test_verify_names_a_deleted_event(cli: Cli, world: object) -> None:
    tamper(cli.db, "DELETE FROM audit_event WHERE id = 5")
    result = cli("audit", "verify", "--json")
    assert (result.code, result.json["first_bad"]) == (5, 5)
    assert "deleted" in result.json["problem"]


def test_head_anchors_the_trail_outside_the_database(cli: Cli, world: object) -> None:
    head = cli.ok("audit", "head").out.strip()
    seq, digest = head.split(":")
    assert cli.ok("audit", "head", "--json").json == {"id": int(seq), "hash": digest}
    assert "1 anchor(s) matched" in cli.ok("audit", "verify", "--anchor", head).out
    tamper(cli.db, f"DELETE FROM audit_event WHERE id = {seq}")  # cutting the tail: no gap
    # The chain alone cannot tell; the replay can, as the cut event had changed R2's row.
    unanchored = cli("audit", "verify", "--json")
    assert (unanchored.code, unanchored.json["rec"]) == (5, R2)
    assert unanchored.json["problem"] == f"its owner is {OWNER} but its trail gives none"
    cut = cli("audit", "verify", "--anchor", head, "--json")
    assert (cut.code, cut.json["first_bad"]) == (5, int(seq))
    assert_error(cli("audit", "verify", "--anchor", "12:beef"), 2, "not an anchor")


def test_export_events_and_snapshots(cli: Cli, world: object, tmp_path: Path) -> None:
    out = tmp_path / "trail.csv"
    done = cli.ok("audit", "export", "--format", "csv", "--out", str(out))
    with out.open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert done.err.strip() == f"{len(rows)} events written to {out}"
    assert [int(r["id"]) for r in rows] == list(range(1, len(rows) + 1))
    assert not list(tmp_path.glob("*.partial"))
    lines = cli.ok("audit", "--rec", R2, "export", "--format", "jsonl").out.splitlines()
    assert [json.loads(line)["event"] for line in lines] == ["raise", "reassign"]
    snapshot = cli.ok("audit", "export", "--format", "jsonl", "--as-of", "2004-01-12").out
    as_of = cli.ok("audit", "as-of", "2004-01-12", "--json").json
    assert [json.loads(line) for line in snapshot.splitlines()] == as_of
    assert_error(cli("audit", "export", "--format", "xml"), 2, "xml")
    nowhere = str(tmp_path / "missing" / "trail.csv")
    assert_error(cli("audit", "export", "--format", "csv", "--out", nowhere), 2, "cannot write")
