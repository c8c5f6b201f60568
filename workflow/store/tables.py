"""The store: SQLAlchemy tables for everything rectrack keeps. Migrations mirror this file
(and `access`, the web application's tables, which it registers in the same metadata)."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

from states import DEGREES, STATES
from workflow.store.schema import UserText, UTCDateTime, in_list, limit, metadata, name_user_text

__all__ = ["UTCDateTime", "UserText", "limit", "metadata"]

CATEGORIES = ("recommendation", "area for improvement", "cause of concern")
"""What an inspection report calls what it asks for (HMICFRS: areas for improvement, and
causes of concern with their recommendations, beside plain recommendations)."""

person = Table(
    "person",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("email", UserText(254), nullable=False, unique=True),
    Column("name", UserText(200), nullable=False),
    Column("roles", String(100), nullable=False),  # space-separated, sorted
    Column("group_name", UserText(100)),
    # Their job title, e.g. "Head of Corporate Performance": how papers and the register name them.
    Column("title", UserText(200)),
    Column("active", Boolean, nullable=False, server_default=text("true")),
    Column("created_at", UTCDateTime, nullable=False),
)

report = Table(
    "report",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", UserText(64), nullable=False, unique=True),
    Column("title", UserText(), nullable=False),
    Column("body", UserText(120), nullable=False),
    Column("kind", UserText(60), nullable=False),
    Column("published", Date),
    # True: the date is assumed (the source gives only, e.g., "October 2003"); printed "(assumed)".
    Column("published_assumed", Boolean, nullable=False, server_default=text("false")),
    Column("committee", UserText(120)),
    Column("responding_bodies", JSON, nullable=False),
    # The report's graded judgements: [{"area": ..., "grade": "Fair"}, ...] in its own order.
    Column("judgements", JSON),
    Column("created_at", UTCDateTime, nullable=False),
    # Restricted: left out of the public register (set on import, or by the ILAU).
    Column("restricted", Boolean, nullable=False, server_default=text("false")),
)

recommendation = Table(
    "recommendation",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("report_id", ForeignKey("report.id"), nullable=False),
    Column("ref", UserText(32), nullable=False),
    Column("code", UserText(100), nullable=False, unique=True),  # REPORT_KEY/REF
    Column("subject", UserText()),
    Column("text", UserText(), nullable=False),
    Column("paragraph", UserText(32)),
    Column("statutory", Boolean, nullable=False),
    # False: the report does not say whether it is statutory (`statutory` is then False too).
    Column("statutory_known", Boolean, nullable=False, server_default=text("true")),
    # The timescale as the report or tracker wrote it ("Ongoing", "March 2004"), beside the date.
    Column("timescale", UserText(200)),
    # A lead of two levels (003): who is accountable, who is responsible, as the report names them.
    Column("lead_accountable", UserText(200)),
    Column("lead_responsible", UserText(200)),
    Column("owner_id", ForeignKey("person.id")),
    Column("state", String(16), nullable=False),
    Column("degree", String(16), nullable=False, server_default="none"),
    Column("version", Integer, nullable=False),
    Column("raised_at", UTCDateTime, nullable=False),
    Column("state_changed_at", UTCDateTime, nullable=False),
    Column("last_update_at", UTCDateTime),
    Column("response_due", Date),
    Column("plan_due", Date),
    Column("update_due", Date),
    Column("target_date", Date),
    Column("original_target_date", Date),
    # True: the plan's target is not given by the source (its timescale says "Ongoing", say),
    # so a date was assumed to chase it by; printed "(assumed)". An approved revision clears it.
    Column("target_assumed", Boolean, nullable=False, server_default=text("false")),
    # The earliest of the due dates that apply now: what the sweep and `--overdue` scan.
    Column("next_due", Date),
    Column("signed_off_by", UserText(254)),
    Column("signed_off_at", UTCDateTime),
    Column("completion_evidence", UserText()),
    Column("closure_note", UserText()),
    Column("restricted", Boolean, nullable=False, server_default=text("false")),
    # HMICFRS's vocabulary: a recommendation, an area for improvement, a cause of concern.
    Column("category", String(24), nullable=False, server_default=CATEGORIES[0]),
    UniqueConstraint("report_id", "ref"),
    CheckConstraint(in_list("state", STATES), name="state"),
    CheckConstraint(in_list("degree", DEGREES), name="degree"),
    CheckConstraint(in_list("category", CATEGORIES), name="category"),
    Index(None, "state", "next_due"),
    Index(None, "owner_id", "state"),
)

response = Table(
    "response",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("rec_id", ForeignKey("recommendation.id"), nullable=False),
    Column("body", UserText(120), nullable=False),
    Column("text", UserText()),
    Column("not_applicable_reason", UserText()),
    Column("by_email", UserText(254), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    # The body's verdict: "This recommendation is considered complete" (000).
    Column("considered_complete", Boolean, nullable=False, server_default=text("false")),
    UniqueConstraint("rec_id", "body"),
)

action = Table(
    "action",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("rec_id", ForeignKey("recommendation.id"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("text", UserText(), nullable=False),
    Column("owner_id", ForeignKey("person.id"), nullable=False),
    Column("target_date", Date, nullable=False),
    Column("target_assumed", Boolean, nullable=False, server_default=text("false")),
    Column("measure", UserText()),
    Column("cost_estimate", Numeric(14, 2)),
    Column("benefit_estimate", UserText()),
    Column("cost_actual", Numeric(14, 2)),
    Column("benefit_actual", UserText()),
    Column("done_at", UTCDateTime),
    Column("dropped_reason", UserText()),
    UniqueConstraint("rec_id", "number"),
    Index(None, "target_date"),
    Index(None, "owner_id"),  # a person's own actions, on their home page
)

progress_update = Table(
    "progress_update",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("rec_id", ForeignKey("recommendation.id"), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("author_email", UserText(254), nullable=False),
    Column("note", UserText(), nullable=False),
    Column("degree", String(16)),
    Column("evidence", UserText()),
    Index(None, "rec_id", "at"),
)

LINK_KINDS = ("repeats", "related", "superseded_by")

rec_link = Table(
    "rec_link",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("rec_id", ForeignKey("recommendation.id"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("target_rec_id", ForeignKey("recommendation.id")),
    Column("target_report_id", ForeignKey("report.id")),
    Column("note", UserText()),
    CheckConstraint(in_list("kind", LINK_KINDS), name="kind"),
    CheckConstraint("target_rec_id IS NOT NULL OR target_report_id IS NOT NULL", name="target"),
    Index(None, "rec_id"),
    Index(None, "target_rec_id"),
)

EXTENSION_STATUSES = ("pending", "approved", "rejected")

extension = Table(
    "extension",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("rec_id", ForeignKey("recommendation.id"), nullable=False),
    Column("requested_by", UserText(254), nullable=False),
    Column("requested_at", UTCDateTime, nullable=False),
    Column("from_date", Date),
    Column("to_date", Date, nullable=False),
    Column("reason", UserText(), nullable=False),
    Column("status", String(10), nullable=False),
    Column("decided_by", UserText(254)),
    Column("decided_at", UTCDateTime),
    Column("decision_reason", UserText()),
    CheckConstraint(in_list("status", EXTENSION_STATUSES), name="status"),
    Index(None, "rec_id", "status"),
)

# Append-only: the application only inserts, and database triggers (installed by the
# migration) refuse UPDATE and DELETE. `id` is the position in the hash chain, gapless.
audit_event = Table(
    "audit_event",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("at", UTCDateTime, nullable=False),
    Column("actor", String(254), nullable=False),
    Column("event", String(40), nullable=False),
    Column("rec", String(100)),
    Column("report", String(64)),
    Column("from_state", String(16)),
    Column("to_state", String(16)),
    Column("note", Text),
    Column("changes", Text, nullable=False),  # canonical JSON, hashed as stored
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Index(None, "rec", "id"),
    Index(None, "actor", "id"),
    Index(None, "report", "id"),
    Index(None, "event", "id"),
    Index(None, "at"),
)


# One row per reminder or notice given; the unique key is what makes the sweep idempotent.
notice = Table(
    "notice",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("rec_id", ForeignKey("recommendation.id"), nullable=False),
    # e.g. "update:2004-02-25:due", "action:2:2004-04-30:before", "owner:none"
    Column("key", String(80), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("due_date", Date),
    Column("stage", String(16), nullable=False),
    Column("recipient", String(254)),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("rec_id", "key"),
)

ESCALATION_REASONS = (
    "missed_response",
    "missed_plan",
    "missed_update",
    "missed_target",
    "missed_decision",
    "manual",
)

escalation = Table(
    "escalation",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("rec_id", ForeignKey("recommendation.id"), nullable=False),
    Column("reason", String(20), nullable=False),
    # "response:2003-12-29" for a missed date (unique per recommendation); "manual:<n>" by hand
    Column("key", String(80), nullable=False),
    Column("due_date", Date),
    Column("committee", String(120), nullable=False),
    Column("raised_at", UTCDateTime, nullable=False),
    Column("raised_by", String(254), nullable=False),
    Column("note", UserText()),
    Column("cleared_at", UTCDateTime),
    Column("cleared_by", String(254)),
    Column("clear_note", Text),
    UniqueConstraint("rec_id", "key"),
    CheckConstraint(in_list("reason", ESCALATION_REASONS), name="reason"),
    Index(None, "cleared_at"),
)

OUTBOX_STATUSES = ("pending", "sent", "failed")

# E-mail to send, written in the transaction that caused it; delivered after commit.
outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("recipient", String(254), nullable=False),
    Column("subject", Text, nullable=False),
    Column("body_text", Text, nullable=False),
    Column("body_html", Text, nullable=False),
    Column("recs", Text),  # space-separated recommendation ids, for people reading the list
    Column("status", String(10), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UTCDateTime, nullable=False),
    Column("last_error", Text),
    # A sender claims rows by setting a lease; another may take them over once it lapses.
    Column("lease_owner", String(64)),
    Column("lease_until", UTCDateTime),
    Column("sent_at", UTCDateTime),
    CheckConstraint(in_list("status", OUTBOX_STATUSES), name="status"),
    Index(None, "status", "next_attempt_at"),
)


COMMITTEE_KINDS = ("board", "scrutiny", "other")
CADENCES = ("weekly", "fortnightly", "monthly", "quarterly", "six-monthly", "annually")

committee = Table(
    "committee",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", UserText(120), nullable=False, unique=True),
    # board: hears escalations; scrutiny: monitors implementation of its reports
    Column("kind", String(10), nullable=False),
    Column("cadence", String(12), nullable=False),
    Column("secretary_id", ForeignKey("person.id")),
    # Who the committee's papers are "By:" (a post, as the papers print it).
    Column("paper_by", UserText(200)),
    Column("created_at", UTCDateTime, nullable=False),
    CheckConstraint(in_list("kind", COMMITTEE_KINDS), name="kind"),
    CheckConstraint(in_list("cadence", CADENCES), name="cadence"),
)

committee_member = Table(
    "committee_member",
    metadata,
    Column("committee_id", ForeignKey("committee.id"), primary_key=True),
    Column("person_id", ForeignKey("person.id"), primary_key=True),
)

meeting = Table(
    "meeting",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("committee_id", ForeignKey("committee.id"), nullable=False),
    Column("date", Date, nullable=False),
    # The agenda as last generated: regenerating the same content changes nothing.
    Column("agenda_hash", String(64)),
    Column("agenda_generated_at", UTCDateTime),
    UniqueConstraint("committee_id", "date"),
)

agenda_item = Table(
    "agenda_item",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("meeting_id", ForeignKey("meeting.id"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("kind", String(30), nullable=False),
    Column("title", Text, nullable=False),
    Column("report", String(64)),
    Column("recs", Text, nullable=False),  # space-separated recommendation ids
    Column("detail", Text, nullable=False),  # canonical JSON: what the documents show
    UniqueConstraint("meeting_id", "position"),
)


name_user_text(metadata.tables.values())

# The web application's tables share this metadata: whoever imports the tables has them all.
from workflow.store import access, governance, outward  # noqa: E402, F401
