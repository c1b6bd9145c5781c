"""A mention typed in by staff: a phone complaint, a screenshot a customer sent, a letter.

Staff decided it is about the client, so no keyword filter applies; it is scored, stored and
handed to the incident engine like any polled post. Submitting the same text for the same
person on the same day twice records it once.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from douse.core.brand import client_brand_terms
from douse.core.db.models import Client, Mention, Staff
from douse.core.errors import DouseError, NotFound
from douse.core.ingest.dedupe import dedupe_key, normalize_handle
from douse.core.ingest.normalize import canonical_url, clean_text
from douse.core.ingest.pipeline import ClientRules, OnStored, Scorer, store_mentions
from douse.core.ingest.types import RawAuthor, RawMention

MAX_MANUAL_TEXT = 20_000


@dataclass(frozen=True)
class ManualResult:
    mention_id: int
    created: bool  # False: the same entry was already recorded


def active_client(session: Session, client_slug: str) -> Client:
    client = session.scalars(select(Client).where(Client.slug == client_slug)).one_or_none()
    if client is None:
        raise NotFound(f"no client {client_slug!r}")
    if client.archived:
        raise DouseError(f"client {client_slug!r} is archived")
    return client


def add_manual_mention(
    session: Session,
    client_slug: str,
    text: str,
    *,
    now: datetime,
    scorer: Scorer,
    author: str | None = None,
    url: str | None = None,
    title: str = "",
    platform: str = "manual",
    staff: str | None = None,
    published_at: datetime | None = None,
    on_stored: OnStored | None = None,
) -> ManualResult:
    """Record a mention staff entered by hand; returns its id and whether it is new."""
    client = active_client(session, client_slug)
    body = clean_text(text)
    if not body:
        raise DouseError("a manual mention needs some text")
    if len(body) > MAX_MANUAL_TEXT:
        raise DouseError(f"text is longer than {MAX_MANUAL_TEXT} characters")
    platform = clean_text(platform).lower() or "manual"
    if len(platform) > 32:
        raise DouseError("platform name is longer than 32 characters")
    entered_by = None
    if staff:
        member = session.scalars(select(Staff).where(Staff.handle == staff)).one_or_none()
        if member is None:
            raise NotFound(f"no staff member {staff!r}")
        entered_by = member.handle
    who = clean_text(author) if author else ""
    link = clean_text(url) if url else None
    when = published_at or now
    external_id = None
    if not link:
        # Same person, same words, same day: a double submission, not a second complaint.
        digest = hashlib.sha256(
            "\x1f".join(
                (normalize_handle(who), " ".join(body.casefold().split()), when.date().isoformat())
            ).encode()
        ).hexdigest()[:32]
        external_id = f"manual-{digest}"
    item = RawMention(
        platform=platform,
        external_id=external_id,
        url=link,
        canonical_url=canonical_url(link),
        title=clean_text(title),
        text=body,
        published_at=when,
        author=RawAuthor(platform, who, display_name=who) if who else None,
        raw={"entered_by": entered_by, "entered_at": now.isoformat()},
    )
    rules = ClientRules(
        client_id=client.id,
        matcher=None,
        negative_threshold=client.negative_threshold,
        positive_threshold=client.positive_threshold,
        brand_terms=client_brand_terms(session, client),
    )
    result = store_mentions(session, rules, [item], now=now, scorer=scorer, on_stored=on_stored)
    mention_id = session.scalar(
        select(Mention.id).where(
            Mention.client_id == client.id, Mention.dedupe_key == dedupe_key(item)
        )
    )
    if mention_id is None:
        raise DouseError("the mention could not be recorded")
    # A near-duplicate of an earlier post is a new row too, linked to that post.
    return ManualResult(int(mention_id), created=bool(result.new or result.near_duplicate))
