"""Notifications the desk shows at once, and their optional Slack-compatible webhook."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from douse.core.db.models import Notification
from douse.core.text import inert


class Notified(Protocol):
    """What a notification needs of its incident (an ORM Incident or triage's IncidentRow)."""

    @property
    def id(self) -> int: ...
    @property
    def client_id(self) -> int: ...


NOTIFICATION_KINDS = ("critical", "pattern", "spike", "breach")
# Webhook deliveries older than this are not retried: a day-old alert is noise, not news.
WEBHOOK_MAX_AGE = timedelta(hours=24)


def notify(
    session: Session,
    incident: Notified,
    kind: str,
    message: str,
    now: datetime,
    *,
    key: str = "",
) -> bool:
    """Insert the (incident, kind, key) notification unless it exists; True when it was new.

    `key` tells apart events of one kind that each deserve an alert (a breach names its deadline);
    the other kinds leave it empty and alert once per incident.
    """
    if kind not in NOTIFICATION_KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    exists = session.scalar(
        select(Notification.id).where(
            Notification.incident_id == incident.id,
            Notification.kind == kind,
            Notification.key == key,
        )
    )
    if exists is not None:
        return False
    try:
        with session.begin_nested():
            session.add(
                Notification(
                    client_id=incident.client_id,
                    incident_id=incident.id,
                    kind=kind,
                    key=key,
                    at=now,
                    message=inert(message, 500),
                )
            )
    except IntegrityError:
        # Another worker inserted the same notification between our check and our insert.
        return False
    return True


def send_pending_webhooks(
    session: Session,
    http_post: Callable[[str, dict[str, Any]], Any],
    now: datetime,
    *,
    url_env: str = "DOUSE_WEBHOOK_URL",
    env: Mapping[str, str] | None = None,
    limit: int = 100,
) -> int:
    """Post unsent notifications as {"text": ...}; returns how many were delivered.

    `http_post(url, payload)` raises on failure (httpx's `raise_for_status` does); the error is
    kept on the notification and the delivery retried on the next call while it is fresh.
    With no URL configured nothing is sent and nothing is marked.
    """
    env = os.environ if env is None else env
    url = env.get(url_env)
    if not url:
        return 0
    pending = session.scalars(
        select(Notification)
        .where(Notification.webhook_sent_at.is_(None), Notification.at >= now - WEBHOOK_MAX_AGE)
        .order_by(Notification.at, Notification.id)
        .limit(limit)
    ).all()
    sent = 0
    for note in pending:
        try:
            http_post(url, {"text": f"douse [{note.kind}] {note.message}"})
        except Exception as exc:  # any transport failure is recorded, not raised
            note.webhook_error = inert(f"{type(exc).__name__}: {exc}", 500)
            continue
        note.webhook_sent_at = now
        note.webhook_error = None
        sent += 1
    return sent
