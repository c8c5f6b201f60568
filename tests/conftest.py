"""Shared fixtures. `store_url` is parametrised over SQLite and PostgreSQL, so every test that
uses it is a contract test for both backends.

PostgreSQL: RECTRACK_TEST_PG names the server and then its tests must run (CI sets it);
otherwise a local server on 127.0.0.1:5432 is used when one answers, and its tests are skipped
when none does. Each test run works in a schema of its own.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from config import default_rules
from notifications.sink import Mailbox, free_port
from workflow.bootstrap import unit_of_work
from workflow.clock import FixedClock
from workflow.store.engine import make_engine, migrate
from workflow.store.tables import metadata
from workflow.store.uow import UnitOfWork

LOCAL_PG = "postgresql://postgres@127.0.0.1:5432/test"
T0 = datetime(2003, 11, 3, 12, 0, tzinfo=UTC)


def _pg_base_url() -> str | None:
    wanted = os.environ.get("RECTRACK_TEST_PG")
    url = wanted or LOCAL_PG
    plain = make_url(url).set(drivername="postgresql")
    try:
        with psycopg.connect(plain.render_as_string(hide_password=False), connect_timeout=3):
            return url
    except psycopg.OperationalError as exc:
        if wanted:
            pytest.fail(f"RECTRACK_TEST_PG={wanted} does not answer: {exc}", pytrace=False)
        return None


@pytest.fixture(scope="session")
def pg_schema_url() -> Iterator[str | None]:
    """A PostgreSQL URL whose search_path is a fresh, migrated schema (None: no server)."""
    base = _pg_base_url()
    if base is None:
        yield None
        return
    schema = f"rectrack_test_{uuid.uuid4().hex[:10]}"
    admin = make_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    rendered = url.render_as_string(hide_password=False)
    engine = make_engine(rendered)
    migrate(engine)
    engine.dispose()
    yield rendered
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    engine.dispose()  # the last connection to close checkpoints the WAL into the file
    assert not path.with_name(path.name + "-wal").exists()
    return path


def truncate_pg(url: str) -> None:
    engine = make_engine(url)
    names = ", ".join(t.name for t in metadata.sorted_tables)
    with engine.begin() as conn:
        # replica role: the audit trail's append-only triggers would refuse TRUNCATE.
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.external_service)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> str:
    """An empty, migrated database, on each backend in turn."""
    if request.param == "sqlite":
        path = tmp_path / "rectrack.db"
        shutil.copy(sqlite_template, path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("pg_schema_url")
    if url is None:
        pytest.skip("no PostgreSQL server (set RECTRACK_TEST_PG to require one)")
    truncate_pg(url)
    return str(url)


@pytest.fixture
def pg_engine(pg_schema_url: str | None) -> Iterator[Engine]:
    """An empty PostgreSQL database, for what only PostgreSQL has."""
    if pg_schema_url is None:
        pytest.skip("no PostgreSQL server (set RECTRACK_TEST_PG to require one)")
    truncate_pg(pg_schema_url)
    eng = make_engine(pg_schema_url)
    yield eng
    eng.dispose()


@pytest.fixture
def engine(store_url: str) -> Iterator[Engine]:
    eng = make_engine(store_url)
    yield eng
    eng.dispose()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


@pytest.fixture
def uow(engine: Engine, clock: FixedClock) -> Iterator[UnitOfWork]:
    with unit_of_work(engine, clock, default_rules()) as unit:
        yield unit


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    """A running SMTP server on 127.0.0.1 and its port; stopped afterwards."""
    box = Mailbox()
    port = free_port()
    box.start(port)
    yield box, port
    box.stop()


@pytest.fixture
def web(store_url: str, tmp_path: Path) -> Iterator[Any]:
    """The web application over the known world (tests/world.py), in process: (App, client)."""
    from fastapi.testclient import TestClient

    from tests import world
    from tests.web_support import BASE, make_app
    from workflow.web.app import create_app

    app = make_app(store_url, tmp_path / "evidence")
    migrate(app.engine)
    with app.uow() as unit:
        world.build(unit)
    client = TestClient(create_app(app), base_url=BASE, raise_server_exceptions=False)
    yield app, client
    client.close()
    app.close()
