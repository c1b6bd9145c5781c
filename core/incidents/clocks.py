"""Response clocks: first response, next response, resolution; pauses; breaches recorded once.

Deadlines are computed in the client's business time when something happens (open, response,
customer reply, pause, resume) and stored as instants, so the queue sorts on `Incident.due_at`
and "due in / overdue by" is plain wall-clock arithmetic at any moment.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Protocol, cast

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from douse.core.db.execute import rows_changed
from douse.core.db.models import Activity, Client, Incident, Notification
from douse.core.incidents.business_time import (
    BusinessCalendar,
    add_business_minutes,
    build_calendar,
    business_minutes_between,
)
from douse.core.wording import duration

if TYPE_CHECKING:
    from typing import TypeAlias

    from douse.core.incidents.rows import IncidentRow

    # What the clocks are set on: an incident as the ORM maps it, or as triage writes it.
    Clocked: TypeAlias = Incident | IncidentRow

# Statuses whose clocks run; monitor incidents are tracked but never prompt a reply.
RUNNING_STATUSES = ("new", "acknowledged", "in_progress")
TARGET_KEYS = ("first_response", "next_response", "resolution")
_CHUNK = 500


@dataclass(frozen=True)
class Targets:
    first_response: int
    next_response: int
    resolution: int


@dataclass(frozen=True)
class ClockState:
    """What the desk shows for an incident's clock at one moment."""

    due_at: datetime | None
    due_in: timedelta | None
    overdue_by: timedelta | None
    paused: bool
    label: str
    kind: str | None  # "first_response" | "next_response" | "resolution" | None
    breached_at: datetime | None


class _ClockFields(Protocol):
    # Read-only: an Incident, a query row, or the desk's frozen IncidentDetail.
    @property
    def status(self) -> str: ...
    @property
    def due_at(self) -> datetime | None: ...
    @property
    def paused_at(self) -> datetime | None: ...
    @property
    def breached_at(self) -> datetime | None: ...
    @property
    def first_response_at(self) -> datetime | None: ...
    @property
    def first_response_due_at(self) -> datetime | None: ...
    @property
    def next_response_due_at(self) -> datetime | None: ...
    @property
    def resolution_due_at(self) -> datetime | None: ...


@lru_cache(maxsize=1024)
def _calendar_cached(hours: str, tz: str, hol: str) -> BusinessCalendar:
    return build_calendar(json.loads(hours), tz, json.loads(hol))


# The JSON text of a client's settings dicts (hours, holidays, targets by severity), kept per
# dict object with a copy to compare against: every incident opened, tightened or answered asks
# for its calendar and targets, and writing the same small dicts out each time cost more than
# the clock arithmetic (35 us a new incident). A dict changed in place no longer equals its
# copy and is written out again.
_CANONICAL: dict[int, tuple[object, object, str]] = {}
_CANONICAL_MAX = 256


def _canonical(value: dict[str, Any] | None) -> str:
    if not value:
        return "{}"
    known = _CANONICAL.get(id(value))
    if known is not None and known[0] is value and known[1] == value:
        return known[2]
    if len(_CANONICAL) >= _CANONICAL_MAX:
        _CANONICAL.clear()
    written = json.dumps(value, sort_keys=True)
    _CANONICAL[id(value)] = (value, copy.deepcopy(value), written)
    return written


def calendar_for(client: Client, severity: str | None = None) -> BusinessCalendar:
    """The calendar an incident's clocks run on, built once per distinct configuration.

    The client's business hours, except for a severity whose targets say `hours = "24/7"`, and
    for critical incidents unless their targets say `hours = "business"`: a food-poisoning
    report on a Sunday must not wait for Monday morning because the bakery is closed."""
    return _calendar_for(
        _canonical(client.targets_by_severity),
        _canonical(client.business_hours),
        client.timezone or "UTC",
        _canonical(client.holidays),
        severity or "",
    )


@lru_cache(maxsize=1024)
def _calendar_for(
    targets: str, hours: str, tz: str, holidays: str, severity: str
) -> BusinessCalendar:
    over = json.loads(targets).get(severity) or {}
    kind = over.get("hours") or ("24/7" if severity == "critical" else "business")
    if kind == "24/7":
        return _calendar_cached("{}", tz, "{}")
    return _calendar_cached(hours, tz, holidays)


def targets_for(client: Client, severity: str) -> Targets:
    """Client targets in minutes, overridden per severity where the client says so."""
    return _targets_for(
        _canonical(client.targets_by_severity),
        client.first_response_minutes,
        client.next_response_minutes,
        client.resolution_minutes,
        severity,
    )


@lru_cache(maxsize=1024)
def _targets_for(
    targets: str, first: int | None, next_: int | None, resolution: int | None, severity: str
) -> Targets:
    over: dict[str, Any] = json.loads(targets).get(severity) or {}
    return Targets(
        first_response=int(over.get("first_response", first or 120)),
        next_response=int(over.get("next_response", next_ or 240)),
        resolution=int(over.get("resolution", resolution or 2880)),
    )


def _pending(incident: _ClockFields) -> list[tuple[datetime, str]]:
    pending = []
    if incident.first_response_at is None and incident.first_response_due_at is not None:
        pending.append((incident.first_response_due_at, "first_response"))
    if incident.next_response_due_at is not None:
        pending.append((incident.next_response_due_at, "next_response"))
    if incident.resolution_due_at is not None:
        pending.append((incident.resolution_due_at, "resolution"))
    return sorted(pending)


def current_deadline(incident: _ClockFields) -> tuple[datetime, str] | None:
    if incident.status not in RUNNING_STATUSES or incident.paused_at is not None:
        return None
    pending = _pending(incident)
    return pending[0] if pending else None


def sync_due(incident: Clocked) -> None:
    """Keep `due_at` equal to the deadline that matters now (None when nothing is running)."""
    deadline = current_deadline(incident)
    incident.due_at = deadline[0] if deadline else None


def start_clocks(incident: Clocked, client: Client, start: datetime) -> None:
    cal = calendar_for(client, incident.severity)
    t = targets_for(client, incident.severity)
    incident.first_response_due_at = add_business_minutes(start, t.first_response, cal)
    incident.resolution_due_at = add_business_minutes(start, t.resolution, cal)
    incident.next_response_due_at = None
    sync_due(incident)


def tighten_for_severity(incident: Clocked, client: Client, now: datetime) -> None:
    """After severity rises, its tighter targets apply from now, never loosening a deadline."""
    cal = calendar_for(client, incident.severity)
    t = targets_for(client, incident.severity)
    if incident.first_response_at is None and incident.first_response_due_at is not None:
        incident.first_response_due_at = min(
            incident.first_response_due_at, add_business_minutes(now, t.first_response, cal)
        )
    if incident.next_response_due_at is not None:
        incident.next_response_due_at = min(
            incident.next_response_due_at, add_business_minutes(now, t.next_response, cal)
        )
    if incident.resolution_due_at is not None:
        incident.resolution_due_at = min(
            incident.resolution_due_at, add_business_minutes(now, t.resolution, cal)
        )
    sync_due(incident)


def on_response(incident: Incident, at: datetime) -> None:
    if incident.first_response_at is None:
        incident.first_response_at = at
    incident.last_response_at = at
    incident.next_response_due_at = None
    sync_due(incident)


def on_customer_reply(incident: Clocked, client: Client, at: datetime) -> None:
    """The customer spoke: resume a paused clock and start the next-response clock (once the
    first response was given; before that, the first-response clock simply keeps running)."""
    incident.last_customer_at = max(filter(None, [incident.last_customer_at, at]))
    if incident.paused_at is not None:
        resume(incident, client, at)
    if incident.first_response_at is not None and incident.next_response_due_at is None:
        cal = calendar_for(client, incident.severity)
        t = targets_for(client, incident.severity)
        incident.next_response_due_at = add_business_minutes(at, t.next_response, cal)
    sync_due(incident)


def on_new_voice(incident: Clocked, client: Client, at: datetime) -> None:
    """Another person joined a problem after it was answered: someone is waiting again, so the
    next-response clock starts (a pause for one customer does not silence everyone else)."""
    incident.last_customer_at = max(filter(None, [incident.last_customer_at, at]))
    if incident.first_response_at is not None and incident.next_response_due_at is None:
        cal = calendar_for(client, incident.severity)
        t = targets_for(client, incident.severity)
        incident.next_response_due_at = add_business_minutes(at, t.next_response, cal)
    sync_due(incident)


def pause(incident: Incident, at: datetime) -> None:
    if incident.paused_at is None:
        incident.paused_at = at
    incident.due_at = None


def resume(incident: Clocked, client: Client, at: datetime) -> None:
    """Shift every pending deadline by the business time spent paused."""
    if incident.paused_at is None:
        return
    cal = calendar_for(client, incident.severity)
    paused_at = incident.paused_at

    def shift(due: datetime | None) -> datetime | None:
        if due is None:
            return None
        left = business_minutes_between(paused_at, due, cal)
        if left <= 0:
            return due  # already overdue when paused: pausing does not forgive a breach
        return add_business_minutes(at, left, cal)

    if incident.first_response_at is None:
        incident.first_response_due_at = shift(incident.first_response_due_at)
    incident.next_response_due_at = shift(incident.next_response_due_at)
    incident.resolution_due_at = shift(incident.resolution_due_at)
    incident.paused_at = None
    sync_due(incident)


def restart_after_reopen(incident: Clocked, client: Client, at: datetime) -> None:
    cal = calendar_for(client, incident.severity)
    t = targets_for(client, incident.severity)
    incident.paused_at = None
    incident.next_response_due_at = add_business_minutes(at, t.next_response, cal)
    incident.resolution_due_at = add_business_minutes(at, t.resolution, cal)
    sync_due(incident)


_KIND_WORDS = {
    "first_response": "first response",
    "next_response": "next response",
    "resolution": "resolution",
}


def clock_state(incident: _ClockFields, now: datetime) -> ClockState:
    """'due in 1h 20m' / 'overdue by 35m' / 'paused' / 'no deadline' for `incident` at `now`."""
    if incident.status == "waiting_customer" or incident.paused_at is not None:
        return ClockState(
            None, None, None, True, "paused: waiting on customer", None, incident.breached_at
        )
    if incident.status == "monitor":
        return ClockState(None, None, None, False, "monitor only", None, incident.breached_at)
    deadline = current_deadline(incident)
    if deadline is None:
        return ClockState(None, None, None, False, "no deadline", None, incident.breached_at)
    due, kind = deadline
    if due > now:
        return ClockState(
            due,
            due - now,
            None,
            False,
            f"{_KIND_WORDS[kind]} due in {duration(due - now)}",
            kind,
            incident.breached_at,
        )
    return ClockState(
        due,
        None,
        now - due,
        False,
        f"{_KIND_WORDS[kind]} overdue by {duration(now - due)}",
        kind,
        incident.breached_at,
    )


def breach_key(kind: str, due: datetime) -> str:
    """Names one deadline: its clock and the instant it falls due ("resolution@...Z")."""
    return f"{kind}@{due.astimezone(UTC):%Y-%m-%dT%H:%M:%S}Z"


def _parse_key(key: str) -> tuple[datetime, str] | None:
    kind, _, when = key.partition("@")
    if kind not in _KIND_WORDS or not when:
        return None
    try:
        return datetime.strptime(when, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC), kind
    except ValueError:
        return None


def _recorded(session: Session, incident_ids: list[int]) -> dict[int, set[str]]:
    keys: dict[int, set[str]] = {i: set() for i in incident_ids}
    for start in range(0, len(incident_ids), _CHUNK):
        for incident_id, key in session.execute(
            select(Notification.incident_id, Notification.key).where(
                Notification.kind == "breach",
                Notification.incident_id.in_(incident_ids[start : start + _CHUNK]),
            )
        ):
            keys[cast(int, incident_id)].add(key)  # IN never matches a NULL incident_id
    return keys


def _first_breach(session: Session, incident: Incident, keys: set[str]) -> None:
    """Keep `breached_at`/`breach_kind` on the first deadline the incident ever missed.

    Conditional on `breached_at IS NULL` and leaving `version` alone, like the breach itself; it
    also puts back a first breach that a reopen cleared from the row (the history still has it).
    """
    first = min(filter(None, map(_parse_key, keys)), default=None)
    if first is None:
        return
    changed = rows_changed(
        session,
        update(Incident)
        .where(Incident.id == incident.id, Incident.breached_at.is_(None))
        .values(breached_at=first[0], breach_kind=first[1])
        .execution_options(synchronize_session=False),
    )
    if changed == 1:
        session.refresh(incident, ["breached_at", "breach_kind"])


def refresh_clocks(session: Session, now: datetime, *, limit: int = 1000) -> list[int]:
    """Record each missed deadline once, with the instant it passed; returns the ids breached now.

    Every deadline counts on its own: the first response, each next response (#1, #2, ... as the
    customer writes again) and each resolution target (a reopen sets a new one). A breach is a
    notification keyed by its deadline (the unique key makes it once, even with two schedulers
    running this at once) plus a timeline entry by douse at the instant the deadline passed;
    `Incident.breached_at`/`breach_kind` keep the first one. None of it touches `version`: a
    breach is a fact about time, not an edit, and never conflicts with a person's edit.
    `limit` caps how many incidents are recorded as breached in one call.
    """
    from douse.core.incidents.notify import notify

    # Running and overdue is exactly `due_at <= now`: due_at is the earliest pending deadline.
    rows = session.execute(
        select(
            Incident.id,
            Incident.first_response_at,
            Incident.first_response_due_at,
            Incident.next_response_due_at,
            Incident.resolution_due_at,
        )
        .where(
            Incident.status.in_(RUNNING_STATUSES),
            Incident.paused_at.is_(None),
            Incident.due_at.is_not(None),
            Incident.due_at <= now,
        )
        .order_by(Incident.due_at, Incident.id)
    ).all()
    recorded = _recorded(session, [r.id for r in rows])
    breached: list[int] = []
    for row in rows:
        if len(breached) >= limit:
            break
        keys = recorded[row.id]
        missed = [
            (due, kind)
            for due, kind in _pending(row)
            if due <= now and breach_key(kind, due) not in keys
        ]
        if not missed:
            continue
        incident = session.get(Incident, row.id)
        if incident is None:
            continue
        new = False
        for due, kind in missed:
            key = breach_key(kind, due)
            what = _KIND_WORDS[kind]
            if kind == "next_response":
                what += f" #{1 + sum(k.startswith('next_response@') for k in keys)}"
            message = f"{what} target breached at {due:%Y-%m-%d %H:%M} UTC"
            if not notify(
                session,
                incident,
                "breach",
                f"#{incident.id} {message}: {incident.title}",
                now,
                key=key,
            ):
                continue  # another worker recorded this deadline first
            keys.add(key)
            new = True
            session.add(
                Activity(
                    incident_id=incident.id,
                    kind="internal_note",
                    staff_id=None,
                    at=due,
                    body=message,
                    details={"event": "breach", "clock": kind, "due_at": key.partition("@")[2]},
                )
            )
        if new:
            breached.append(incident.id)
            _first_breach(session, incident, keys)
    # A first breach a reopen cleared from the row is put back from the history.
    cleared = session.execute(
        select(Incident.id, Notification.key)
        .select_from(Notification)
        .join(Incident, Incident.id == Notification.incident_id)
        .where(Notification.kind == "breach", Incident.breached_at.is_(None))
    ).all()
    lost: dict[int, set[str]] = {}
    for incident_id, key in cleared:
        lost.setdefault(incident_id, set()).add(key)
    for incident_id, keys in lost.items():
        incident = session.get(Incident, incident_id)
        if incident is not None:
            _first_breach(session, incident, keys)
    return breached
