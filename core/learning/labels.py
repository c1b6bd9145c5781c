"""Labels as data: every label a person gives a post is a training example with who and when.

A second label for the same post supersedes the first (its `superseded_at` is set) instead of
overwriting it, so correcting a label twice loses nothing: the history is every row of the post.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from douse.core.db.models import LABEL_SOURCES, TRAINING_LABELS, Mention, TrainingLabel

# What a label judged: the post's title and text as the scorer saw them.
TEXT_SEPARATOR = "\n"


def scored_text(title: str | None, text: str | None) -> str:
    """The body the pipeline scores (title and text), which is also what a label judges."""
    return TEXT_SEPARATOR.join(part for part in (title or "", text or "") if part.strip())


def record_label(
    session: Session,
    *,
    client_id: int,
    text: str,
    label: str,
    source: str,
    now: datetime,
    given_by_id: int | None,
    mention_id: int | None = None,
) -> TrainingLabel | None:
    """Add a person's label; None when the post already carries exactly this label in force
    (re-importing a labelled file is not a new example)."""
    if label not in TRAINING_LABELS:
        raise ValueError(f"label must be one of {', '.join(TRAINING_LABELS)}")
    if source not in LABEL_SOURCES:
        raise ValueError(f"label source must be one of {', '.join(LABEL_SOURCES)}")
    if mention_id is not None:
        current = session.scalars(
            select(TrainingLabel).where(
                TrainingLabel.mention_id == mention_id, TrainingLabel.superseded_at.is_(None)
            )
        ).all()
        if len(current) == 1 and current[0].label == label:
            return None
        for earlier in current:
            earlier.superseded_at = now
    row = TrainingLabel(
        client_id=client_id,
        mention_id=mention_id,
        text=text,
        label=label,
        given_by_id=given_by_id,
        given_at=now,
        source=source,
    )
    session.add(row)
    session.flush()
    return row


def label_mention_row(
    session: Session, mention: Mention, label: str, *, staff_id: int, source: str, now: datetime
) -> TrainingLabel | None:
    """Record `label` as a person's for a stored mention (the training example only)."""
    return record_label(
        session,
        client_id=mention.client_id,
        mention_id=mention.id,
        text=scored_text(mention.title, mention.text),
        label=label,
        source=source,
        now=now,
        given_by_id=staff_id,
    )


@dataclass(frozen=True)
class LabelCounts:
    total: int
    negative: int
    neutral: int
    positive: int

    @property
    def non_negative(self) -> int:
        return self.neutral + self.positive


def label_counts(session: Session, client_id: int | None = None) -> LabelCounts:
    """Labels in force, of one client or (None) of the whole agency."""
    query = (
        select(TrainingLabel.label, func.count())
        .where(TrainingLabel.superseded_at.is_(None))
        .group_by(TrainingLabel.label)
    )
    if client_id is not None:
        query = query.where(TrainingLabel.client_id == client_id)
    counts = {label: int(n) for label, n in session.execute(query)}
    return LabelCounts(
        sum(counts.values()),
        counts.get("negative", 0),
        counts.get("neutral", 0),
        counts.get("positive", 0),
    )


def label_history(session: Session, mention_id: int) -> list[TrainingLabel]:
    """Every label the post was ever given, oldest first."""
    return list(
        session.scalars(
            select(TrainingLabel)
            .where(TrainingLabel.mention_id == mention_id)
            .order_by(TrainingLabel.id)
        )
    )
