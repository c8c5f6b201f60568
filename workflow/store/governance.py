"""The tables of oversight beyond the recommendations themselves: what a committee decided
(with an owner and a date, chased like any other), and the inspection visits the ILAU expects.
"""

from __future__ import annotations

from sqlalchemy import Column, Date, ForeignKey, Index, Integer, LargeBinary, String, Table

from workflow.store.schema import UserText, UTCDateTime, metadata, name_user_text

# A committee's decision at a meeting: an action for its owner by a date, about one
# recommendation. Open until done; missed dates are escalated like any other.
decision = Table(
    "decision",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("committee_id", ForeignKey("committee.id"), nullable=False),
    Column("meeting", Date, nullable=False),
    Column("rec_id", ForeignKey("recommendation.id"), nullable=False),
    Column("text", UserText(), nullable=False),
    Column("owner_id", ForeignKey("person.id"), nullable=False),
    Column("due", Date, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("created_by", String(254), nullable=False),
    Column("done_at", UTCDateTime),
    Column("done_by", String(254)),
    Index(None, "due"),
    Index(None, "owner_id"),
    Index(None, "rec_id"),
)

# A forthcoming inspection visit (002 §5: the ILAU's monthly report lists them).
inspection_visit = Table(
    "inspection_visit",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("body", UserText(120), nullable=False),
    Column("title", UserText(), nullable=False),
    Column("starts", Date, nullable=False),
    Column("ends", Date, nullable=False),
    Column("units", UserText()),  # the units or areas it visits, as written
    Column("created_at", UTCDateTime, nullable=False),
    Column("created_by", String(254), nullable=False),
    Index(None, "starts"),
)

# A file sent with an outbox message (the ILAU's monthly report goes with its DOCX).
outbox_attachment = Table(
    "outbox_attachment",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("outbox_id", ForeignKey("outbox.id"), nullable=False, index=True),
    Column("filename", String(200), nullable=False),
    Column("content_type", String(100), nullable=False),
    Column("content", LargeBinary, nullable=False),
)

name_user_text((decision, inspection_visit))
