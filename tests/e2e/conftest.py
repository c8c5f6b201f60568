"""Runs the installed `rectrack` command in a subprocess, as a user would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

RECTRACK = str(Path(sys.executable).parent / "rectrack")
# The checkout these tests belong to: the venv's `rectrack` may be an editable install of
# another one (a second git worktree), and PYTHONPATH comes before it.
CHECKOUT = str(Path(__file__).parents[2])


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def json(self) -> Any:
        return json.loads(self.out)


class Cli:
    """`rectrack` bound to one database, with `--now` given per call."""

    def __init__(self, db: str, cwd: Path, env: dict[str, str] | None = None) -> None:
        self.db = db
        self.cwd = cwd
        self.env = env or {}

    def argv(self, *args: str, now: str | None = "2003-11-03") -> list[str]:
        return [RECTRACK, "--db", self.db] + (["--now", now] if now else []) + list(args)

    def environ(self, env: dict[str, str] | None = None) -> dict[str, str]:
        environ = {k: v for k, v in os.environ.items() if not k.startswith("RECTRACK_")}
        path = os.pathsep.join(p for p in (CHECKOUT, environ.get("PYTHONPATH")) if p)
        return environ | {"PYTHONPATH": path} | self.env | (env or {})

    def __call__(
        self, *args: str, now: str | None = "2003-11-03", env: dict[str, str] | None = None
    ) -> Result:
        done = subprocess.run(
            self.argv(*args, now=now),
            capture_output=True,
            text=True,
            cwd=self.cwd,
            env=self.environ(env),
            timeout=60,
            check=False,
        )
        return Result(done.returncode, done.stdout, done.stderr)

    def ok(self, *args: str, now: str | None = "2003-11-03") -> Result:
        result = self(*args, now=now)
        assert result.code == 0, result.err
        return result


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    runner = Cli(str(tmp_path / "rectrack.db"), tmp_path)
    runner.ok("init")
    return runner


def assert_error(result: Result, code: int, *fragments: str) -> None:
    """One `error: ` line on stderr, no traceback, the expected exit code."""
    assert result.code == code, (result.code, result.err)
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.err
    assert "Traceback" not in result.err
    for fragment in fragments:
        assert fragment in lines[0]
