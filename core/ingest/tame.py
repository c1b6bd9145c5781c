"""Hostile numbers and dates in a post, made storable before they reach the database.

A platform (or an import file) can say `"favourites_count": 2**70`, `"replies_count": 1e300`, a
rating of NaN or a post published in the year 1. None of it is worth losing the post over, and
none of it may stop the rest of the page from being stored: a count beyond what a database
integer holds is clamped to that ceiling, a non-finite number in the kept payload becomes null,
and a publication time before 1990 (the web had no posts then) is replaced by the time douse saw
the post. Each change is said once, in a note the poll and the import report and the source
keeps (`Source.last_warning`).
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from douse.core.ingest.types import RawMention

# PostgreSQL's INTEGER, the narrowest column a count is stored in.
LARGEST_COUNT = 2**31 - 1
EARLIEST_POST = datetime(1990, 1, 1, tzinfo=UTC)
# JSON numbers beyond 2**53 lose precision in most readers; kept as text in the raw payload.
LARGEST_JSON_INT = 2**53


def count(value: Any) -> tuple[int, bool]:
    """(a storable count, whether it had to change)."""
    if isinstance(value, bool) or value is None:
        return 0, value is not None
    if isinstance(value, int):
        fixed = min(max(0, value), LARGEST_COUNT)
        return fixed, fixed != value and value > 0
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 0, True
    if not math.isfinite(number):
        return (LARGEST_COUNT if number > 0 else 0), True
    fixed = int(min(max(0.0, number), LARGEST_COUNT))
    return fixed, number > LARGEST_COUNT


def finite(value: Any, depth: int = 0) -> tuple[Any, bool]:
    """A JSON-ready copy without NaN, infinities or integers too long for JSON readers."""
    if depth > 8:
        return None, True
    if isinstance(value, float) and not math.isfinite(value):
        return None, True
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > LARGEST_JSON_INT:
        return str(value), True
    if isinstance(value, dict):
        changed = False
        out: dict[Any, Any] = {}
        for key, inner in value.items():
            out[key], hit = finite(inner, depth + 1)
            changed = changed or hit
        return out, changed
    if isinstance(value, list | tuple):
        pairs = [finite(inner, depth + 1) for inner in value]
        return [v for v, _ in pairs], any(hit for _, hit in pairs)
    return value, False


def tame(item: RawMention) -> tuple[RawMention, list[str]]:
    """The post with every number and date storable, and what had to change (empty: nothing)."""
    notes: list[str] = []
    changes: dict[str, Any] = {}
    for name in ("likes", "shares", "replies"):
        value = getattr(item, name)
        fixed, changed = count(value)
        if changed or fixed != value:
            changes[name] = fixed
            if changed:
                notes.append(f"{name} {_shown(value)} clamped to {fixed:,}")
    author = item.author
    if author is not None and author.followers is not None:
        fixed, changed = count(author.followers)
        if changed or fixed != author.followers:
            changes["author"] = replace(author, followers=fixed)
            if changed:
                notes.append(f"followers {_shown(author.followers)} clamped to {fixed:,}")
    published = item.published_at
    if published is not None and _before(published, EARLIEST_POST):
        changes["published_at"] = None
        notes.append(
            f"published {published.isoformat()[:10]} is before 1990; the time it was seen is used"
        )
    if item.raw:
        raw, changed = finite(item.raw)
        if changed:
            changes["raw"] = raw
            notes.append("a number in the payload was not finite or too long; kept as null or text")
    return (replace(item, **changes) if changes else item), notes


def _before(instant: datetime, limit: datetime) -> bool:
    try:
        aware = instant if instant.tzinfo is not None else instant.replace(tzinfo=UTC)
        return aware < limit
    except (OverflowError, ValueError):
        return True


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 24 else text[:21] + "..."
