"""`reddit` sources: the search JSON listing (posts; comments when a listing carries them).

clients.toml: `target = "acme"` (the query); optional params `subreddit` (restrict the search),
`base_url` (default https://www.reddit.com; https://oauth.reddit.com with a token), `t`
(time window, default "week"). Sorted by new; one page of 100 per poll is Reddit's maximum.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from douse.core.ingest.adapters.common import count, text_field, token_headers
from douse.core.ingest.fetch import BadSource, Fetcher, InvalidPayload
from douse.core.ingest.normalize import canonical_url, html_to_text, to_utc
from douse.core.ingest.types import FetchPage, RawAuthor, RawMention, SourceSpec, SourceState

DEFAULT_BASE = "https://www.reddit.com"
SITE = "https://www.reddit.com"
_GONE_AUTHORS = frozenset({"[deleted]", "[removed]", ""})


def fetch(fetcher: Fetcher, spec: SourceSpec, state: SourceState) -> FetchPage:
    query = spec.target.strip()
    if not query:
        raise BadSource("reddit source needs a search query as its target")
    base = str(spec.params.get("base_url") or DEFAULT_BASE).rstrip("/")
    subreddit = str(spec.params.get("subreddit") or "").strip().removeprefix("r/").strip("/")
    path = f"/r/{quote(subreddit, safe='')}/search.json" if subreddit else "/search.json"
    params: dict[str, Any] = {
        "q": query,
        "sort": "new",
        "limit": 100,
        "t": str(spec.params.get("t") or "week"),
        "raw_json": 1,
    }
    if subreddit:
        params["restrict_sr"] = "on"
    headers = {"Accept": "application/json", **token_headers(spec)}
    payload = fetcher.get_json(base + path, headers=headers, params=params)
    return FetchPage(items=parse(payload), cursor=state.cursor)


def parse(payload: Any) -> list[RawMention]:
    """Posts (t3) and comments (t1) of a Listing; subreddits and other kinds are skipped."""
    if isinstance(payload, dict) and "body" in payload and "data" not in payload:
        payload = payload["body"]
    if isinstance(payload, list):  # a post page: [post listing, comment listing]
        return [m for listing in payload for m in parse(listing)]
    data = payload.get("data") if isinstance(payload, dict) else None
    children = data.get("children") if isinstance(data, dict) else None
    if not isinstance(children, list):
        raise InvalidPayload("not a Reddit listing")
    mentions: list[RawMention] = []
    for child in children:
        if not isinstance(child, dict) or child.get("kind") not in {"t3", "t1"}:
            continue
        item = child.get("data")
        if isinstance(item, dict):
            mention = _item(item, child["kind"])
            if mention is not None:
                mentions.append(mention)
    return mentions


def _item(item: dict[str, Any], kind: str) -> RawMention | None:
    fullname = text_field(item.get("name")) or (
        f"{kind}_{text_field(item.get('id'))}" if item.get("id") else ""
    )
    if not fullname:
        return None
    permalink = text_field(item.get("permalink"))
    url = SITE + permalink if permalink.startswith("/") else permalink or None
    if kind == "t3":
        title = text_field(item.get("title"))
        html, plain = item.get("selftext_html"), item.get("selftext")
    else:
        title = text_field(item.get("link_title"))
        html, plain = item.get("body_html"), item.get("body")
    text = html_to_text(html) if isinstance(html, str) and html else text_field(plain)
    author = text_field(item.get("author"))
    link_url = text_field(item.get("url")) if kind == "t3" else ""
    return RawMention(
        platform="reddit",
        external_id=fullname,
        url=url,
        canonical_url=canonical_url(url),
        title=title,
        text=text,
        published_at=to_utc(item.get("created_utc")),
        author=None
        if author in _GONE_AUTHORS
        else RawAuthor(platform="reddit", handle=author, profile_url=f"{SITE}/user/{author}"),
        likes=count(item.get("score")),
        shares=count(item.get("num_crossposts")),
        replies=count(item.get("num_comments")),
        raw={
            "subreddit": text_field(item.get("subreddit")),
            "link_url": link_url if link_url and link_url != url else None,
        },
    )
