"""Read models for exports and the paged queries that stream them.

Incidents come in keyset pages of (opened_at, id); each page's mentions and activities are fetched
with one query apiece, so memory is bounded by the page size and never by the client's history.
The records are named tuples: writers never touch ORM objects or lazy loads, and an export of
a hundred thousand incidents builds each record from its row in one C call (a frozen
dataclass's keyword __init__ cost more than reading the row).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from json.scanner import make_scanner
from typing import Any, Literal, NamedTuple, cast

from sqlalchemy import JSON, and_, func, or_, select, type_coerce
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeDecorator

from douse.core.db.models import (
    Account,
    Activity,
    Author,
    Client,
    Incident,
    IncidentMention,
    Mention,
    Staff,
)
from douse.core.errors import NotFound
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
    id: int
    kind: str
    title: str
    severity: str
    severity_reasons: list[Any]
    status: str
    owner: str | None
    account: tuple[str, str] | None
    is_pattern: bool
    distinct_authors: int
    mention_count: int
    terms: list[Any]
    opened_at: datetime
    acknowledged_at: datetime | None
    first_response_at: datetime | None
    last_customer_at: datetime | None
    last_response_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    first_response_due_at: datetime | None
    next_response_due_at: datetime | None
    resolution_due_at: datetime | None
    due_at: datetime | None
    paused_at: datetime | None
    breached_at: datetime | None
    breach_kind: str | None
    resolution: str | None
    repair_status: str | None
    merged_into_id: int | None
    updated_at: datetime
    updated_by: str | None
    version: int
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


def _accounts(session: Session, client_id: int) -> dict[int, tuple[str, str]]:
    rows = session.execute(
        select(Account.id, Account.platform, Account.handle).where(Account.client_id == client_id)
    )
    return {i: (p, h) for i, p, h in rows}


def _first_urls(session: Session, ids: Sequence[int]) -> dict[int, str | None]:
    rows = session.execute(
        select(IncidentMention.incident_id, Mention.url, Mention.canonical_url)
        .join(Mention, Mention.id == IncidentMention.mention_id)
        .where(IncidentMention.incident_id.in_(ids))
        .order_by(IncidentMention.incident_id, Mention.published_at, Mention.id)
    )
    first: dict[int, str | None] = {}
    for incident_id, url, canonical in rows:
        if incident_id not in first:
            first[incident_id] = url or canonical
    return first


class _StoredJSON(TypeDecorator[Any]):
    """A JSON column as an export reads it. On SQLite the text is decoded by the C scanner
    directly: json.loads's Python layers cost more than the scan for the short values rows
    hold, and the empty list and object most rows hold need no decoding at all. Other
    dialects decode as SQLAlchemy does (psycopg hands back the values already decoded)."""

    impl = JSON
    cache_ok = True

    def result_processor(self, dialect: Dialect, coltype: Any) -> Any:
        if dialect.name == "sqlite":
            return decode_stored_json
        return super().result_processor(dialect, coltype)


# typeshed asks for the scanner's own type as its context; a decoder is what it reads.
_scan_json = make_scanner(cast(Any, json.JSONDecoder()))


def decode_stored_json(value: str | None) -> Any:
    """A JSON column's value as SQLite stores it (the text), decoded."""
    if value is None:
        return None
    if value == "[]":
        return []
    if value == "{}":
        return {}
    try:
        decoded, end = _scan_json(value, 0)
    except StopIteration:
        end = -1
    # Anything but exactly one value (padding, trailing text) is left to json.loads, which
    # accepts surrounding whitespace and names what is wrong otherwise.
    return decoded if end == len(value) else json.loads(value)


def stored_json(column: Any) -> Any:
    """`column`, labelled as itself, read through _StoredJSON."""
    return type_coerce(column, _StoredJSON()).label(column.key)


# Column lists run on the session's connection, not ORM entities: an export reads every row once
# and never writes, and building an ORM object per row (identity map, instance state, attribute
# events) cost more than the query and the writing together. The rows still go through the
# column types (UTC datetimes, JSON). What an IncidentRecord is made of (not the incident's cached
# summary and other desk state):
_INCIDENT_COLUMNS = tuple(
    stored_json(column) if isinstance(column.type, JSON) else column
    for column in (
        Incident.__table__.columns[name]
        for name in (
            "id",
            "kind",
            "title",
            "severity",
            "severity_reasons",
            "status",
            "owner_id",
            "account_id",
            "is_pattern",
            "distinct_authors",
            "mention_count",
            "terms",
            "opened_at",
            "acknowledged_at",
            "first_response_at",
            "last_customer_at",
            "last_response_at",
            "resolved_at",
            "closed_at",
            "first_response_due_at",
            "next_response_due_at",
            "resolution_due_at",
            "due_at",
            "paused_at",
            "breached_at",
            "breach_kind",
            "resolution",
            "repair_status",
            "merged_into_id",
            "updated_at",
            "updated_by_id",
            "version",
        )
    )
)


def _quotes(
    session: Session, ids: Sequence[int]
) -> tuple[dict[int, list[QuoteRecord]], dict[int, str | None]]:
    """Each incident's first QUOTES mentions (the words a report shows) and its first link.

    Only those rows leave the database: a spike can hold thousands of mentions, and reading
    every one (with its raw payload) to show three cost more than the rest of the report."""
    ranked = (
        select(
            IncidentMention.incident_id,
            Mention.platform,
            Author.handle,
            Mention.title,
            Mention.text,
            Mention.url,
            Mention.canonical_url,
            func.row_number()
            .over(
                partition_by=IncidentMention.incident_id,
                order_by=(Mention.published_at, Mention.id),
            )
            .label("n"),
        )
        .join(Mention, Mention.id == IncidentMention.mention_id)
        .outerjoin(Author, Author.id == Mention.author_id)
        .where(IncidentMention.incident_id.in_(ids))
        .subquery()
    )
    rows = (
        session.connection()
        .execute(
            select(*(c for c in ranked.c if c.key != "n"))
            .where(ranked.c.n <= QUOTES)
            .order_by(ranked.c.incident_id, ranked.c.n)
        )
        .all()
    )
    quotes: dict[int, list[QuoteRecord]] = defaultdict(list)
    first: dict[int, str | None] = {}
    for incident_id, platform, handle, title, text, url, canonical_url in rows:
        linked = quotes[incident_id]
        if not linked:
            first[incident_id] = url or canonical_url
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


_ACTIVITY_COLUMNS = (
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
    stored_json(Activity.details),
    Activity.corrects_id,
)


def _activities(
    session: Session, ids: Sequence[int], staff: dict[int, str]
) -> dict[int, list[ActivityRecord]]:
    rows = (
        session.connection()
        .execute(
            select(*_ACTIVITY_COLUMNS)
            .where(Activity.incident_id.in_(ids))
            .order_by(Activity.incident_id, Activity.at, Activity.id)
        )
        .all()
    )
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
        out[incident_id].append(
            ActivityRecord(
                id_,
                kind,
                channel,
                staff.get(staff_id) if staff_id else None,
                at,
                body or "",
                outcome,
                amount,
                currency,
                dict(details) if details else {},
                corrects_id,
            )
        )
    return out


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
    accounts = _accounts(session, client_id)
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
        page = (
            session.connection()
            .execute(query.order_by(Incident.opened_at, Incident.id).limit(page_size))
            .all()
        )
        if not page:
            return
        ids = [i.id for i in page]
        quotes: dict[int, list[QuoteRecord]] = {}
        if mentions == "quotes":
            quotes, first = _quotes(session, ids)
        else:
            first = _first_urls(session, ids)
        acts = _activities(session, ids, staff) if activities else {}
        for i in page:
            yield _incident_record(
                i,
                staff,
                accounts,
                first.get(i.id),
                tuple(acts.get(i.id, ())),
                tuple(quotes.get(i.id, ())),
            )
        last = page[-1]
        after = (last.opened_at, last.id)


def _incident_record(
    i: Any,
    staff: dict[int, str],
    accounts: dict[int, tuple[str, str]],
    first_url: str | None,
    activities: tuple[ActivityRecord, ...],
    quotes: tuple[QuoteRecord, ...],
) -> IncidentRecord:
    """An IncidentRecord from a row of _INCIDENT_COLUMNS (positional: once an incident)."""
    (
        id_,
        kind,
        title,
        severity,
        severity_reasons,
        status,
        owner_id,
        account_id,
        is_pattern,
        distinct_authors,
        mention_count,
        terms,
        opened_at,
        acknowledged_at,
        first_response_at,
        last_customer_at,
        last_response_at,
        resolved_at,
        closed_at,
        first_response_due_at,
        next_response_due_at,
        resolution_due_at,
        due_at,
        paused_at,
        breached_at,
        breach_kind,
        resolution,
        repair_status,
        merged_into_id,
        updated_at,
        updated_by_id,
        version,
    ) = i
    return IncidentRecord(
        id_,
        kind,
        title,
        severity,
        list(severity_reasons) if severity_reasons else [],
        status,
        staff.get(owner_id) if owner_id else None,
        accounts.get(account_id) if account_id else None,
        is_pattern,
        distinct_authors,
        mention_count,
        list(terms) if terms else [],
        opened_at,
        acknowledged_at,
        first_response_at,
        last_customer_at,
        last_response_at,
        resolved_at,
        closed_at,
        first_response_due_at,
        next_response_due_at,
        resolution_due_at,
        due_at,
        paused_at,
        breached_at,
        breach_kind,
        resolution,
        repair_status,
        merged_into_id,
        updated_at,
        staff.get(updated_by_id) if updated_by_id else None,
        version,
        first_url,
        activities,
        quotes,
    )


def iter_client_activities(
    session: Session, client_id: int, period: Period, *, page_size: int = PAGE_SIZE
) -> Iterator[tuple[IncidentRecord, ActivityRecord]]:
    """One (incident, activity) pair per activity, for the `--activities` CSV."""
    for incident in iter_incidents(
        session, client_id, period, mentions="first_url", activities=True, page_size=page_size
    ):
        for activity in incident.activities:
            yield incident, activity
