"""Alembic environment: runs on the connection rectrack passes in, or on RECTRACK_DB."""

from __future__ import annotations

import os

from alembic import context

from workflow.store.tables import UTCDateTime, metadata


def _render_item(kind: str, obj: object, autogen_context: object) -> str | bool:
    # Migrations stand alone: the application's UTC type is a plain timezone-aware DateTime.
    if kind == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _run(connection: object) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=True,  # SQLite alters tables by copying them
        compare_type=True,
        render_item=_render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:  # the `alembic` command line, for developers
    from workflow.store.engine import make_engine

    engine = make_engine(os.environ.get("RECTRACK_DB", "sqlite:///rectrack.db"))
    with engine.begin() as conn:
        _run(conn)
