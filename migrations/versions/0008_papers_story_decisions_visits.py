"""papers that tell the story: verdicts, tracker detail, judgements, decisions, visits, attachments

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_COLUMNS = {
    "recommendation": [
        sa.Column("statutory_known", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("timescale", sa.String(length=200)),
        sa.Column("lead_accountable", sa.String(length=200)),
        sa.Column("lead_responsible", sa.String(length=200)),
    ],
    "report": [
        sa.Column("judgements", sa.JSON()),
        sa.Column(
            "published_assumed", sa.Boolean(), server_default=sa.text("false"), nullable=False
        ),
    ],
    "response": [
        sa.Column(
            "considered_complete", sa.Boolean(), server_default=sa.text("false"), nullable=False
        )
    ],
    "committee": [sa.Column("paper_by", sa.String(length=200))],
}


_REASONS_BEFORE = ("missed_response", "missed_plan", "missed_update", "missed_target", "manual")
_REASONS_AFTER = (*_REASONS_BEFORE[:4], "missed_decision", "manual")


def _escalation_reasons(reasons: tuple[str, ...]) -> None:
    """The reasons an escalation may give (a committee decision missed is one of them)."""
    check = "reason IN (" + ", ".join(f"'{r}'" for r in reasons) + ")"
    # SQLite cannot alter a constraint: batch mode rebuilds the table (nothing refers to it).
    with op.batch_alter_table("escalation", recreate="auto") as batch_op:
        batch_op.drop_constraint(op.f("ck_escalation_reason"), type_="check")
        batch_op.create_check_constraint(op.f("ck_escalation_reason"), check)


def upgrade() -> None:
    _escalation_reasons(_REASONS_AFTER)
    # Plain ADD COLUMN on both dialects: every new column is nullable or has a default, so
    # SQLite need not rebuild the tables that every other one refers to.
    for table, columns in _COLUMNS.items():
        for column in columns:
            op.add_column(table, column)
    op.create_table(
        "decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("committee_id", sa.Integer(), nullable=False),
        sa.Column("meeting", sa.Date(), nullable=False),
        sa.Column("rec_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=254), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True)),
        sa.Column("done_by", sa.String(length=254)),
        sa.ForeignKeyConstraint(
            ["committee_id"], ["committee.id"], name=op.f("fk_decision_committee_id_committee")
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["person.id"], name=op.f("fk_decision_owner_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["rec_id"], ["recommendation.id"], name=op.f("fk_decision_rec_id_recommendation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision")),
    )
    for column in ("due", "owner_id", "rec_id"):
        op.create_index(op.f(f"ix_decision_{column}"), "decision", [column])
    op.create_table(
        "inspection_visit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("body", sa.String(length=120), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("starts", sa.Date(), nullable=False),
        sa.Column("ends", sa.Date(), nullable=False),
        sa.Column("units", sa.Text()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=254), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection_visit")),
    )
    op.create_index(op.f("ix_inspection_visit_starts"), "inspection_visit", ["starts"])
    op.create_table(
        "outbox_attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("outbox_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["outbox_id"], ["outbox.id"], name=op.f("fk_outbox_attachment_outbox_id_outbox")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_attachment")),
    )
    op.create_index(op.f("ix_outbox_attachment_outbox_id"), "outbox_attachment", ["outbox_id"])


def downgrade() -> None:
    _escalation_reasons(_REASONS_BEFORE)
    op.drop_table("outbox_attachment")
    op.drop_table("inspection_visit")
    op.drop_table("decision")
    for table, columns in _COLUMNS.items():
        with op.batch_alter_table(table) as batch_op:
            for column in columns:
                batch_op.drop_column(column.name)
