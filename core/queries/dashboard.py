"""The dashboard: one row per active client, the approvals count, and change detection.

A fixed number of GROUP BY queries whatever the number of clients, each bounded so it can use an
index in models.py. Every function takes a Session first and never commits.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from douse.core.db.models import (
    OPEN_STATUSES,
    SEVERITIES,
    Account,
    Activity,
    Client,
    Draft,
    Incident,
    Mention,
    Notification,
    OutboxEntry,
    Source,
    Staff,
)
from douse.core.queries.accounts import source_health
from douse.core.queries.clients import active_clients
from douse.core.queries.incidents import CLOCKED_STATUSES
from douse.core.queries.rows import SPARK_DAYS, DashboardRow, DataStamp, NotificationRow


def approvals_waiting(session: Session) -> int:
    """How many replies wait for an approver (core.send's queue), from the outbox's index."""
    return int(
        session.scalar(
            select(func.count())
            .select_from(OutboxEntry)
            .where(OutboxEntry.state == "awaiting_approval")
        )
        or 0
    )


def dashboard(session: Session, now: datetime) -> list[DashboardRow]:
    """One row per active client, sorted by urgency: six grouped queries in all."""
    clients = active_clients(session)
    ids = [c.id for c in clients]
    if not ids:
        return []

    severity_counts: dict[int, list[int]] = {cid: [0, 0, 0, 0] for cid in ids}
    for client_id, severity, count in session.execute(
        select(Incident.client_id, Incident.severity, func.count())
        .where(Incident.client_id.in_(ids), Incident.status.in_(OPEN_STATUSES))
        .group_by(Incident.client_id, Incident.severity)
    ):
        severity_counts[client_id][SEVERITIES.index(severity)] = count

    deadlines: dict[int, tuple[int, datetime | None]] = {}
    for client_id, overdue, next_due in session.execute(
        select(
            Incident.client_id,
            func.sum(case((Incident.due_at < now, 1), else_=0)),
            func.min(Incident.due_at),
        )
        .where(Incident.status.in_(CLOCKED_STATUSES), Incident.due_at.is_not(None))
        .group_by(Incident.client_id)
    ):
        deadlines[client_id] = (int(overdue or 0), next_due)

    # Rolling days ending now, so the last bucket is exactly "the last 24 hours". The client_id
    # IN list lets the (client, label, published) index seek once per client.
    start = now - timedelta(days=SPARK_DAYS)
    buckets = [
        func.sum(
            case(
                (
                    and_(
                        Mention.published_at >= now - timedelta(days=SPARK_DAYS - i),
                        Mention.published_at < now - timedelta(days=SPARK_DAYS - i - 1),
                    ),
                    1,
                ),
                else_=0,
            )
        )
        for i in range(SPARK_DAYS)
    ]
    negatives: dict[int, tuple[int, ...]] = {}
    for row in session.execute(
        select(Mention.client_id, *buckets)
        .where(
            Mention.client_id.in_(ids),
            Mention.sentiment_label == "negative",
            Mention.published_at >= start,
            Mention.published_at < now,
        )
        .group_by(Mention.client_id)
    ):
        negatives[row[0]] = tuple(int(v or 0) for v in row[1:])

    # Not dict(result): a Result has keys(), so dict() would treat it as a mapping.
    unowned: dict[int, int] = {
        client_id: count
        for client_id, count in session.execute(
            select(Account.client_id, func.count())
            .outerjoin(Staff, Staff.id == Account.owner_id)
            .where(
                Account.archived.is_(False),
                or_(Account.owner_id.is_(None), Staff.active.is_(False)),
            )
            .group_by(Account.client_id)
        )
    }

    failing: dict[int, int] = {}
    silent: dict[int, int] = {}
    for src in session.execute(
        select(
            Source.client_id,
            Source.consecutive_failures,
            Source.last_new_at,
            Source.last_ok_at,
            Source.typical_gap_s,
            Source.poll_interval_s,
        ).where(Source.enabled.is_(True))
    ):
        health = source_health(
            True,
            src.consecutive_failures,
            src.last_new_at,
            src.last_ok_at,
            src.typical_gap_s,
            src.poll_interval_s,
            now,
        )
        if health == "failing":
            failing[src.client_id] = failing.get(src.client_id, 0) + 1
        elif health == "silent":
            silent[src.client_id] = silent.get(src.client_id, 0) + 1

    zero = (0,) * SPARK_DAYS
    rows = []
    for c in clients:
        overdue, next_due = deadlines.get(c.id, (0, None))
        daily = negatives.get(c.id, zero)
        counts = severity_counts[c.id]
        rows.append(
            DashboardRow(
                client_id=c.id,
                slug=c.slug,
                name=c.name,
                open_by_severity=(counts[0], counts[1], counts[2], counts[3]),
                overdue=overdue,
                next_due_at=next_due,
                negative_24h=daily[-1],
                negative_daily=daily,
                unowned_accounts=unowned.get(c.id, 0),
                failing_sources=failing.get(c.id, 0),
                silent_sources=silent.get(c.id, 0),
            )
        )
    rows.sort(key=DashboardRow.urgency)
    return rows


def data_stamp(session: Session) -> DataStamp:
    """Maxima of primary keys: each an index lookup, cheap enough to poll every few seconds."""
    row = session.execute(
        select(
            select(func.max(Mention.id)).scalar_subquery(),
            select(func.max(Incident.id)).scalar_subquery(),
            select(func.max(Activity.id)).scalar_subquery(),
            select(func.max(Notification.id)).scalar_subquery(),
            select(func.max(Draft.id)).scalar_subquery(),
            select(func.count(Draft.id)).scalar_subquery(),
        )
    ).one()
    return DataStamp(*(int(v or 0) for v in row))


def notifications_after(
    session: Session, after_id: int, *, limit: int = 20
) -> list[NotificationRow]:
    rows = session.execute(
        select(
            Notification.id,
            Notification.client_id,
            Client.slug,
            Notification.incident_id,
            Notification.kind,
            Notification.at,
            Notification.message,
        )
        .join(Client, Client.id == Notification.client_id)
        .where(Notification.id > after_id)
        .order_by(Notification.id)
        .limit(limit)
    )
    return [NotificationRow(*r) for r in rows]
