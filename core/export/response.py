"""How fast an incident was answered, read from the fields the incident engine stored.

Exports never recompute deadlines: "met" or "missed" compares the stored first response with the
stored due time (or the engine's recorded breach), so the client sees what the desk saw.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal, NamedTuple, Protocol

from douse.core.export.records import ClientRecord
from douse.core.incidents.business_time import (
    BusinessCalendar,
    build_calendar,
    business_minutes_between,
)
from douse.core.wording import duration

Outcome = Literal["met", "missed", "pending", "no target"]


class ResponseFields(Protocol):
    """What the outcome needs; an IncidentRecord and a plain result row both have it."""

    @property
    def opened_at(self) -> datetime: ...
    @property
    def first_response_at(self) -> datetime | None: ...
    @property
    def first_response_due_at(self) -> datetime | None: ...
    @property
    def breached_at(self) -> datetime | None: ...
    @property
    def breach_kind(self) -> str | None: ...


class ResponseRow(NamedTuple):
    """The fields the outcome and the response time read, for a reader holding plain rows."""

    opened_at: datetime
    first_response_at: datetime | None
    first_response_due_at: datetime | None
    breached_at: datetime | None
    breach_kind: str | None


def _first_response_breach(incident: ResponseFields) -> bool:
    if incident.breached_at is None:
        return False
    # The engine names the clock it breached; an unnamed breach predates the first answer.
    kind = incident.breach_kind or "first_response"
    return kind.startswith("first")


def first_response_outcome(incident: ResponseFields, now: datetime) -> Outcome:
    answered = incident.first_response_at
    due = incident.first_response_due_at
    if answered is not None:
        if due is not None:
            return "met" if answered <= due else "missed"
        return "missed" if _first_response_breach(incident) else "no target"
    if _first_response_breach(incident):
        return "missed"
    if due is None:
        return "no target"
    # Unanswered and past due: missed even if the engine has not yet stamped the breach.
    return "missed" if due <= now else "pending"


def first_response_minutes(incident: ResponseFields) -> float | None:
    """Elapsed (wall-clock) minutes from opening to the first response."""
    if incident.first_response_at is None:
        return None
    return (incident.first_response_at - incident.opened_at).total_seconds() / 60


def client_calendar(client: ClientRecord) -> BusinessCalendar:
    return build_calendar(client.business_hours, client.timezone, client.holidays)


def business_response_minutes(incident: ResponseFields, calendar: BusinessCalendar) -> float | None:
    """Open-hours minutes to the first response: the unit the client's target is set in."""
    if incident.first_response_at is None:
        return None
    return business_minutes_between(incident.opened_at, incident.first_response_at, calendar)


def format_minutes(minutes: float | None) -> str:
    if minutes is None:
        return "—"
    return duration(timedelta(minutes=minutes))
