"""Reminders and escalations by e-mail, end to end: the CLI, a real SMTP server on loopback."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine

from notifications.sink import Mailbox
from tests.e2e.conftest import Cli, assert_error

WORLD = """\
people:
  - {email: ilau@x.org, name: Ivy Lau, roles: [ilau]}
  - {email: board@x.org, name: Bea Board, roles: [board]}
  - {email: owner1@x.org, name: Owen One, roles: [owner], group: TP}
  - {email: owner2@x.org, name: Olive Two, roles: [owner], group: HR}
  - {email: owner3@x.org, name: Oscar Three, roles: [owner], group: ICG}
reports:
  - key: botj-2003
    title: Bringing Offenders to Justice
    body: HMIC
    kind: inspection
    published: 2003-10-01
    responding_bodies: [MPS, MPA]
    recommendations:
      - {ref: R1, subject: "Clear aims <b>now</b>", text: "Clear aims", owner: owner1@x.org}
      - {ref: R2, subject: Benchmarking, text: "Benchmark", owner: owner1@x.org}
      - {ref: R3, subject: Implementation plans, text: "Plans", owner: owner2@x.org}
      - {ref: R4, subject: Monitoring, text: "Monitor", owner: owner3@x.org}
      - {ref: R5, text: "Nobody's"}
"""


def setup(cli: Cli, tmp_path: Path, port: int) -> None:
    (tmp_path / "world.yaml").write_text(WORLD)
    cli.ok("import", str(tmp_path / "world.yaml"))
    cli.env.update(
        {
            "RECTRACK_SMTP_HOST": "127.0.0.1",
            "RECTRACK_SMTP_PORT": str(port),
            "RECTRACK_SMTP_TLS": "none",
            "RECTRACK_MAIL_FROM": "ilau@rectrack.test",
        }
    )


def test_reminders_and_escalations_arrive(
    cli: Cli, tmp_path: Path, mailbox: tuple[Mailbox, int]
) -> None:
    box, port = mailbox
    setup(cli, tmp_path, port)
    swept = cli.ok("sweep", "--json", now="2004-01-06").json
    assert sorted({r["to"] for r in swept["reminders"]}) == [
        "owner1@x.org",
        "owner2@x.org",
        "owner3@x.org",
    ]
    assert {e["rec"] for e in swept["escalations"]} == {f"botj-2003/R{n}" for n in range(1, 6)}
    assert swept["messages"] == 4  # three owners and the board (the ILAU heard at import)
    sent = cli.ok("outbox", "send", "--json", now="2004-01-06").json
    assert sent == {"sent": 5, "failed": 0, "pending": 0}

    by_to = {str(m["To"]): m for m in box.messages}
    assert set(by_to) == {
        "owner1@x.org",
        "owner2@x.org",
        "owner3@x.org",
        "board@x.org",
        "ilau@x.org",
    }
    owner1 = by_to["owner1@x.org"]
    assert owner1["From"] == "ilau@rectrack.test"
    assert owner1["Subject"] == "rectrack: 2 recommendations need your attention (2 items due)"
    body = box.body(owner1)
    assert "Dear Owen One" in body and "botj-2003/R1" in body and "botj-2003/R2" in body
    assert "was due 2003-12-29 (8 days ago)" in body
    html = owner1.get_body(("html",))
    assert html is not None and "Clear aims &lt;b&gt;now&lt;/b&gt;" in html.get_content()
    board = box.body(by_to["board@x.org"])
    assert "5 recommendations are escalated to the Performance Board" in board
    assert "Response not given (due 2003-12-29, 8 days overdue)" in board
    assert "Owner: owner2@x.org (HR)" in board
    assert "botj-2003/R5" in box.body(by_to["ilau@x.org"])
    assert cli.ok("sweep", "--json", now="2004-01-06").json["messages"] == 0
    assert cli.ok("outbox", "send", "--json", now="2004-01-06").json["sent"] == 0


def test_a_server_that_goes_down_mid_delivery_loses_nothing_and_repeats_nothing(
    cli: Cli, tmp_path: Path, mailbox: tuple[Mailbox, int]
) -> None:
    box, port = mailbox
    setup(cli, tmp_path, port)
    assert cli.ok("sweep", "--json", now="2004-01-06").json["messages"] == 4
    box.fail_after = 2  # five to send: these four and the ILAU's notice of R5, queued at import
    first = cli.ok("outbox", "send", "--json", now="2004-01-06").json
    assert first == {"sent": 2, "failed": 0, "pending": 3}
    assert box.controller is None  # the server really went away
    down = cli.ok("outbox", "send", "--json", now="2004-01-06T13:00").json
    assert down == {"sent": 0, "failed": 0, "pending": 3}  # refused connection: still queued
    waiting = cli.ok("outbox", "list", "--status", "pending", "--json", now="2004-01-06T13:00").json
    assert all(m["attempts"] >= 1 and m["last_error"] for m in waiting)

    box.fail_after = None
    box.start(port)
    again = cli.ok("outbox", "send", "--json", now="2004-01-06T15:00").json
    assert again == {"sent": 3, "failed": 0, "pending": 0}
    ids = [str(m["Message-ID"]) for m in box.messages]
    assert len(ids) == 5 == len(set(ids))
    assert sorted(box.to()) == [
        "board@x.org",
        "ilau@x.org",
        "owner1@x.org",
        "owner2@x.org",
        "owner3@x.org",
    ]


def test_a_rejected_address_fails_for_good(
    cli: Cli, tmp_path: Path, mailbox: tuple[Mailbox, int]
) -> None:
    box, port = mailbox
    setup(cli, tmp_path, port)
    cli.ok(
        "people", "add", "gone@x.org", "--name", "Gone", "--role", "owner", "--actor", "ilau@x.org"
    )
    cli.ok("rec", "reassign", "botj-2003/R5", "--actor", "ilau@x.org", "--owner", "gone@x.org")

    async def refuse(
        server: object, session: object, envelope: object, address: str, rcpt_options: object
    ) -> str:
        if address == "gone@x.org":
            return "550 No such user"
        envelope.rcpt_tos.append(address)  # type: ignore[attr-defined]
        return "250 OK"

    box.handle_RCPT = refuse  # type: ignore[attr-defined]
    # the ILAU's notice of R5 (queued at import) goes; the new owner's notice cannot
    assert cli.ok("outbox", "send", "--json").json == {"sent": 1, "failed": 1, "pending": 0}
    failed = cli.ok("outbox", "list", "--status", "failed", "--json").json
    assert [m["to"] for m in failed] == ["gone@x.org"] and "550" in failed[0]["last_error"]


def test_escalating_by_hand_is_for_the_ilau(
    cli: Cli, tmp_path: Path, mailbox: tuple[Mailbox, int]
) -> None:
    box, port = mailbox
    setup(cli, tmp_path, port)
    assert_error(
        cli("escalate", "botj-2003/R3", "--actor", "owner1@x.org", "--reason", "x"),
        3,
        "may not escalate",
    )
    cli.ok(
        "escalate",
        "botj-2003/R3",
        "--actor",
        "ilau@x.org",
        "--reason",
        "Ownership moved in a restructure; nobody is implementing it",
    )
    listed = cli.ok("escalations", "--open", "--json").json
    assert [(e["rec"], e["reason"], e["raised_by"]) for e in listed] == [
        ("botj-2003/R3", "manual", "ilau@x.org")
    ]
    cli.ok("outbox", "send")
    to_board = [m for m in box.messages if m["To"] == "board@x.org"]
    assert [str(m["Subject"]) for m in to_board] == [
        "rectrack: a recommendation escalated to the Performance Board"
    ]
    assert "Ownership moved in a restructure" in box.body(to_board[0])


def _two_sweeps_at_once(cli: Cli) -> list[dict[str, object]]:
    procs = [
        subprocess.Popen(
            cli.argv("sweep", "--json", now="2004-01-06"),
            cwd=cli.cwd,
            env=cli.environ(),
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    return [json.loads(p.communicate(timeout=60)[0]) for p in procs]


def _check_once(results: list[dict[str, object]]) -> None:
    reminders = [(r["rec"], r["kind"]) for res in results for r in res["reminders"]]  # type: ignore[attr-defined]
    escalations = [e["rec"] for res in results for e in res["escalations"]]  # type: ignore[attr-defined]
    assert len(reminders) == 4 == len(set(reminders))
    assert len(escalations) == 5 == len(set(escalations))
    assert sum(int(res["messages"]) for res in results) == 4  # type: ignore[call-overload]


def test_two_sweep_processes_at_once_on_sqlite(cli: Cli, tmp_path: Path) -> None:
    setup(cli, tmp_path, 1)
    _check_once(_two_sweeps_at_once(cli))


@pytest.mark.external_service
def test_two_sweep_processes_at_once_on_postgresql(pg_engine: Engine, tmp_path: Path) -> None:
    cli = Cli(pg_engine.url.render_as_string(hide_password=False), tmp_path)
    setup(cli, tmp_path, 1)
    _check_once(_two_sweeps_at_once(cli))


def test_the_scheduler_sends_until_stopped(
    cli: Cli, tmp_path: Path, mailbox: tuple[Mailbox, int]
) -> None:
    box, port = mailbox
    setup(cli, tmp_path, port)
    config = tmp_path / "rectrack.toml"
    config.write_text("[scheduler]\nsend_every_seconds = 1\n")
    cli.ok("scheduler", "--once", now="2003-12-22")
    assert len(box.messages) == 4  # catch-up at start: reminders and the ILAU notice
    proc = subprocess.Popen(
        cli.argv("--config", str(config), "scheduler", now="2003-12-22"),
        cwd=cli.cwd,
        env=cli.environ(),
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        time.sleep(1.5)
        cli.ok(
            "rec",
            "reassign",
            "botj-2003/R4",
            "--actor",
            "ilau@x.org",
            "--owner",
            "owner1@x.org",
            now="2003-12-22",
        )
        deadline = time.monotonic() + 20
        while len(box.messages) < 6 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(box.messages) == 6  # the reassignment told both owners, within seconds
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert '"event": "scheduler stopped"' in err
