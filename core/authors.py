"""What staff record about an author across every client: troll and VIP flags, and notes.

A troll is monitored, not answered ("don't feed the trolls"): flagging one moves the open
incidents that are theirs alone to monitor through the incident workflow (each with its own
status-change activity). An incident where others say the same thing stays as it is: real
customers are on it too. Flag and note changes go to the audit log (core.audit) with who and when.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core import audit
from core.db.models import Author, Incident, IncidentMention, Mention
from core.errors import DouseError, NotFound
from core.incidents.workflow import TRANSITIONS, change_status, staff_by_handle
from core.text import inert

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
        + (f"; moved to monitor: {', '.join(f'#{i}' for i in monitored)}" if monitored else ""),
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
    )
