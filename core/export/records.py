"""Read models for exports and the paged queries that stream them.

Incidents come in keyset pages of (opened_at, id); each page's mentions and activities are fetched
with one query apiece, so memory is bounded by the page size and never by the client's history.
The records are named tuples of what the writers use, built from the driver's rows: writers
never touch ORM objects or lazy loads, and an export of a hundred thousand incidents builds each
record from its row in one C call (a frozen dataclass's keyword __init__ cost more than reading
the row).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal, NamedTuple, cast

from sqlalchemy import and_, func, or_, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from douse.core.db.base import table_of
from douse.core.db.models import (
    Activity,
    Author,
    Client,
    Incident,
    IncidentMention,
    Mention,
    Staff,
)
from douse.core.errors import NotFound
from douse.core.export.driver import fetch, instant_reader, json_reader, numeric_reader, raw
from douse.core.export.period import Period

PAGE_SIZE = 500
# "first_url": the link only (csv); "quotes": the first QUOTES mentions' words (md, html).
# (douse JSON reads every mention with all it holds on its own: json_rows.)
MentionDetail = Literal["first_url", "quotes"]
QUOTES = 3


@dataclass(frozen=True)
class ClientRecord:
    id: int
    slug: str
    name: str
    timezone: str
    business_hours: dict[str, Any]
    holidays: dict[str, Any]
    first_response_minutes: int
    next_response_minutes: int
    resolution_minutes: int
    targets_by_severity: dict[str, Any]
    negative_threshold: float
    positive_threshold: float

    def first_response_target(self, severity: str) -> int:
        override = (self.targets_by_severity.get(severity) or {}).get("first_response")
        return int(override) if override is not None else self.first_response_minutes


class QuoteRecord(NamedTuple):
    """What a report quotes of one of an incident's first mentions."""

    platform: str
    author_handle: str | None
    title: str
    text: str


class ActivityRecord(NamedTuple):
    id: int
    kind: str
    channel: str | None
    staff: str | None
    at: datetime
    body: str
    outcome: str | None
    amount: Decimal | None
    currency: str | None
    details: dict[str, Any]
    corrects_id: int | None


class IncidentRecord(NamedTuple):
    """What the csv, md and html exports write of an incident (douse JSON, which writes every
    column, reads its own: json_rows)."""

    id: int
    kind: str
    title: str
    severity: str
    status: str
    owner: str | None
    distinct_authors: int
    mention_count: int
    opened_at: datetime
    first_response_at: datetime | None
    first_response_due_at: datetime | None
    breached_at: datetime | None
    breach_kind: str | None
    resolved_at: datetime | None
    resolution: str | None
    repair_status: str | None
    merged_into_id: int | None
    first_mention_url: str | None
    activities: tuple[ActivityRecord, ...]
    quotes: tuple[QuoteRecord, ...]  # with mentions="quotes": the first QUOTES, oldest first


def load_client(session: Session, slug: str) -> ClientRecord:
    client = session.scalars(select(Client).where(Client.slug == slug)).one_or_none()
    if client is None:
        raise NotFound(f"no client with slug {slug!r}")
    return ClientRecord(
        id=client.id,
        slug=client.slug,
        name=client.name,
        timezone=client.timezone or "UTC",
        business_hours=dict(client.business_hours or {}),
        holidays=dict(client.holidays or {}),
        first_response_minutes=client.first_response_minutes,
        next_response_minutes=client.next_response_minutes,
        resolution_minutes=client.resolution_minutes,
        targets_by_severity=dict(client.targets_by_severity or {}),
        negative_threshold=client.negative_threshold,
        positive_threshold=client.positive_threshold,
    )


def in_period(period: Period) -> Any:
    cond = Incident.opened_at < period.until
    return cond if period.since is None else and_(Incident.opened_at >= period.since, cond)


def _staff_handles(session: Session) -> dict[int, str]:
    # Staff is the agency's team (tens of people): one small dict beats a join per row.
    return dict(session.execute(select(Staff.id, Staff.handle)).all())


# Rows are read on the driver's cursor as plain tuples (core/export/driver.py), only the columns
# a writer uses, converted positionally once a row: ORM objects, then SQLAlchemy's Result rows
# with a processor call per typed value, each cost more than the query and the writing together.


def _first_urls(connection: Connection, ids: Sequence[int]) -> dict[int, str | None]:
    rows = fetch(
        connection,
        select(raw(IncidentMention.incident_id), raw(Mention.url), raw(Mention.canonical_url))
        .join(Mention, Mention.id == IncidentMention.mention_id)
        .where(IncidentMention.incident_id.in_(ids))
        .order_by(IncidentMention.incident_id, Mention.published_at, Mention.id),
    )
    first: dict[int, str | None] = {}
    for incident_id, url, canonical in rows:
        if incident_id not in first:
            first[incident_id] = url or canonical
    return first


_QUOTED_COLUMNS = (
    IncidentMention.incident_id,
    Mention.platform,
    Author.handle,
    Mention.title,
    Mention.text,
    Mention.url,
    Mention.canonical_url,
)


def _linked(query: Any) -> Any:
    return query.join(Mention, Mention.id == IncidentMention.mention_id).outerjoin(
        Author, Author.id == Mention.author_id
    )


def _quotes(
    connection: Connection, ids: Sequence[int], few: Sequence[int]
) -> tuple[dict[int, list[QuoteRecord]], dict[int, str | None]]:
    """Each incident's first QUOTES mentions (the words a report shows) and its first link.

    Only those rows leave the database: a spike can hold thousands of mentions, and reading
    every one (with its raw payload) to show three cost more than the rest of the report. The
    incidents in `few` hold no more mentions than are quoted (by their count), so theirs are
    read by a plain ordered join; ranking them in a window cost SQLite half as much again, and
    they are most incidents. Should a count be behind, the extra rows are read and dropped."""
    statements = []
    if few:
        statements.append(
            _linked(select(*(raw(c) for c in _QUOTED_COLUMNS)))
            .where(IncidentMention.incident_id.in_(few))
            .order_by(IncidentMention.incident_id, Mention.published_at, Mention.id)
        )
    quoted_whole = set(few)
    many = [i for i in ids if i not in quoted_whole]
    if many:
        ranked = (
            _linked(
                select(
                    *_QUOTED_COLUMNS,
                    func.row_number()
                    .over(
                        partition_by=IncidentMention.incident_id,
                        order_by=(Mention.published_at, Mention.id),
                    )
                    .label("n"),
                )
            )
            .where(IncidentMention.incident_id.in_(many))
            .subquery()
        )
        statements.append(
            select(*(raw(c) for c in ranked.c if c.key != "n"))
            .where(ranked.c.n <= QUOTES)
            .order_by(ranked.c.incident_id, ranked.c.n)
        )
    quotes: dict[int, list[QuoteRecord]] = defaultdict(list)
    first: dict[int, str | None] = {}
    for statement in statements:
        for incident_id, platform, handle, title, text, url, canonical_url in fetch(
            connection, statement
        ):
            linked = quotes[incident_id]
            if not linked:
                first[incident_id] = url or canonical_url
            if len(linked) < QUOTES:
                linked.append(QuoteRecord(platform, handle, title or "", text or ""))
    return quotes, first


def unlinked_mentions_filter(client_id: int, period: Period) -> Any:
    """The client's mentions published in the period that no incident opened in it holds.

    An uncorrelated NOT IN: the linked ids are gathered once (SQLite materialises them, PostgreSQL
    hashes them). A correlated NOT EXISTS was planned from the incidents side on SQLite, a scan of
    the client's incidents for every mention: 69 s for 20,000 incidents.
    """
    linked = (
        select(IncidentMention.mention_id)
        .join(Incident, Incident.id == IncidentMention.incident_id)
        .where(Incident.client_id == client_id, in_period(period))
    )
    cond = and_(
        Mention.client_id == client_id,
        Mention.published_at < period.until,
        Mention.id.not_in(linked),
    )
    return cond if period.since is None else and_(cond, Mention.published_at >= period.since)


_ACTIVITY_COLUMNS = tuple(
    raw(c)
    for c in (
        Activity.incident_id,
        Activity.id,
        Activity.kind,
        Activity.channel,
        Activity.staff_id,
        Activity.at,
        Activity.body,
        Activity.outcome,
        Activity.amount,
        Activity.currency,
        Activity.details,
        Activity.corrects_id,
    )
)


def _activities(
    connection: Connection, ids: Sequence[int], staff: dict[int, str]
) -> dict[int, list[ActivityRecord]]:
    rows = fetch(
        connection,
        select(*_ACTIVITY_COLUMNS)
        .where(Activity.incident_id.in_(ids))
        .order_by(Activity.incident_id, Activity.at, Activity.id),
    )
    dialect = connection.dialect
    instant = instant_reader(dialect)
    decode = json_reader(dialect)
    amount_of = numeric_reader(table_of(Activity).c.amount.type, dialect)
    out: dict[int, list[ActivityRecord]] = defaultdict(list)
    for (
        incident_id,
        id_,
        kind,
        channel,
        staff_id,
        at,
        body,
        outcome,
        amount,
        currency,
        details,
        corrects_id,
    ) in rows:
        details = decode(details)
        out[incident_id].append(
            ActivityRecord(
                id_,
                kind,
                channel,
                staff.get(staff_id) if staff_id else None,
                cast(datetime, instant(at)),
                body or "",
                outcome,
                None if amount is None else amount_of(amount),
                currency,
                dict(details) if details else {},
                corrects_id,
            )
        )
    return out


# What an IncidentRecord is made of (not the incident's cached summary and other desk state).
_INCIDENT_COLUMNS = tuple(
    raw(table_of(Incident).c[name])
    for name in (
        "id",
        "kind",
        "title",
        "severity",
        "status",
        "owner_id",
        "distinct_authors",
        "mention_count",
        "opened_at",
        "first_response_at",
        "first_response_due_at",
        "breached_at",
        "breach_kind",
        "resolved_at",
        "resolution",
        "repair_status",
        "merged_into_id",
    )
)


def iter_incidents(
    session: Session,
    client_id: int,
    period: Period,
    *,
    mentions: MentionDetail = "first_url",
    activities: bool = False,
    page_size: int = PAGE_SIZE,
) -> Iterator[IncidentRecord]:
    """Every incident of one client opened in the period, oldest first, one page in memory."""
    staff = _staff_handles(session)
    connection = session.connection()
    instant = instant_reader(connection.dialect)
    after: tuple[datetime, int] | None = None
    while True:
        query = select(*_INCIDENT_COLUMNS).where(Incident.client_id == client_id, in_period(period))
        if after is not None:
            query = query.where(
                or_(
                    Incident.opened_at > after[0],
                    and_(Incident.opened_at == after[0], Incident.id > after[1]),
                )
            )
        page = fetch(connection, query.order_by(Incident.opened_at, Incident.id).limit(page_size))
        if not page:
            return
        ids = [row[0] for row in page]
        quotes: dict[int, list[QuoteRecord]] = {}
        if mentions == "quotes":
            few = [row[0] for row in page if row[7] <= QUOTES]
            quotes, first = _quotes(connection, ids, few)
        else:
            first = _first_urls(connection, ids)
        acts = _activities(connection, ids, staff) if activities else {}
        opened_at = None
        for (
            id_,
            kind,
            title,
            severity,
            status,
            owner_id,
            distinct_authors,
            mention_count,
            opened_at,
            first_response_at,
            first_response_due_at,
            breached_at,
            breach_kind,
            resolved_at,
            resolution,
            repair_status,
            merged_into_id,
        ) in page:
            opened_at = instant(opened_at)
            yield IncidentRecord(
                id_,
                kind,
                title,
                severity,
                status,
                staff.get(owner_id) if owner_id else None,
                distinct_authors,
                mention_count,
                cast(datetime, opened_at),
                instant(first_response_at),
                instant(first_response_due_at),
                instant(breached_at),
                breach_kind,
                instant(resolved_at),
                resolution,
                repair_status,
                merged_into_id,
                first.get(id_),
                tuple(acts.get(id_, ())),
                tuple(quotes.get(id_, ())),
            )
        after = (cast(datetime, opened_at), page[-1][0])


def iter_client_activities(
    session: Session, client_id: int, period: Period, *, page_size: int = PAGE_SIZE
) -> Iterator[tuple[IncidentRecord, ActivityRecord]]:
    """One (incident, activity) pair per activity, for the `--activities` CSV."""
    for incident in iter_incidents(
        session, client_id, period, mentions="first_url", activities=True, page_size=page_size
    ):
        for activity in incident.activities:
            yield incident, activity
