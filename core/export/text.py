"""Human-readable wording shared by the Markdown and HTML logs: local times, labels, excerpts."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from core.text import inert

SEVERITY_ORDER = ("critical", "high", "medium", "low")
STATUS_LABELS = {
    "new": "New",
    "acknowledged": "Acknowledged",
    "in_progress": "In progress",
    "waiting_customer": "Waiting for customer",
    "resolved": "Resolved",
    "closed": "Closed",
    "monitor": "Monitoring",
}
ACTIVITY_LABELS = {
    "public_reply": "Public reply",
    "private_message": "Private message",
    "email": "Email",
    "phone_call": "Phone call",
    "internal_note": "Internal note",
    "offer_made": "Offer made",
    "asked_to_update": "Asked to update the post",
    "post_updated": "Post updated",
    "post_removed": "Post removed",
    "positive_follow_up": "Positive follow-up",
    "customer_replied": "Customer replied",
    "escalation": "Escalation",
    "assignment": "Assignment",
    "status_change": "Status change",
    "severity_change": "Severity change",
    "merge": "Merged",
    "split": "Split",
    "repair_check": "Repair check",
    "correction": "Correction",
}


def local_time(value: datetime | None, tz: ZoneInfo) -> str:
    if value is None:
        return "—"
    here = value.astimezone(tz)
    return f"{here:%a} {here.day} {here:%b %Y, %H:%M} {here.tzname()}"


def local_date(value: datetime, tz: ZoneInfo) -> str:
    here = value.astimezone(tz)
    return f"{here.day} {here:%b %Y}"


def label(value: str | None, labels: dict[str, str] | None = None) -> str:
    if not value:
        return "—"
    if labels and value in labels:
        return labels[value]
    return value.replace("_", " ").capitalize()


def one_line(text: str | None, limit: int = 280) -> str:
    """Collapse whitespace and cut at a word boundary; mentions can be essays."""
    flat = inert(text)
    if len(flat) <= limit:
        return flat
    cut = flat[:limit].rsplit(" ", 1)[0] if " " in flat[:limit] else flat[:limit]
    return cut + "…"


def percent(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.0f}%"


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
