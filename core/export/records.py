"""Read models for exports and the paged queries that stream them.

Incidents come in keyset pages of (opened_at, id); each page's mentions and activities are fetched
with one query apiece, so memory is bounded by the page size and never by the client's history.
The records are frozen dataclasses: writers never touch ORM objects or lazy loads.
"""

from __future__ import annotations

from collections import defaultdict, namedtuple
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, aliased

from core.db.models import (
    Account,
    Activity,
    Author,
    Client,
    Incident,
    IncidentMention,
    Mention,
    Source,
    Staff,
)
from core.errors import NotFound
from core.export.period import Period

PAGE_SIZE = 500
MentionDetail = Literal["first_url", "full"]


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


@dataclass(frozen=True)
class AuthorRecord:
    platform: str
    handle: str
    display_name: str | None
    profile_url: str | None
    followers: int | None
    is_troll: bool
    is_vip: bool


@dataclass(frozen=True)
class MentionRecord:
    id: int
    added_at: datetime | None  # when linked to the incident; None for a mention on its own
    platform: str
    external_id: str | None
    dedupe_key: str
    url: str | None
    canonical_url: str | None
    title: str
    text: str
    published_at: datetime
    fetched_at: datetime
    language: str | None
    sentiment_compound: float | None
    sentiment_label: str
    sentiment_reasons: list[Any]
    model_label: str | None
    label_corrected_by: str | None
    likes: int
    shares: int
    replies: int
    fingerprint: str | None
    duplicate_of: str | None  # the original's dedupe_key: ids do not survive another database
    duplicate_count: int
    raw: dict[str, Any] | None
    author: AuthorRecord | None
    account: tuple[str, str] | None
    source: tuple[str, str, str] | None  # name, kind, target


@dataclass(frozen=True)
class ActivityRecord:
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


@dataclass(frozen=True)
class IncidentRecord:
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
    mentions: tuple[MentionRecord, ...]
    activities: tuple[ActivityRecord, ...]


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


def _sources(session: Session, client_id: int) -> dict[int, tuple[str, str, str]]:
    rows = session.execute(
        select(Source.id, Source.name, Source.kind, Source.target).where(
            Source.client_id == client_id
        )
    )
    return {i: (n, k, t) for i, n, k, t in rows}


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


# Column lists run on the session's connection, not ORM entities: an export reads every row once
# and never writes, and building an ORM object per row (identity map, instance state, attribute
# events) cost more than the query and the writing together. The rows still go through the
# column types (UTC datetimes, JSON).
_ORIGINAL = aliased(Mention)
_MENTION_COLUMNS = (
    Mention.id,
    Mention.platform,
    Mention.external_id,
    Mention.dedupe_key,
    Mention.url,
    Mention.canonical_url,
    Mention.title,
    Mention.text,
    Mention.published_at,
    Mention.fetched_at,
    Mention.language,
    Mention.sentiment_compound,
    Mention.sentiment_label,
    Mention.sentiment_reasons,
    Mention.model_label,
    Mention.label_corrected_by_id,
    Mention.likes,
    Mention.shares,
    Mention.replies,
    Mention.fingerprint,
    Mention.duplicate_count,
    Mention.raw,
    Mention.account_id,
    Mention.source_id,
    Mention.author_id,
    Author.platform.label("author_platform"),
    Author.handle.label("author_handle"),
    Author.display_name.label("author_display_name"),
    Author.profile_url.label("author_profile_url"),
    Author.followers.label("author_followers"),
    Author.is_troll.label("author_is_troll"),
    Author.is_vip.label("author_is_vip"),
    _ORIGINAL.dedupe_key.label("duplicate_of"),
)


# Rows are read through these: a namedtuple's attribute is a C-level index, a Row's a lookup.
_MentionRow = namedtuple(  # type: ignore[misc]
    "_MentionRow", [c.key if hasattr(c, "key") else c.name for c in _MENTION_COLUMNS]
)
# What an IncidentRecord is made of (not the incident's cached summary and other desk state).
_INCIDENT_COLUMNS = tuple(
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
_IncidentRow = namedtuple(  # type: ignore[misc]
    "_IncidentRow", [c.name for c in _INCIDENT_COLUMNS]
)


def _with_author_and_original(query: Any) -> Any:
    return query.outerjoin(Author, Author.id == Mention.author_id).outerjoin(
        _ORIGINAL, _ORIGINAL.id == Mention.duplicate_of_id
    )


def _mention_record(
    r: Any,
    added_at: datetime | None,
    staff: dict[int, str],
    accounts: dict[int, tuple[str, str]],
    sources: dict[int, tuple[str, str, str]],
) -> MentionRecord:
    """A MentionRecord from a row of _MENTION_COLUMNS."""
    r = _MentionRow._make(r)
    author = None
    if r.author_id is not None and r.author_handle is not None:
        author = AuthorRecord(
            platform=r.author_platform,
            handle=r.author_handle,
            display_name=r.author_display_name,
            profile_url=r.author_profile_url,
            followers=r.author_followers,
            is_troll=r.author_is_troll,
            is_vip=r.author_is_vip,
        )
    corrected_by = r.label_corrected_by_id
    return MentionRecord(
        id=r.id,
        added_at=added_at,
        platform=r.platform,
        external_id=r.external_id,
        dedupe_key=r.dedupe_key,
        url=r.url,
        canonical_url=r.canonical_url,
        title=r.title or "",
        text=r.text or "",
        published_at=r.published_at,
        fetched_at=r.fetched_at,
        language=r.language,
        sentiment_compound=r.sentiment_compound,
        sentiment_label=r.sentiment_label,
        sentiment_reasons=list(r.sentiment_reasons or []),
        model_label=r.model_label,
        label_corrected_by=staff.get(corrected_by) if corrected_by else None,
        likes=r.likes,
        shares=r.shares,
        replies=r.replies,
        fingerprint=r.fingerprint,
        duplicate_of=r.duplicate_of,
        duplicate_count=r.duplicate_count,
        raw=r.raw,
        author=author,
        account=accounts.get(r.account_id) if r.account_id else None,
        source=sources.get(r.source_id) if r.source_id else None,
    )


def _mentions(
    session: Session,
    ids: Sequence[int],
    staff: dict[int, str],
    accounts: dict[int, tuple[str, str]],
    sources: dict[int, tuple[str, str, str]],
) -> dict[int, list[MentionRecord]]:
    query = _with_author_and_original(
        select(
            IncidentMention.incident_id.label("incident_id"),
            IncidentMention.added_at.label("added_at"),
            *_MENTION_COLUMNS,
        ).join(Mention, Mention.id == IncidentMention.mention_id)
    )
    # all(): one fetchall for the page (iterating a cursor result fetches row by row).
    rows = (
        session.connection()
        .execute(
            query.where(IncidentMention.incident_id.in_(ids)).order_by(
                IncidentMention.incident_id, Mention.published_at, Mention.id
            )
        )
        .all()
    )
    out: dict[int, list[MentionRecord]] = defaultdict(list)
    for row in rows:
        out[row[0]].append(_mention_record(row[2:], row[1], staff, accounts, sources))
    return out


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


def iter_unlinked_mentions(
    session: Session, client_id: int, period: Period, *, page_size: int = PAGE_SIZE
) -> Iterator[MentionRecord]:
    """The period's mentions outside every exported incident, oldest first.

    The report's chart counts every mention, so an export that is to be read back into another
    database (douse JSON) needs these as well as the incidents' own. One streamed statement
    (`yield_per`: a server-side cursor on PostgreSQL), not keyset pages: the set of linked ids is
    gathered once per export rather than once per page, and only a page of rows is in memory.
    """
    staff = _staff_handles(session)
    accounts = _accounts(session, client_id)
    sources = _sources(session, client_id)
    rows = session.connection().execute(
        _with_author_and_original(select(*_MENTION_COLUMNS))
        .where(unlinked_mentions_filter(client_id, period))
        .order_by(Mention.published_at, Mention.id)
        .execution_options(yield_per=page_size)
    )
    for page in rows.partitions():
        for row in page:
            yield _mention_record(row, None, staff, accounts, sources)


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
    Activity.details,
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
                id=id_,
                kind=kind,
                channel=channel,
                staff=staff.get(staff_id) if staff_id else None,
                at=at,
                body=body or "",
                outcome=outcome,
                amount=amount,
                currency=currency,
                details=dict(details or {}),
                corrects_id=corrects_id,
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
    sources = _sources(session, client_id)
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
        full = _mentions(session, ids, staff, accounts, sources) if mentions == "full" else {}
        first = _first_urls(session, ids) if mentions == "first_url" else {}
        acts = _activities(session, ids, staff) if activities else {}
        for i in page:
            linked = tuple(full.get(i.id, ()))
            first_url = first.get(i.id) if mentions == "first_url" else None
            if linked:
                first_url = linked[0].url or linked[0].canonical_url
            yield _incident_record(
                _IncidentRow._make(i), staff, accounts, first_url, linked, tuple(acts.get(i.id, ()))
            )
        after = (page[-1].opened_at, page[-1].id)


def _incident_record(
    i: Any,
    staff: dict[int, str],
    accounts: dict[int, tuple[str, str]],
    first_url: str | None,
    mentions: tuple[MentionRecord, ...],
    activities: tuple[ActivityRecord, ...],
) -> IncidentRecord:
    return IncidentRecord(
        id=i.id,
        kind=i.kind,
        title=i.title,
        severity=i.severity,
        severity_reasons=list(i.severity_reasons or []),
        status=i.status,
        owner=staff.get(i.owner_id) if i.owner_id else None,
        account=accounts.get(i.account_id) if i.account_id else None,
        is_pattern=i.is_pattern,
        distinct_authors=i.distinct_authors,
        mention_count=i.mention_count,
        terms=list(i.terms or []),
        opened_at=i.opened_at,
        acknowledged_at=i.acknowledged_at,
        first_response_at=i.first_response_at,
        last_customer_at=i.last_customer_at,
        last_response_at=i.last_response_at,
        resolved_at=i.resolved_at,
        closed_at=i.closed_at,
        first_response_due_at=i.first_response_due_at,
        next_response_due_at=i.next_response_due_at,
        resolution_due_at=i.resolution_due_at,
        due_at=i.due_at,
        paused_at=i.paused_at,
        breached_at=i.breached_at,
        breach_kind=i.breach_kind,
        resolution=i.resolution,
        repair_status=i.repair_status,
        merged_into_id=i.merged_into_id,
        updated_at=i.updated_at,
        updated_by=staff.get(i.updated_by_id) if i.updated_by_id else None,
        version=i.version,
        first_mention_url=first_url,
        mentions=mentions,
        activities=activities,
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
