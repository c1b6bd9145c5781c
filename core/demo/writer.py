"""Write planned mentions in bulk: authors on first use, sentiment from core.sentiment (cached by
text), then `insert(Mention)` in chunks, one transaction per chunk so memory stays bounded."""

from __future__ import annotations

import random
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.orm import Session, sessionmaker

from douse.core.db.models import Author, Mention
from douse.core.demo.agency import DemoClient
from douse.core.demo.mentions import Planned
from douse.core.demo.people import Person
from douse.core.ingest.dedupe import fingerprint, normalize_handle
from douse.core.sentiment import Analyzer, SentimentResult

# How long after publication each kind of source typically picks a post up, in minutes.
PICKUP_MINUTES = {"rss": 15, "reddit": 30, "bluesky": 10, "mastodon": 20, "hackernews": 15}
DEFAULT_PICKUP = 45


class Scorer:
    """douse.core.sentiment's Analyzer with a cache: each distinct text and threshold pair once."""

    def __init__(self, analyzer: Analyzer) -> None:
        self.analyzer = analyzer
        self.cache: dict[tuple[str, float, float, tuple[str, ...]], SentimentResult] = {}
        self.scored = 0

    def forget(self) -> None:
        """Texts name their brand, so one client's cache is no use to the next: drop it to keep
        a million-mention build's memory flat."""
        self.cache.clear()

    def score(
        self, text: str, negative: float, positive: float, brand_terms: tuple[str, ...] = ()
    ) -> SentimentResult:
        key = (text, negative, positive, brand_terms)
        result = self.cache.get(key)
        if result is None:
            result = self.analyzer.score(
                text,
                negative_threshold=negative,
                positive_threshold=positive,
                brand_terms=brand_terms,
            )
            self.cache[key] = result
            self.scored += 1
        return result


@dataclass
class ClientIds:
    client_id: int
    source_ids: dict[str, int]  # source name -> id
    source_kinds: dict[str, str]  # source name -> kind
    account_ids: dict[str, int]  # platform -> account id
    brand_terms: tuple[str, ...] = ()  # core.brand.client_brand_terms


@dataclass
class WriteLog:
    """What later steps need, kept compact: a million mentions fit in a few tens of megabytes."""

    mention_ids: array[int] = field(default_factory=lambda: array("q"))
    fetched_ts: array[float] = field(default_factory=lambda: array("d"))
    author_ids: dict[tuple[str, str], int] = field(default_factory=dict)
    author_seen: dict[int, tuple[datetime, datetime]] = field(default_factory=dict)
    source_counts: dict[int, int] = field(default_factory=dict)
    source_last: dict[int, datetime] = field(default_factory=dict)
    key_ids: dict[str, int] = field(default_factory=dict)  # originals that have reposts
    reposts: list[tuple[int, str]] = field(default_factory=list)
    written: int = 0


class MentionWriter:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        scorer: Scorer,
        now: datetime,
        *,
        chunk: int = 5000,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        self.sessions = sessions
        self.scorer = scorer
        self.now = now
        self.chunk = chunk
        self.progress = progress
        self.log = WriteLog()

    def write(
        self,
        rng: random.Random,
        client: DemoClient,
        ids: ClientIds,
        planned: Sequence[Planned],
        originals: set[str],
    ) -> None:
        self.scorer.forget()
        for start in range(0, len(planned), self.chunk):
            batch = planned[start : start + self.chunk]
            with self.sessions.begin() as session:
                self._write_batch(session, rng, client, ids, batch, originals)
            if self.progress:
                self.progress(self.log.written)

    def _author_ids(self, session: Session, batch: Sequence[Planned]) -> None:
        log = self.log
        fresh: dict[tuple[str, str], Person] = {}
        for p in batch:
            key = (p.platform, normalize_handle(p.person.handle))
            if key not in log.author_ids and key not in fresh:
                fresh[key] = p.person
        if not fresh:
            return
        keys = list(fresh)
        rows = [
            {
                "platform": key[0],
                "handle": key[1],
                "display_name": person.display_name,
                "profile_url": person.profile_url,
                "followers": person.followers,
                "is_troll": person.is_troll,
                "is_vip": person.is_vip,
                "notes": person.notes,
            }
            for key, person in fresh.items()
        ]
        new_ids = session.scalars(
            insert(Author).returning(Author.id, sort_by_parameter_order=True), rows
        ).all()
        log.author_ids.update(zip(keys, new_ids, strict=True))

    def _write_batch(
        self,
        session: Session,
        rng: random.Random,
        client: DemoClient,
        ids: ClientIds,
        batch: Sequence[Planned],
        originals: set[str],
    ) -> None:
        log = self.log
        self._author_ids(session, batch)
        rows: list[dict[str, Any]] = []
        for p in batch:
            source_name = client.source_for[p.platform]
            source_id = ids.source_ids[source_name]
            pickup = p.pickup_minutes
            if pickup is None:
                most = PICKUP_MINUTES.get(ids.source_kinds[source_name], DEFAULT_PICKUP)
                pickup = rng.uniform(1, most)
            fetched = min(self.now, p.published_at + timedelta(minutes=pickup))
            author_id = log.author_ids[(p.platform, normalize_handle(p.person.handle))]
            result = self.scorer.score(
                f"{p.draft.title}\n{p.draft.text}" if p.draft.title else p.draft.text,
                client.negative_threshold,
                client.positive_threshold,
                ids.brand_terms,
            )
            rows.append(
                {
                    "client_id": ids.client_id,
                    "source_id": source_id,
                    "account_id": ids.account_ids.get(p.platform),
                    "author_id": author_id,
                    "platform": p.platform,
                    "external_id": p.external_id,
                    "dedupe_key": p.key,
                    "url": p.url,
                    "canonical_url": p.url,
                    "title": p.draft.title,
                    "text": p.draft.text,
                    "published_at": p.published_at,
                    "fetched_at": fetched,
                    "language": result.language,
                    "sentiment_compound": result.compound,
                    "sentiment_label": result.label,
                    "sentiment_reasons": list(result.reasons),
                    "model_label": result.label,
                    "likes": p.likes,
                    "shares": p.shares,
                    "replies": p.replies,
                    "fingerprint": fingerprint(p.draft.title, p.draft.text),
                    "duplicate_count": 0,
                }
            )
            first, last = log.author_seen.get(author_id, (p.published_at, p.published_at))
            log.author_seen[author_id] = (min(first, p.published_at), max(last, p.published_at))
            log.source_counts[source_id] = log.source_counts.get(source_id, 0) + 1
            log.source_last[source_id] = max(log.source_last.get(source_id, fetched), fetched)
        new_ids = session.scalars(
            insert(Mention).returning(Mention.id, sort_by_parameter_order=True), rows
        ).all()
        for p, row, mention_id in zip(batch, rows, new_ids, strict=True):
            log.mention_ids.append(mention_id)
            log.fetched_ts.append(row["fetched_at"].timestamp())
            if p.key in originals:
                log.key_ids[p.key] = mention_id
            if p.repost_of:
                log.reposts.append((mention_id, p.repost_of))
        log.written += len(rows)

    def finish(self) -> None:
        """Link reposts to their original and record first/last sighting of every author."""
        log = self.log
        with self.sessions.begin() as session:
            counts: dict[int, int] = {}
            links = []
            for mention_id, key in log.reposts:
                original = log.key_ids[key]
                links.append({"id": mention_id, "duplicate_of_id": original})
                counts[original] = counts.get(original, 0) + 1
            if links:
                session.execute(update(Mention), links)
                session.execute(
                    update(Mention),
                    [{"id": k, "duplicate_count": v} for k, v in sorted(counts.items())],
                )
            seen = sorted(log.author_seen.items())
            for start in range(0, len(seen), self.chunk):
                session.execute(
                    update(Author),
                    [
                        {"id": author_id, "first_seen_at": first, "last_seen_at": last}
                        for author_id, (first, last) in seen[start : start + self.chunk]
                    ],
                )
