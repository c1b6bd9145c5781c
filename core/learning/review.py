"""The posts to teach douse with first: a client's recent posts its judgement is least sure of.

Sure means, with a learned model in use, how far its probabilities are from changing the label
(`Judgement.certainty`: from its negative threshold, or between neutral and positive); with the
rules, how far the compound is from the nearest threshold (a post at −0.04 could as well be
−0.06).
Posts a person already labelled, copies of another post and posts the rules cannot read (not
English) are left out: labelling those teaches nothing new.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from douse.core.brand import client_brand_terms
from douse.core.db.models import Client, Mention
from douse.core.errors import NotFound
from douse.core.learning.choose import scorer_for
from douse.core.learning.labels import scored_text
from douse.core.learning.model import LearnedScorer

# Recent posts looked at to find the least sure: scoring 2,000 takes about a second.
POOL = 2000
LIMIT = 100


@dataclass(frozen=True)
class ReviewItem:
    mention_id: int
    text: str
    label: str  # what douse says now
    certainty: float  # 0 (a coin toss) .. 1 (sure)
    why: str  # the first reason


def _certainty_of_rules(compound: float, negative: float, positive: float) -> float:
    # Distance to the nearest threshold, scaled so that 0.5 away is "sure".
    distance = min(abs(compound - negative), abs(compound - positive))
    return min(1.0, distance / 0.5)


def least_sure(
    session: Session, client_id: int, base: Any, *, limit: int = LIMIT, pool: int = POOL
) -> list[ReviewItem]:
    """Up to `limit` posts of the client, least sure first (newest first among equals)."""
    client = session.get(Client, client_id)
    if client is None:
        raise NotFound(f"no client {client_id}")
    terms = client_brand_terms(session, client)
    scorer = scorer_for(session, client_id, base)
    rows = session.execute(
        select(Mention.id, Mention.title, Mention.text)
        .where(
            Mention.client_id == client_id,
            Mention.label_corrected_by_id.is_(None),
            Mention.duplicate_of_id.is_(None),
            Mention.sentiment_label != "unscored",
        )
        .order_by(Mention.published_at.desc(), Mention.id.desc())
        .limit(pool)
    ).all()
    items: list[ReviewItem] = []
    for row in rows:
        text = scored_text(row.title, row.text)
        rules = base.score(
            text,
            negative_threshold=client.negative_threshold,
            positive_threshold=client.positive_threshold,
            brand_terms=terms,
        )
        if rules.compound is None:
            continue
        if isinstance(scorer, LearnedScorer):
            result, judgement = scorer.judge_with(text, rules, terms)
            label = judgement.label
            certainty = judgement.certainty
            why = result.reasons[0]
        else:
            label = rules.label
            certainty = _certainty_of_rules(
                rules.compound, client.negative_threshold, client.positive_threshold
            )
            why = rules.reasons[0] if rules.reasons else "no word carried sentiment"
        items.append(ReviewItem(row.id, text, label, round(certainty, 3), why))
    # Stable sort: among equally unsure posts the newest stays first.
    items.sort(key=lambda item: item.certainty)
    return items[:limit]
