"""Source adapters, one module per `kind`: each has a pure `parse` and a `fetch` that polls.

`ADAPTERS[kind].fetch(fetcher, spec, state)` is all the poller needs; `parse` functions work on
bytes or decoded JSON so they are tested on recorded payloads without a network.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from douse.core.ingest.adapters import bluesky, files, hackernews, mastodon, reddit, rss
from douse.core.ingest.fetch import BadSource, Fetcher
from douse.core.ingest.types import FetchPage, SourceSpec, SourceState

FetchFn = Callable[[Fetcher, SourceSpec, SourceState], FetchPage]


@dataclass(frozen=True)
class Adapter:
    kind: str
    fetch: FetchFn
    description: str


ADAPTERS: dict[str, Adapter] = {
    "rss": Adapter("rss", rss.fetch, "RSS / Atom / RDF / JSON Feed URL"),
    "mastodon": Adapter("mastodon", mastodon.fetch, "Mastodon instance tag timeline or search"),
    "bluesky": Adapter("bluesky", bluesky.fetch, "Bluesky post search (app.bsky.feed.searchPosts)"),
    "hackernews": Adapter("hackernews", hackernews.fetch, "Hacker News search (Algolia API)"),
    "reddit": Adapter("reddit", reddit.fetch, "Reddit search listing (JSON)"),
    "import": Adapter("import", files.fetch, "a CSV, JSONL, JSON or feed file on disk"),
}


def adapter_for(kind: str) -> Adapter:
    try:
        return ADAPTERS[kind]
    except KeyError:
        known = ", ".join(sorted(ADAPTERS))
        raise BadSource(f"unknown source kind {kind!r} (known: {known})") from None


def fetch_source(fetcher: Fetcher, spec: SourceSpec, state: SourceState) -> FetchPage:
    """Poll one source with the adapter for its kind."""
    return adapter_for(spec.kind).fetch(fetcher, spec, state)
