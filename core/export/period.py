"""The reporting window of an export: `--since` / `--until` read in the client's time zone.

A plain date is a whole local day; a date with a time and no offset is a wall-clock time in the
client's zone (what the help promises); a time with `Z` or an offset is that instant.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from douse.core.errors import DouseError

# Lenient on purpose: "2026-11-1" is as clear as "2026-11-01".
_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
FORMAT_HINT = "use YYYY-MM-DD, or YYYY-MM-DDTHH:MM in the client's time zone"


DEFAULT_SINCE: str | None = None
"""The one default start of an export, for `douse export` and the desk's dialog alike: None,
everything from the client's first record (a report then covers every mention it counts)."""


@dataclass(frozen=True)
class Period:
    """Incidents opened in [since, until); `since` None means from the client's first incident."""

    since: datetime | None
    until: datetime

    def contains(self, instant: datetime) -> bool:
        return (self.since is None or instant >= self.since) and instant < self.until


def client_zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        raise DouseError(f"unknown time zone {name!r}") from None


# What "--until 9999-12-31" or "--since 0001-01-01" mean: no bound on that side. The day after
# the last representable date, or a local time shifted to UTC, would not exist as a datetime.
FAR_PAST = datetime(1, 1, 2, tzinfo=UTC)
FAR_FUTURE = datetime(9999, 12, 30, tzinfo=UTC)
LATEST_AHEAD = timedelta(days=366)


def parse_bound(text: str, tz: ZoneInfo, *, end: bool) -> datetime:
    """A plain date is a whole local day: `--until 2026-11-30` includes all of the 30th."""
    try:
        return _parse_bound(text.strip(), tz, end=end)
    except OverflowError:
        return FAR_FUTURE if end else FAR_PAST


def _parse_bound(text: str, tz: ZoneInfo, *, end: bool) -> datetime:
    whole_day = _DATE.fullmatch(text)
    if whole_day:
        try:
            day = date(*(int(part) for part in whole_day.groups()))
        except ValueError as exc:
            raise DouseError(f"not a date: {text!r} ({exc}; {FORMAT_HINT})") from None
        if end:
            day += timedelta(days=1)
        return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise DouseError(f"not a date or time: {text!r} ({FORMAT_HINT})") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)  # a wall-clock time where the client is
    return parsed.astimezone(UTC)


def _shown(value: str | datetime | None, tz: ZoneInfo, now: datetime) -> str:
    """A bound as the user gave it, for an error message."""
    if isinstance(value, str):
        return value.strip()
    here = (value or now).astimezone(tz)
    text = f"{here:%Y-%m-%d %H:%M} ({tz.key})"
    return text if value is not None else f"now, {text}"


_INSTANT = timedelta(microseconds=1)


def make_period(
    since: str | datetime | None,
    until: str | datetime | None,
    tz: ZoneInfo,
    now: datetime,
    *,
    names: tuple[str, str] = ("--since", "--until"),
) -> Period:
    start = parse_bound(since, tz, end=False) if isinstance(since, str) else since
    stop = parse_bound(until, tz, end=True) if isinstance(until, str) else until
    # Nothing opens in the future: an end beyond a year from now (`--until 9999-12-31`, "no
    # end") is read as a year from now, so the report's charts stay a few bars long.
    # "Until now" takes in what opened at this very instant: the period is half-open, and an
    # incident opened by an import a moment ago under the same frozen clock (DOUSE_NOW, a
    # script, the demo) has opened_at == now.
    stop = min((stop or now + _INSTANT).astimezone(UTC), now.astimezone(UTC) + LATEST_AHEAD)
    if start is not None:
        start = start.astimezone(UTC)
        if start >= stop:
            first, last = names
            if until is None:
                raise DouseError(
                    f"{first} {_shown(since, tz, now)} is not before {_shown(None, tz, now)}"
                )
            raise DouseError(
                f"{first} {_shown(since, tz, now)} is not before {last} {_shown(until, tz, now)}"
            )
    return Period(since=start, until=stop)
