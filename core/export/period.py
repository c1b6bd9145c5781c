"""The reporting window of an export: `--since` / `--until` read as dates in the client's zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.clock import parse_instant
from core.errors import DouseError


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


def parse_bound(text: str, tz: ZoneInfo, *, end: bool) -> datetime:
    """A plain date is a whole local day: `--until 2026-11-30` includes all of the 30th."""
    text = text.strip()
    try:
        day = date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        raise DouseError(f"not a date like 2026-11-30: {text!r}") from None
    if day is None:
        return parse_instant(text)
    if end:
        day += timedelta(days=1)
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


def make_period(
    since: str | datetime | None, until: str | datetime | None, tz: ZoneInfo, now: datetime
) -> Period:
    start = parse_bound(since, tz, end=False) if isinstance(since, str) else since
    stop = parse_bound(until, tz, end=True) if isinstance(until, str) else until
    stop = (stop or now).astimezone(UTC)
    if start is not None:
        start = start.astimezone(UTC)
        if start >= stop:
            raise DouseError(
                f"--since {start:%Y-%m-%d %H:%M}Z is not before --until {stop:%Y-%m-%d %H:%M}Z"
            )
    return Period(since=start, until=stop)
