"""A source's health: every poll outcome is written down, failures back off, silence is noticed.

A failing source is retried less and less often (exponential backoff of `next_poll_at`, capped),
and a server's own Retry-After is honoured. A source that used to bring news and has gone quiet
for far longer than usual is reported: silence must never pass for calm.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from douse.core.db.models import Client, Source

# The longest a failing source waits between attempts: long enough not to hammer a dead host,
# short enough that a fixed source is back within a working morning.
BACKOFF_CAP_S = 6 * 3600
# A hostile or confused server may ask for a year; a day is the most douse will wait.
RETRY_AFTER_CAP_S = 24 * 3600
# Weight of the newest gap in the smoothed typical gap (an exponential moving average).
GAP_SMOOTHING = 0.3
# Silent means: quiet for this many typical gaps, and for at least this many poll intervals.
SILENCE_FACTOR = 4.0
SILENCE_MIN_POLLS = 3
MAX_ERROR_LENGTH = 500


def backoff_seconds(interval_s: int, failures: int) -> float:
    """Delay before the next attempt after `failures` consecutive failures (1 = first)."""
    if failures <= 0:
        return float(interval_s)
    # Capped exponent: 2**40 seconds would overflow timedelta long before the cap applies.
    exponent = min(failures - 1, 30)
    return float(min(BACKOFF_CAP_S, max(interval_s, 60) * 2**exponent, 10**9))


def record_success(source: Source, now: datetime, new_count: int) -> None:
    """A poll worked (even if it brought nothing new): reset the failure streak, plan the next."""
    source.last_polled_at = now
    source.last_ok_at = now
    source.consecutive_failures = 0
    source.next_poll_at = now + timedelta(seconds=source.poll_interval_s)
    if new_count > 0:
        if source.last_new_at is not None:
            gap = max(0.0, (now - source.last_new_at).total_seconds())
            source.typical_gap_s = (
                gap
                if source.typical_gap_s is None
                else (1 - GAP_SMOOTHING) * source.typical_gap_s + GAP_SMOOTHING * gap
            )
        source.last_new_at = now
        source.total_new = (source.total_new or 0) + new_count


def record_failure(
    source: Source, now: datetime, message: str, retry_after: float | None = None
) -> None:
    """A poll failed: keep the reason, count the streak, and push the next attempt out."""
    source.last_polled_at = now
    source.last_error = " ".join(message.split())[:MAX_ERROR_LENGTH] or "unknown error"
    source.last_error_at = now
    source.consecutive_failures = (source.consecutive_failures or 0) + 1
    delay = backoff_seconds(source.poll_interval_s, source.consecutive_failures)
    if retry_after is not None and retry_after > 0:
        delay = max(delay, min(float(retry_after), RETRY_AFTER_CAP_S))
    source.next_poll_at = now + timedelta(seconds=delay)


@dataclass(frozen=True)
class SourceHealth:
    """A read model of one source's health for the desk and the CLI."""

    source_id: int
    client_slug: str
    name: str
    kind: str
    state: str  # "ok", "failing", "silent", "never polled", "disabled"
    last_ok_at: datetime | None
    last_error: str | None
    last_error_at: datetime | None
    consecutive_failures: int
    next_poll_at: datetime | None
    last_new_at: datetime | None
    typical_gap_s: float | None


def silence_threshold_s(typical_gap_s: float | None, poll_interval_s: int) -> float | None:
    """How long a source may bring nothing new before it counts as silent; None while it has
    no typical gap yet (nothing to compare with)."""
    if typical_gap_s is None:
        return None
    return max(SILENCE_FACTOR * typical_gap_s, SILENCE_MIN_POLLS * poll_interval_s)


def quiet_too_long(
    last_new_at: datetime | None,
    typical_gap_s: float | None,
    poll_interval_s: int,
    now: datetime,
) -> bool:
    """The one rule for a silent source, on plain column values so read models that select only
    a few columns (the desk) apply it too: quiet for longer than `SILENCE_FACTOR` typical gaps
    and longer than `SILENCE_MIN_POLLS` poll intervals."""
    threshold = silence_threshold_s(typical_gap_s, poll_interval_s)
    if threshold is None or last_new_at is None:
        return False
    return (now - last_new_at).total_seconds() > threshold


def is_silent(source: Source, now: datetime) -> bool:
    return quiet_too_long(source.last_new_at, source.typical_gap_s, source.poll_interval_s, now)


def _state(source: Source, now: datetime) -> str:
    if not source.enabled:
        return "disabled"
    if source.consecutive_failures:
        return "failing"
    if source.last_polled_at is None:
        return "never polled"
    return "silent" if is_silent(source, now) else "ok"


def source_health(
    session: Session, now: datetime, *, client_slug: str | None = None
) -> list[SourceHealth]:
    """Every source's health, by client then name."""
    query = select(Source, Client.slug).join(Client, Client.id == Source.client_id)
    if client_slug is not None:
        query = query.where(Client.slug == client_slug)
    rows = session.execute(query.order_by(Client.slug, Source.name)).all()
    return [
        SourceHealth(
            source_id=source.id,
            client_slug=slug,
            name=source.name,
            kind=source.kind,
            state=_state(source, now),
            last_ok_at=source.last_ok_at,
            last_error=source.last_error,
            last_error_at=source.last_error_at,
            consecutive_failures=source.consecutive_failures,
            next_poll_at=source.next_poll_at,
            last_new_at=source.last_new_at,
            typical_gap_s=source.typical_gap_s,
        )
        for source, slug in rows
    ]


@dataclass(frozen=True)
class SilentSource:
    source_id: int
    client_slug: str
    name: str
    last_new_at: datetime
    typical_gap_s: float
    silent_for_s: float


def silent_sources(session: Session, now: datetime) -> list[SilentSource]:
    """Enabled, non-archived sources quiet for far longer than their usual gap, longest first."""
    rows = session.execute(
        select(Source, Client.slug)
        .join(Client, Client.id == Source.client_id)
        .where(
            Source.enabled.is_(True),
            Client.archived.is_(False),
            Source.last_new_at.is_not(None),
            Source.typical_gap_s.is_not(None),
        )
    ).all()
    found = [
        SilentSource(
            source_id=source.id,
            client_slug=slug,
            name=source.name,
            last_new_at=source.last_new_at,
            typical_gap_s=float(source.typical_gap_s),
            silent_for_s=(now - source.last_new_at).total_seconds(),
        )
        for source, slug in rows
        if is_silent(source, now)
        and source.last_new_at is not None
        and source.typical_gap_s is not None
    ]
    return sorted(found, key=lambda s: s.silent_for_s / max(s.typical_gap_s, 1.0), reverse=True)
