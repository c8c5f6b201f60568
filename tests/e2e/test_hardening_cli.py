"""Issue 9's hardening, through the command line: a scheduler run whose sweep failed is not
exit 0 (item 15); bad settings are one line and exit 2, a display name in the sender is fine
(item 9); addresses that would break sending are refused on entry (item 8); and a
write-protected SQLite copy is never read stale past a leftover -wal file (item 16)."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from notifications.sink import Mailbox
from tests.e2e.conftest import RECTRACK, Cli, Result, assert_error
from tests.e2e.test_cli import setup_world
from tests.e2e.test_mail import setup as setup_mail


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.external_service)])
def any_cli(request: pytest.FixtureRequest, tmp_path: Path) -> Cli:
    """`rectrack` on an empty, initialised database of each backend in turn."""
    if request.param == "sqlite":
        on_sqlite: Cli = request.getfixturevalue("cli")
        return on_sqlite
    engine = request.getfixturevalue("pg_engine")  # an emptied schema of its own
    runner = Cli(engine.url.render_as_string(hide_password=False), tmp_path)
    runner.ok("init")
    return runner


def log_lines(err: str) -> list[dict[str, Any]]:
    """The JSON log lines a service writes on stderr (not a terminal: JSON)."""
    return [json.loads(line) for line in err.splitlines() if line.startswith("{")]


def jobs(err: str, event: str) -> dict[str, dict[str, Any]]:
    return {line["job"]: line for line in log_lines(err) if line.get("event") == event}


# ---------------------------------------------------------------------------------------------
# Item 15: `scheduler --once` says whether its jobs ran.


def test_scheduler_once_is_exit_0_when_every_job_ran(
    any_cli: Cli, tmp_path: Path, mailbox: tuple[Mailbox, int]
) -> None:
    box, port = mailbox
    setup_mail(any_cli, tmp_path, port)
    result = any_cli("scheduler", "--once", now="2004-01-06")
    assert result.code == 0, result.err
    assert set(jobs(result.err, "job finished")) == {
        "sweep",
        "agenda",
        "send",
        "webhooks",
        "monthly",
    }
    assert jobs(result.err, "job failed") == {}
    assert jobs(result.err, "job finished")["sweep"]["messages"] == 4
    assert len(box.messages) == 5  # the sweep's four, and the ILAU's notice from the import


def assert_only_the_sweep_failed(result: Result, box: Mailbox, why: str, sent: int) -> None:
    assert result.code == 1, result.err
    failed = jobs(result.err, "job failed")
    assert set(failed) == {"sweep"}
    assert failed["sweep"]["level"] == "error"
    assert why in failed["sweep"]["error"]  # the log line says why, not just `exc_info: true`
    # The other jobs still ran: one failure neither hides the others' work nor stops them.
    finished = jobs(result.err, "job finished")
    assert set(finished) == {"agenda", "send", "webhooks", "monthly"}
    assert finished["send"]["sent"] == len(box.messages) == sent  # and no reminder among them


def test_scheduler_once_is_exit_1_when_the_sweep_would_write_history_backwards(
    any_cli: Cli, tmp_path: Path, mailbox: tuple[Mailbox, int]
) -> None:
    """The import is dated 2003-11-03: a sweep dated the day before refuses to run."""
    box, port = mailbox
    setup_mail(any_cli, tmp_path, port)
    result = any_cli("scheduler", "--once", now="2003-11-02")
    why = "OutOfOrder: the trail already holds events up to"
    assert_only_the_sweep_failed(result, box, why, sent=0)  # the import's notice is not yet due
    assert any_cli.ok("audit", "--event", "sweep", "--json").json == []


def test_scheduler_once_is_exit_1_when_the_sweep_finds_its_table_gone(
    cli: Cli, tmp_path: Path, mailbox: tuple[Mailbox, int]
) -> None:
    """A damaged schema that still has its revision (so the start-up check passes)."""
    box, port = mailbox
    setup_mail(cli, tmp_path, port)
    with sqlite3.connect(cli.db) as conn:
        conn.execute("DROP TABLE notice")
    conn.close()
    result = cli("scheduler", "--once", now="2004-01-06")
    # Sent: the ILAU's notice of R5, queued at import (no sweep, so no reminder).
    assert_only_the_sweep_failed(result, box, "no such table: notice", sent=1)
    assert cli.ok("audit", "--event", "sweep", "--json", now="2004-01-06").json == []


# ---------------------------------------------------------------------------------------------
# Item 9: settings.


def bare(cli: Cli, *args: str, env: dict[str, str] | None = None) -> Result:
    """`rectrack ARGS` with no --db or --now of its own: what the environment says."""
    done = subprocess.run(
        [RECTRACK, *args],
        capture_output=True,
        text=True,
        cwd=cli.cwd,
        env=cli.environ(env),
        timeout=60,
        check=False,
    )
    return Result(done.returncode, done.stdout, done.stderr)


@pytest.mark.parametrize(
    ("env", "args", "fragment"),
    [
        ({"RECTRACK_SMTP_PORT": "99999"}, ("rec", "list"), "SMTP port 99999"),
        ({"RECTRACK_SMTP_PORT": "99999"}, ("outbox", "send"), "1 to 65535"),
        ({"RECTRACK_SMTP_PORT": "smtp"}, ("rec", "list"), "SMTP port 'smtp'"),
        ({}, ("--db", "mysql://rt@127.0.0.1/rectrack", "rec", "list"), "mysql://"),
        ({"RECTRACK_DB": "mysql+pymysql://rt@h/r"}, ("rec", "list"), "mysql+pymysql://"),
        ({}, ("audit", "--after-id", "99999999999999999999999"), "--after-id"),
        ({}, ("audit", "--after-id", "-1"), "--after-id"),
    ],
)
def test_bad_settings_are_one_line_and_exit_2(
    cli: Cli, env: dict[str, str], args: tuple[str, ...], fragment: str
) -> None:
    env = {"RECTRACK_DB": cli.db, **env}
    assert_error(bare(cli, *args, env=env), 2, fragment)


@pytest.mark.parametrize(
    ("toml", "fragment"),
    [
        ("[smtp]\nport = 99999\n", "SMTP port 99999"),
        # Once taken silently: 0 and false as port 25, 25.9 as 25, true as port 1.
        ("[smtp]\nport = 0\n", "SMTP port 0: expected a whole number from 1 to 65535"),
        ("[smtp]\nport = false\n", "SMTP port False: expected a whole number"),
        ("[smtp]\nport = true\n", "SMTP port True: expected a whole number"),
        ("[smtp]\nport = 25.9\n", "SMTP port 25.9: expected a whole number"),
        ("[database]\nbusy_timeout = true\n", "busy_timeout True"),
        ("[scheduler]\nsend_every_seconds = 0\n", "send_every_seconds 0"),
        ('[database]\nurl = "mysql://rt@127.0.0.1/rectrack"\n', "mysql://"),
    ],
)
def test_bad_settings_in_the_file_are_one_line_and_exit_2(
    cli: Cli, tmp_path: Path, toml: str, fragment: str
) -> None:
    config = tmp_path / "rectrack.toml"
    config.write_text(toml)
    assert_error(bare(cli, "--config", str(config), "rec", "list"), 2, fragment)


@pytest.mark.parametrize("where", ["environment", "settings file"])
def test_a_sender_with_a_display_name_is_used_as_given(
    cli: Cli, tmp_path: Path, mailbox: tuple[Mailbox, int], where: str
) -> None:
    box, port = mailbox
    setup_mail(cli, tmp_path, port)  # the import queued the ILAU's notice of R5
    del cli.env["RECTRACK_MAIL_FROM"]
    if where == "environment":
        cli.env["RECTRACK_MAIL_FROM"] = "Rectrack <rt@x.org>"
        args: tuple[str, ...] = ()
    else:
        config = tmp_path / "rectrack.toml"
        config.write_text('[smtp]\nfrom = "Rectrack <rt@x.org>"\n')
        args = ("--config", str(config))
    assert cli.ok(*args, "rec", "list", "--json").json != []
    assert cli.ok(*args, "outbox", "send", "--json").json == {"sent": 1, "failed": 0, "pending": 0}
    (sent,) = box.messages
    assert sent["From"] == "Rectrack <rt@x.org>"
    assert str(sent["Message-ID"]).endswith("@x.org>")


# ---------------------------------------------------------------------------------------------
# Item 8: addresses that would break every `outbox send` are refused on entry.


def everything(cli: Cli) -> tuple[str, str]:
    return cli.ok("people", "list", "--json").out, cli.ok("audit", "--json").out


@pytest.mark.parametrize("address", ["comma,victim@evil.example", '"q"@x.org'])
@pytest.mark.parametrize("first", [True, False], ids=["set-up", "by-the-ilau"])
def test_an_address_that_would_break_sending_is_refused_and_nothing_added(
    any_cli: Cli, tmp_path: Path, address: str, first: bool
) -> None:
    actor: tuple[str, ...] = ()
    if not first:
        setup_world(any_cli, tmp_path)
        actor = ("--actor", "ilau@x.org")
    before = everything(any_cli)
    result = any_cli("people", "add", address, "--name", "Victim", "--role", "owner", *actor)
    assert_error(result, 2, "not an email address")
    assert everything(any_cli) == before
    assert "victim" not in any_cli.ok("people", "list").out.lower()
    if first:
        assert any_cli.ok("people", "list", "--json").json == []


# ---------------------------------------------------------------------------------------------
# Item 16: a write-protected copy with a -wal file beside it.

# The tests run as root, whom `chmod` does not stop: there, whether the file is
# write-protected is judged by its mode bits, as anybody else would find it.
_PROTECTED = """\
import os, sys
from workflow.store import engine
if os.geteuid() == 0:
    engine._write_protected = lambda p: p.exists() and not p.stat().st_mode & 0o222
from workflow.cli.main import run
sys.exit(run(sys.argv[1:]))
"""


def on_protected(cli: Cli, db: Path, *args: str) -> Result:
    done = subprocess.run(
        [sys.executable, "-c", _PROTECTED, "--db", str(db), "--now", "2003-11-03", *args],
        capture_output=True,
        text=True,
        cwd=cli.cwd,
        env=cli.environ(),
        timeout=60,
        check=False,
    )
    return Result(done.returncode, done.stdout, done.stderr)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def emails(result: Result) -> list[str]:
    assert result.code == 0, result.err
    return [p["email"] for p in json.loads(result.out)]


def test_a_protected_copy_taken_before_a_checkpoint_is_refused_not_read_stale(
    cli: Cli, tmp_path: Path
) -> None:
    setup_world(cli, tmp_path)
    live = Path(cli.db)
    # Another connection open on the live database: the last change stays in its -wal file
    # (the command's own connection is not the last to close, so it does not checkpoint).
    holder = sqlite3.connect(live)
    try:
        holder.execute("SELECT count(*) FROM person").fetchall()
        add = ("people", "add", "late@x.org", "--name", "Late", "--role", "owner")
        cli.ok(*add, "--actor", "ilau@x.org")
        wal = live.with_name(live.name + "-wal")
        assert wal.stat().st_size > 32  # the change is in the WAL, not yet in the file
        kept = tmp_path / "evidence"
        kept.mkdir()
        copy = kept / live.name
        shutil.copy(live, copy)
        shutil.copy(wal, kept / wal.name)
    finally:
        holder.close()
    copy.chmod(0o444)
    before = digest(copy)
    assert "late@x.org" in emails(cli("people", "list", "--json"))  # the live one has it

    for args in (("people", "list", "--json"), ("audit", "verify"), ("rec", "list")):
        assert_error(
            on_protected(cli, copy, *args),
            2,
            "write-protected",
            f"{copy}-wal",
            "must be checkpointed first",
        )
    assert digest(copy) == before
    assert not (kept / f"{live.name}-shm").exists()

    # Done as the message says, the copy reads whole and verifies.
    copy.chmod(0o644)
    with sqlite3.connect(copy) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    copy.chmod(0o444)
    assert not (kept / f"{live.name}-wal").exists()
    assert "late@x.org" in emails(on_protected(cli, copy, "people", "list", "--json"))
    verified = on_protected(cli, copy, "audit", "verify")
    assert verified.code == 0 and "the chain is intact" in verified.out, verified.err


def test_an_empty_wal_file_beside_a_protected_copy_is_no_obstacle(cli: Cli, tmp_path: Path) -> None:
    """Left by a checkpoint that truncated it: it holds nothing, so nothing is refused."""
    setup_world(cli, tmp_path)
    db = Path(cli.db)
    (db.parent / f"{db.name}-wal").write_bytes(b"")
    db.chmod(0o444)
    try:
        listed = emails(on_protected(cli, db, "people", "list", "--json"))
    finally:
        db.chmod(0o644)
    assert listed == ["a.owner@example.org", "board@x.org", "ilau@x.org"]
