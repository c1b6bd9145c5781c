"""Learning again in the background once enough new labels have come in: `douse watch` runs
`retrain_due` as a job, the desk in a worker thread. Each scope (the agency, each client) is
refitted when RETRAIN_AFTER labels were given since its last model (or since there was none,
once it has enough labels at all)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker

from douse.core.db.models import Client, SentimentModel, TrainingLabel
from douse.core.learning.labels import label_counts
from douse.core.learning.learn import Outcome, enough, learn_scope

log = logging.getLogger(__name__)

RETRAIN_AFTER = 50
# Only one worker of a team refits at a time (PostgreSQL advisory lock; any constant).
LEARN_LOCK = 0x646F7573_10


def _last_label_seen(session: Session, client_id: int | None) -> int:
    """The newest label id the scope's last model had seen (0 without a model)."""
    query = select(SentimentModel.cv).order_by(SentimentModel.id.desc()).limit(1)
    query = query.where(
        SentimentModel.client_id.is_(None)
        if client_id is None
        else SentimentModel.client_id == client_id
    )
    cv = session.scalar(query)
    return int((cv or {}).get("last_label_id", 0))


def new_labels(session: Session, client_id: int | None) -> int:
    """Labels given since the scope's last model."""
    query = select(func.count()).select_from(TrainingLabel)
    query = query.where(TrainingLabel.id > _last_label_seen(session, client_id))
    if client_id is not None:
        query = query.where(TrainingLabel.client_id == client_id)
    return int(session.scalar(query) or 0)


def due_scopes(session: Session, after: int = RETRAIN_AFTER) -> list[str | None]:
    """The scopes to refit: None for the agency, else client slugs."""
    due: list[str | None] = []
    if new_labels(session, None) >= after and enough(label_counts(session)) is None:
        due.append(None)
    clients = session.execute(
        select(Client.id, Client.slug).where(
            Client.id.in_(select(TrainingLabel.client_id).distinct())
        )
    ).all()
    for client_id, slug in clients:
        if (
            new_labels(session, client_id) >= after
            and enough(label_counts(session, client_id)) is None
        ):
            due.append(slug)
    return due


def _exclusive(session: Session) -> bool:
    if session.get_bind().dialect.name != "postgresql":
        return True
    return bool(session.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": LEARN_LOCK}))


def _release(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": LEARN_LOCK})


def retrain_due(
    sessions: sessionmaker[Session],
    analyzer: Any,
    now: Callable[[], datetime],
    after: int = RETRAIN_AFTER,
) -> list[Outcome]:
    """Refit every scope with `after` new labels; what each fit did (empty when none due)."""
    with sessions() as session:
        if not _exclusive(session):
            return []
        try:
            scopes = due_scopes(session, after)
            outcomes = [learn_scope(sessions, analyzer, slug, now) for slug in scopes]
        finally:
            _release(session)
    for outcome in outcomes:
        for line in outcome.lines():
            log.info("learning: %s", line.strip())
    return outcomes
