"""The words the schema allows (labels, severities, statuses, kinds), without SQLAlchemy.

models.py builds its CHECK constraints from these; read models and the command line import them
from here, so naming a status does not load the ORM.
"""

from __future__ import annotations

SENTIMENT_LABELS = ("negative", "neutral", "positive", "unscored")
SEVERITIES = ("low", "medium", "high", "critical")
INCIDENT_STATUSES = (
    "new",
    "acknowledged",
    "in_progress",
    "waiting_customer",
    "resolved",
    "closed",
    "monitor",
)
OPEN_STATUSES = ("new", "acknowledged", "in_progress", "waiting_customer", "monitor")
INCIDENT_KINDS = ("mention", "pattern", "spike", "monitor")
SOURCE_KINDS = ("rss", "mastodon", "bluesky", "hackernews", "reddit", "import", "manual")
ACTIVITY_KINDS = (
    "public_reply",
    "private_message",
    "email",
    "phone_call",
    "internal_note",
    "offer_made",
    "asked_to_update",
    "post_updated",
    "post_removed",
    "positive_follow_up",
    "customer_replied",
    "escalation",
    "assignment",
    "status_change",
    "severity_change",
    "merge",
    "split",
    "repair_check",
    "correction",
    "category_change",
    "approval",
)
OUTBOX_STATES = ("awaiting_approval", "returned", "approved", "sending", "sent", "failed")
"""A reply's way out: waiting for an approver (or sent back with a note), approved, being sent
(the intent is recorded before the platform is called), sent, or failed with a reason."""
UNFINISHED_OUTBOX = ("sending",)
