"""The tables of rectrack's outward faces: personal access tokens (the API's and the calendar
feeds') and webhook subscriptions.

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
    String,
    Table,
    Text,
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
