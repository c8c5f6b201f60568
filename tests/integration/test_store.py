"""The schema: migrations match the tables, repeat safely, and guard the audit trail."""

from __future__ import annotations

from importlib import resources

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, func, select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from migrations import SCHEMA_REVISION
from tests import world
from workflow.errors import NotInitialised
from workflow.store.engine import check_initialised, make_engine, migrate, schema_revision
from workflow.store.tables import audit_event, metadata, recommendation
from workflow.store.uow import UnitOfWork


def test_schema_revision_is_the_migrations_head() -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("migrations")))
    assert ScriptDirectory.from_config(cfg).get_current_head() == SCHEMA_REVISION


def test_migrations_build_exactly_the_tables(engine: Engine) -> None:
    """Alembic finds no difference between the migrated database and `workflow.store.tables`."""
    with engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), metadata
        )
    assert diff == []


def test_migrate_is_safe_to_repeat(engine: Engine) -> None:
    assert migrate(engine) == (SCHEMA_REVISION, SCHEMA_REVISION)
    with engine.connect() as conn:
        assert schema_revision(conn) == SCHEMA_REVISION


def test_an_empty_database_is_reported_not_initialised(tmp_path: object) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/empty.db")
    with pytest.raises(NotInitialised, match="rectrack init"):
        check_initialised(engine)
    migrate(engine)
    check_initialised(engine)


@pytest.mark.parametrize(
    "statement",
    [
        update(audit_event).values(note="rewritten"),
        audit_event.delete(),
    ],
)
def test_the_database_refuses_to_alter_the_audit_trail(uow: UnitOfWork, statement: object) -> None:
    world.build(uow, recs=1)
    with pytest.raises(DBAPIError, match="append-only"), uow.write() as tx:
        tx.conn.execute(statement)  # type: ignore[call-overload]
    with uow.read() as tx:
        notes = tx.conn.execute(
            select(func.count()).select_from(audit_event).where(audit_event.c.note == "rewritten")
        ).scalar_one()
        total = tx.conn.execute(select(func.count()).select_from(audit_event)).scalar_one()
    assert notes == 0 and total > 0


@pytest.mark.external_service
def test_postgresql_refuses_truncating_the_audit_trail(pg_engine: Engine) -> None:
    with pytest.raises(DBAPIError, match="append-only"), pg_engine.begin() as conn:
        conn.execute(text("TRUNCATE audit_event"))


def test_states_outside_the_machine_are_refused_by_the_database(uow: UnitOfWork) -> None:
    code = world.build(uow, recs=1)[0]
    with pytest.raises(IntegrityError), uow.write() as tx:
        tx.conn.execute(
            update(recommendation).where(recommendation.c.code == code).values(state="forgotten")
        )
