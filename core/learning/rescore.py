"""`douse rescore`: judge a client's stored posts again with what is in use now (its model, the
agency's, or the rules), a page at a time, each page its own transaction. A label a person set
is never touched; incidents are not reopened or closed by a new label (new posts are judged
with it as they come).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session, sessionmaker

from douse.core.brand import client_brand_terms
from douse.core.db.base import table_of
from douse.core.db.models import Client, Mention
from douse.core.errors import NotFound
from douse.core.learning.choose import scorer_for
from douse.core.learning.labels import scored_text

PAGE = 1000


@dataclass
class RescoreReport:
    seen: int = 0
    changed: int = 0
    kept_by_person: int = 0
    # "neutral -> negative": how many moved that way.
    moves: Counter[str] = field(default_factory=Counter)
    judged_by: str = "rules"

    def lines(self) -> list[str]:
        head = (
            f"rescored {self.seen:,} {'post' if self.seen == 1 else 'posts'} "
            f"with {self.judged_by}: "
            f"{self.changed:,} changed label, "
            f"{self.kept_by_person:,} labelled by a person kept as they are"
        )
        return [head, *(f"  {move}: {n:,}" for move, n in sorted(self.moves.items()))]


def rescore_client(
    sessions: sessionmaker[Session],
    base: Any,
    client_slug: str,
    *,
    since: datetime | None = None,
    page: int = PAGE,
    progress: Callable[[RescoreReport], None] | None = None,
) -> RescoreReport:
    """Re-judge the client's posts (published at or after `since`), by id, `page` at a time."""
    report = RescoreReport()
    with sessions() as session:
        client = session.scalars(select(Client).where(Client.slug == client_slug)).first()
        if client is None:
            raise NotFound(f"no client {client_slug!r}")
        client_id = client.id
        terms = client_brand_terms(session, client)
        negative, positive = client.negative_threshold, client.positive_threshold
        scorer = scorer_for(session, client_id, base)
    model = getattr(scorer, "model", None)
    if model is not None:
        report.judged_by = f"{model.scope} model {model.model_id}"
    after = 0
    while True:
        with sessions.begin() as session:
            query = (
                select(
                    Mention.id,
                    Mention.title,
                    Mention.text,
                    Mention.sentiment_label,
                    Mention.sentiment_compound,
                    Mention.label_corrected_by_id,
                )
                .where(Mention.client_id == client_id, Mention.id > after)
                .order_by(Mention.id)
                .limit(page)
            )
            if since is not None:
                query = query.where(Mention.published_at >= since)
            rows = session.execute(query).all()
            if not rows:
                return report
            after = rows[-1].id
            changes = []
            for row in rows:
                report.seen += 1
                if row.label_corrected_by_id is not None:
                    report.kept_by_person += 1
                    continue
                result = scorer.score(
                    scored_text(row.title, row.text),
                    negative_threshold=negative,
                    positive_threshold=positive,
                    brand_terms=terms,
                )
                if result.label == row.sentiment_label and result.compound == (
                    row.sentiment_compound
                ):
                    continue
                if result.label != row.sentiment_label:
                    report.changed += 1
                    report.moves[f"{row.sentiment_label} -> {result.label}"] += 1
                changes.append(
                    {
                        "mid": row.id,
                        "label": result.label,
                        "compound": result.compound,
                        "reasons": list(result.reasons),
                    }
                )
            if changes:
                table = table_of(Mention)
                session.connection().execute(
                    update(table)
                    # A person may have labelled the post since it was read: theirs stays.
                    .where(table.c.id == bindparam("mid"), table.c.label_corrected_by_id.is_(None))
                    .values(
                        sentiment_label=bindparam("label"),
                        model_label=bindparam("label"),
                        sentiment_compound=bindparam("compound"),
                        sentiment_reasons=bindparam("reasons"),
                    ),
                    changes,
                )
        if progress is not None:
            progress(report)
