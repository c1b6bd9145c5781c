"""The mark `douse demo` leaves in the database it builds: its sources are made up and are never
polled (no DNS lookups for invented feeds, no sources turning "failing" for want of a network).

Every path that would fetch checks it: the scheduler before it starts, and the Poller itself
before a pass or a single source (`douse poll`, the desk's poll-now), so a demo stays honest
whichever way polling is asked for.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from douse.core.db.models import AuditEntry
from douse.core.errors import DouseError

# `douse demo` records an audit entry with this subject in the database it builds.
DEMO_SUBJECT = "demo"
NOT_POLLED = "this is a demo database; its sources are not real and are not polled"


class DemoDatabaseError(DouseError):
    """Polling was asked of a database built by `douse demo`, whose feeds are made up."""


def is_demo_database(session: Session) -> bool:
    """True for a database `douse demo` built (core/demo/build.py marks it)."""
    found = session.scalar(select(AuditEntry.id).where(AuditEntry.subject == DEMO_SUBJECT).limit(1))
    return found is not None


def refuse_demo(session: Session) -> None:
    """Raise DemoDatabaseError on a demo database."""
    if is_demo_database(session):
        raise DemoDatabaseError(NOT_POLLED)
