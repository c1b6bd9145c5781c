"""Worker heartbeats: `douse watch` announces itself so the desk polls only when none is running."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from douse.core.db.execute import rows_changed
from douse.core.db.models import WorkerHeartbeat

HEARTBEAT_S = 30
# Three missed beats and a worker is presumed gone (killed, machine asleep).
STALE_AFTER_S = 3 * HEARTBEAT_S


def beat(session: Session, name: str, now: datetime, started_at: datetime) -> None:
    """Record that worker `name` is alive now (insert on its first beat)."""
    updated = rows_changed(
        session,
        update(WorkerHeartbeat)
        .where(WorkerHeartbeat.name == name)
        .values(seen_at=now)
        .execution_options(synchronize_session=False),
    )
    if not updated:
        session.add(WorkerHeartbeat(name=name, seen_at=now, started_at=started_at))


def sign_off(session: Session, name: str) -> None:
    """A clean shutdown removes the worker at once, so the desk takes over polling."""
    session.execute(delete(WorkerHeartbeat).where(WorkerHeartbeat.name == name))


def active_workers(
    session: Session, now: datetime, *, stale_after_s: int = STALE_AFTER_S
) -> list[str]:
    """Names of workers that beat recently, oldest-running first."""
    since = now - timedelta(seconds=stale_after_s)
    return list(
        session.scalars(
            select(WorkerHeartbeat.name)
            .where(WorkerHeartbeat.seen_at >= since)
            .order_by(WorkerHeartbeat.started_at, WorkerHeartbeat.name)
        )
    )
