"""A client's accounts (with their owners) and sources (with their health)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from douse.core.db.models import Account, Source, Staff
from douse.core.jobs.health import quiet_too_long
from douse.core.queries.rows import AccountRow, SourceRow

FAILING_AFTER = 1
"""A source whose last poll failed this many times in a row is "failing"."""


def client_accounts(session: Session, client_id: int) -> list[AccountRow]:
    Owner = aliased(Staff)
    Backup = aliased(Staff)
    rows = session.execute(
        select(
            Account.id,
            Account.platform,
            Account.handle,
            Account.url,
            Owner.handle.label("owner"),
            Owner.away.label("owner_away"),
            Owner.active.label("owner_active"),
            Backup.handle.label("backup"),
            Account.archived,
        )
        .outerjoin(Owner, Owner.id == Account.owner_id)
        .outerjoin(Backup, Backup.id == Account.backup_owner_id)
        .where(Account.client_id == client_id)
        .order_by(Account.archived, Account.platform, Account.handle)
    )
    return [
        AccountRow(
            id=r.id,
            platform=r.platform,
            handle=r.handle,
            url=r.url,
            owner=r.owner if r.owner_active is not False else None,
            owner_away=bool(r.owner_away),
            backup=r.backup,
            archived=r.archived,
        )
        for r in rows
    ]


def client_sources(session: Session, client_id: int, now: datetime) -> list[SourceRow]:
    rows = session.execute(
        select(Source).where(Source.client_id == client_id).order_by(Source.name)
    ).scalars()
    return [
        SourceRow(
            id=s.id,
            name=s.name,
            kind=s.kind,
            target=s.target,
            enabled=s.enabled,
            health=source_health(
                s.enabled,
                s.consecutive_failures,
                s.last_new_at,
                s.last_ok_at,
                s.typical_gap_s,
                s.poll_interval_s,
                now,
            ),
            last_polled_at=s.last_polled_at,
            last_ok_at=s.last_ok_at,
            last_new_at=s.last_new_at,
            next_poll_at=s.next_poll_at,
            last_error=s.last_error,
            consecutive_failures=s.consecutive_failures,
            total_new=s.total_new,
            last_error_at=s.last_error_at,
            last_warning=s.last_warning,
            last_warning_at=s.last_warning_at,
        )
        for s in rows
    ]


def source_health(
    enabled: bool,
    failures: int,
    last_new_at: datetime | None,
    last_ok_at: datetime | None,
    typical_gap_s: float | None,
    poll_interval_s: int,
    now: datetime,
) -> str:
    if not enabled:
        return "disabled"
    if failures >= FAILING_AFTER:
        return "failing"
    if last_ok_at is None:
        return "new"
    if quiet_too_long(last_new_at, typical_gap_s, poll_interval_s, now):
        return "silent"
    return "ok"
