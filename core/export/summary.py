"""The numbers at the top of a report, computed with aggregate queries and one lean pass, so a
client with 100,000 incidents is summarised without loading them.
"""

from __future__ import annotations

from array import array
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from core.db.models import OPEN_STATUSES, Incident, Mention, Staff
from core.export.period import Period, client_zone
from core.export.records import ClientRecord, in_period
from core.export.response import business_response_minutes, client_calendar, first_response_outcome

OPEN_ITEMS_SHOWN = 25
PATTERNS_SHOWN = 6


@dataclass(frozen=True)
class ResponseStats:
    met: int
    missed: int
    pending: int
    no_target: int
    median_minutes: float | None  # business minutes, the unit of the target
    p90_minutes: float | None

    @property
    def share_met(self) -> float | None:
        judged = self.met + self.missed
        return self.met / judged if judged else None


@dataclass(frozen=True)
class Brief:
    """One incident as a summary line."""

    id: int
    title: str
    kind: str
    severity: str
    status: str
    owner: str | None
    opened_at: datetime
    due_at: datetime | None
    mention_count: int
    distinct_authors: int


@dataclass(frozen=True)
class Bucket:
    start: date
    negative: int
    neutral: int
    positive: int
    unscored: int
    mean_compound: float | None

    @property
    def total(self) -> int:
        return self.negative + self.neutral + self.positive + self.unscored


@dataclass(frozen=True)
class Summary:
    total: int
    by_severity: dict[str, int]
    by_status: dict[str, int]
    by_severity_status: dict[tuple[str, str], int]
    response: ResponseStats
    open_count: int
    open_items: tuple[Brief, ...]
    patterns: tuple[Brief, ...]
    buckets: tuple[Bucket, ...]
    bucket_unit: str  # "day" | "week" | "month"
    chart_start: datetime


def percentile(sorted_values: list[float], q: float) -> float | None:
    """Linear interpolation between closest ranks (numpy's default)."""
    if not sorted_values:
        return None
    rank = (len(sorted_values) - 1) * q
    low = int(rank)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (rank - low)


def response_stats(
    session: Session, client: ClientRecord, period: Period, now: datetime
) -> ResponseStats:
    calendar = client_calendar(client)
    outcomes: Counter[str] = Counter()
    # 8 bytes per answered incident: the one thing that grows with history, kept as raw doubles.
    minutes = array("d")
    rows = session.execute(
        select(
            Incident.opened_at,
            Incident.first_response_at,
            Incident.first_response_due_at,
            Incident.breached_at,
            Incident.breach_kind,
        )
        .where(Incident.client_id == client.id, in_period(period))
        .execution_options(yield_per=2000)
    )
    for row in rows:
        outcomes[first_response_outcome(row, now)] += 1
        value = business_response_minutes(row, calendar)
        if value is not None:
            minutes.append(value)
    ordered = sorted(minutes)
    del minutes
    return ResponseStats(
        met=outcomes["met"],
        missed=outcomes["missed"],
        pending=outcomes["pending"],
        no_target=outcomes["no target"],
        median_minutes=percentile(ordered, 0.5),
        p90_minutes=percentile(ordered, 0.9),
    )


def _briefs(session: Session, query: Any) -> tuple[Brief, ...]:
    rows = session.execute(
        query.outerjoin(Staff, Staff.id == Incident.owner_id).with_only_columns(
            Incident.id,
            Incident.title,
            Incident.kind,
            Incident.severity,
            Incident.status,
            Staff.handle,
            Incident.opened_at,
            Incident.due_at,
            Incident.mention_count,
            Incident.distinct_authors,
        )
    )
    return tuple(Brief(*row) for row in rows)


def _hour_key(session: Session) -> Any:
    # The same "YYYY-MM-DD HH" UTC text on both backends; SQLite stores naive UTC text already.
    if session.get_bind().dialect.name == "sqlite":
        return func.substr(Mention.published_at, 1, 13)
    return func.to_char(func.timezone("UTC", Mention.published_at), "YYYY-MM-DD HH24")


def _bucket_start(day: date, unit: str) -> date:
    if unit == "week":
        return day - timedelta(days=day.weekday())
    if unit == "month":
        return day.replace(day=1)
    return day


def volume_buckets(
    session: Session, client: ClientRecord, start: datetime, until: datetime
) -> tuple[tuple[Bucket, ...], str]:
    tz = client_zone(client.timezone)
    span = (until - start).days
    unit = "day" if span <= 62 else "week" if span <= 730 else "month"
    hour = _hour_key(session).label("hour")
    rows = session.execute(
        select(
            hour,
            Mention.sentiment_label,
            func.count(),
            func.sum(Mention.sentiment_compound),
            func.count(Mention.sentiment_compound),
        )
        .where(
            Mention.client_id == client.id,
            Mention.published_at >= start,
            Mention.published_at < until,
            Mention.duplicate_of_id.is_(None),
        )
        .group_by(hour, Mention.sentiment_label)
    )
    counts: dict[date, Counter[str]] = {}
    sums: dict[date, list[float]] = {}
    for hour_text, label, count, total, scored in rows:
        instant = datetime.strptime(hour_text, "%Y-%m-%d %H").replace(tzinfo=UTC)
        key = _bucket_start(instant.astimezone(tz).date(), unit)
        counts.setdefault(key, Counter())[label] += count
        acc = sums.setdefault(key, [0.0, 0.0])
        acc[0] += float(total or 0.0)
        acc[1] += scored
    first = _bucket_start(start.astimezone(tz).date(), unit)
    last = _bucket_start((until - timedelta(microseconds=1)).astimezone(tz).date(), unit)
    buckets = []
    day = first
    while day <= last:
        c = counts.get(day, Counter())
        total, scored = sums.get(day, [0.0, 0.0])
        buckets.append(
            Bucket(
                start=day,
                negative=c["negative"],
                neutral=c["neutral"],
                positive=c["positive"],
                unscored=c["unscored"],
                mean_compound=total / scored if scored else None,
            )
        )
        day = _bucket_start(day + timedelta(days={"day": 1, "week": 7}.get(unit, 32)), unit)
    return tuple(buckets), unit


def summarise(session: Session, client: ClientRecord, period: Period, now: datetime) -> Summary:
    base = (Incident.client_id == client.id, in_period(period))
    matrix: dict[tuple[str, str], int] = {}
    for severity, status, count in session.execute(
        select(Incident.severity, Incident.status, func.count())
        .where(*base)
        .group_by(Incident.severity, Incident.status)
    ):
        matrix[(severity, status)] = count
    by_severity: Counter[str] = Counter()
    by_status: Counter[str] = Counter()
    for (severity, status), count in matrix.items():
        by_severity[severity] += count
        by_status[status] += count
    open_filter = (
        Incident.client_id == client.id,
        Incident.status.in_(OPEN_STATUSES),
        Incident.opened_at < period.until,
        Incident.merged_into_id.is_(None),
    )
    open_count = session.scalar(select(func.count()).select_from(Incident).where(*open_filter))
    open_items = _briefs(
        session,
        select(Incident)
        .where(*open_filter)
        .order_by(Incident.due_at.is_(None), Incident.due_at, Incident.opened_at)
        .limit(OPEN_ITEMS_SHOWN),
    )
    patterns = _briefs(
        session,
        select(Incident)
        .where(*base, or_(Incident.kind.in_(("pattern", "spike")), Incident.is_pattern))
        .order_by(Incident.mention_count.desc(), Incident.distinct_authors.desc(), Incident.id)
        .limit(PATTERNS_SHOWN),
    )
    chart_start = period.since
    if chart_start is None:
        first = session.scalar(select(func.min(Incident.opened_at)).where(*base))
        chart_start = first if first is not None else period.until - timedelta(days=30)
    buckets, unit = volume_buckets(session, client, chart_start, period.until)
    return Summary(
        total=sum(matrix.values()),
        by_severity=dict(by_severity),
        by_status=dict(by_status),
        by_severity_status=matrix,
        response=response_stats(session, client, period, now),
        open_count=int(open_count or 0),
        open_items=open_items,
        patterns=patterns,
        buckets=buckets,
        bucket_unit=unit,
        chart_start=chart_start,
    )
