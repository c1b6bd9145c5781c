"""The domain model: clients and their accounts, sources, mentions, authors, incidents, activities.

Uniqueness constraints make every write path idempotent (sync, ingestion, demo), and the indexes
serve the dashboard and queue queries at a million mentions. Nothing here is ever deleted by douse:
clients are archived, mentions and activities are kept.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy import text as sql
from sqlalchemy.orm import Mapped, Mapper, mapped_column, relationship

from douse.core.db.base import Base
from douse.core.db.vocab import (  # noqa: F401 - re-exported: the schema's words
    ACTIVITY_KINDS,
    INCIDENT_KINDS,
    INCIDENT_STATUSES,
    OPEN_STATUSES,
    OUTBOX_STATES,
    SENTIMENT_LABELS,
    SEVERITIES,
    SOURCE_KINDS,
    UNFINISHED_OUTBOX,
)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Client(Base):
    """A brand the agency looks after. Settings mirror clients.toml; archived instead of deleted."""

    __tablename__ = "clients"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    keywords: Mapped[list[Any]] = mapped_column(default=list)
    exclusions: Mapped[list[Any]] = mapped_column(default=list)
    # Which trade's issue categories apply ("airline", "restaurant"...), and the client's own
    # categories with example phrases (core/incidents/categories.py).
    industry: Mapped[str | None] = mapped_column(String(40))
    categories: Mapped[dict[str, Any]] = mapped_column(default=dict)
    critical_terms: Mapped[list[Any]] = mapped_column(default=list)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    # {"mon": [["09:00", "17:30"]], ...}; an empty dict means 24/7.
    business_hours: Mapped[dict[str, Any]] = mapped_column(default=dict)
    holidays: Mapped[dict[str, Any]] = mapped_column(default=dict)
    first_response_minutes: Mapped[int] = mapped_column(default=120)
    next_response_minutes: Mapped[int] = mapped_column(default=240)
    resolution_minutes: Mapped[int] = mapped_column(default=2880)
    # Per-severity overrides: {"critical": {"first_response": 30, ...}}.
    targets_by_severity: Mapped[dict[str, Any]] = mapped_column(default=dict)
    negative_threshold: Mapped[float] = mapped_column(Float, default=-0.05)
    positive_threshold: Mapped[float] = mapped_column(Float, default=0.05)
    reply_policy: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Which replies need an approver first, and who approves (core/send/approvals.py).
    approvals: Mapped[dict[str, Any]] = mapped_column(default=dict)
    canned_replies: Mapped[dict[str, Any]] = mapped_column(default=dict)
    report_schedule: Mapped[dict[str, Any]] = mapped_column(default=dict)
    default_owner_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    default_owner: Mapped[Staff | None] = relationship(foreign_keys=[default_owner_id])
    accounts: Mapped[list[Account]] = relationship(back_populates="client")
    sources: Mapped[list[Source]] = relationship(back_populates="client")


class Staff(Base):
    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(primary_key=True)
    handle: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    role: Mapped[str] = mapped_column(String(64), default="community manager")
    away: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # New staff: a client whose approvals say `new_staff = true` has their replies approved.
    is_new: Mapped[bool] = mapped_column(Boolean, default=False)


class Account(Base):
    """A social account of a client with exactly one responsible owner (and a backup)."""

    __tablename__ = "accounts"
    __table_args__ = (UniqueConstraint("client_id", "platform", "handle"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    platform: Mapped[str] = mapped_column(String(32))
    handle: Mapped[str] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(String(2000))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    backup_owner_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    # How douse sends from this account (core/send): the *names* of the environment variables
    # holding its credentials and the API's base URL. Never a token itself.
    sending: Mapped[dict[str, Any]] = mapped_column(default=dict)

    client: Mapped[Client] = relationship(back_populates="accounts")
    owner: Mapped[Staff | None] = relationship(foreign_keys=[owner_id])
    backup_owner: Mapped[Staff | None] = relationship(foreign_keys=[backup_owner_id])


class Source(Base):
    """Where mentions come from, with its fetch state and health."""

    __tablename__ = "sources"
    __table_args__ = (
        UniqueConstraint("client_id", "name"),
        CheckConstraint(_in("kind", SOURCE_KINDS), name="kind"),
        Index("ix_sources_due", "enabled", "next_poll_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    target: Mapped[str] = mapped_column(Text)
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # The *name* of the environment variable holding an API token; the token is never stored.
    token_env: Mapped[str | None] = mapped_column(String(128))
    poll_interval_s: Mapped[int] = mapped_column(Integer, default=900)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    cursor: Mapped[str | None] = mapped_column(Text)
    last_polled_at: Mapped[datetime | None]
    last_ok_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[datetime | None]
    # The last poll that worked but not quite (broken XML read leniently, a hostile number
    # clamped): kept until the next such note, so it can be looked at later.
    last_warning: Mapped[str | None] = mapped_column(Text)
    last_warning_at: Mapped[datetime | None]
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    next_poll_at: Mapped[datetime | None]
    last_new_at: Mapped[datetime | None]
    # Smoothed gap between polls that found something new: the yardstick for "silent too long".
    typical_gap_s: Mapped[float | None] = mapped_column(Float)
    total_new: Mapped[int] = mapped_column(Integer, default=0)
    # A lease lets several `douse watch` workers share sources without polling one twice at once.
    lease_owner: Mapped[str | None] = mapped_column(String(200))
    lease_until: Mapped[datetime | None]

    client: Mapped[Client] = relationship(back_populates="sources")


class Author(Base):
    """A person posting about a brand, known across every client by platform + handle."""

    __tablename__ = "authors"
    __table_args__ = (UniqueConstraint("platform", "handle"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    handle: Mapped[str] = mapped_column(String(300))
    display_name: Mapped[str | None] = mapped_column(String(300))
    profile_url: Mapped[str | None] = mapped_column(String(2000))
    followers: Mapped[int | None] = mapped_column(Integer)
    is_troll: Mapped[bool] = mapped_column(Boolean, default=False)
    is_vip: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str] = mapped_column(Text, default="")
    first_seen_at: Mapped[datetime | None]
    last_seen_at: Mapped[datetime | None]


class Mention(Base):
    """One post, review or message about a client. Deduplicated on (client, dedupe_key)."""

    __tablename__ = "mentions"
    __table_args__ = (
        UniqueConstraint("client_id", "dedupe_key"),
        CheckConstraint(_in("sentiment_label", SENTIMENT_LABELS), name="sentiment_label"),
        Index("ix_mentions_client_published", "client_id", "published_at"),
        Index("ix_mentions_client_label_published", "client_id", "sentiment_label", "published_at"),
        # Covering for an author's record across clients (counts, negatives, clients, first
        # seen): read from the index alone, not one table row per mention (200 ms -> 3 ms for
        # the desk's 100 authors at 1M mentions).
        Index(
            "ix_mentions_author_published",
            "author_id",
            "published_at",
            "client_id",
            "sentiment_label",
        ),
        # The desk's authors tab: each client's authors with their negative counts, from the index.
        Index("ix_mentions_client_author_label", "client_id", "author_id", "sentiment_label"),
        Index("ix_mentions_client_fingerprint", "client_id", "fingerprint"),
        # Mentions stored but not yet judged by triage (an import judges them after storing, in
        # time order; a killed one leaves them here for the next run).
        Index(
            "ix_mentions_untriaged",
            "client_id",
            "published_at",
            sqlite_where=sql("triaged_at IS NULL"),
            postgresql_where=sql("triaged_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id"), index=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("authors.id"))
    platform: Mapped[str] = mapped_column(String(32))
    external_id: Mapped[str | None] = mapped_column(String(500))
    # external id when the platform has one, else the canonical URL: the idempotency key.
    dedupe_key: Mapped[str] = mapped_column(String(1000))
    url: Mapped[str | None] = mapped_column(String(2000))
    canonical_url: Mapped[str | None] = mapped_column(String(2000))
    title: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime]
    fetched_at: Mapped[datetime]
    language: Mapped[str | None] = mapped_column(String(16))
    sentiment_compound: Mapped[float | None] = mapped_column(Float)
    sentiment_label: Mapped[str] = mapped_column(String(16), default="unscored")
    sentiment_reasons: Mapped[list[Any]] = mapped_column(default=list)
    # A person's correction wins over the model and is kept beside the model's own label.
    label_corrected_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    model_label: Mapped[str | None] = mapped_column(String(16))
    likes: Mapped[int] = mapped_column(Integer, default=0)
    shares: Mapped[int] = mapped_column(Integer, default=0)
    replies: Mapped[int] = mapped_column(Integer, default=0)
    # A short hash of normalised text for near-duplicate detection (syndicated / quoted copies).
    fingerprint: Mapped[str | None] = mapped_column(String(64))
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("mentions.id"))
    duplicate_count: Mapped[int] = mapped_column(Integer, default=0)
    raw: Mapped[dict[str, Any] | None] = mapped_column(default=None)
    # What the complaint is about (an issue category of the client's) and why, set by triage.
    category: Mapped[str | None] = mapped_column(String(40))
    category_reason: Mapped[str | None] = mapped_column(Text)
    triaged_at: Mapped[datetime | None]

    author: Mapped[Author | None] = relationship()
    client: Mapped[Client] = relationship()


TRAINING_LABELS = ("negative", "neutral", "positive")
LABEL_SOURCES = ("desk", "cli", "import")


class TrainingLabel(Base):
    """A label a person gave a post: what `douse learn` learns from. Append-only in spirit: a
    correction of the same post marks the earlier label superseded (`superseded_at`) and adds a
    new row, so the whole history of who said what, and when, stays."""

    __tablename__ = "training_labels"
    __table_args__ = (
        CheckConstraint(_in("label", TRAINING_LABELS), name="label"),
        CheckConstraint(_in("source", LABEL_SOURCES), name="source"),
        # The labels in force of a client, read by learning and by "labels since the last model".
        Index("ix_training_labels_client_current", "client_id", "superseded_at", "id"),
        Index("ix_training_labels_mention", "mention_id", "superseded_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    # The post labelled; its text is copied too, so what was learned never depends on a row
    # that could change (a repair re-fetch rewrites a mention's text).
    mention_id: Mapped[int | None] = mapped_column(ForeignKey("mentions.id"))
    text: Mapped[str] = mapped_column(Text)
    label: Mapped[str] = mapped_column(String(16))
    given_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    given_at: Mapped[datetime]
    source: Mapped[str] = mapped_column(String(16))
    superseded_at: Mapped[datetime | None]

    given_by: Mapped[Staff | None] = relationship()


class SentimentModel(Base):
    """A classifier learned from labels, stored as data (weights in JSON, never pickled code: a
    shared database must never run what it holds). `client_id` None is the agency's model. Only
    an `active` model is used, and only one per client (or agency) is active at a time."""

    __tablename__ = "sentiment_models"
    __table_args__ = (Index("ix_sentiment_models_client_active", "client_id", "active", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id"))
    format_version: Mapped[int] = mapped_column(Integer)
    douse_version: Mapped[str] = mapped_column(String(32))
    n_labels: Mapped[int] = mapped_column(Integer)
    # Cross-validated figures of the model and of the rules on the same labels.
    cv: Mapped[dict[str, Any]] = mapped_column(default=dict)
    weights: Mapped[dict[str, Any]] = mapped_column(default=dict)
    active: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))


class Incident(Base):
    """A negative situation someone must answer in time. `version` guards concurrent edits."""

    __tablename__ = "incidents"
    __table_args__ = (
        CheckConstraint(_in("severity", SEVERITIES), name="severity"),
        CheckConstraint(_in("status", INCIDENT_STATUSES), name="status"),
        CheckConstraint(_in("kind", INCIDENT_KINDS), name="kind"),
        Index("ix_incidents_client_status", "client_id", "status"),
        Index("ix_incidents_status_due", "status", "due_at"),
        Index("ix_incidents_owner_status", "owner_id", "status"),
        Index("ix_incidents_client_opened", "client_id", "opened_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    kind: Mapped[str] = mapped_column(String(16), default="mention")
    title: Mapped[str] = mapped_column(Text)
    severity: Mapped[str] = mapped_column(String(16), default="low")
    severity_reasons: Mapped[list[Any]] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(20), default="new")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    is_pattern: Mapped[bool] = mapped_column(Boolean, default=False)
    distinct_authors: Mapped[int] = mapped_column(Integer, default=1)
    mention_count: Mapped[int] = mapped_column(Integer, default=0)
    terms: Mapped[list[Any]] = mapped_column(default=list)
    category: Mapped[str | None] = mapped_column(String(40))
    # A person's case under the problem it is part of (the problem holds the posts about the
    # problem; the case holds that person's conversation beyond it).
    problem_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"), index=True)
    # Severity's evidence summed up as posts join (core/incidents/severity.py EvidenceSummary).
    summary: Mapped[dict[str, Any]] = mapped_column(default=dict)
    opened_at: Mapped[datetime]
    acknowledged_at: Mapped[datetime | None]
    first_response_at: Mapped[datetime | None]
    last_customer_at: Mapped[datetime | None]
    last_response_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    first_response_due_at: Mapped[datetime | None]
    next_response_due_at: Mapped[datetime | None]
    resolution_due_at: Mapped[datetime | None]
    # The deadline that matters now (first, next or resolution), kept for the queue's index.
    due_at: Mapped[datetime | None]
    paused_at: Mapped[datetime | None]
    breached_at: Mapped[datetime | None]
    breach_kind: Mapped[str | None] = mapped_column(String(32))
    resolution: Mapped[str | None] = mapped_column(Text)
    repair_status: Mapped[str | None] = mapped_column(String(32))
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"))
    updated_at: Mapped[datetime]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    client: Mapped[Client] = relationship()
    owner: Mapped[Staff | None] = relationship(foreign_keys=[owner_id])
    updated_by: Mapped[Staff | None] = relationship(foreign_keys=[updated_by_id])
    problem: Mapped[Incident | None] = relationship(foreign_keys=[problem_id], remote_side=[id])


class IncidentMention(Base):
    __tablename__ = "incident_mentions"
    __table_args__ = (Index("ix_incident_mentions_mention", "mention_id"),)

    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), primary_key=True)
    mention_id: Mapped[int] = mapped_column(ForeignKey("mentions.id"), primary_key=True)
    added_at: Mapped[datetime]


class IncidentKey(Base):
    """What draws posts to an incident: its category and day, an identifier, a staff hint.

    Looked up by (client, key), so placing a post costs the same at any size of history."""

    __tablename__ = "incident_keys"
    __table_args__ = (
        UniqueConstraint("incident_id", "key"),
        Index("ix_incident_keys_lookup", "client_id", "key", "last_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"))
    key: Mapped[str] = mapped_column(String(200))
    first_at: Mapped[datetime]
    last_at: Mapped[datetime]
    # Posts that carried the key here: what most of them share names the problem.
    posts: Mapped[int] = mapped_column(Integer, default=1)

    incident: Mapped[Incident] = relationship()


class GroupingHint(Base):
    """A staff decision remembered for triage: posts that belong together (a merge), apart (a
    split), or under a category (a correction), each with one post's significant words."""

    __tablename__ = "grouping_hints"
    __table_args__ = (
        CheckConstraint(_in("kind", ("together", "apart", "category")), name="kind"),
        Index("ix_grouping_hints_client", "client_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    kind: Mapped[str] = mapped_column(String(16))
    group: Mapped[int] = mapped_column(Integer)
    apart_from: Mapped[int | None] = mapped_column(Integer)
    category: Mapped[str | None] = mapped_column(String(40))
    terms: Mapped[list[Any]] = mapped_column(default=list)
    mention_id: Mapped[int | None] = mapped_column(ForeignKey("mentions.id"))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    at: Mapped[datetime]


class Activity(Base):
    """The append-only outreach log: corrections are new entries, nothing is edited or erased."""

    __tablename__ = "activities"
    __table_args__ = (
        CheckConstraint(_in("kind", ACTIVITY_KINDS), name="kind"),
        Index("ix_activities_incident_at", "incident_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"))
    kind: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str | None] = mapped_column(String(64))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    at: Mapped[datetime]
    body: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str | None] = mapped_column(Text)
    amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    currency: Mapped[str | None] = mapped_column(String(3))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("activities.id"))

    staff: Mapped[Staff | None] = relationship()


class UndoPoint(Base):
    """What one change did to an incident, kept so that it can be taken back (core.incidents.undo)
    while the incident is exactly as that change left it: `version` is the incident's version
    right after the change. `before` holds the fields as they were (and, for a merge or a split,
    the other incidents involved with their versions). Append-only: an undo is a new correction
    on the timeline, never an edit of this row or of the change's activity."""

    __tablename__ = "undo_points"
    __table_args__ = (Index("ix_undo_points_incident", "incident_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"))
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id"))
    action: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    at: Mapped[datetime]
    before: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Draft(Base):
    """A reply someone is writing on an incident, kept until it is logged or discarded on
    purpose: closing the dialog keeps it, and colleagues see who is drafting."""

    __tablename__ = "drafts"
    __table_args__ = (UniqueConstraint("incident_id", "staff_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"))
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    kind: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str | None] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text, default="")
    offer: Mapped[str | None] = mapped_column(String(32))
    amount: Mapped[str | None] = mapped_column(String(32))
    """As typed: a draft may hold what is not a valid amount yet."""
    updated_at: Mapped[datetime]


class OutboxEntry(Base):
    """One reply on its way to a platform (core/send/outbox.py). The row is written with its
    idempotency `key` *before* the platform is called and completed after, so a send cut short by
    a crash is found again and checked on the platform before any retry: never posted twice,
    never lost. Approval steps live here too (a reply waiting for an approver is a row)."""

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("key"),
        CheckConstraint(_in("state", OUTBOX_STATES), name="state"),
        Index("ix_outbox_state", "state", "attempted_at"),
        Index("ix_outbox_incident", "incident_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64))
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"))
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    mention_id: Mapped[int | None] = mapped_column(ForeignKey("mentions.id"))
    platform: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(32))
    # "api": douse posts it; "by_hand": a person posts it and douse records it.
    mode: Mapped[str] = mapped_column(String(16), default="api")
    body: Mapped[str] = mapped_column(Text, default="")
    # Where the reply goes, as the platform names it (status id, at:// uri + cid, fullname...).
    target: Mapped[dict[str, Any]] = mapped_column(default=dict)
    override: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
    retry_after: Mapped[datetime | None]
    post_id: Mapped[str | None] = mapped_column(String(500))
    post_url: Mapped[str | None] = mapped_column(String(2000))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime]
    attempted_at: Mapped[datetime | None]
    # When a recovery last looked at an unfinished send (claims it, so two do not at once).
    checked_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    # Why an approval is needed ({"rules": [...], "approvers": [...]}) and how it was decided.
    approval: Mapped[dict[str, Any]] = mapped_column(default=dict)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    decided_at: Mapped[datetime | None]
    note: Mapped[str | None] = mapped_column(Text)
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activities.id"))


class Notification(Base):
    """An event staff must see at once: a critical incident, a pattern, a spike, a breach.

    One per incident, kind and `key`: the key is empty for the once-per-incident kinds and names
    the deadline for a breach ("resolution@2026-11-25T10:00:00Z"), so each missed deadline alerts
    once, however many an incident misses."""

    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("incident_id", "kind", "key"),
        Index("ix_notifications_at", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"))
    kind: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(64), default="", server_default="")
    at: Mapped[datetime]
    message: Mapped[str] = mapped_column(Text)
    webhook_sent_at: Mapped[datetime | None]
    webhook_error: Mapped[str | None] = mapped_column(Text)


class RepairCheck(Base):
    """A scheduled re-fetch of a post the customer was asked to update."""

    __tablename__ = "repair_checks"
    __table_args__ = (Index("ix_repair_checks_due", "done_at", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"))
    mention_id: Mapped[int] = mapped_column(ForeignKey("mentions.id"))
    due_at: Mapped[datetime]
    done_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(String(32))
    new_compound: Mapped[float | None] = mapped_column(Float)


class ReportRun(Base):
    """When each client's scheduled report last ran, so a restart neither skips nor repeats one."""

    __tablename__ = "report_runs"
    __table_args__ = (UniqueConstraint("client_id", "period_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    period_start: Mapped[datetime]
    period_end: Mapped[datetime]
    ran_at: Mapped[datetime]
    path: Mapped[str] = mapped_column(Text)


class AuditEntry(Base):
    """Who changed what, for records without a history of their own (account owners, author
    flags). Append-only and in the database, so every desk of a team sees the same trail."""

    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_subject", "subject", "subject_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    subject: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int] = mapped_column(Integer)
    summary: Mapped[str] = mapped_column(Text)


class WorkerHeartbeat(Base):
    """`douse watch` workers announce themselves so the desk polls only when none is running."""

    __tablename__ = "worker_heartbeats"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    seen_at: Mapped[datetime]
    started_at: Mapped[datetime]


@event.listens_for(Activity, "before_update")
@event.listens_for(Activity, "before_delete")
@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
@event.listens_for(UndoPoint, "before_update")
@event.listens_for(UndoPoint, "before_delete")
def _activities_are_append_only(
    mapper: Mapper[Activity], connection: Any, target: Activity
) -> None:
    raise PermissionError("activities are append-only: record a correction instead")


@event.listens_for(Mention, "before_delete")
@event.listens_for(OutboxEntry, "before_delete")
@event.listens_for(Incident, "before_delete")
@event.listens_for(Client, "before_delete")
def _never_deleted(mapper: Mapper[Any], connection: Any, target: Any) -> None:
    raise PermissionError(f"douse never deletes a {mapper.class_.__name__.lower()}")
