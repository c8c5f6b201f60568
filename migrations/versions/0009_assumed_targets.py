"""assumed targets: a plan's target date that the source does not give, printed "(assumed)"

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_TABLES = ("recommendation", "action")


def upgrade() -> None:
    # Plain ADD COLUMN with a default on both dialects: no table rebuild on SQLite.
    for table in _TABLES:
        op.add_column(
            table,
            sa.Column(
                "target_assumed", sa.Boolean(), server_default=sa.text("false"), nullable=False
            ),
        )


def downgrade() -> None:
    for table in _TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("target_assumed")
