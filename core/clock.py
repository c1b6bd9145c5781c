"""Injected time: everything that asks the time asks a Clock, so any instant is testable."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from douse.core.errors import DouseError


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass(frozen=True)
class FrozenClock:
    """A clock stopped at one instant (DOUSE_NOW, replays, tests)."""

    instant: datetime

    def now(self) -> datetime:
        return self.instant


def as_utc(value: datetime) -> datetime:
    """Naive datetimes are taken as UTC; aware ones are converted."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def parse_instant(text: str) -> datetime:
    """Parse an ISO 8601 instant such as 2026-11-23T09:30:00Z; naive means UTC."""
    try:
        parsed = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
        return as_utc(parsed)
    except ValueError:
        raise DouseError(f"not an ISO 8601 time: {text!r}") from None
    except OverflowError:  # "0001-01-01T00:00+05:00" is before the first representable instant
        raise DouseError(f"time out of range: {text!r}") from None


def clock_from_env(value: str | None) -> Clock:
    return FrozenClock(parse_instant(value)) if value else SystemClock()
