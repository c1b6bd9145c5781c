"""`hackernews` sources: the Algolia HN search API, newest first (stories and comments).

clients.toml: `target = "acme"` (the query); optional params `tags` (default "(story,comment)"),
`base_url` (default https://hn.algolia.com), `max_pages` (default 2). The state cursor is the
newest item's `created_at_i`, sent back as a numeric filter so a poll reads only what is new.
"""

from __future__ import annotations

from typing import Any

from douse.core.ingest.adapters.common import count, int_param, text_field
from douse.core.ingest.fetch import BadSource, Fetcher, InvalidPayload
from douse.core.ingest.normalize import canonical_url, html_to_text, to_utc
from douse.core.ingest.types import FetchPage, RawAuthor, RawMention, SourceSpec, SourceState

DEFAULT_BASE = "https://hn.algolia.com"
PAGE_SIZE = 100
ITEM_URL = "https://news.ycombinator.com/item?id={}"


def fetch(fetcher: Fetcher, spec: SourceSpec, state: SourceState) -> FetchPage:
    query = spec.target.strip()
    if not query:
        raise BadSource("hackernews source needs a search query as its target")
    base = str(spec.params.get("base_url") or DEFAULT_BASE).rstrip("/")
    max_pages = int_param(spec, "max_pages", 2, 1, 20)
    params: dict[str, Any] = {
        "query": query,
        "tags": str(spec.params.get("tags") or "(story,comment)"),
        "hitsPerPage": PAGE_SIZE,
    }
    if state.cursor and state.cursor.isdigit():
        params["numericFilters"] = f"created_at_i>{state.cursor}"
    items: list[RawMention] = []
    for page in range(max_pages):
        params["page"] = page
        payload = fetcher.get_json(f"{base}/api/v1/search_by_date", params=params)
        items.extend(parse(payload))
        pages = payload.get("nbPages") if isinstance(payload, dict) else None
        if not isinstance(pages, int) or page + 1 >= pages:
            break
    newest = [int(m.raw["created_at_i"]) for m in items if m.raw.get("created_at_i")]
    if state.cursor and state.cursor.isdigit():
        newest.append(int(state.cursor))
    return FetchPage(items=items, cursor=str(max(newest)) if newest else state.cursor)


def parse(payload: Any) -> list[RawMention]:
    """Hits of an Algolia HN search response (`{"hits": [...]}`)."""
    if isinstance(payload, dict) and "body" in payload and "hits" not in payload:
        payload = payload["body"]
    hits = payload.get("hits") if isinstance(payload, dict) else None
    if not isinstance(hits, list):
        raise InvalidPayload("not a Hacker News search result")
    mentions = [_hit(h) for h in hits if isinstance(h, dict)]
    return [m for m in mentions if m is not None]


def _hit(hit: dict[str, Any]) -> RawMention | None:
    object_id = text_field(str(hit.get("objectID") or ""))
    if not object_id:
        return None
    tags = hit.get("_tags")
    if not isinstance(tags, list):
        tags = []
    is_comment = "comment" in tags or bool(hit.get("comment_text"))
    discussion = ITEM_URL.format(object_id)
    if is_comment:
        title = text_field(hit.get("story_title"))
        body = hit.get("comment_text")
        url = discussion
    else:
        title = text_field(hit.get("title"))
        body = hit.get("story_text")
        # A link story is about the page it links to; a text post (Ask HN) lives on HN itself.
        url = text_field(hit.get("url")) or discussion
    author = text_field(hit.get("author"))
    created_i = hit.get("created_at_i")
    return RawMention(
        platform="hackernews",
        external_id=f"hn:{object_id}",
        url=url,
        canonical_url=canonical_url(url),
        title=title,
        text=html_to_text(body if isinstance(body, str) else ""),
        published_at=to_utc(created_i) or to_utc(hit.get("created_at")),
        author=RawAuthor(
            platform="hackernews",
            handle=author,
            profile_url=f"https://news.ycombinator.com/user?id={author}",
        )
        if author
        else None,
        likes=count(hit.get("points")),
        replies=count(hit.get("num_comments")),
        raw={
            "created_at_i": created_i if isinstance(created_i, int) else None,
            "discussion_url": discussion,
            "kind": "comment" if is_comment else "story",
        },
    )
