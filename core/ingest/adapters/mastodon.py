"""`mastodon` sources: an instance's public tag timeline, or its search API (token usually needed).

clients.toml: `url = "https://mastodon.social"` with `params = {tag = "acme"}` or
`params = {q = "acme"}`. A URL that already says what to read works too: the tag page
"https://mastodon.social/tags/acme", the API's tag timeline ".../api/v1/timelines/tag/acme" or its
search ".../api/v2/search?q=acme". Parameters win over what the URL says.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

from douse.core.ingest.adapters.common import (
    count,
    int_param,
    optional_count,
    text_field,
    token_headers,
)
from douse.core.ingest.fetch import BadSource, Fetcher, InvalidPayload
from douse.core.ingest.normalize import canonical_url, clean_text, html_to_text, to_utc
from douse.core.ingest.types import FetchPage, RawAuthor, RawMention, SourceSpec, SourceState

PAGE_SIZE = 40  # the API's maximum
# A tag's web page (/tags/acme) or its API timeline (/api/v1/timelines/tag/acme).
_TAG_PATH = re.compile(r"^(?:/tags|/api/v1/timelines/tag)/([^/?#]+)/?$")
_SEARCH_PATH = re.compile(r"^/api/v[12]/search/?$")


def fetch(fetcher: Fetcher, spec: SourceSpec, state: SourceState) -> FetchPage:
    instance, tag, query = _where(spec)
    headers = {"Accept": "application/json", **token_headers(spec)}
    if query:
        payload = fetcher.get_json(
            f"{instance}/api/v2/search",
            headers=headers,
            params={"q": query, "type": "statuses", "limit": PAGE_SIZE, "resolve": "false"},
        )
        found = parse(payload, instance=instance)
        return FetchPage(items=found, cursor=_newest_id(found, state.cursor))
    max_pages = int_param(spec, "max_pages", 3, 1, 20)
    url = f"{instance}/api/v1/timelines/tag/{quote(tag, safe='')}"
    items: list[RawMention] = []
    max_id: str | None = None
    for _ in range(max_pages):
        params: dict[str, Any] = {"limit": PAGE_SIZE}
        if state.cursor:
            params["since_id"] = state.cursor
        if max_id:
            params["max_id"] = max_id
        payload = fetcher.get_json(url, headers=headers, params=params)
        page = parse(payload, instance=instance)
        items.extend(page)
        # Newest first: a full page may hide more between it and the cursor; an empty or short
        # page, or no cursor to reach (first poll), means this is all for now.
        if not isinstance(payload, list) or len(payload) < PAGE_SIZE or not state.cursor:
            break
        max_id = str(payload[-1].get("id", "")) or None
        if max_id is None:
            break
    return FetchPage(items=items, cursor=_newest_id(items, state.cursor))


def _where(spec: SourceSpec) -> tuple[str, str, str]:
    try:
        parts = urlsplit(spec.target.strip())
    except ValueError:
        parts = None
    if not parts or parts.scheme not in {"http", "https"} or not parts.netloc:
        raise BadSource(f"mastodon source needs an instance URL, not {spec.target!r}")
    instance = f"{parts.scheme}://{parts.netloc}"
    path_tag = _TAG_PATH.match(parts.path)
    url_tag = unquote(path_tag.group(1)) if path_tag else ""
    url_query = ""
    if _SEARCH_PATH.match(parts.path):
        url_query = (parse_qs(parts.query).get("q") or [""])[0].strip()
    tag = str(spec.params.get("tag") or url_tag).lstrip("#")
    query = str(spec.params.get("q") or spec.params.get("query") or url_query)
    if not tag and not query:
        raise BadSource("mastodon source needs a tag or a q (search) parameter")
    return instance, tag, query


def _newest_id(items: list[RawMention], previous: str | None) -> str | None:
    ids = [str(m.raw.get("id")) for m in items if str(m.raw.get("id", "")).isdigit()]
    if previous and previous.isdigit():
        ids.append(previous)
    return max(ids, key=int) if ids else previous


def parse(payload: Any, *, instance: str | None = None) -> list[RawMention]:
    """Statuses from a timeline (a list) or a v2 search result (`{"statuses": [...]}`)."""
    if isinstance(payload, dict) and "body" in payload and "statuses" not in payload:
        payload = payload["body"]  # a recorded fixture wrapper
    if isinstance(payload, dict) and "uri" in payload and "content" in payload:
        payload = [payload]  # a single status (GET /api/v1/statuses/:id), e.g. a repair re-check
    statuses = payload.get("statuses") if isinstance(payload, dict) else payload
    if not isinstance(statuses, list):
        raise InvalidPayload("not a Mastodon status list")
    host = urlsplit(instance).hostname if instance else None
    mentions = [_status(s, host) for s in statuses if isinstance(s, dict)]
    return [m for m in mentions if m is not None]


def _status(status: dict[str, Any], host: str | None) -> RawMention | None:
    # A boost is the original post seen again: keep the original, counted once.
    reblog = status.get("reblog")
    original = reblog if isinstance(reblog, dict) else status
    uri = original.get("uri") or original.get("url")
    if not isinstance(uri, str) or not uri.strip():
        return None
    url = text_field(original.get("url") or uri)
    account = original.get("account")
    if not isinstance(account, dict):
        account = {}
    return RawMention(
        platform="mastodon",
        external_id=clean_text(str(uri)),
        url=url or None,
        canonical_url=canonical_url(url),
        title=text_field(original.get("spoiler_text")),
        text=html_to_text(
            original.get("content") if isinstance(original.get("content"), str) else ""
        ),
        published_at=to_utc(original.get("created_at")),
        author=_account(account, host),
        likes=count(original.get("favourites_count")),
        shares=count(original.get("reblogs_count")),
        replies=count(original.get("replies_count")),
        language=text_field(original.get("language"))[:16] or None,
        # The timeline's own id (a boost's, not the original's) is what since_id pages by.
        raw={"id": str(status.get("id", "")), "visibility": text_field(original.get("visibility"))},
    )


def _account(account: dict[str, Any], host: str | None) -> RawAuthor | None:
    acct = text_field(account.get("acct") or account.get("username"))
    if not acct:
        return None
    profile = text_field(account.get("url")) or None
    if "@" not in acct:
        # Local accounts have a bare acct; the domain makes the handle unique across instances.
        domain = urlsplit(profile).hostname if profile else host
        acct = f"{acct}@{domain}" if domain else acct
    return RawAuthor(
        platform="mastodon",
        handle=acct,
        display_name=text_field(account.get("display_name")) or None,
        profile_url=profile,
        followers=optional_count(account.get("followers_count")),
    )
