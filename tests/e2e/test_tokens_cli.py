"""`rectrack token create|list|revoke` and `rectrack calendar url|list|revoke`, as run."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from tests.e2e.conftest import Cli, assert_error
from tests.e2e.test_cli import setup_world

OWNER = "a.owner@example.org"


def test_a_token_is_printed_once_listed_never_and_revoked(cli: Cli, tmp_path: Path) -> None:
    setup_world(cli, tmp_path)
    made = cli.ok("token", "create", OWNER, "--name", "dashboard", "--expires", "2004-12-31")
    (secret,) = made.out.split()
    assert re.fullmatch(r"rtk_[A-Za-z0-9_-]{40,}", secret)
    assert "shown only this once" in made.err
    listed = cli.ok("token", "list", "--json").json
    assert [(t["id"], t["person"], t["name"], t["state"]) for t in listed] == [
        (1, OWNER, "dashboard", "active")
    ]
    assert listed[0]["expires_on"] == "2004-12-31"
    assert secret not in cli.ok("token", "list").out
    with sqlite3.connect(cli.db) as conn:
        stored = conn.execute("SELECT token_hash FROM access_token").fetchone()[0]
    assert secret not in stored and len(stored) == 64
    assert "revoked" in cli.ok("token", "revoke", "1").out
    assert cli.ok("token", "list", "--json").json[0]["state"] == "revoked"
    assert cli.ok("token", "list", "--json", now="2005-01-01").json[0]["state"] == "revoked"


def test_who_may_make_a_token_for_whom(cli: Cli, tmp_path: Path) -> None:
    setup_world(cli, tmp_path)
    cli.ok("token", "create", OWNER, "--actor", OWNER)  # their own
    cli.ok("token", "create", OWNER, "--actor", "ilau@x.org")  # the ILAU, for them
    assert_error(cli("token", "create", "ilau@x.org", "--actor", OWNER), 3, "token.manage")
    assert_error(cli("token", "create", "nobody@x.org"), 2, "nobody@x.org")
    assert_error(cli("token", "create", OWNER, "--expires", "2003-01-01"), 2, "already past")
    assert_error(cli("token", "create", OWNER, "--expires", "soon"), 2, "--expires")
    assert_error(cli("token", "revoke", "9"), 2, "no api token 9")
    events = [e["event"] for e in cli.ok("audit", "--json").json]
    assert events.count("token.create") == 2


def test_calendar_url_prints_a_secret_address(cli: Cli, tmp_path: Path) -> None:
    setup_world(cli, tmp_path)
    env = {"RECTRACK_BASE_URL": "https://rectrack.example.org"}
    done = cli("calendar", "url", OWNER, env=env)
    assert done.code == 0, done.err
    assert re.fullmatch(
        r"https://rectrack\.example\.org/calendar/rtc_[A-Za-z0-9_-]{40,}\.ics", done.out.strip()
    )
    assert "calendar feed" in cli.ok("calendar", "list").out
    assert_error(cli("token", "revoke", "1"), 2, "no api token 1")  # a feed is no API token
    assert "revoked" in cli.ok("calendar", "revoke", "1").out
