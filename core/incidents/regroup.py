"""What a merge or a split by staff changes beyond the mentions: the keys that draw later posts
and the hints that teach triage (feedback.py), and the evidence severity is judged on."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from douse.core.db.models import Author, Client, Incident, IncidentKey, IncidentMention, Mention
from douse.core.incidents.feedback import remember_merge, remember_split
from douse.core.incidents.problems import hint_key
from douse.core.incidents.severity import Evidence
from douse.core.incidents.text import ignore_stems


def brand_stems(client: Client) -> frozenset[str]:
    return ignore_stems([client.name, client.slug, *(client.keywords or [])])


def evidence(session: Session, incident: Incident, client: Client) -> list[Evidence]:
    """Every post on the incident as severity evidence (harm and praise read as triage does)."""
    from douse.core.incidents.triage.state import evidence_of

    critical = list(client.critical_terms or [])
    rows = session.execute(
        select(Mention, Author)
        .join(IncidentMention, IncidentMention.mention_id == Mention.id)
        .outerjoin(Author, Author.id == Mention.author_id)
        .where(IncidentMention.incident_id == incident.id)
        .order_by(Mention.published_at, Mention.id)
    ).all()
    return [evidence_of(m, a, critical) for m, a in rows]


def _span(session: Session, incident_id: int) -> tuple[datetime, datetime] | None:
    row = session.execute(
        select(func.min(Mention.published_at), func.max(Mention.published_at))
        .join(IncidentMention, IncidentMention.mention_id == Mention.id)
        .where(IncidentMention.incident_id == incident_id)
    ).one()
    return (row[0], row[1]) if row[0] is not None else None


def _set_key(
    session: Session, incident: Incident, key: str, first: datetime, last: datetime
) -> None:
    row = session.scalar(
        select(IncidentKey).where(IncidentKey.incident_id == incident.id, IncidentKey.key == key)
    )
    if row is None:
        session.add(
            IncidentKey(
                client_id=incident.client_id,
                incident=incident,
                key=key,
                first_at=first,
                last_at=last,
            )
        )
    else:
        row.first_at = min(row.first_at, first)
        row.last_at = max(row.last_at, last)


def after_merge(
    session: Session,
    target: Incident,
    sources: Sequence[Incident],
    client: Client,
    *,
    staff_id: int | None,
    now: datetime,
) -> None:
    """The target takes over the sources' keys (later posts about the same thing come to it),
    and the merge is remembered: posts like these go together next time."""
    session.flush()
    for source in sources:
        for row in session.scalars(select(IncidentKey).where(IncidentKey.incident_id == source.id)):
            _set_key(session, target, row.key, row.first_at, row.last_at)
    group = remember_merge(
        session,
        client.id,
        [target.id, *(s.id for s in sources)],
        staff_id=staff_id,
        now=now,
        ignore=brand_stems(client),
    )
    span = _span(session, target.id)
    if span is not None:
        _set_key(session, target, hint_key(group), *span)
    target.summary = {}  # summed up again from its posts when triage next meets it


def after_split(
    session: Session,
    kept: Incident,
    split_off: Incident,
    moved: Sequence[int],
    client: Client,
    *,
    staff_id: int | None,
    now: datetime,
) -> None:
    """Remember what was split from what: posts like the split-off ones join the split-off
    incident, never the one they were taken from."""
    session.flush()
    moved_set = set(moved)
    mentions = list(
        session.scalars(
            select(Mention)
            .join(IncidentMention, IncidentMention.mention_id == Mention.id)
            .where(IncidentMention.incident_id.in_([kept.id, split_off.id]))
            .order_by(Mention.published_at, Mention.id)
        )
    )
    stay, away = remember_split(
        session,
        client.id,
        [m for m in mentions if m.id not in moved_set],
        [m for m in mentions if m.id in moved_set],
        staff_id=staff_id,
        now=now,
        ignore=brand_stems(client),
    )
    for incident, group in ((kept, stay), (split_off, away)):
        span = _span(session, incident.id)
        if span is not None:
            _set_key(session, incident, hint_key(group), *span)
        incident.summary = {}
