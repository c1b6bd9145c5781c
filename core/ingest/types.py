"""What a source adapter hands to the ingestion pipeline: one platform-neutral item per post."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class RawAuthor:
    platform: str
    handle: str
    display_name: str | None = None
    profile_url: str | None = None
    followers: int | None = None


@dataclass(frozen=True)
class RawMention:
    """One post as an adapter understood it: plain text, UTC times, reach counts, canonical URL.

    `external_id` is the platform's own id when it has one (a status id, an at:// URI, a Reddit
    fullname); the pipeline falls back to `canonical_url` to deduplicate when it has none.
    """

    platform: str
    external_id: str | None
    url: str | None
    canonical_url: str | None
    title: str
    text: str
    published_at: datetime | None
    author: RawAuthor | None = None
    likes: int = 0
    shares: int = 0
    replies: int = 0
    language: str | None = None
    raw: dict[str, Any] = field(default_factory=dict)
    # A labelled import's row: the label a person gave it (negative / neutral / positive), the
    # client the row says it belongs to, and where it is ("file.csv:12") for a refusal line.
    label: str | None = None
    client: str | None = None
    row: str | None = None


@dataclass(frozen=True)
class FetchPage:
    """What one poll of one source produced, plus the state to keep for the next poll."""

    items: list[RawMention]
    etag: str | None = None
    last_modified: str | None = None
    cursor: str | None = None
    not_modified: bool = False
    # Something was wrong with the payload but the items could still be read (a feed with broken
    # XML read leniently): the poll counts as a success, and the warning is shown and logged.
    warning: str | None = None


@dataclass(frozen=True)
class SourceSpec:
    """What to poll, as configured in clients.toml: built by the DB side from a Source row.

    `target` is a feed URL (rss), an instance URL (mastodon), a search query (bluesky,
    hackernews, reddit) or a file path (import). `token_env` names the environment variable
    holding an API token; the token itself is read at fetch time and never stored.
    """

    kind: str
    target: str
    params: dict[str, Any] = field(default_factory=dict)
    token_env: str | None = None


@dataclass(frozen=True)
class SourceState:
    """What the previous poll left behind: conditional-GET validators and a paging cursor."""

    etag: str | None = None
    last_modified: str | None = None
    cursor: str | None = None
