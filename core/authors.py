"""What staff record about an author across every client: troll and VIP flags, and notes.

A troll is monitored, not answered ("don't feed the trolls"): flagging one moves the open
incidents that are theirs alone to monitor through the incident workflow (each with its own
status-change activity). An incident where others say the same thing stays as it is: real
customers are on it too. `troll_preview` says beforehand what a flag would move (and an unflag
restore), so the desk can ask first.

Unflagging takes the flag back: every incident it moved that is still in monitor, with no status
change since, returns to its status and clocks as they were before the flag (a correction on its
timeline says so). Deadlines are restored as they were, not extended: a complaint due in 11
minutes when it was wrongly flagged is overdue if it is unflagged an hour later, because the
customer did wait that hour.

Flag and note changes go to the audit log (core.audit) with who and when.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from douse.core import audit
from douse.core.db.models import (
    Activity,
    Author,
    Incident,
    IncidentMention,
    Mention,
    Staff,
    UndoPoint,
)
from douse.core.errors import DouseError, NotFound
from douse.core.incidents.snapshots import restore
from douse.core.incidents.workflow import (
    TRANSITIONS,
    _flush,
    _touch,
    change_status,
    staff_by_handle,
)
from douse.core.text import inert

MAX_NOTES = 2000


@dataclass(frozen=True)
class AuthorChange:
    author_id: int
    handle: str
    is_troll: bool
    is_vip: bool
    notes: str
    by: str
    # Open incidents moved to monitor because the author was flagged a troll, and those left
    # alone because other people are on them too (or their status cannot go to monitor).
    monitored: tuple[int, ...] = ()
    left_open: tuple[int, ...] = ()
    # Incidents an unflag brought back from monitor, as they were before the flag.
    restored: tuple[int, ...] = ()


@dataclass(frozen=True)
class IncidentBrief:
    id: int
    title: str
    status: str
    due_at: datetime | None


@dataclass(frozen=True)
class TrollPreview:
    """What flagging (or unflagging) an author would do, for the desk to ask first."""

    author_id: int
    handle: str
    display_name: str | None
    is_troll: bool
    moves: tuple[IncidentBrief, ...] = ()
    """Flagging: open incidents that are this author's alone, which go to monitor."""
    stays: tuple[IncidentBrief, ...] = ()
    """Flagging: open incidents others are on too, which stay as they are."""
    restores: tuple[IncidentBrief, ...] = ()
    """Unflagging: incidents the flag moved to monitor, which come back as they were."""


# What a move to monitor changed, and an unflag puts back: the status and the clocks.
RESTORED_FIELDS = (
    "status",
    "kind",
    "acknowledged_at",
    "resolved_at",
    "closed_at",
    "first_response_due_at",
    "next_response_due_at",
    "resolution_due_at",
    "due_at",
    "paused_at",
)


def _open_incidents(session: Session, author_id: int) -> list[tuple[int, str, int]]:
    """(id, status, distinct other authors) of open, answerable incidents with this author."""
    ids = (
        select(IncidentMention.incident_id)
        .join(Mention, Mention.id == IncidentMention.mention_id)
        .where(Mention.author_id == author_id)
    )
    others = (
        select(func.count(func.distinct(func.coalesce(Mention.author_id, -Mention.id))))
        .select_from(IncidentMention)
        .join(Mention, Mention.id == IncidentMention.mention_id)
        .where(
            IncidentMention.incident_id == Incident.id,
            func.coalesce(Mention.author_id, -1) != author_id,
        )
        .correlate(Incident)
        .scalar_subquery()
    )
    rows = session.execute(
        select(Incident.id, Incident.status, others)
        .where(
            Incident.id.in_(ids),
            Incident.status.in_(("new", "acknowledged", "in_progress", "waiting_customer")),
            Incident.merged_into_id.is_(None),
            Incident.kind != "spike",
        )
        .order_by(Incident.id)
    )
    return [(r[0], r[1], int(r[2] or 0)) for r in rows]


def set_author(
    session: Session,
    author_id: int,
    *,
    by: str,
    now: datetime,
    troll: bool | None = None,
    vip: bool | None = None,
    notes: str | None = None,
) -> AuthorChange:
    """Change any of troll / VIP / notes (None leaves it as is)."""
    staff = staff_by_handle(session, by)
    author = session.get(Author, author_id, populate_existing=True)
    if author is None:
        raise NotFound(f"no author #{author_id}")
    will_be_troll = author.is_troll if troll is None else troll
    will_be_vip = author.is_vip if vip is None else vip
    if will_be_troll and will_be_vip:
        # The two flags pull opposite ways (ignore / escalate): one must be cleared first.
        raise DouseError(f"{author.handle} cannot be both a troll and a VIP: clear one first")
    changes: list[str] = []
    unflagged = troll is False and author.is_troll
    if troll is not None and troll != author.is_troll:
        changes.append(f"troll {author.is_troll} -> {troll}")
        author.is_troll = troll
    if vip is not None and vip != author.is_vip:
        changes.append(f"VIP {author.is_vip} -> {vip}")
        author.is_vip = vip
    if notes is not None:
        cleaned = notes.strip()
        if len(cleaned) > MAX_NOTES:
            raise DouseError(f"notes are limited to {MAX_NOTES} characters")
        if cleaned != (author.notes or ""):
            changes.append(f"notes {inert(author.notes or '', 80)!r} -> {inert(cleaned, 80)!r}")
            author.notes = cleaned
    if not changes:
        raise DouseError(f"nothing to change on {author.handle}")
    session.flush()
    monitored: list[int] = []
    left: list[int] = []
    restored: list[int] = []
    if unflagged:
        restored = _restore_flagged(session, author, staff, now)
    if troll:
        for incident_id, status, others in _open_incidents(session, author.id):
            if others or "monitor" not in TRANSITIONS[status]:
                left.append(incident_id)
                continue
            change_status(
                session,
                incident_id,
                "monitor",
                by=staff.handle,
                now=now,
                note=f"author {inert(author.handle, 80)} flagged as a troll",
                details={"troll_author": author.id},
            )
            monitored.append(incident_id)
    audit.record(
        session,
        at=now,
        staff_id=staff.id,
        subject="author",
        subject_id=author.id,
        summary=f"{staff.handle} changed author #{author.id} "
        f"{inert(author.handle, 80)} ({author.platform}): {'; '.join(changes)}"
        + (f"; moved to monitor: {', '.join(f'#{i}' for i in monitored)}" if monitored else "")
        + (f"; restored: {', '.join(f'#{i}' for i in restored)}" if restored else ""),
    )
    return AuthorChange(
        author_id=author.id,
        handle=author.handle,
        is_troll=author.is_troll,
        is_vip=author.is_vip,
        notes=author.notes or "",
        by=staff.handle,
        monitored=tuple(monitored),
        left_open=tuple(left),
        restored=tuple(restored),
    )


def _brief(incident: Incident) -> IncidentBrief:
    return IncidentBrief(incident.id, incident.title, incident.status, incident.due_at)


def _flagged(session: Session, author_id: int) -> list[tuple[Incident, UndoPoint]]:
    """Incidents this author's troll flag moved to monitor that can come back: still in monitor,
    with no status change (or undo) on them since the flag moved them."""
    ids = (
        select(IncidentMention.incident_id)
        .join(Mention, Mention.id == IncidentMention.mention_id)
        .where(Mention.author_id == author_id)
    )
    found = []
    for incident in session.scalars(
        select(Incident)
        .where(Incident.id.in_(ids), Incident.status == "monitor")
        .order_by(Incident.id)
    ):
        point = session.scalar(
            select(UndoPoint)
            .where(UndoPoint.incident_id == incident.id, UndoPoint.action == "troll")
            .order_by(UndoPoint.id.desc())
            .limit(1)
        )
        if point is None:
            continue
        flag = session.get(Activity, point.activity_id)
        if flag is None or (flag.details or {}).get("troll_author") != author_id:
            continue
        later = session.scalar(
            select(Activity.id)
            .where(
                Activity.incident_id == incident.id,
                Activity.id > flag.id,
                Activity.kind.in_(("status_change", "correction")),
            )
            .limit(1)
        )
        if later is None:
            found.append((incident, point))
    return found


def _restore_flagged(session: Session, author: Author, staff: Staff, now: datetime) -> list[int]:
    restored = []
    for incident, point in _flagged(session, author.id):
        state = {k: point.before[k] for k in RESTORED_FIELDS if k in point.before}
        restore(incident, state)
        session.add(
            Activity(
                incident_id=incident.id,
                kind="correction",
                staff_id=staff.id,
                at=now,
                body=f"author {inert(author.handle, 80)} unflagged: back to "
                f"{incident.status.replace('_', ' ')}, clocks as before the flag",
                corrects_id=point.activity_id,
                details={"undo": point.id, "undid": "status_change", "troll_author": author.id},
            )
        )
        _touch(incident, staff, now)
        _flush(session, incident)
        restored.append(incident.id)
    return restored


def troll_preview(session: Session, author_id: int) -> TrollPreview:
    """What `set_author(troll=not is_troll)` would move or restore, without changing anything."""
    author = session.get(Author, author_id)
    if author is None:
        raise NotFound(f"no author #{author_id}")
    preview = TrollPreview(author.id, author.handle, author.display_name, author.is_troll)
    if author.is_troll:
        restores = tuple(_brief(i) for i, _ in _flagged(session, author.id))
        return replace(preview, restores=restores)
    moves: list[IncidentBrief] = []
    stays: list[IncidentBrief] = []
    for incident_id, status, others in _open_incidents(session, author.id):
        incident = session.get(Incident, incident_id)
        assert incident is not None
        if others or "monitor" not in TRANSITIONS[status]:
            stays.append(_brief(incident))
        else:
            moves.append(_brief(incident))
    return replace(preview, moves=tuple(moves), stays=tuple(stays))
