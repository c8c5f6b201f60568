"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-22

Also installs the triggers that make audit_event append-only.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


_REFUSE = "audit_event is append-only"

_SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
        BEGIN SELECT RAISE(ABORT, '{_REFUSE}: UPDATE refused'); END""",
    f"""CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
        BEGIN SELECT RAISE(ABORT, '{_REFUSE}: DELETE refused'); END""",
]

_POSTGRESQL_TRIGGERS = [
    f"""CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION '{_REFUSE}: % refused', TG_OP; END $$""",
    """CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON audit_event
        FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()""",
    """CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
        FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()""",
]


def _install_append_only_triggers() -> None:
    dialect = op.get_bind().dialect.name
    for statement in _POSTGRESQL_TRIGGERS if dialect == "postgresql" else _SQLITE_TRIGGERS:
        op.execute(statement)


def upgrade() -> None:
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=254), nullable=False),
        sa.Column("event", sa.String(length=40), nullable=False),
        sa.Column("rec", sa.String(length=100), nullable=True),
        sa.Column("report", sa.String(length=64), nullable=True),
        sa.Column("from_state", sa.String(length=16), nullable=True),
        sa.Column("to_state", sa.String(length=16), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("changes", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    _install_append_only_triggers()
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_event_actor_id"), ["actor", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_event_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_event_event_id"), ["event", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_event_rec_id"), ["rec", "id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_audit_event_report_id"), ["report", "id"], unique=False
        )

    op.create_table(
        "person",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("roles", sa.String(length=100), nullable=False),
        sa.Column("group_name", sa.String(length=100), nullable=True),
        sa.Column("active", sa.Boolean(), server_default=sa.text("(true)"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person")),
        sa.UniqueConstraint("email", name=op.f("uq_person_email")),
    )
    op.create_table(
        "report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("published", sa.Date(), nullable=True),
        sa.Column("committee", sa.String(length=120), nullable=True),
        sa.Column("responding_bodies", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report")),
        sa.UniqueConstraint("key", name=op.f("uq_report_key")),
    )
    op.create_table(
        "recommendation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=32), nullable=False),
        sa.Column("code", sa.String(length=100), nullable=False),
        sa.Column("subject", sa.Text(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("paragraph", sa.String(length=32), nullable=True),
        sa.Column("statutory", sa.Boolean(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("degree", sa.String(length=16), server_default="none", nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state_changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_update_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("response_due", sa.Date(), nullable=True),
        sa.Column("plan_due", sa.Date(), nullable=True),
        sa.Column("update_due", sa.Date(), nullable=True),
        sa.Column("target_date", sa.Date(), nullable=True),
        sa.Column("original_target_date", sa.Date(), nullable=True),
        sa.Column("next_due", sa.Date(), nullable=True),
        sa.Column("signed_off_by", sa.String(length=254), nullable=True),
        sa.Column("signed_off_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completion_evidence", sa.Text(), nullable=True),
        sa.Column("closure_note", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "degree IN ('none', 'partially', 'moderately', 'significantly', 'completely')",
            name=op.f("ck_recommendation_degree"),
        ),
        sa.CheckConstraint(
            "state IN ('raised', 'responded', 'planned', 'in_progress', 'monitored', 'complete', 'superseded')",
            name=op.f("ck_recommendation_state"),
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["person.id"], name=op.f("fk_recommendation_owner_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["report_id"], ["report.id"], name=op.f("fk_recommendation_report_id_report")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recommendation")),
        sa.UniqueConstraint("code", name=op.f("uq_recommendation_code")),
        sa.UniqueConstraint("report_id", "ref", name=op.f("uq_recommendation_report_id_ref")),
    )
    with op.batch_alter_table("recommendation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_recommendation_owner_id_state"), ["owner_id", "state"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_recommendation_state_next_due"), ["state", "next_due"], unique=False
        )

    op.create_table(
        "action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rec_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("target_date", sa.Date(), nullable=False),
        sa.Column("measure", sa.Text(), nullable=True),
        sa.Column("cost_estimate", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("benefit_estimate", sa.Text(), nullable=True),
        sa.Column("cost_actual", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("benefit_actual", sa.Text(), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("dropped_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["person.id"], name=op.f("fk_action_owner_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["rec_id"], ["recommendation.id"], name=op.f("fk_action_rec_id_recommendation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action")),
        sa.UniqueConstraint("rec_id", "number", name=op.f("uq_action_rec_id_number")),
    )
    op.create_table(
        "extension",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rec_id", sa.Integer(), nullable=False),
        sa.Column("requested_by", sa.String(length=254), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("from_date", sa.Date(), nullable=True),
        sa.Column("to_date", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("decided_by", sa.String(length=254), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'approved', 'rejected')", name=op.f("ck_extension_status")
        ),
        sa.ForeignKeyConstraint(
            ["rec_id"], ["recommendation.id"], name=op.f("fk_extension_rec_id_recommendation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_extension")),
    )
    with op.batch_alter_table("extension", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_extension_rec_id_status"), ["rec_id", "status"], unique=False
        )

    op.create_table(
        "progress_update",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rec_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("author_email", sa.String(length=254), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("degree", sa.String(length=16), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["rec_id"], ["recommendation.id"], name=op.f("fk_progress_update_rec_id_recommendation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_progress_update")),
    )
    with op.batch_alter_table("progress_update", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_progress_update_rec_id_at"), ["rec_id", "at"], unique=False
        )

    op.create_table(
        "rec_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rec_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("target_rec_id", sa.Integer(), nullable=True),
        sa.Column("target_report_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('repeats', 'related', 'superseded_by')", name=op.f("ck_rec_link_kind")
        ),
        sa.CheckConstraint(
            "target_rec_id IS NOT NULL OR target_report_id IS NOT NULL",
            name=op.f("ck_rec_link_target"),
        ),
        sa.ForeignKeyConstraint(
            ["rec_id"], ["recommendation.id"], name=op.f("fk_rec_link_rec_id_recommendation")
        ),
        sa.ForeignKeyConstraint(
            ["target_rec_id"],
            ["recommendation.id"],
            name=op.f("fk_rec_link_target_rec_id_recommendation"),
        ),
        sa.ForeignKeyConstraint(
            ["target_report_id"], ["report.id"], name=op.f("fk_rec_link_target_report_id_report")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rec_link")),
    )
    with op.batch_alter_table("rec_link", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rec_link_rec_id"), ["rec_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_rec_link_target_rec_id"), ["target_rec_id"], unique=False
        )

    op.create_table(
        "response",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rec_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.String(length=120), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("not_applicable_reason", sa.Text(), nullable=True),
        sa.Column("by_email", sa.String(length=254), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["rec_id"], ["recommendation.id"], name=op.f("fk_response_rec_id_recommendation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_response")),
        sa.UniqueConstraint("rec_id", "body", name=op.f("uq_response_rec_id_body")),
    )


def downgrade() -> None:
    op.drop_table("response")
    with op.batch_alter_table("rec_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rec_link_target_rec_id"))
        batch_op.drop_index(batch_op.f("ix_rec_link_rec_id"))

    op.drop_table("rec_link")
    with op.batch_alter_table("progress_update", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_progress_update_rec_id_at"))

    op.drop_table("progress_update")
    with op.batch_alter_table("extension", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_extension_rec_id_status"))

    op.drop_table("extension")
    op.drop_table("action")
    with op.batch_alter_table("recommendation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recommendation_state_next_due"))
        batch_op.drop_index(batch_op.f("ix_recommendation_owner_id_state"))

    op.drop_table("recommendation")
    op.drop_table("report")
    op.drop_table("person")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_event_report_id"))
        batch_op.drop_index(batch_op.f("ix_audit_event_rec_id"))
        batch_op.drop_index(batch_op.f("ix_audit_event_event_id"))
        batch_op.drop_index(batch_op.f("ix_audit_event_at"))
        batch_op.drop_index(batch_op.f("ix_audit_event_actor_id"))

    op.drop_table("audit_event")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION audit_event_append_only()")
