"""Where SQLite and PostgreSQL differ, in one place: locks, inserts that ignore duplicates,
and read-only transactions."""

from __future__ import annotations

from sqlalchemy import Connection, Table, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import Insert

from workflow.store.prepared import Prepared

BEGIN_KEY = "rectrack.begin"
"""`conn.info` key naming the statement that begins the next transaction on SQLite."""

_LOCK_IDS = {"audit": 1, "sweep": 2, "agenda": 3}


def advisory_lock_sql(name: str, wait: bool = True) -> str:
    """PostgreSQL transaction-scoped advisory lock `name`, per schema: several rectrack
    databases can share one server (the tests do), and must not lock each other out."""
    call = "pg_advisory_xact_lock" if wait else "pg_try_advisory_xact_lock"
    return f"SELECT {call}({0x726500 + _LOCK_IDS[name]}, hashtext(current_schema()))"


_CHAIN_LOCK = Prepared(text(advisory_lock_sql("audit")), only_on="postgresql")


def lock_chain(conn: Connection) -> None:
    """Queue this transaction for the end of the audit chain, until it commits.

    PostgreSQL takes an advisory lock; SQLite's BEGIN IMMEDIATE already lets one writer in.
    """
    if conn.dialect.name == "postgresql":
        _CHAIN_LOCK.first(conn)


def try_lock(conn: Connection, name: str) -> bool:
    """Whether this transaction is the only one doing `name` (False: another one is)."""
    if conn.dialect.name != "postgresql":
        return True  # BEGIN IMMEDIATE: one writer at a time
    return bool(conn.execute(text(advisory_lock_sql(name, wait=False))).scalar())


def insert_ignoring_duplicates(conn: Connection, table: Table, keys: list[str]) -> Insert:
    """INSERT ... ON CONFLICT (keys) DO NOTHING, in the connection's dialect."""
    dialect_insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    return dialect_insert(table).on_conflict_do_nothing(index_elements=keys)


def begin_read_only(conn: Connection) -> None:
    """Make the next transaction on `conn` a reader: on SQLite, one that takes no write lock."""
    if conn.dialect.name == "sqlite":
        conn.info[BEGIN_KEY] = "BEGIN"
