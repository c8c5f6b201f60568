"""issued papers

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


_TABLES = ("issued_paper", "issued_paper_file")


def _sqlite_triggers(table: str) -> list[str]:
    return [
        f"""CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table}
        BEGIN SELECT RAISE(ABORT, '{table} is kept as issued: {verb} refused'); END"""
        for verb in ("UPDATE", "DELETE")
    ]


def _postgresql_triggers(table: str) -> list[str]:
    return [
        f"""CREATE FUNCTION {table}_as_issued() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION '{table} is kept as issued: % refused', TG_OP; END $$""",
        f"""CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION {table}_as_issued()""",
    ]


def _install_as_issued_triggers() -> None:
    """A paper once issued never changes: the database refuses to update or delete it."""
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table in _TABLES:
        for statement in _postgresql_triggers(table) if postgresql else _sqlite_triggers(table):
            op.execute(statement)


def upgrade() -> None:
    op.create_table(
        "issued_paper",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("committee_id", sa.Integer(), nullable=False),
        sa.Column("meeting", sa.Date(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("issued_by", sa.String(length=254), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["committee_id"], ["committee.id"], name=op.f("fk_issued_paper_committee_id_committee")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issued_paper")),
        sa.UniqueConstraint(
            "committee_id", "meeting", name=op.f("uq_issued_paper_committee_id_meeting")
        ),
        sa.UniqueConstraint(
            "committee_id", "number", name=op.f("uq_issued_paper_committee_id_number")
        ),
    )
    op.create_table(
        "issued_paper_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("paper_id", sa.Integer(), nullable=False),
        sa.Column("format", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["paper_id"],
            ["issued_paper.id"],
            name=op.f("fk_issued_paper_file_paper_id_issued_paper"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issued_paper_file")),
        sa.UniqueConstraint(
            "paper_id", "format", "name", name=op.f("uq_issued_paper_file_paper_id_format_name")
        ),
    )
    _install_as_issued_triggers()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in _TABLES:
            op.execute(f"DROP TRIGGER {table}_no_change ON {table}")
            op.execute(f"DROP FUNCTION {table}_as_issued()")
    op.drop_table("issued_paper_file")
    op.drop_table("issued_paper")
