"""One plain line for the timeline and the exports about how an entry reached the customer:
sent through the API (with the new post's link), posted by hand, approved by whom."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from douse.core.text import inert


def sent_note(details: Mapping[str, Any] | None) -> str | None:
    if not details:
        return None  # most entries: a report asks this of every one
    sent = details.get("sent")
    if not isinstance(sent, Mapping):
        return None
    parts = []
    if sent.get("via") == "api":
        where = sent.get("url") or sent.get("post_id") or "?"
        parts.append(f"sent through the {sent.get('platform')} API: {where}")
        if sent.get("recovered"):
            parts.append("confirmed after an interrupted send")
    else:
        link = sent.get("link")
        parts.append(f"posted by hand on {sent.get('platform')}" + (f" at {link}" if link else ""))
    if sent.get("approved_by"):
        parts.append(f"approved by {sent['approved_by']}")
    return inert("; ".join(parts), 300)
