"""Evidence kept write-protected: a SQLite file that cannot be written is opened read-only,
so it can still be listed, exported and verified; a write is a clear refusal, not a crash."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from config import default_rules
from tests import world
from workflow.bootstrap import unit_of_work
from workflow.cli.main import run
from workflow.clock import FixedClock
from workflow.store import engine as store_engine
from workflow.store.engine import make_engine


@pytest.fixture
def sealed(tmp_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A database with a world in it, then treated as write-protected. (The tests run as root,
    which `chmod` does not stop, so the check for a write-protected file is what is patched.)"""
    path = tmp_path / "evidence.db"
    assert run(["--db", str(path), "init"]) == 0
    engine = make_engine(f"sqlite:///{path}")
    with unit_of_work(engine, clock, default_rules()) as uow:
        world.build(uow, recs=3)
    engine.dispose()
    monkeypatch.setattr(store_engine, "_write_protected", lambda p: p == path)
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_write_protected_file_is_read_and_verified_not_changed(
    sealed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = digest(sealed)
    db = ["--db", str(sealed), "--now", "2004-01-05"]
    assert run([*db, "rec", "list", "--json"]) == 0
    assert run([*db, "audit", "verify"]) == 0
    assert "the chain is intact" in capsys.readouterr().out
    code = run(
        [*db, "people", "add", "n@x.org", "--name", "N", "--role", "ilau", "--actor", world.ILAU]
    )
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("error: the database file is write-protected"), err
    assert "Traceback" not in err
    assert digest(sealed) == before
    assert not sealed.with_name("evidence.db-wal").exists()
