"""The tables of rectrack's outward faces: personal access tokens (the API's and the calendar
feeds'), webhook subscriptions, and committee papers as issued.

Tokens are stored only as their SHA-256, as sign-in links are. A webhook's queue is the audit
trail itself: each subscription keeps the id of the last event delivered to it, so whatever
commits an event has queued its delivery in the same transaction, and nothing is lost while a
receiver is down.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from workflow.store.schema import UserText, UTCDateTime, in_list, metadata, name_user_text

TOKEN_KINDS = ("api", "calendar")

access_token = Table(
    "access_token",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(10), nullable=False),
    Column("person_id", ForeignKey("person.id"), nullable=False),
    Column("name", UserText(100), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("created_by", String(254), nullable=False),
    Column("expires_on", Date),  # the last day it works; None: until revoked
    Column("revoked_at", UTCDateTime),
    Column("last_used_at", UTCDateTime),
    CheckConstraint(in_list("kind", TOKEN_KINDS), name="kind"),
    Index(None, "person_id", "kind"),
)

webhook = Table(
    "webhook",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("url", UserText(2000), nullable=False),
    Column("events", JSON, nullable=False),  # the audit events it receives
    Column("secret", String(64), nullable=False),  # the HMAC-SHA256 key its receiver verifies
    Column("created_at", UTCDateTime, nullable=False),
    Column("created_by", String(254), nullable=False),
    Column("removed_at", UTCDateTime),
    # The delivery cursor: every event up to this id has been delivered (or was before it).
    Column("delivered_through", Integer, nullable=False),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", UTCDateTime, nullable=False),
    Column("lease_until", UTCDateTime),
    Column("last_error", Text),
    Column("delivered", Integer, nullable=False, server_default="0"),
)

name_user_text((access_token, webhook))


# A committee paper as issued: its bytes in every format, kept forever, each with its SHA-256
# (also in the audit trail's `paper.issue` event). Nothing ever updates or deletes them.
issued_paper = Table(
    "issued_paper",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("committee_id", ForeignKey("committee.id"), nullable=False),
    Column("meeting", Date, nullable=False),
    Column("number", String(20), nullable=False),
    Column("issued_at", UTCDateTime, nullable=False),
    Column("issued_by", String(254), nullable=False),
    Column("sha256", String(64), nullable=False),  # of the DOCX: the paper as members get it
    UniqueConstraint("committee_id", "meeting"),
    UniqueConstraint("committee_id", "number"),
)

issued_paper_file = Table(
    "issued_paper_file",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("paper_id", ForeignKey("issued_paper.id"), nullable=False),
    Column("format", String(8), nullable=False),
    Column("name", String(200), nullable=False),  # the file's name ("paper.md", a figure ...)
    Column("content", LargeBinary, nullable=False),
    Column("sha256", String(64), nullable=False),
    UniqueConstraint("paper_id", "format", "name"),
)
