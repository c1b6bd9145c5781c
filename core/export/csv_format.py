"""CSV exports: one row per incident, or per activity, safe to open in a spreadsheet.

Text that came from the internet or from staff is neutralised when a spreadsheet would read it as
a formula (OWASP's "CSV injection"): a leading = + - @ tab or carriage return, or a fullwidth or
other compatibility form of one (＝, ＋, ﹣, ＠ ...: some spreadsheets fold them to ASCII), gets a
' prefix. Numbers the export computes itself are written bare so they stay numbers. Times are UTC
ISO 8601 to the second (`2026-11-20T10:50:00Z`), which every spreadsheet reads as a date.

An incident merged into another stays a row (the log is complete) with `merged_into_id` set and
`first_response` = `merged`: it is neither met nor missed; the incident it joined carries it.
"""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TextIO

from sqlalchemy.orm import Session

from douse.core.export.period import Period
from douse.core.export.records import ClientRecord, iter_client_activities, iter_incidents
from douse.core.export.response import (
    business_response_minutes,
    client_calendar,
    first_response_minutes,
    first_response_outcome,
)
from douse.core.policy import override_of

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

INCIDENT_COLUMNS = (
    "incident_id",
    "opened_at",
    "title",
    "kind",
    "severity",
    "status",
    "owner",
    "first_mention_url",
    "distinct_authors",
    "mention_count",
    "first_response_at",
    "first_response_minutes",
    "first_response_business_minutes",
    "first_response_due_at",
    "first_response_target_minutes",
    "first_response",
    "resolved_at",
    "resolution",
    "repair_outcome",
    "merged_into_id",
)

ACTIVITY_COLUMNS = (
    "incident_id",
    "incident_title",
    "activity_id",
    "at",
    "kind",
    "channel",
    "staff",
    "body",
    "outcome",
    "amount",
    "currency",
    "corrects_activity_id",
    "policy_blocked",
    "policy_override_by",
    "policy_override_reason",
)


def safe_text(value: str | None) -> str:
    if not value:
        return ""
    first = unicodedata.normalize("NFKC", value[0])
    return (
        "'" + value
        if value.startswith(FORMULA_TRIGGERS) or first.startswith(FORMULA_TRIGGERS)
        else value
    )


def iso(value: datetime | None) -> str:
    if value is None:
        return ""
    return value.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _number(value: float | int | None) -> str:
    if value is None:
        return ""
    return str(value) if isinstance(value, int) else f"{value:.1f}"


def _writer(out: TextIO, header: Iterable[str]) -> csv.DictWriter[str]:
    writer = csv.DictWriter(out, fieldnames=list(header), lineterminator="\r\n")
    writer.writeheader()
    return writer


def _policy_columns(details: dict[str, object]) -> dict[str, str]:
    """What the reply policy blocked on this entry and who recorded it anyway, and why."""
    record = details.get("policy")
    if not isinstance(record, dict) or not record.get("blocked"):
        return {"policy_blocked": "", "policy_override_by": "", "policy_override_reason": ""}
    blocked = "; ".join(
        f"{item.get('rule')}: {item.get('message')}"
        for item in record["blocked"]
        if isinstance(item, dict)
    )
    if record.get("imported") and not record.get("override"):
        blocked += " (imported as recorded)"
    who = override_of(details)
    return {
        "policy_blocked": safe_text(blocked),
        "policy_override_by": safe_text(who[0]) if who else "",
        "policy_override_reason": safe_text(who[1]) if who else "",
    }


def write_incidents_csv(
    session: Session, client: ClientRecord, period: Period, out: TextIO, now: datetime
) -> int:
    writer = _writer(out, INCIDENT_COLUMNS)
    calendar = client_calendar(client)
    count = 0
    for i in iter_incidents(session, client.id, period, mentions="first_url"):
        writer.writerow(
            {
                "incident_id": i.id,
                "opened_at": iso(i.opened_at),
                "title": safe_text(i.title),
                "kind": i.kind,
                "severity": i.severity,
                "status": i.status,
                "owner": safe_text(i.owner),
                "first_mention_url": safe_text(i.first_mention_url),
                "distinct_authors": i.distinct_authors,
                "mention_count": i.mention_count,
                "first_response_at": iso(i.first_response_at),
                "first_response_minutes": _number(first_response_minutes(i)),
                "first_response_business_minutes": _number(business_response_minutes(i, calendar)),
                "first_response_due_at": iso(i.first_response_due_at),
                "first_response_target_minutes": client.first_response_target(i.severity),
                "first_response": "merged"
                if i.merged_into_id is not None
                else first_response_outcome(i, now),
                "resolved_at": iso(i.resolved_at),
                "resolution": safe_text(i.resolution),
                "repair_outcome": safe_text(i.repair_status),
                "merged_into_id": i.merged_into_id or "",
            }
        )
        count += 1
    return count


def write_activities_csv(
    session: Session, client: ClientRecord, period: Period, out: TextIO, now: datetime
) -> int:
    writer = _writer(out, ACTIVITY_COLUMNS)
    count = 0
    for incident, a in iter_client_activities(session, client.id, period):
        writer.writerow(
            {
                "incident_id": incident.id,
                "incident_title": safe_text(incident.title),
                "activity_id": a.id,
                "at": iso(a.at),
                "kind": a.kind,
                "channel": safe_text(a.channel),
                "staff": safe_text(a.staff),
                "body": safe_text(a.body),
                "outcome": safe_text(a.outcome),
                "amount": "" if a.amount is None else str(a.amount),
                "currency": safe_text(a.currency),
                "corrects_activity_id": a.corrects_id or "",
                **_policy_columns(a.details),
            }
        )
        count += 1
    return count
