"""Alembic migrations. `SCHEMA_REVISION` is the head the code expects (a test checks it)."""

SCHEMA_REVISION = "0009"
