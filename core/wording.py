"""How douse words spans of time and counts, the same in the desk, the CLI and the reports."""

from __future__ import annotations

from datetime import timedelta


def duration(delta: timedelta) -> str:
    """'45s', '29m', '3h 05m', '47h 59m', '2d 3h': the size of a span, whichever way it points.

    Hours and minutes up to two days, since a deadline within two days is read to the minute;
    days and hours beyond. Seconds only under a minute, where a countdown still moves.
    """
    seconds = int(abs(delta.total_seconds()))
    if seconds < 60:
        return f"{seconds}s"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes}m"
    if minutes < 48 * 60:
        return f"{minutes // 60}h {minutes % 60:02d}m"
    return f"{minutes // 1440}d {(minutes % 1440) // 60}h"


def plural(n: int, word: str, many: str | None = None) -> str:
    """'1 mention', '2 mentions'; `many` for irregular plurals: plural(n, "person", "people")."""
    return f"{n} {word if n == 1 else (many or word + 's')}"
