"""Engines and schema: SQLite tuned for concurrent writers, PostgreSQL as it comes; Alembic."""

from __future__ import annotations

from importlib import resources
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError, ProgrammingError

from migrations import SCHEMA_REVISION
from workflow.errors import BadInput, NotInitialised
from workflow.store.dialect import BEGIN_KEY, begin_read_only


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for `url`; on SQLite: WAL, foreign keys, and writers that queue, not fail."""
    try:
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite":
            engine = create_engine(parsed, **kwargs)
            event.listen(engine, "connect", _sqlite_on_connect)
            event.listen(engine, "begin", _sqlite_on_begin)
            return engine
        return create_engine(parsed, pool_pre_ping=True, **kwargs)
    except (ArgumentError, NoSuchModuleError) as exc:
        raise BadInput(f"not a usable database URL {url!r}: {exc}") from None


def _sqlite_on_connect(dbapi_conn: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
    dbapi_conn.isolation_level = None
    for pragma in (
        "journal_mode=WAL",
        "synchronous=NORMAL",
        "foreign_keys=ON",
        "busy_timeout=15000",
    ):
        dbapi_conn.execute(f"PRAGMA {pragma}")


def _sqlite_on_begin(conn: Connection) -> None:
    # BEGIN IMMEDIATE takes the write lock up front: concurrent writers wait their turn
    # (busy_timeout) instead of failing with "database is locked" on upgrade.
    begin = conn.info.pop(BEGIN_KEY, "BEGIN IMMEDIATE")
    conn.connection.driver_connection.execute(begin)  # type: ignore[union-attr]


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
