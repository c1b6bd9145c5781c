"""Undo: take back an incident's last change while nobody and nothing has changed it since.

Every change a person makes with one key (status, acknowledge, resolve, close, assign, severity,
merge, split, a troll flag's move to monitor) leaves an UndoPoint with the incident's version
right after it (core.incidents.snapshots). `undo` restores the fields as they were and appends a
correction pointing at the change's entry ("undone: status change new -> resolved"): the change
stays on the timeline, nothing is deleted or edited. Once the incident has moved on (someone's
edit, a new mention, an undo), its version differs and the change can no longer be undone;
`last_change` says why.

Undoing a troll flag's move unflags the author, which restores every incident the flag moved
(core.authors).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from douse.core.authors import set_author
from douse.core.db.models import Activity, Incident, IncidentMention, Staff, UndoPoint
from douse.core.errors import DouseError, NotFound
from douse.core.incidents.snapshots import restore
from douse.core.incidents.workflow import (
    ActionResult,
    _flush,
    _result,
    _touch,
    load_incident,
    staff_by_handle,
)
from douse.core.text import inert

UNDOABLE = ("status", "assign", "severity", "merge", "split", "troll")


@dataclass(frozen=True)
class LastChange:
    """An incident's last undoable change, and whether it can still be undone."""

    incident_id: int
    point_id: int
    activity_id: int
    action: str
    what: str
    """In words: "status change new -> resolved", "assignment alice -> bob"."""
    by: str | None
    at: datetime
    possible: bool
    why_not: str = ""


def describe(activity: Activity) -> str:
    body = inert(activity.body or "", 80)
    if activity.kind == "status_change":
        details = activity.details or {}
        what = f"status change {details.get('from')} -> {details.get('to')}"
        return what + (" (troll flag)" if details.get("troll_author") else "")
    if activity.kind == "assignment":
        return f"assignment {body}"
    if activity.kind == "severity_change":
        details = activity.details or {}
        return f"severity change {details.get('from')} -> {details.get('to')}"
    return f"{activity.kind.replace('_', ' ')}: {body}" if body else activity.kind


def _undone(session: Session, point: UndoPoint) -> bool:
    for details in session.scalars(
        select(Activity.details).where(
            Activity.incident_id == point.incident_id,
            Activity.kind == "correction",
            Activity.corrects_id == point.activity_id,
        )
    ):
        if (details or {}).get("undo") == point.id:
            return True
    return False


def _changed_since(session: Session, incident: Incident) -> str:
    who = "douse (a new mention or the scheduler)"
    if incident.updated_by_id is not None:
        person = session.get(Staff, incident.updated_by_id)
        who = person.handle if person else who
    when = f"{incident.updated_at:%Y-%m-%d %H:%M} UTC" if incident.updated_at else "since"
    return f"#{incident.id} was changed since, by {who} at {when}"


def last_change(session: Session, incident_id: int) -> LastChange | None:
    """The incident's last undoable change (None when it has had none)."""
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise NotFound(f"no incident #{incident_id}")
    point = session.scalar(
        select(UndoPoint)
        .where(UndoPoint.incident_id == incident_id)
        .order_by(UndoPoint.id.desc())
        .limit(1)
    )
    if point is None:
        return None
    activity = session.get(Activity, point.activity_id)
    assert activity is not None
    staff = session.get(Staff, point.staff_id) if point.staff_id else None
    what = describe(activity)
    why_not = ""
    if _undone(session, point):
        why_not = f"the last change ({what}) was undone already"
    elif incident.version != point.version:
        why_not = _changed_since(session, incident)
    elif point.action == "merge":
        why_not = _sources_moved(session, point)
    elif point.action == "split":
        why_not = _split_off_moved(session, point)
    return LastChange(
        incident_id=incident_id,
        point_id=point.id,
        activity_id=point.activity_id,
        action=point.action,
        what=what,
        by=staff.handle if staff else None,
        at=point.at,
        possible=not why_not,
        why_not=why_not,
    )


def _sources_moved(session: Session, point: UndoPoint) -> str:
    for kept in point.before.get("sources", []):
        source = session.get(Incident, kept["id"], populate_existing=True)
        if source is None or source.version != kept.get("version"):
            return f"#{kept['id']} (merged in) was changed since the merge"
    return ""


def _split_off_moved(session: Session, point: UndoPoint) -> str:
    new = point.before.get("new") or {}
    other = session.get(Incident, new.get("id"), populate_existing=True)
    if other is None or other.version != new.get("version"):
        return f"#{new.get('id')} (split off) was changed since the split"
    return ""


def _correction(
    session: Session,
    incident: Incident,
    point: UndoPoint,
    activity: Activity,
    staff: Staff,
    now: datetime,
    body: str,
) -> Activity:
    entry = Activity(
        incident_id=incident.id,
        kind="correction",
        staff_id=staff.id,
        at=now,
        body=body,
        corrects_id=activity.id,
        details={"undo": point.id, "undid": activity.kind},
    )
    session.add(entry)
    return entry


def undo(
    session: Session,
    incident_id: int,
    *,
    by: str,
    now: datetime,
    expected_version: int | None = None,
) -> ActionResult:
    """Take back the incident's last change (see the module's doc). Raises DouseError, saying
    why, when there is nothing to undo or the incident moved on since."""
    staff = staff_by_handle(session, by)
    incident = load_incident(session, incident_id, expected_version)
    if incident.merged_into_id is not None and not _has_points(session, incident.id):
        raise DouseError(
            f"#{incident.id} was merged into #{incident.merged_into_id}: undo the merge there"
        )
    change = last_change(session, incident.id)
    if change is None:
        raise DouseError(f"nothing to undo on #{incident.id}")
    if not change.possible:
        raise DouseError(f"cannot undo the {change.what} on #{incident.id}: {change.why_not}")
    point = session.get(UndoPoint, change.point_id)
    activity = session.get(Activity, change.activity_id)
    assert point is not None and activity is not None
    if point.action == "troll":
        return _undo_troll(session, incident, activity, staff, now)
    body = f"undone: {change.what}"
    if point.action == "merge":
        _undo_merge(session, incident, point, activity, staff, now)
        restore(incident, point.before["incident"])
    elif point.action == "split":
        _undo_split(session, incident, point, activity, staff, now)
        restore(incident, point.before["incident"])
    else:
        restore(incident, point.before)
    entry = _correction(session, incident, point, activity, staff, now, body)
    _touch(incident, staff, now)
    _flush(session, incident)
    return _result(session, incident, entry)


def _has_points(session: Session, incident_id: int) -> bool:
    found = session.scalar(
        select(UndoPoint.id).where(UndoPoint.incident_id == incident_id).limit(1)
    )
    return found is not None


def _undo_merge(
    session: Session,
    target: Incident,
    point: UndoPoint,
    activity: Activity,
    staff: Staff,
    now: datetime,
) -> None:
    """The sources come back as they were; the links the merge added to the target go."""
    before = set(point.before.get("mentions", []))
    for link in session.scalars(
        select(IncidentMention).where(IncidentMention.incident_id == target.id)
    ):
        if link.mention_id not in before:
            session.delete(link)
    for kept in point.before.get("sources", []):
        source = session.get(Incident, kept["id"])
        assert source is not None
        restore(source, kept["state"])
        _correction(
            session, source, point, activity, staff, now, f"undone: merged into #{target.id}"
        )
        _touch(source, staff, now)


def _undo_split(
    session: Session,
    incident: Incident,
    point: UndoPoint,
    activity: Activity,
    staff: Staff,
    now: datetime,
) -> None:
    """The mentions go back; the split-off incident closes as merged back (kept, like any
    merged incident, with its links so its history stays readable)."""
    new_id = point.before["new"]["id"]
    other = session.get(Incident, new_id)
    assert other is not None
    linked = set(
        session.scalars(
            select(IncidentMention.mention_id).where(IncidentMention.incident_id == incident.id)
        )
    )
    for mention_id in point.before.get("mentions", []):
        if mention_id not in linked:
            session.add(
                IncidentMention(incident_id=incident.id, mention_id=mention_id, added_at=now)
            )
    other.status = "closed"
    other.closed_at = now
    other.merged_into_id = incident.id
    other.resolution = f"split undone: its mentions went back to #{incident.id}"
    other.due_at = None
    session.add(
        Activity(
            incident_id=other.id,
            kind="correction",
            staff_id=staff.id,
            at=now,
            body=f"undone: split off from #{incident.id}; the mentions went back there",
            corrects_id=_split_entry(session, other.id),
            details={"undo": point.id, "undid": "split"},
        )
    )
    _touch(other, staff, now)


def _split_entry(session: Session, incident_id: int) -> int | None:
    return session.scalar(
        select(Activity.id)
        .where(Activity.incident_id == incident_id, Activity.kind == "split")
        .order_by(Activity.id.desc())
        .limit(1)
    )


def _undo_troll(
    session: Session, incident: Incident, activity: Activity, staff: Staff, now: datetime
) -> ActionResult:
    author_id = int((activity.details or {})["troll_author"])
    set_author(session, author_id, by=staff.handle, now=now, troll=False)
    fresh = session.get(Incident, incident.id, populate_existing=True)
    assert fresh is not None
    entry = session.scalar(
        select(Activity)
        .where(Activity.incident_id == incident.id, Activity.corrects_id == activity.id)
        .order_by(Activity.id.desc())
        .limit(1)
    )
    return _result(session, fresh, entry)
