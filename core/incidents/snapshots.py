"""An incident's state before a change, kept so that the change can be taken back.

`snapshot` reads the fields a person's action can change (status, owner, severity, clocks,
grouping) into plain JSON; `restore` puts them back. `remember` records an UndoPoint right after
a change, with the incident's version at that moment: core.incidents.undo only takes a change
back while the incident still has that version, i.e. nobody and nothing changed it since.

What a change cannot take back stays: a breach recorded meanwhile (`breached_at`), the
notifications sent, and the timeline itself (an undo is a new correction on it).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from douse.core.db.models import Activity, Incident, Staff, UndoPoint

TIMES = (
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
)
PLAIN = (
    "status",
    "kind",
    "severity",
    "severity_reasons",
    "owner_id",
    "is_pattern",
    "distinct_authors",
    "mention_count",
    "terms",
    "resolution",
    "merged_into_id",
)


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def snapshot(incident: Incident) -> dict[str, Any]:
    """The incident's restorable fields as JSON-safe values."""
    state: dict[str, Any] = {name: _time(getattr(incident, name)) for name in TIMES}
    for name in PLAIN:
        value = getattr(incident, name)
        state[name] = list(value) if isinstance(value, list | tuple) else value
    return state


def restore(incident: Incident, state: dict[str, Any]) -> None:
    """Put back what `snapshot` read (keys it does not hold are left alone)."""
    for name in TIMES:
        if name in state:
            value = state[name]
            setattr(incident, name, datetime.fromisoformat(value) if value else None)
    for name in PLAIN:
        if name in state:
            value = state[name]
            setattr(incident, name, list(value) if isinstance(value, list) else value)


def remember(
    session: Session,
    incident: Incident,
    activity: Activity | None,
    action: str,
    staff: Staff | None,
    now: datetime,
    before: dict[str, Any],
) -> None:
    """Record an undo point. Called after the change was flushed, so `incident.version` is the
    version the change left and `activity.id` is known; the row itself is written with the
    transaction's next flush (no flush of its own: a replay makes thousands of changes)."""
    if activity is None or activity.id is None:
        return
    session.add(
        UndoPoint(
            incident_id=incident.id,
            activity_id=activity.id,
            action=action,
            version=incident.version,
            staff_id=staff.id if staff else None,
            at=now,
            before=before,
        )
    )
