"""Read models for one incident: small frozen dataclasses the desk and the CLI can hold."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.db.models import Activity, Author, Client, Incident, IncidentMention, Mention, Staff
from core.errors import NotFound
from core.incidents.categories import client_categories
from core.incidents.clocks import ClockState, clock_state


@dataclass(frozen=True)
class IncidentCard:
    id: int
    client_slug: str
    client_name: str
    kind: str
    title: str
    severity: str
    severity_reasons: tuple[str, ...]
    status: str
    owner_handle: str | None
    is_pattern: bool
    distinct_authors: int
    mention_count: int
    terms: tuple[str, ...]
    opened_at: datetime
    first_response_at: datetime | None
    due_at: datetime | None
    clock: ClockState
    breached_at: datetime | None
    breach_kind: str | None
    repair_status: str | None
    merged_into_id: int | None
    updated_at: datetime
    updated_by: str | None
    version: int
    resolution: str | None = None
    resolved_at: datetime | None = None
    category: str | None = None
    category_title: str | None = None
    problem_id: int | None = None  # this is one person's case under that problem
    cases: tuple[CaseRow, ...] = ()  # the people's cases under this problem


@dataclass(frozen=True)
class CaseRow:
    """A person's own thread under a problem."""

    id: int
    author_handle: str | None
    status: str
    due_at: datetime | None
    mention_count: int


@dataclass(frozen=True)
class MentionRow:
    id: int
    platform: str
    author_handle: str | None
    author_followers: int | None
    author_is_troll: bool
    author_is_vip: bool
    published_at: datetime
    url: str | None
    title: str
    text: str
    sentiment_compound: float | None
    sentiment_label: str
    shares: int
    category: str | None = None


@dataclass(frozen=True)
class ActivityRow:
    id: int
    kind: str
    at: datetime
    staff_handle: str | None
    channel: str | None
    body: str
    outcome: str | None
    amount: str | None
    currency: str | None
    details: dict[str, Any]
    corrects_id: int | None


@dataclass(frozen=True)
class IncidentDetail:
    incident: IncidentCard
    mentions: tuple[MentionRow, ...]
    more_mentions: int  # how many were left out by the limit
    activities: tuple[ActivityRow, ...]


def incident_card(session: Session, incident: Incident, now: datetime) -> IncidentCard:
    client = session.get(Client, incident.client_id)
    assert client is not None
    owner = session.get(Staff, incident.owner_id) if incident.owner_id else None
    updated_by = session.get(Staff, incident.updated_by_id) if incident.updated_by_id else None
    titles = client_categories(client) if incident.category else {}
    return IncidentCard(
        id=incident.id,
        client_slug=client.slug,
        client_name=client.name,
        kind=incident.kind,
        title=incident.title,
        severity=incident.severity,
        severity_reasons=tuple(incident.severity_reasons or ()),
        status=incident.status,
        owner_handle=owner.handle if owner else None,
        is_pattern=incident.is_pattern,
        distinct_authors=incident.distinct_authors,
        mention_count=incident.mention_count,
        terms=tuple(incident.terms or ()),
        opened_at=incident.opened_at,
        first_response_at=incident.first_response_at,
        due_at=incident.due_at,
        clock=clock_state(incident, now),
        breached_at=incident.breached_at,
        breach_kind=incident.breach_kind,
        repair_status=incident.repair_status,
        merged_into_id=incident.merged_into_id,
        updated_at=incident.updated_at,
        updated_by=updated_by.handle if updated_by else None,
        version=incident.version,
        category=incident.category,
        category_title=titles.get(incident.category or ""),
        problem_id=incident.problem_id,
        cases=cases_under(session, incident) if incident.kind == "pattern" else (),
        resolution=incident.resolution,
        resolved_at=incident.resolved_at,
    )


MAX_CASES = 200


def cases_under(session: Session, problem: Incident) -> tuple[CaseRow, ...]:
    """The cases under a problem, soonest deadline first, each with its person."""
    rows = session.execute(
        select(Incident, Author.handle)
        .outerjoin(IncidentMention, IncidentMention.incident_id == Incident.id)
        .outerjoin(Mention, Mention.id == IncidentMention.mention_id)
        .outerjoin(Author, Author.id == Mention.author_id)
        .where(Incident.problem_id == problem.id)
        .order_by(Incident.due_at.is_(None), Incident.due_at, Incident.id)
    ).all()
    seen: dict[int, CaseRow] = {}
    for case, handle in rows:
        if case.id not in seen and len(seen) < MAX_CASES:
            seen[case.id] = CaseRow(case.id, handle, case.status, case.due_at, case.mention_count)
    return tuple(seen.values())


def get_incident(
    session: Session, incident_id: int, now: datetime, *, mention_limit: int = 50
) -> IncidentDetail:
    """One incident with its newest mentions (up to `mention_limit`) and its whole timeline."""
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise NotFound(f"no incident #{incident_id}")
    total = (
        session.scalar(select(func.count()).where(IncidentMention.incident_id == incident_id)) or 0
    )
    rows = session.execute(
        select(Mention, Author)
        .join(IncidentMention, IncidentMention.mention_id == Mention.id)
        .outerjoin(Author, Author.id == Mention.author_id)
        .where(IncidentMention.incident_id == incident_id)
        .order_by(Mention.published_at.desc(), Mention.id.desc())
        .limit(mention_limit)
    ).all()
    mentions = tuple(
        MentionRow(
            id=m.id,
            platform=m.platform,
            author_handle=a.handle if a else None,
            author_followers=a.followers if a else None,
            author_is_troll=bool(a and a.is_troll),
            author_is_vip=bool(a and a.is_vip),
            published_at=m.published_at,
            url=m.url,
            title=m.title,
            text=m.text,
            sentiment_compound=m.sentiment_compound,
            sentiment_label=m.sentiment_label,
            shares=m.shares,
            category=m.category,
        )
        for m, a in rows
    )
    acts = session.execute(
        select(Activity, Staff.handle)
        .outerjoin(Staff, Staff.id == Activity.staff_id)
        .where(Activity.incident_id == incident_id)
        .order_by(Activity.at, Activity.id)
    ).all()
    activities = tuple(
        ActivityRow(
            id=a.id,
            kind=a.kind,
            at=a.at,
            staff_handle=handle,
            channel=a.channel,
            body=a.body,
            outcome=a.outcome,
            amount=str(a.amount) if a.amount is not None else None,
            currency=a.currency,
            details=dict(a.details or {}),
            corrects_id=a.corrects_id,
        )
        for a, handle in acts
    )
    return IncidentDetail(
        incident_card(session, incident, now), mentions, max(total - len(mentions), 0), activities
    )
