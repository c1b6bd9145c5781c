"""The numbers at the top of a report, computed with aggregate queries and one lean pass, so a
client with 100,000 incidents is summarised without loading them.

An incident merged into another is not an incident of its own any more: it is left out of every
figure here (counts, response times, met/missed, patterns, open items); the log lists it as
"merged into #N". Its mentions count once, under the incident they were merged into.
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from douse.core.db.models import OPEN_STATUSES, Client, Incident, IncidentMention, Mention, Staff
from douse.core.export.driver import instant_reader, raw
from douse.core.export.period import Period, client_zone
from douse.core.export.records import ClientRecord, in_period
from douse.core.export.response import (
    ResponseRow,
    business_response_minutes,
    client_calendar,
    first_response_outcome,
)

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
    """Mentions published in [start, end): local times in the client's zone."""

    start: datetime
    end: datetime
    negative: int
    neutral: int
    positive: int
    unscored: int
    mean_compound: float | None

    @property
    def total(self) -> int:
        return self.negative + self.neutral + self.positive + self.unscored


@dataclass(frozen=True)
class CategoryLine:
    """What a category of complaints came to in the period: "Cancellations: 116 complaints
    from 80 people, 38 waiting"."""

    name: str
    title: str
    complaints: int
    people: int
    waiting: int  # people whose incident about it is open with a deadline running


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
    as_of: datetime  # when open items, overdue and pending were read: the export's "now"
    categories: tuple[CategoryLine, ...] = ()


def counted(client_id: int, period: Period) -> tuple[Any, ...]:
    """The incidents a report counts: opened in the period, not merged into another."""
    return (Incident.client_id == client_id, in_period(period), Incident.merged_into_id.is_(None))


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
    # The driver's rows (core/export/driver.py), streamed: every counted incident passes here.
    connection = session.connection()
    instant = instant_reader(connection.dialect)
    result = connection.execute(
        select(
            raw(Incident.opened_at),
            raw(Incident.first_response_at),
            raw(Incident.first_response_due_at),
            raw(Incident.breached_at),
            raw(Incident.breach_kind),
        )
        .where(*counted(client.id, period))
        .execution_options(yield_per=2000)
    )
    for page in result.partitions():
        for opened_at, answered, due, breached, breach_kind in page:
            row = ResponseRow(
                cast(datetime, instant(opened_at)),
                instant(answered),
                instant(due),
                instant(breached),
                breach_kind,
            )
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


def _months_later(day: date, months: int) -> date:
    """The same day `months` later, or that month's last day (31 Jan -> 28 Feb -> 31 Mar)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    following = date(year + (month == 11), (month + 1) % 12 + 1, 1)
    return date(year, month + 1, min(day.day, (following - timedelta(days=1)).day))


def bucket_unit(start: datetime, until: datetime) -> str:
    span = (until - start).days
    return "day" if span <= 62 else "week" if span <= 730 else "month"


def bucket_edges(
    start: datetime, until: datetime, tz: ZoneInfo, unit: str, *, anchored: bool
) -> list[datetime]:
    """Local bucket boundaries covering [start, until).

    Anchored (the period has its own start, e.g. a weekly report from Monday 08:00): buckets are
    the period's own days (weeks, months), each starting at the start's local time of day, so a
    Monday-08:00 week is seven whole bars. Not anchored (an export of everything, starting at the
    first incident): calendar days from local midnight, weeks from Monday, months from the 1st.
    """
    local = start.astimezone(tz)
    if anchored:
        day, clock = local.date(), local.time()
    else:
        day, clock = local.date(), time(0)
        if unit == "week":
            day -= timedelta(days=day.weekday())
        elif unit == "month":
            day = day.replace(day=1)
    edges = [datetime.combine(day, clock, tzinfo=tz)]
    step = 0
    while edges[-1] < until:
        step += 1
        if unit == "month":
            next_day = _months_later(day, step)
        else:
            next_day = day + timedelta(days=step * (7 if unit == "week" else 1))
        # Wall-clock steps: 08:00 stays 08:00 across a daylight-saving change.
        edges.append(datetime.combine(next_day, clock, tzinfo=tz))
    return edges


def volume_buckets(
    session: Session,
    client: ClientRecord,
    start: datetime,
    until: datetime,
    *,
    anchored: bool = True,
) -> tuple[tuple[Bucket, ...], str]:
    """Mentions per bucket by sentiment label, duplicates counted once (as their original).

    One grouped, index-ranged query per bucket (at most ~120: 62 days, 105 weeks or months):
    exact at any boundary, whatever the zone's offset, and never a row per mention in Python.
    """
    tz = client_zone(client.timezone)
    unit = bucket_unit(start, until)
    edges = bucket_edges(start, until, tz, unit, anchored=anchored)
    buckets = []
    for low, high in pairwise(edges):
        counts: Counter[str] = Counter()
        total, scored = 0.0, 0
        rows = session.execute(
            select(
                Mention.sentiment_label,
                func.count(),
                func.sum(Mention.sentiment_compound),
                func.count(Mention.sentiment_compound),
            )
            .where(
                Mention.client_id == client.id,
                Mention.published_at >= max(low, start).astimezone(UTC),
                Mention.published_at < min(high, until).astimezone(UTC),
                Mention.duplicate_of_id.is_(None),
            )
            .group_by(Mention.sentiment_label)
        )
        for label, count, compound_sum, compound_count in rows:
            counts[label] += count
            total += float(compound_sum or 0.0)
            scored += compound_count
        buckets.append(
            Bucket(
                start=low,
                end=high,
                negative=counts["negative"],
                neutral=counts["neutral"],
                positive=counts["positive"],
                unscored=counts["unscored"],
                mean_compound=total / scored if scored else None,
            )
        )
    return tuple(buckets), unit


def category_lines(
    session: Session, client: ClientRecord, start: datetime | None, until: datetime
) -> tuple[CategoryLine, ...]:
    """Complaints per issue category published in the period, most first (grouped queries)."""
    from douse.core.incidents.categories import client_categories

    published = [
        Mention.client_id == client.id,
        Mention.category.is_not(None),
        Mention.published_at < until,
        Mention.duplicate_of_id.is_(None),
    ]
    if start is not None:
        published.append(Mention.published_at >= start)
    counts = session.execute(
        select(Mention.category, func.count(), func.count(func.distinct(Mention.author_id)))
        .where(*published)
        .group_by(Mention.category)
    ).all()
    if not counts:
        return ()
    waiting = dict(
        session.execute(
            select(Mention.category, func.count(func.distinct(Mention.author_id)))
            .join(IncidentMention, IncidentMention.mention_id == Mention.id)
            .join(Incident, Incident.id == IncidentMention.incident_id)
            .where(*published, Incident.status.in_(OPEN_STATUSES), Incident.due_at.is_not(None))
            .group_by(Mention.category)
        ).all()
    )
    row = session.get(Client, client.id)
    titles = client_categories(row) if row is not None else {}
    lines = [
        CategoryLine(name, titles.get(name, name), int(n), int(people), int(waiting.get(name, 0)))
        # `published` leaves NULL categories out.
        for name, n, people in cast("Sequence[tuple[str, int, int]]", counts)
    ]
    lines.sort(key=lambda line: (-line.complaints, line.name))
    return tuple(lines)


def summarise(session: Session, client: ClientRecord, period: Period, now: datetime) -> Summary:
    base = counted(client.id, period)
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
        # Everything: from the client's first record, a mention or an incident, so the period
        # shown covers every mention the report counts (a positive post recorded before the
        # first complaint is in it too).
        firsts = [
            session.scalar(select(func.min(Incident.opened_at)).where(*base)),
            session.scalar(
                select(func.min(Mention.published_at)).where(
                    Mention.client_id == client.id, Mention.published_at < period.until
                )
            ),
        ]
        known = [f for f in firsts if f is not None]
        chart_start = min(known) if known else period.until - timedelta(days=30)
    buckets, unit = volume_buckets(
        session, client, chart_start, period.until, anchored=period.since is not None
    )
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
        as_of=now,
        categories=category_lines(session, client, period.since, period.until),
    )
