"""Writing the douse JSON incident log (schema "douse-incident-log", documented in
docs/export-schema.md) as a stream, one incident per line. core.ingest.douse_json reads it back
into any douse database.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, NamedTuple, TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from douse.core import __version__
from douse.core.db.models import (
    Activity,
    Incident,
    IncidentMention,
    Mention,
    Staff,
)
from douse.core.export.instant_text import iso_z
from douse.core.export.period import Period
from douse.core.export.records import (
    ActivityRecord,
    ClientRecord,
    IncidentRecord,
    MentionRecord,
    in_period,
    iter_incidents,
    iter_unlinked_mentions,
    unlinked_mentions_filter,
)
from douse.core.export.response import first_response_outcome
from douse.core.ingest.douse_json import SCHEMA, SCHEMA_VERSION

# ---------------------------------------------------------------------------------------- writing

# One encoder for the whole export: json.dumps with any option set builds a new JSONEncoder (and
# its C encoder) on every call, once an incident here, which cost more than the encoding of the
# smaller incidents.
_dump = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _pair(value: tuple[str, str] | None) -> dict[str, str] | None:
    return {"platform": value[0], "handle": value[1]} if value else None


def mention_json(m: MentionRecord[str]) -> dict[str, Any]:
    a = m.author
    return {
        "id": m.id,
        "added_at": m.added_at,
        "platform": m.platform,
        "external_id": m.external_id,
        "dedupe_key": m.dedupe_key,
        "url": m.url,
        "canonical_url": m.canonical_url,
        "title": m.title,
        "text": m.text,
        "published_at": m.published_at,
        "fetched_at": m.fetched_at,
        "language": m.language,
        "sentiment": {
            "compound": m.sentiment_compound,
            "label": m.sentiment_label,
            "reasons": m.sentiment_reasons,
            "model_label": m.model_label,
            "corrected_by": m.label_corrected_by,
        },
        "likes": m.likes,
        "shares": m.shares,
        "replies": m.replies,
        "fingerprint": m.fingerprint,
        "duplicate_of": m.duplicate_of,
        "duplicate_count": m.duplicate_count,
        "author": None
        if a is None
        else {
            "platform": a.platform,
            "handle": a.handle,
            "display_name": a.display_name,
            "profile_url": a.profile_url,
            "followers": a.followers,
            "is_troll": a.is_troll,
            "is_vip": a.is_vip,
        },
        "account": _pair(m.account),
        "source": None
        if m.source is None
        else {"name": m.source[0], "kind": m.source[1], "target": m.source[2]},
        "raw": m.raw,
    }


def activity_json(a: ActivityRecord[str]) -> dict[str, Any]:
    return {
        "id": a.id,
        "kind": a.kind,
        "channel": a.channel,
        "staff": a.staff,
        "at": a.at,
        "body": a.body,
        "outcome": a.outcome,
        "amount": None if a.amount is None else str(a.amount),
        "currency": a.currency,
        "details": a.details,
        "corrects_id": a.corrects_id,
    }


class _Response(NamedTuple):
    opened_at: datetime
    first_response_at: datetime | None
    first_response_due_at: datetime | None
    breached_at: datetime | None
    breach_kind: str | None


def _instant(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _first_response(i: IncidentRecord[str], now: datetime) -> str:
    """The outcome from the incident's instants as the export writes them (the only ones it
    compares are read back; text with and without a fraction does not sort as time does)."""
    return first_response_outcome(
        _Response(
            datetime.fromisoformat(i.opened_at),
            _instant(i.first_response_at),
            _instant(i.first_response_due_at),
            _instant(i.breached_at),
            i.breach_kind,
        ),
        now,
    )


def incident_json(i: IncidentRecord[str], now: datetime) -> dict[str, Any]:
    return {
        "id": i.id,
        "kind": i.kind,
        "title": i.title,
        "severity": i.severity,
        "severity_reasons": i.severity_reasons,
        "status": i.status,
        "owner": i.owner,
        "account": _pair(i.account),
        "is_pattern": i.is_pattern,
        "distinct_authors": i.distinct_authors,
        "mention_count": i.mention_count,
        "terms": i.terms,
        "opened_at": i.opened_at,
        "acknowledged_at": i.acknowledged_at,
        "first_response_at": i.first_response_at,
        "last_customer_at": i.last_customer_at,
        "last_response_at": i.last_response_at,
        "resolved_at": i.resolved_at,
        "closed_at": i.closed_at,
        "first_response_due_at": i.first_response_due_at,
        "next_response_due_at": i.next_response_due_at,
        "resolution_due_at": i.resolution_due_at,
        "due_at": i.due_at,
        "paused_at": i.paused_at,
        "breached_at": i.breached_at,
        "breach_kind": i.breach_kind,
        "first_response": _first_response(i, now),
        "resolution": i.resolution,
        "repair_status": i.repair_status,
        "merged_into_id": i.merged_into_id,
        "updated_at": i.updated_at,
        "updated_by": i.updated_by,
        "mentions": [mention_json(m) for m in i.mentions],
        "activities": [activity_json(a) for a in i.activities],
    }


def _referenced_staff(session: Session, client_id: int, period: Period) -> list[dict[str, Any]]:
    incident_ids = select(Incident.id).where(Incident.client_id == client_id, in_period(period))
    ids: set[int] = set()
    for column in (Incident.owner_id, Incident.updated_by_id):
        ids.update(
            session.scalars(
                select(column).where(Incident.client_id == client_id, in_period(period)).distinct()
            )
        )
    ids.update(
        session.scalars(
            select(Activity.staff_id).where(Activity.incident_id.in_(incident_ids)).distinct()
        )
    )
    ids.update(
        session.scalars(
            select(Mention.label_corrected_by_id)
            .join(IncidentMention, IncidentMention.mention_id == Mention.id)
            .where(IncidentMention.incident_id.in_(incident_ids))
            .distinct()
        )
    )
    ids.update(
        session.scalars(
            select(Mention.label_corrected_by_id)
            .where(unlinked_mentions_filter(client_id, period))
            .distinct()
        )
    )
    ids.discard(None)
    rows = session.scalars(select(Staff).where(Staff.id.in_(ids)).order_by(Staff.handle))
    return [{"handle": s.handle, "name": s.name} for s in rows]


def _client_json(client: ClientRecord) -> dict[str, Any]:
    return {
        "slug": client.slug,
        "name": client.name,
        "timezone": client.timezone,
        "business_hours": client.business_hours,
        "holidays": client.holidays,
        "first_response_minutes": client.first_response_minutes,
        "next_response_minutes": client.next_response_minutes,
        "resolution_minutes": client.resolution_minutes,
        "targets_by_severity": client.targets_by_severity,
        "negative_threshold": client.negative_threshold,
        "positive_threshold": client.positive_threshold,
    }


def write_douse_json(
    session: Session, client: ClientRecord, period: Period, out: TextIO, now: datetime
) -> int:
    """Header members first, then `mentions` and `incidents` last, one element per line, so a
    reader can stream both arrays."""

    out.write("{\n")
    out.write(f'"schema":{_dump(SCHEMA)},\n"schema_version":{SCHEMA_VERSION},\n')
    out.write(f'"generator":{_dump("douse " + __version__)},\n"exported_at":{_dump(iso_z(now))},\n')
    out.write(f'"period":{_dump({"since": iso_z(period.since), "until": iso_z(period.until)})},\n')
    out.write(f'"client":{_dump(_client_json(client))},\n')
    out.write(f'"staff":{_dump(_referenced_staff(session, client.id, period))},\n')
    # The period's mentions that no exported incident holds: without them an imported client's
    # chart would show only the posts that became incidents.
    out.write('"mentions":[')
    first = True
    for mention in iter_unlinked_mentions(session, client.id, period, instants="text"):
        out.write("\n" if first else ",\n")
        out.write(_dump(mention_json(mention)))
        first = False
    out.write("\n],\n" if not first else "],\n")
    out.write('"incidents":[')
    count = 0
    for incident in iter_incidents(
        session, client.id, period, mentions="full", activities=True, instants="text"
    ):
        out.write(",\n" if count else "\n")
        out.write(_dump(incident_json(incident, now)))
        count += 1
    out.write("\n]}\n")
    return count
