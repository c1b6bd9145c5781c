"""Writing the douse JSON incident log (schema "douse-incident-log", documented in
docs/export-schema.md) as a stream, one incident per line. core.ingest.douse_json reads it back
into any douse database.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, TextIO

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
from douse.core.export import json_rows
from douse.core.export.instant_text import iso_z
from douse.core.export.period import Period
from douse.core.export.records import ClientRecord, in_period, unlinked_mentions_filter
from douse.core.ingest.douse_json import SCHEMA, SCHEMA_VERSION

# ---------------------------------------------------------------------------------------- writing

# One encoder for the whole export: json.dumps with any option set builds a new JSONEncoder (and
# its C encoder) on every call, once an incident here, which cost more than the encoding of the
# smaller incidents.
_dump = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


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
    for mention in json_rows.unlinked_mentions(session, client.id, period):
        out.write("\n" if first else ",\n")
        out.write(_dump(mention))
        first = False
    out.write("\n],\n" if not first else "],\n")
    out.write('"incidents":[')
    count = 0
    for incident in json_rows.incidents(session, client.id, period, now):
        out.write(",\n" if count else "\n")
        out.write(_dump(incident))
        count += 1
    out.write("\n]}\n")
    return count
