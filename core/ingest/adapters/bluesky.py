"""`bluesky` sources: `app.bsky.feed.searchPosts`, newest first, cursor-paged up to a bound.

clients.toml: `target = "acme"` (the search query, Lucene-ish syntax as Bluesky accepts), optional
params `base_url` (default the public AppView; use "https://bsky.social" with a token),
`max_pages` (default 3), `lang`. Between polls the state cursor is the newest post's sort time,
sent as `since`, so a poll only pages through what is new.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from douse.core.ingest.adapters.common import (
    count,
    int_param,
    optional_count,
    text_field,
    token_headers,
)
from douse.core.ingest.fetch import BadSource, Fetcher, InvalidPayload
from douse.core.ingest.normalize import canonical_url, clean_text, to_utc
from douse.core.ingest.types import FetchPage, RawAuthor, RawMention, SourceSpec, SourceState

DEFAULT_BASE = "https://public.api.bsky.app"
PAGE_SIZE = 100  # the API's maximum


def fetch(fetcher: Fetcher, spec: SourceSpec, state: SourceState) -> FetchPage:
    query = spec.target.strip()
    if not query:
        raise BadSource("bluesky source needs a search query as its target")
    base = str(spec.params.get("base_url") or DEFAULT_BASE).rstrip("/")
    max_pages = int_param(spec, "max_pages", 3, 1, 50)
    headers = {"Accept": "application/json", **token_headers(spec)}
    params: dict[str, Any] = {"q": query, "sort": "latest", "limit": PAGE_SIZE}
    if state.cursor:
        params["since"] = state.cursor
    if spec.params.get("lang"):
        params["lang"] = str(spec.params["lang"])
    items: list[RawMention] = []
    page_cursor: str | None = None
    for _ in range(max_pages):
        if page_cursor:
            params["cursor"] = page_cursor
        payload = fetcher.get_json(
            f"{base}/xrpc/app.bsky.feed.searchPosts", headers=headers, params=params
        )
        items.extend(parse(payload))
        next_cursor = payload.get("cursor") if isinstance(payload, dict) else None
        if not next_cursor or not payload.get("posts") or next_cursor == page_cursor:
            break
        page_cursor = str(next_cursor)
    return FetchPage(items=items, cursor=_newest(items, state.cursor))


def _newest(items: list[RawMention], previous: str | None) -> str | None:
    times: list[datetime] = [t for m in items if (t := to_utc(m.raw.get("sort_at"))) is not None]
    prior = to_utc(previous) if previous else None
    if prior is not None:
        times.append(prior)
    if not times:
        return previous
    return max(times).isoformat().replace("+00:00", "Z")


def parse(payload: Any) -> list[RawMention]:
    """Posts from searchPosts / getPosts (`{"posts": [...]}`) or a list of post views."""
    if isinstance(payload, dict) and "body" in payload and "posts" not in payload:
        payload = payload["body"]  # a recorded fixture wrapper
    posts = payload.get("posts") if isinstance(payload, dict) else payload
    if not isinstance(posts, list):
        raise InvalidPayload("not a Bluesky post list")
    mentions = [_post(p) for p in posts if isinstance(p, dict)]
    return [m for m in mentions if m is not None]


def _post(post: dict[str, Any]) -> RawMention | None:
    uri = post.get("uri")
    record = post.get("record")
    if not isinstance(record, dict):
        record = {}
    if not isinstance(uri, str) or not uri.startswith("at://"):
        return None
    author = post.get("author")
    if not isinstance(author, dict):
        author = {}
    handle = text_field(author.get("handle"))
    did = text_field(author.get("did"))
    rkey = uri.rsplit("/", 1)[-1]
    url = f"https://bsky.app/profile/{handle or did}/post/{rkey}" if (handle or did) else None
    created = to_utc(record.get("createdAt"))
    indexed = to_utc(post.get("indexedAt"))
    # Bluesky sorts and filters by the earlier of the two (a backdated post sorts by createdAt).
    sort_at = min(t for t in (created, indexed) if t) if (created or indexed) else None
    langs = record.get("langs")
    return RawMention(
        platform="bluesky",
        external_id=clean_text(uri),
        url=url,
        canonical_url=canonical_url(url),
        title="",
        text=clean_text(_expand_links(record)),
        published_at=created or indexed,
        author=RawAuthor(
            platform="bluesky",
            handle=handle or did,
            display_name=text_field(author.get("displayName")) or None,
            profile_url=f"https://bsky.app/profile/{handle or did}",
            followers=optional_count(author.get("followersCount")),
        )
        if handle or did
        else None,
        likes=count(post.get("likeCount")),
        shares=count(post.get("repostCount")) + count(post.get("quoteCount")),
        replies=count(post.get("replyCount")),
        language=text_field(langs[0])[:16] or None if isinstance(langs, list) and langs else None,
        raw={"did": did, "sort_at": sort_at.isoformat() if sort_at else None},
    )


def _expand_links(record: dict[str, Any]) -> str:
    """Post text with each shortened link ("osf.io/v87f...") replaced by the full URL it stands
    for, so matching and the desk see the real address. Facets index UTF-8 bytes."""
    text = record.get("text")
    if not isinstance(text, str):
        return ""
    facets = record.get("facets")
    if not isinstance(facets, list):
        return text
    data = text.encode("utf-8")
    spans: list[tuple[int, int, str]] = []
    for facet in facets:
        try:
            index = facet["index"]
            start, end = int(index["byteStart"]), int(index["byteEnd"])
            links = [f["uri"] for f in facet["features"] if f.get("$type", "").endswith("#link")]
        except (KeyError, TypeError, ValueError, AttributeError):
            continue
        if links and isinstance(links[0], str) and 0 <= start < end <= len(data):
            spans.append((start, end, links[0]))
    last = len(data) + 1
    for start, end, link in sorted(spans, reverse=True):
        if end > last:
            continue  # overlapping facets: keep the text as posted
        data = data[:start] + link.encode("utf-8") + data[end:]
        last = start
    return data.decode("utf-8", errors="replace")
