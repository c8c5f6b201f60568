"""recommendation categories (HMICFRS: recommendation, area for improvement, cause of concern)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_CHECK = "category IN ('recommendation', 'area for improvement', 'cause of concern')"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # SQLite adds a column with its CHECK in place; a constraint added afterwards would
        # rebuild the table that every other one refers to.
        op.execute(
            "ALTER TABLE recommendation ADD COLUMN category VARCHAR(24) "
            "DEFAULT 'recommendation' NOT NULL "
            f"CONSTRAINT ck_recommendation_category CHECK ({_CHECK})"
        )
        return
    op.add_column(
        "recommendation",
        sa.Column(
            "category", sa.String(length=24), server_default="recommendation", nullable=False
        ),
    )
    op.create_check_constraint(op.f("ck_recommendation_category"), "recommendation", _CHECK)


def downgrade() -> None:
    with op.batch_alter_table("recommendation", schema=None) as batch_op:
        batch_op.drop_column("category")
