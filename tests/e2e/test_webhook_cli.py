"""`rectrack webhook add|list|remove|deliver`, as run."""

from __future__ import annotations

import socket
from pathlib import Path

from tests.e2e.conftest import Cli, assert_error
from tests.e2e.test_cli import setup_world


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_webhook_through_the_command_line(cli: Cli, tmp_path: Path) -> None:
    setup_world(cli, tmp_path)
    url = f"http://127.0.0.1:{_closed_port()}/in"
    made = cli.ok("webhook", "add", url, "--event", "record_response", "--json").json
    assert made["id"] == 1 and made["events"] == ["record_response"] and len(made["secret"]) == 64
    assert_error(cli("webhook", "add", url, "--event", "finished"), 2, "unknown event 'finished'")
    assert_error(cli("webhook", "add", "mailto:x@y.org", "--event", "complete"), 2, "http")
    cli.ok(
        "rec", "respond", "botj-2003/R1", "--actor", "ilau@x.org", "--body", "MPS", "--text", "Yes"
    )
    (listed,) = cli.ok("webhook", "list", "--json").json
    assert (listed["pending"], listed["delivered"]) == (1, 0)
    assert "secret" not in listed
    assert cli.ok("webhook", "deliver").out.strip() == "delivered 0, failed 1"
    (listed,) = cli.ok("webhook", "list", "--json").json
    assert listed["attempts"] == 1 and listed["pending"] == 1 and listed["last_error"]
    assert "removed" in cli.ok("webhook", "remove", "1").out
    assert cli.ok("webhook", "list", "--json").json == []
    assert_error(cli("webhook", "remove", "1"), 2, "no webhook 1")
    assert_error(
        cli("webhook", "add", url, "--event", "complete", "--actor", "a.owner@example.org"), 3
    )
