"""Read models for the command line: clients, mentions and incidents as small frozen rows, paged.

Every list takes a limit (mentions also a keyset cursor, `before_id`), so a million mentions are
never loaded at once.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session, aliased

from core.db.models import (
    INCIDENT_STATUSES,
    OPEN_STATUSES,
    SENTIMENT_LABELS,
    SEVERITIES,
    Account,
    Author,
    Client,
    Incident,
    Mention,
    Source,
    Staff,
)
from core.errors import DouseError, NotFound


def as_dict(row: Any) -> dict[str, Any]:
    """JSON-ready dict of a row: datetimes as ISO 8601 UTC."""
    return {
        key: value.isoformat().replace("+00:00", "Z") if isinstance(value, datetime) else value
        for key, value in asdict(row).items()
    }


@dataclass(frozen=True)
class ClientRow:
    slug: str
    name: str
    timezone: str
    archived: bool
    accounts: int
    unowned_accounts: int
    sources: int
    open_incidents: int
    overdue_incidents: int
    default_owner: str | None


def list_clients(
    session: Session, now: datetime, *, include_archived: bool = False
) -> list[ClientRow]:
    accounts = (
        select(
            Account.client_id,
            func.count().label("n"),
            func.sum(case((Account.owner_id.is_(None), 1), else_=0)).label("unowned"),
        )
        .where(Account.archived.is_(False))
        .group_by(Account.client_id)
        .subquery()
    )
    sources = (
        select(Source.client_id, func.count().label("n"))
        .where(Source.enabled.is_(True))
        .group_by(Source.client_id)
        .subquery()
    )
    incidents = (
        select(
            Incident.client_id,
            func.count().label("open"),
            func.sum(case((Incident.due_at < now, 1), else_=0)).label("overdue"),
        )
        .where(Incident.status.in_(OPEN_STATUSES))
        .group_by(Incident.client_id)
        .subquery()
    )
    query = (
        select(
            Client,
            func.coalesce(accounts.c.n, 0),
            func.coalesce(accounts.c.unowned, 0),
            func.coalesce(sources.c.n, 0),
            func.coalesce(incidents.c.open, 0),
            func.coalesce(incidents.c.overdue, 0),
            Staff.handle,
        )
        .outerjoin(accounts, accounts.c.client_id == Client.id)
        .outerjoin(sources, sources.c.client_id == Client.id)
        .outerjoin(incidents, incidents.c.client_id == Client.id)
        .outerjoin(Staff, Staff.id == Client.default_owner_id)
        .order_by(Client.slug)
    )
    if not include_archived:
        query = query.where(Client.archived.is_(False))
    return [
        ClientRow(
            slug=c.slug,
            name=c.name,
            timezone=c.timezone,
            archived=c.archived,
            accounts=int(n_acc),
            unowned_accounts=int(unowned),
            sources=int(n_src),
            open_incidents=int(n_open),
            overdue_incidents=int(n_over),
            default_owner=owner,
        )
        for c, n_acc, unowned, n_src, n_open, n_over, owner in session.execute(query)
    ]


def client_id_for(session: Session, slug: str) -> int:
    client_id = session.scalar(select(Client.id).where(Client.slug == slug))
    if client_id is None:
        raise NotFound(f"unknown client {slug!r} (see `douse clients`)")
    return client_id


def staff_id_for(session: Session, handle: str) -> int:
    staff_id = session.scalar(select(Staff.id).where(Staff.handle == handle.lower()))
    if staff_id is None:
        raise NotFound(f"unknown staff member {handle!r}")
    return staff_id


@dataclass(frozen=True)
class MentionRow:
    id: int
    client: str
    platform: str
    published_at: datetime
    author: str | None
    label: str
    compound: float | None
    title: str
    text: str
    url: str | None
    likes: int
    shares: int
    replies: int


def list_mentions(
    session: Session,
    *,
    client: str | None = None,
    label: str | None = None,
    limit: int = 50,
    before_id: int | None = None,
) -> list[MentionRow]:
    """Newest first. Page on with before_id = the last row's id."""
    if label is not None and label not in SENTIMENT_LABELS:
        raise DouseError(f"unknown label {label!r} (one of {', '.join(SENTIMENT_LABELS)})")
    query = (
        select(Mention, Client.slug, Author.handle)
        .join(Client, Client.id == Mention.client_id)
        .outerjoin(Author, Author.id == Mention.author_id)
        .where(Mention.duplicate_of_id.is_(None))
        .order_by(Mention.published_at.desc(), Mention.id.desc())
        .limit(limit)
    )
    if client:
        query = query.where(Mention.client_id == client_id_for(session, client))
    if label:
        query = query.where(Mention.sentiment_label == label)
    if before_id is not None:
        anchor = session.get(Mention, before_id)
        if anchor is not None:
            query = query.where(
                or_(
                    Mention.published_at < anchor.published_at,
                    and_(Mention.published_at == anchor.published_at, Mention.id < anchor.id),
                )
            )
    return [
        MentionRow(
            id=m.id,
            client=slug,
            platform=m.platform,
            published_at=m.published_at,
            author=handle,
            label=m.sentiment_label,
            compound=m.sentiment_compound,
            title=m.title,
            text=m.text,
            url=m.canonical_url or m.url,
            likes=m.likes,
            shares=m.shares,
            replies=m.replies,
        )
        for m, slug, handle in session.execute(query)
    ]


@dataclass(frozen=True)
class IncidentRow:
    id: int
    client: str
    title: str
    kind: str
    severity: str
    status: str
    owner: str | None
    opened_at: datetime
    due_at: datetime | None
    overdue_by_minutes: int | None
    breached_at: datetime | None
    distinct_authors: int
    mention_count: int
    is_pattern: bool
    version: int
    category: str | None = None
    problem_id: int | None = None  # a person's case under this problem


@dataclass(frozen=True)
class IncidentFilter:
    client: str | None = None
    status: str | None = None
    severity: str | None = None
    owner: str | None = None  # --mine STAFF
    overdue: bool = False
    due_within: timedelta | None = None
    open_only: bool = False
    category: str | None = None


def list_incidents(
    session: Session,
    now: datetime,
    filters: IncidentFilter = IncidentFilter(),
    *,
    limit: int | None = 500,
) -> list[IncidentRow]:
    """Soonest deadline first (no deadline last), then newest."""
    owner = aliased(Staff)
    query = (
        select(Incident, Client.slug, owner.handle)
        .join(Client, Client.id == Incident.client_id)
        .outerjoin(owner, owner.id == Incident.owner_id)
        .where(Incident.merged_into_id.is_(None))
    )
    if filters.client:
        query = query.where(Incident.client_id == client_id_for(session, filters.client))
    if filters.status:
        statuses = {s.strip().replace("-", "_") for s in filters.status.split(",")}
        for status in sorted(statuses - {"open"}):
            if status not in INCIDENT_STATUSES:
                known = ", ".join((*INCIDENT_STATUSES, "open"))
                raise DouseError(f"unknown status {status!r} (one of {known})")
        if "open" in statuses:
            statuses = (statuses - {"open"}) | set(OPEN_STATUSES)
        query = query.where(Incident.status.in_(sorted(statuses)))
    elif filters.open_only or filters.overdue or filters.due_within is not None:
        query = query.where(Incident.status.in_(OPEN_STATUSES))
    if filters.severity:
        severities = [s.strip() for s in filters.severity.split(",")]
        for severity in severities:
            if severity not in SEVERITIES:
                raise DouseError(f"unknown severity {severity!r} (one of {', '.join(SEVERITIES)})")
        query = query.where(Incident.severity.in_(severities))
    if filters.owner:
        query = query.where(Incident.owner_id == staff_id_for(session, filters.owner))
    if filters.category:
        query = query.where(Incident.category == filters.category.strip().lower())
    if filters.overdue:
        query = query.where(Incident.due_at < now)
    if filters.due_within is not None:
        query = query.where(Incident.due_at <= now + filters.due_within)
    query = query.order_by(
        Incident.due_at.is_(None), Incident.due_at, Incident.opened_at.desc(), Incident.id
    )
    if limit:
        query = query.limit(limit)
    rows = []
    for incident, slug, handle in session.execute(query):
        overdue = None
        if incident.due_at is not None and incident.due_at < now:
            overdue = int((now - incident.due_at).total_seconds() // 60)
        rows.append(
            IncidentRow(
                id=incident.id,
                client=slug,
                title=incident.title,
                kind=incident.kind,
                severity=incident.severity,
                status=incident.status,
                owner=handle,
                opened_at=incident.opened_at,
                due_at=incident.due_at,
                overdue_by_minutes=overdue,
                breached_at=incident.breached_at,
                distinct_authors=incident.distinct_authors,
                mention_count=incident.mention_count,
                is_pattern=incident.is_pattern,
                version=incident.version,
                category=incident.category,
                problem_id=incident.problem_id,
            )
        )
    return rows
