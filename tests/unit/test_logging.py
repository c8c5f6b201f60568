"""Log lines: an exception logged is rendered with its type, message and traceback (it was only
`"exc_info": true` in JSON), from structlog's loggers and the standard library's alike; and
structlog still loads only when something is first logged."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

import config.logging as rtlog


@pytest.fixture
def fresh_logging() -> Iterator[None]:
    """Logging as at start-up (nothing applied), and as it was again afterwards."""
    import structlog

    root = logging.getLogger()
    saved = root.handlers[:], root.level, dict(rtlog._wanted), rtlog._done
    structlog_config = structlog.get_config()
    rtlog._done = False
    try:
        yield
    finally:
        root.handlers[:], level, wanted, rtlog._done = saved
        root.setLevel(level)
        rtlog._wanted.clear()
        rtlog._wanted.update(wanted)
        structlog.configure(**structlog_config)


def fail(message: str) -> None:
    password = "hunter2"  # a local of the failing frame, never in the log
    raise ValueError(message + password[:0])


def log_both(message: str) -> None:
    """One exception logged through structlog, one through a standard library logger."""
    try:
        fail(message)
    except ValueError:
        rtlog.get_logger("rectrack.test").exception("it failed", job="sweep")
    try:
        fail(message + " again")
    except ValueError:
        logging.getLogger("apscheduler.test").exception("it failed too")


def json_lines(err: str) -> list[dict[str, Any]]:
    lines = [json.loads(line) for line in err.splitlines() if line.strip()]
    assert lines, err
    return lines


def assert_carries_the_exception(line: dict[str, Any], message: str) -> None:
    assert "exc_info" not in line
    (exc,) = line["exception"]
    assert (exc["exc_type"], exc["exc_value"]) == ("ValueError", message)
    frames = [frame["name"] for frame in exc["frames"]]
    assert frames[-2:] == ["log_both", "fail"]  # the traceback, down to where it was raised
    assert all("locals" not in frame for frame in exc["frames"])  # no password in the log


def test_a_json_line_carries_the_exception_from_either_kind_of_logger(
    fresh_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    rtlog.configure_logging("INFO", json=True)
    log_both("boom")
    err = capsys.readouterr().err
    assert "hunter2" not in err
    first, second = json_lines(err)
    assert (first["event"], first["job"], first["level"]) == ("it failed", "sweep", "error")
    assert first["logger"] == "rectrack.test"
    assert_carries_the_exception(first, "boom")
    assert (second["event"], second["logger"]) == ("it failed too", "apscheduler.test")
    assert_carries_the_exception(second, "boom again")


def test_a_json_line_without_an_exception_has_no_exception_field(
    fresh_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    rtlog.configure_logging("INFO", json=True, at_once=True)
    rtlog.get_logger("rectrack.test").info("all well", sent=3)
    logging.getLogger("apscheduler.test").warning("late")
    first, second = json_lines(capsys.readouterr().err)
    assert (first["event"], first["sent"]) == ("all well", 3)
    assert second["event"] == "late"
    assert not {"exception", "exc_info"} & (set(first) | set(second))


def test_a_console_line_carries_the_traceback_too(
    fresh_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    rtlog.configure_logging("INFO", json=False)
    log_both("boom")
    err = capsys.readouterr().err
    assert "it failed" in err and "it failed too" in err
    assert "ValueError" in err and "boom again" in err
    assert "Traceback (most recent call last)" in err
    assert "raise ValueError(message + password[:0])" in err
    assert "hunter2" not in err


_CHILD = """\
import json, logging, sys
from config.logging import configure_logging, get_logger
configure_logging("INFO", json=True)
log = get_logger("rectrack.child")
print(json.dumps({"configured": "structlog" in sys.modules}), flush=True)
try:
    {}["missing"]
except KeyError:
    log.exception("lookup failed")
try:
    1 / 0
except ZeroDivisionError:
    logging.getLogger("sqlalchemy.child").exception("division failed")
print(json.dumps({"logged": "structlog" in sys.modules}), flush=True)
"""


def test_structlog_loads_only_when_first_used_and_stderr_gets_the_exception() -> None:
    """A fresh interpreter, its stderr not a terminal: JSON, as a service writes it."""
    done = subprocess.run(
        [sys.executable, "-c", _CHILD], capture_output=True, text=True, timeout=60, check=True
    )
    assert [json.loads(line) for line in done.stdout.splitlines()] == [
        {"configured": False},
        {"logged": True},
    ]
    first, second = json_lines(done.stderr)
    assert first["event"] == "lookup failed"
    assert first["exception"][0]["exc_type"] == "KeyError"
    assert first["exception"][0]["exc_value"] == "'missing'"
    assert second["event"] == "division failed"
    assert second["exception"][0]["exc_type"] == "ZeroDivisionError"
    assert second["exception"][0]["exc_value"] == "division by zero"
