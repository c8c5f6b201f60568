"""The web application's tables: who is signed in, the links that sign people in, the
instance's own secrets, and the evidence files people upload.

Tokens are never stored, only their SHA-256: a copy of the database signs nobody in.
"""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Integer, String, Table

from workflow.store.schema import UserText, UTCDateTime, in_list, metadata, name_user_text

SESSION_KINDS = ("sign-in", "mail-link")

instance_secret = Table(
    "instance_secret",
    metadata,
    # Generated once and kept, so that restarts (and every worker) sign alike.
    Column("name", String(40), primary_key=True),
    Column("value", String(128), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

sign_in_token = Table(
    "sign_in_token",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("person_id", ForeignKey("person.id"), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("used_at", UTCDateTime),
    Index(None, "person_id", "created_at"),
)

web_session = Table(
    "web_session",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("person_id", ForeignKey("person.id"), nullable=False),
    Column("via", String(16), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("ended_at", UTCDateTime),
    CheckConstraint(in_list("via", SESSION_KINDS), name="via"),
)

evidence_file = Table(
    "evidence_file",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("rec_id", ForeignKey("recommendation.id"), nullable=False),
    Column("update_id", ForeignKey("progress_update.id")),
    Column("sha256", String(64), nullable=False),
    Column("filename", UserText(255), nullable=False),
    Column("media_type", String(100), nullable=False),
    Column("size", Integer, nullable=False),
    Column("uploaded_by", String(254), nullable=False),
    Column("uploaded_at", UTCDateTime, nullable=False),
    Index(None, "rec_id"),
)

name_user_text((instance_secret, sign_in_token, web_session, evidence_file))
