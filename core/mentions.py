"""What a person may change on a mention: its sentiment label. Nothing else, and never deleted.

A correction keeps the model's own label in `Mention.model_label` (set once, the first time a
person overrides it) and says who changed what in the mention's reasons, so the desk and the
exports show both the judgement in force and how it came about.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from douse.core.db.models import SENTIMENT_LABELS, Incident, IncidentMention, Mention
from douse.core.errors import DouseError, NotFound
from douse.core.incidents.workflow import staff_by_handle
from douse.core.learning.labels import label_mention_row
from douse.core.text import mention_ref

# "unscored" means the model could not judge (a language it does not read); a person can.
CORRECTABLE_LABELS = tuple(label for label in SENTIMENT_LABELS if label != "unscored")


@dataclass(frozen=True)
class LabelCorrection:
    mention_id: int
    before: str
    label: str
    model_label: str | None
    by: str


def correct_label(
    session: Session,
    mention_id: int,
    label: str,
    *,
    by: str,
    now: datetime,
    source: str = "desk",
) -> LabelCorrection:
    """Set the label a person judged right; the model's label and the reason trail stay, and
    the label is kept as a training example (`source`: desk or cli)."""
    if label not in CORRECTABLE_LABELS:
        raise DouseError(f"label must be one of: {', '.join(CORRECTABLE_LABELS)}")
    staff = staff_by_handle(session, by)
    mention = session.get(Mention, mention_id, populate_existing=True)
    if mention is None:
        raise NotFound(f"no mention {mention_ref(mention_id)}")
    before = mention.sentiment_label
    if before == label:
        raise DouseError(f"mention {mention_ref(mention.id)} is already labelled {label}")
    if mention.label_corrected_by_id is None and mention.model_label is None:
        # Mentions stored before model_label existed keep what the model said now.
        mention.model_label = before
    mention.sentiment_label = label
    mention.label_corrected_by_id = staff.id
    mention.sentiment_reasons = [
        *(mention.sentiment_reasons or []),
        f"corrected {before} -> {label} by {staff.handle} at {now:%Y-%m-%d %H:%M} UTC",
    ]
    session.flush()
    label_mention_row(session, mention, label, staff_id=staff.id, source=source, now=now)
    return LabelCorrection(mention.id, before, label, mention.model_label, staff.handle)


def label_mention(
    session: Session,
    mention_id: int,
    label: str,
    *,
    by: str,
    now: datetime,
    source: str = "desk",
) -> LabelCorrection:
    """A person's judgement of a post, whether it changes the label or confirms it: confirming
    still teaches (and pins the label: re-scoring never changes what a person set)."""
    if label not in CORRECTABLE_LABELS:
        raise DouseError(f"label must be one of: {', '.join(CORRECTABLE_LABELS)}")
    mention = session.get(Mention, mention_id, populate_existing=True)
    if mention is None:
        raise NotFound(f"no mention {mention_ref(mention_id)}")
    if mention.sentiment_label != label:
        return correct_label(session, mention_id, label, by=by, now=now, source=source)
    staff = staff_by_handle(session, by)
    if mention.model_label is None:
        mention.model_label = label
    if mention.label_corrected_by_id is None:
        mention.label_corrected_by_id = staff.id
        mention.sentiment_reasons = [
            *(mention.sentiment_reasons or []),
            f"confirmed {label} by {staff.handle} at {now:%Y-%m-%d %H:%M} UTC",
        ]
    session.flush()
    label_mention_row(session, mention, label, staff_id=staff.id, source=source, now=now)
    return LabelCorrection(mention.id, label, label, mention.model_label, staff.handle)


@dataclass(frozen=True)
class MentionOutcome:
    """What became of a recorded mention: its label and the incident it is on, if any."""

    mention_id: int
    label: str
    incident_id: int | None
    opened: bool
    """True when this mention opened the incident (else it joined one already open)."""
    status: str | None


def mention_outcome(session: Session, mention_id: int) -> MentionOutcome:
    mention = session.get(Mention, mention_id)
    if mention is None:
        raise NotFound(f"no mention {mention_ref(mention_id)}")
    incident = session.scalar(
        select(Incident)
        .join(IncidentMention, IncidentMention.incident_id == Incident.id)
        .where(IncidentMention.mention_id == mention_id)
        .order_by(Incident.id)
        .limit(1)
    )
    if incident is None:
        return MentionOutcome(mention_id, mention.sentiment_label, None, False, None)
    first = session.scalar(
        select(IncidentMention.mention_id)
        .join(Mention, Mention.id == IncidentMention.mention_id)
        .where(IncidentMention.incident_id == incident.id)
        .order_by(Mention.published_at, Mention.id)
        .limit(1)
    )
    return MentionOutcome(
        mention_id, mention.sentiment_label, incident.id, first == mention_id, incident.status
    )
