"""committees, meetings and agenda items

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "committee",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("cadence", sa.String(length=12), nullable=False),
        sa.Column("secretary_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "cadence IN ('weekly', 'fortnightly', 'monthly', 'quarterly', 'six-monthly', 'annually')",
            name=op.f("ck_committee_cadence"),
        ),
        sa.CheckConstraint(
            "kind IN ('board', 'scrutiny', 'other')", name=op.f("ck_committee_kind")
        ),
        sa.ForeignKeyConstraint(
            ["secretary_id"], ["person.id"], name=op.f("fk_committee_secretary_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_committee")),
        sa.UniqueConstraint("name", name=op.f("uq_committee_name")),
    )
    op.create_table(
        "committee_member",
        sa.Column("committee_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["committee_id"],
            ["committee.id"],
            name=op.f("fk_committee_member_committee_id_committee"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_committee_member_person_id_person")
        ),
        sa.PrimaryKeyConstraint("committee_id", "person_id", name=op.f("pk_committee_member")),
    )
    op.create_table(
        "meeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("committee_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("agenda_hash", sa.String(length=64), nullable=True),
        sa.Column("agenda_generated_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["committee_id"], ["committee.id"], name=op.f("fk_meeting_committee_id_committee")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting")),
        sa.UniqueConstraint("committee_id", "date", name=op.f("uq_meeting_committee_id_date")),
    )
    op.create_table(
        "agenda_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("report", sa.String(length=64), nullable=True),
        sa.Column("recs", sa.Text(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_agenda_item_meeting_id_meeting")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agenda_item")),
        sa.UniqueConstraint(
            "meeting_id", "position", name=op.f("uq_agenda_item_meeting_id_position")
        ),
    )


def downgrade() -> None:
    op.drop_table("agenda_item")
    op.drop_table("meeting")
    op.drop_table("committee_member")
    op.drop_table("committee")
