"""Draft replies: what someone is writing on an incident, kept in the database until it is logged
or discarded on purpose.

One draft per incident and member of staff. Closing the outreach dialog keeps it (reopening
restores it), and because it is in the database a colleague sees who is drafting on an incident
before writing a second answer to the same customer. Logging the entry discards the draft in the
same transaction (`log_and_discard` is what the desk calls). A draft is not part of the outreach
log: it is never exported and discarding it removes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from douse.core.db.execute import rows_changed
from douse.core.db.models import Draft, Incident, Staff
from douse.core.errors import DouseError, NotFound
from douse.core.incidents.workflow import (
    LOGGABLE_KINDS,
    ActionResult,
    log_activity,
    staff_by_handle,
)

MAX_BODY = 20_000
"""Far beyond any reply; a paste of a whole thread still fits."""


@dataclass(frozen=True)
class DraftRow:
    incident_id: int
    staff: str
    kind: str
    channel: str | None
    body: str
    offer: str | None
    amount: str | None
    updated_at: datetime


def _row(draft: Draft, handle: str) -> DraftRow:
    return DraftRow(
        incident_id=draft.incident_id,
        staff=handle,
        kind=draft.kind,
        channel=draft.channel,
        body=draft.body or "",
        offer=draft.offer,
        amount=draft.amount,
        updated_at=draft.updated_at,
    )


def _clip(value: str | None, limit: int) -> str | None:
    value = (value or "").strip()
    return value[:limit] or None


def save_draft(
    session: Session,
    incident_id: int,
    *,
    by: str,
    now: datetime,
    kind: str,
    body: str,
    channel: str | None = None,
    offer: str | None = None,
    amount: str | None = None,
) -> DraftRow | None:
    """Keep (or replace) `by`'s draft on the incident. A draft with no text and no amount is
    nothing to keep: it is discarded instead, and None returned."""
    if kind not in LOGGABLE_KINDS:
        raise DouseError(f"unknown activity kind {kind!r}; use one of: {', '.join(LOGGABLE_KINDS)}")
    if len(body) > MAX_BODY:
        raise DouseError(f"a draft is limited to {MAX_BODY:,} characters")
    staff = staff_by_handle(session, by)
    if session.get(Incident, incident_id) is None:
        raise NotFound(f"no incident #{incident_id}")
    if not body.strip() and not (amount or "").strip():
        discard_draft(session, incident_id, by=staff.handle)
        return None
    draft = session.scalar(
        select(Draft).where(Draft.incident_id == incident_id, Draft.staff_id == staff.id)
    )
    if draft is None:
        draft = Draft(incident_id=incident_id, staff_id=staff.id)
        session.add(draft)
    draft.kind = kind
    draft.body = body
    draft.channel = _clip(channel, 64)
    draft.offer = _clip(offer, 32)
    draft.amount = _clip(amount, 32)
    draft.updated_at = now
    session.flush()
    return _row(draft, staff.handle)


def get_draft(session: Session, incident_id: int, *, by: str) -> DraftRow | None:
    staff = staff_by_handle(session, by)
    draft = session.scalar(
        select(Draft).where(Draft.incident_id == incident_id, Draft.staff_id == staff.id)
    )
    return _row(draft, staff.handle) if draft is not None else None


def discard_draft(session: Session, incident_id: int, *, by: str) -> bool:
    """Throw `by`'s draft on the incident away; False when there was none."""
    staff = staff_by_handle(session, by)
    gone = rows_changed(
        session, delete(Draft).where(Draft.incident_id == incident_id, Draft.staff_id == staff.id)
    )
    return bool(gone)


def drafts_on(session: Session, incident_id: int) -> list[DraftRow]:
    """Everyone's drafts on one incident, the latest first."""
    rows = session.execute(
        select(Draft, Staff.handle)
        .join(Staff, Staff.id == Draft.staff_id)
        .where(Draft.incident_id == incident_id)
        .order_by(Draft.updated_at.desc(), Draft.id.desc())
    )
    return [_row(draft, handle) for draft, handle in rows]


def log_and_discard(
    session: Session, incident_id: int, kind: str, *, by: str, now: datetime, **entry: Any
) -> ActionResult:
    """Log the entry (core.incidents.workflow.log_activity, with its checks) and, in the same
    transaction, discard `by`'s draft on the incident: a logged reply is no longer a draft."""
    result = log_activity(session, incident_id, kind, by=by, now=now, **entry)
    discard_draft(session, incident_id, by=by)
    return result
