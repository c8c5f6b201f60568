"""Scratch PostgreSQL databases for the benchmarks: a fresh schema, migrated, dropped after."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.engine import make_url

from workflow.store.engine import make_engine, migrate


@contextmanager
def pg_schema(url: str, prefix: str) -> Iterator[str]:
    """The URL of a new, migrated schema on the PostgreSQL server at `url` (its search_path
    set), for the time of the block; the schema and all in it are dropped afterwards."""
    schema = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = make_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    scoped = make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
    rendered = scoped.render_as_string(hide_password=False)
    try:
        engine = make_engine(rendered)
        migrate(engine)
        engine.dispose()
        yield rendered
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()
