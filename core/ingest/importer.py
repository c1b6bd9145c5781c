"""`douse import`: bring review-site exports and saved feeds in as a client's mentions.

Each file is one transaction: it is imported whole or refused whole (a bad row names its line),
so a refused file can be fixed and imported again without duplicates or gaps. Rows are streamed
and stored in batches, so a million-row export needs no more memory than one batch.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from core.brand import client_brand_terms
from core.ingest.adapters.files import iter_file
from core.ingest.manual import active_client
from core.ingest.match import KeywordMatcher
from core.ingest.pipeline import ClientRules, OnStored, Scorer, StoreResult, store_mentions

# `--format` speaks of feeds the way people do; the file reader calls them all "feed".
FORMAT_ALIASES = {"rss": "feed", "atom": "feed", "xml": "feed", "ndjson": "jsonl"}


def import_file(
    session: Session,
    client_slug: str,
    path: str | Path,
    *,
    now: datetime,
    scorer: Scorer,
    fmt: str | None = None,
    column_map: str | Mapping[str, str] | None = None,
    platform: str = "import",
    keep_all: bool = False,
    on_stored: OnStored | None = None,
) -> StoreResult:
    """Store one file's mentions for a client; raises a DouseError (and stores nothing) when
    the file cannot be read. `keep_all` skips the keyword filter, for exports that are about
    the client by construction (its own reviews)."""
    client = active_client(session, client_slug)
    rules = ClientRules(
        client_id=client.id,
        matcher=None if keep_all else KeywordMatcher(client.keywords, client.exclusions),
        negative_threshold=client.negative_threshold,
        positive_threshold=client.positive_threshold,
        brand_terms=client_brand_terms(session, client),
    )
    items = iter_file(
        path,
        fmt=FORMAT_ALIASES.get(fmt or "", fmt) if fmt else None,
        column_map=column_map,
        platform=platform,
    )
    return store_mentions(session, rules, items, now=now, scorer=scorer, on_stored=on_stored)
