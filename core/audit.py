"""The audit trail for changes that have no history of their own (account owners, author flags
and notes): an append-only AuditEntry row in the same transaction as the change, so a team on one
database shares it, plus a line in the rotating log once the change commits.

Functions never commit, so the log line waits on the session; a rollback drops both.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import event
from sqlalchemy.orm import Session

from douse.core.db.models import AuditEntry

log = logging.getLogger("douse.audit")
_KEY = "douse.audit.pending"


def record(
    session: Session,
    *,
    at: datetime,
    staff_id: int | None,
    subject: str,
    subject_id: int,
    summary: str,
) -> None:
    """Keep `summary` (who changed what, before and after) with the change itself."""
    session.add(
        AuditEntry(
            at=at, staff_id=staff_id, subject=subject, subject_id=subject_id, summary=summary
        )
    )
    session.info.setdefault(_KEY, []).append(f"{at.isoformat()} {summary}")


@event.listens_for(Session, "after_commit")
def _write(session: Session) -> None:
    for line in session.info.pop(_KEY, []):
        log.info("%s", line)


@event.listens_for(Session, "after_rollback")
def _drop(session: Session) -> None:
    session.info.pop(_KEY, None)
