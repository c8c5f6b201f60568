"""Engines and schema: SQLite tuned for concurrent writers, PostgreSQL as it comes; Alembic."""

from __future__ import annotations

import os
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError, ProgrammingError

from migrations import SCHEMA_REVISION
from workflow.errors import BadInput, NotInitialised
from workflow.store.dialect import BEGIN_KEY, begin_read_only

BUSY_TIMEOUT = 15.0
"""Seconds a SQLite writer waits for another to finish before giving up (`Busy`)."""


def make_engine(url: str, busy_timeout: float = BUSY_TIMEOUT, **kwargs: Any) -> Engine:
    """An engine for `url`. On SQLite: WAL, foreign keys, writers that queue (up to
    `busy_timeout` seconds), not fail; and a file that cannot be written (evidence kept
    write-protected) opened read-only, so that it can still be read and verified."""
    try:
        parsed = make_url(url)
        if parsed.get_backend_name() != "sqlite":
            return create_engine(parsed, pool_pre_ping=True, **kwargs)
        path = parsed.database
        read_only = bool(path) and path != ":memory:" and _write_protected(Path(path or ""))
        if read_only:
            _refuse_unchecked_wal(Path(path or ""))
            # immutable: nothing may change it, so SQLite needs no lock, -wal or -shm file.
            parsed = parsed.set(database=f"file:{path}?mode=ro&immutable=1").update_query_dict(
                {"uri": "true"}
            )
        engine = create_engine(parsed, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas(busy_timeout, read_only))
        event.listen(engine, "begin", _sqlite_on_begin)
        return engine
    except (ArgumentError, NoSuchModuleError) as exc:
        raise BadInput(f"not a usable database URL {url!r}: {exc}") from None


def _write_protected(path: Path) -> bool:
    return path.exists() and not os.access(path, os.W_OK)


WAL_HEADER_BYTES = 32
"""A WAL file no longer than its header holds no change."""


def _refuse_unchecked_wal(path: Path) -> None:
    """Refuse a write-protected file beside a -wal file that holds changes: opened immutable,
    SQLite ignores the WAL and would read the file as it was before them, without a word."""
    wal = path.with_name(path.name + "-wal")
    try:
        held = wal.stat().st_size > WAL_HEADER_BYTES
    except FileNotFoundError:
        return
    if held:
        raise BadInput(
            f"the database file {path} is write-protected and {wal} holds changes not yet "
            f"in it: the WAL file must be checkpointed first (with write access, run "
            f"sqlite3 {path} 'PRAGMA wal_checkpoint(TRUNCATE)'), or it would be read stale"
        )


def _sqlite_pragmas(busy_timeout: float, read_only: bool) -> Callable[[Any, Any], None]:
    pragmas = ["foreign_keys=ON", f"busy_timeout={int(busy_timeout * 1000)}"]
    if not read_only:  # a read-only file keeps the journal mode it has
        pragmas = ["journal_mode=WAL", "synchronous=NORMAL", *pragmas]

    def on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
        dbapi_conn.isolation_level = None
        for pragma in pragmas:
            dbapi_conn.execute(f"PRAGMA {pragma}")

    return on_connect


def _sqlite_on_begin(conn: Connection) -> None:
    # BEGIN IMMEDIATE takes the write lock up front: concurrent writers wait their turn
    # (busy_timeout) instead of failing with "database is locked" on upgrade.
    driver = conn.connection.driver_connection
    if driver.in_transaction:  # type: ignore[union-attr]
        return  # begun on the driver by `dialect.SqliteWrite`: this statement joins it
    begin = conn.info.pop(BEGIN_KEY, "BEGIN IMMEDIATE")
    driver.execute(begin)  # type: ignore[union-attr]


def migrate(engine: Engine) -> tuple[str | None, str]:
    """Create or upgrade the schema to the newest revision; returns (before, after)."""
    # Alembic is imported here, not at start-up: only `init` needs it.
    from alembic import command
    from alembic.config import Config

    with engine.begin() as conn:
        before = schema_revision(conn)
        if before != SCHEMA_REVISION:
            cfg = Config()
            cfg.set_main_option("script_location", str(resources.files("migrations")))
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    return before, SCHEMA_REVISION


def schema_revision(conn: Connection) -> str | None:
    """The Alembic revision the database is at; None for an empty database."""
    try:
        with conn.begin_nested():
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except (OperationalError, ProgrammingError):
        return None


def check_initialised(engine: Engine) -> None:
    """Raise NotInitialised unless the schema is at the revision this code expects."""
    with engine.connect() as conn:
        begin_read_only(conn)
        revision = schema_revision(conn)
    if revision != SCHEMA_REVISION:
        raise NotInitialised(engine.url.render_as_string(hide_password=True))
