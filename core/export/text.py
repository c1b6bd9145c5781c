"""Human-readable wording shared by the Markdown and HTML logs: local times, labels, excerpts."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import NamedTuple
from zoneinfo import ZoneInfo

from douse.core.send.notes import sent_note
from douse.core.text import inert

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
    "approval": "Approval",
}


@lru_cache(maxsize=4096)
def _day_text(ordinal: int) -> tuple[str, str]:
    """A local day's words, "Wed 25 Nov" and "Wed 25 Nov 2026", by its proleptic ordinal.

    A report writes every incident's times and every log entry's: three strftime calls each
    cost more than the rest of a line, and a year of incidents falls on a few hundred days."""
    day = date.fromordinal(ordinal)
    short = f"{day:%a} {day.day} {day:%b}"
    return short, f"{short} {day:%Y}"


def local_time(value: datetime | None, tz: ZoneInfo) -> str:
    """ "Wed 25 Nov 2026, 14:02 GMT": the instant in the client's zone, named."""
    if value is None:
        return "—"
    here = value.astimezone(tz)
    return f"{_day_text(here.toordinal())[1]}, {here.hour:02}:{here.minute:02} {here.tzname()}"


def local_date(value: datetime, tz: ZoneInfo) -> str:
    here = value.astimezone(tz)
    return f"{here.day} {here:%b %Y}"


def short_time(value: datetime, tz: ZoneInfo) -> str:
    """ "Wed 25 Nov, 14:02": for a log whose header already names the year and the zone."""
    here = value.astimezone(tz)
    return f"{_day_text(here.toordinal())[0]}, {here.hour:02}:{here.minute:02}"


def _is_midnight(value: datetime, tz: ZoneInfo) -> bool:
    return value.astimezone(tz).time() == time(0)


def period_text(since: datetime | None, until: datetime, tz: ZoneInfo, first: datetime) -> str:
    """The period as the client should read it, without an off-by-one day.

    Whole local days read as days ("16 Nov – 22 Nov 2026": `until` is exclusive, so a period
    ending at the midnight that starts the 23rd ends on the 22nd). Any other bound is shown to the
    minute ("Mon 16 Nov, 08:00 – Mon 23 Nov 2026, 08:00"): a weekly report from Monday 08:00 to
    Monday 08:00 is seven days, not eight. With no `since`, the log starts on the day of `first`
    (the client's first incident or mention, whichever came first).
    """
    start = (since or first).astimezone(tz)
    end = until.astimezone(tz)
    whole_start = since is None or _is_midnight(since, tz)
    if _is_midnight(until, tz):
        last = end.date() - timedelta(days=1)
        end_text = f"{last.day} {last:%b %Y}"
        if whole_start and start.date() >= last:
            return end_text  # one whole day
        end_year = last.year
    else:
        end_text = f"{end:%a} {end.day} {end:%b %Y, %H:%M}"
        end_year = end.year
    year = "" if start.year == end_year else f" {start:%Y}"
    if whole_start:
        start_text = f"{start.day} {start:%b}{year}"
    else:
        start_text = f"{start:%a} {start.day} {start:%b}{year}, {start:%H:%M}"
    return f"{start_text} – {end_text}"


# Spike titles are written by the incident engine in UTC ("... mentions from 2026-12-01 10:00
# UTC"); a report in the client's time speaks in local time.
_UTC_IN_TITLE = re.compile(r"(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}) UTC")


def incident_title(title: str, kind: str, tz: ZoneInfo) -> str:
    if kind != "spike":
        return title

    def local(match: re.Match[str]) -> str:
        instant = datetime.fromisoformat(f"{match[1]}T{match[2]}").replace(tzinfo=UTC)
        return local_time(instant, tz)

    return _UTC_IN_TITLE.sub(local, title)


def number(value: int) -> str:
    return f"{value:,}"


# ------------------------------------------------------------------ the log as the client reads it

# Never in a client's report unless asked for (`--internal`): notes for the team, who was given the
# work, and the desk's own re-checks of a post.
INTERNAL_KINDS = frozenset({"internal_note", "assignment", "repair_check"})
_STATUS_LINE = re.compile(r"(\w+) -> (\w+)(?:: (.*))?", re.DOTALL)
_REOPENED = re.compile(r"reopened: (.*?)(?: \(\w+ -> \w+\))?", re.DOTALL)


class LogLine(NamedTuple):
    what: str
    detail: str  # plain text; the writer escapes it


def client_log_line(kind: str, body: str, details: dict[str, object]) -> LogLine | None:
    """An activity in plain words for the client, or None when it is for the team only.

    Status changes become "Marked resolved" with the reason a person gave, never the internal
    codes ("resolved -> closed"); a severity change says what it became, not why. Everything
    else keeps its label and text.
    """
    if kind in INTERNAL_KINDS:
        return None
    if kind == "correction" and details.get("undid") in INTERNAL_KINDS:
        return None  # an undone assignment is as internal as the assignment
    if kind == "status_change":
        reopened = _REOPENED.fullmatch(body)
        if reopened:
            return LogLine("Reopened", reopened[1])
        line = _STATUS_LINE.fullmatch(body)
        to = str(details.get("to") or (line[2] if line else "") or "")
        reason = (line[3] or "") if line else ""
        what = f"Marked {label(to, STATUS_LABELS).lower()}" if to else "Status changed"
        return LogLine(what, reason)
    if kind == "severity_change":
        to = str(details.get("to") or "")
        return LogLine(f"Severity set to {to}" if to else "Severity changed", "")
    sent = sent_note(details)
    if sent:
        # How it reached the customer: the new post's link, by hand, approved by whom.
        return LogLine(label(kind, ACTIVITY_LABELS), f"{body} ({sent})" if body else sent)
    return LogLine(label(kind, ACTIVITY_LABELS), body)


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
