"""The audit log for changes that have no history table of their own (account owners, author
flags and notes): one line per change in the rotating log, written only once the change commits.

Functions never commit, so they queue their line on the session; a rolled-back transaction drops
it. The line names who, when and what changed, before and after.
"""

from __future__ import annotations

import logging

from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger("douse.audit")
_KEY = "douse.audit.pending"


def record(session: Session, line: str) -> None:
    """Log `line` when (and only if) this session's transaction commits."""
    session.info.setdefault(_KEY, []).append(line)


@event.listens_for(Session, "after_commit")
def _write(session: Session) -> None:
    for line in session.info.pop(_KEY, []):
        log.info("%s", line)


@event.listens_for(Session, "after_rollback")
def _drop(session: Session) -> None:
    session.info.pop(_KEY, None)
