"""Leases on sources, so several pollers (watch workers, the desk, `douse poll`) share them and
no source is fetched twice at once.

A claim is one conditional UPDATE: it succeeds only if nobody holds an unexpired lease. Under
PostgreSQL's READ COMMITTED a concurrent claimer blocks on the row, re-reads it after the winner
commits and then matches nothing, so exactly one wins. SQLite serialises writers outright. Batch
claims on PostgreSQL first pick candidates with FOR UPDATE SKIP LOCKED, so workers never queue
behind each other's rows. A lease expires by itself, so a crashed worker's sources come back.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.orm import Session

from douse.core.db.execute import rows_changed
from douse.core.db.models import Client, Source

# Longer than any single poll can take (the fetcher bounds an attempt to a minute, with retries).
DEFAULT_LEASE_S = 600


def _free(now: datetime) -> ColumnElement[bool]:
    return or_(Source.lease_until.is_(None), Source.lease_until < now)


def _due(now: datetime) -> ColumnElement[bool]:
    return or_(Source.next_poll_at.is_(None), Source.next_poll_at <= now)


def claim_source(
    session: Session,
    source_id: int,
    owner: str,
    now: datetime,
    *,
    lease_s: int = DEFAULT_LEASE_S,
    only_if_due: bool = True,
) -> bool:
    """Take the lease on one source; False when someone else holds it (or it is not due)."""
    conditions = [Source.id == source_id, Source.enabled.is_(True), _free(now)]
    if only_if_due:
        conditions.append(_due(now))
    changed = rows_changed(
        session,
        update(Source)
        .where(and_(*conditions))
        .values(lease_owner=owner, lease_until=now + timedelta(seconds=lease_s))
        .execution_options(synchronize_session=False),
    )
    return bool(changed)


def claim_due_sources(
    session: Session,
    owner: str,
    now: datetime,
    *,
    limit: int = 50,
    lease_s: int = DEFAULT_LEASE_S,
    client_ids: Sequence[int] | None = None,
) -> list[int]:
    """Claim up to `limit` due sources, most overdue first; returns the ids this owner now holds."""
    query = (
        select(Source.id)
        .join(Client, Client.id == Source.client_id)
        .where(Source.enabled.is_(True), Client.archived.is_(False), _free(now), _due(now))
        .order_by(Source.next_poll_at.is_not(None), Source.next_poll_at, Source.id)
        .limit(limit)
    )
    if client_ids is not None:
        query = query.where(Source.client_id.in_(list(client_ids)))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(of=Source, skip_locked=True)
    candidates = list(session.scalars(query))
    return [sid for sid in candidates if claim_source(session, sid, owner, now, lease_s=lease_s)]


def release_source(session: Session, source_id: int, owner: str) -> None:
    """Give the lease back, only if this owner still holds it (it may have expired and moved)."""
    session.execute(
        update(Source)
        .where(Source.id == source_id, Source.lease_owner == owner)
        .values(lease_owner=None, lease_until=None)
        .execution_options(synchronize_session=False)
    )


def worker_name() -> str:
    """A lease owner is "host:pid", so a worker on this machine can tell a dead one's leases."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # someone else's process: alive, and not ours to judge
    return True


def release_dead_local_leases(
    session: Session,
    now: datetime,
    *,
    host: str | None = None,
    alive: Callable[[int], bool] = _pid_alive,
) -> list[int]:
    """Free the unexpired leases held by workers of this machine whose process is gone (a
    `douse watch` killed with SIGKILL), so their sources are polled now rather than when the
    lease runs out. Another machine's leases are left to expire: its pids mean nothing here.
    Returns the ids of the sources released."""
    host = host or socket.gethostname()
    held = session.execute(
        select(Source.id, Source.lease_owner).where(
            Source.lease_owner.like(f"%{host}:%"), Source.lease_until >= now
        )
    ).all()
    released = []
    for source_id, owner in held:
        # "host:pid", or a named worker's "desk:host:pid".
        prefix, _, pid_text = str(owner).rpartition(":")
        ours = prefix == host or prefix.endswith(f":{host}")
        if not (ours and pid_text.isdigit()) or int(pid_text) == os.getpid():
            continue
        if not alive(int(pid_text)):
            session.execute(
                update(Source)
                .where(Source.id == source_id, Source.lease_owner == owner)
                .values(lease_owner=None, lease_until=None)
                .execution_options(synchronize_session=False)
            )
            released.append(source_id)
    return released
