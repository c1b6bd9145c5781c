"""`rss` sources: RSS, Atom, RDF (feedparser) and JSON Feed, fetched with conditional GET.

Google Alerts and Talkwalker links are unwrapped to the real article and their <b> highlighting
stripped; Reddit and Mastodon feeds keep the poster as author.
"""

from __future__ import annotations

import json
import re
import xml.sax
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser

from douse.core.ingest.adapters.common import text_field
from douse.core.ingest.fetch import Fetcher, InvalidPayload
from douse.core.ingest.normalize import (
    canonical_url,
    clean_text,
    html_to_text,
    to_utc,
    unwrap_redirect,
)
from douse.core.ingest.types import FetchPage, RawAuthor, RawMention, SourceSpec, SourceState
from douse.core.wording import plural

_FEED_ACCEPT = (
    "application/atom+xml, application/rss+xml, application/rdf+xml, application/feed+json, "
    "application/json;q=0.9, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1"
)
_MAX_ENTRIES = 2000  # a feed is a window on recent posts; a bigger one is a dump, not a feed


def fetch(fetcher: Fetcher, spec: SourceSpec, state: SourceState) -> FetchPage:
    result = fetcher.get(
        spec.target,
        etag=state.etag,
        last_modified=state.last_modified,
        headers={"Accept": _FEED_ACCEPT},
    )
    if result.not_modified:
        return FetchPage(
            items=[], etag=result.etag, last_modified=result.last_modified, not_modified=True
        )
    items, warning = parse_leniently(
        result.body, base_url=result.url, content_type=result.content_type
    )
    return FetchPage(
        items=items, etag=result.etag, last_modified=result.last_modified, warning=warning
    )


def parse(
    payload: bytes | str, *, base_url: str | None = None, content_type: str | None = None
) -> list[RawMention]:
    """Mentions from a feed document; anything that is not a feed raises `InvalidPayload`."""
    return parse_leniently(payload, base_url=base_url, content_type=content_type)[0]


def parse_leniently(
    payload: bytes | str, *, base_url: str | None = None, content_type: str | None = None
) -> tuple[list[RawMention], str | None]:
    """Mentions and, when the XML was broken but still yielded posts, a one-line warning.

    feedparser falls back to a lenient parser on malformed XML and sets `bozo`. Broken XML that
    yields no post at all is an error (`invalid XML: ...`), so a source serving garbage is never
    recorded healthy; broken XML that still yields posts keeps them, with a warning. Harmless
    bozo reasons (a wrong declared encoding, a feed served as text/plain) are not XML errors.
    """
    data = payload.encode("utf-8") if isinstance(payload, str) else payload
    if not data.strip():
        # feedparser returns an object without even a `version` for an empty document.
        raise InvalidPayload("empty response: the server sent no feed (200 with no body, or 204)")
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"{", b"[")):
        return parse_json_feed(data, base_url=base_url), None
    headers = {"content-location": base_url or ""}
    if content_type:
        headers["content-type"] = content_type
    parsed = feedparser.parse(data, response_headers=headers, sanitize_html=False)
    entries = list(parsed.entries[:_MAX_ENTRIES])
    if not parsed.version and not entries:
        raise InvalidPayload(f"not a feed: {_why(parsed, content_type)}")
    problem = parsed.get("bozo_exception")
    xml_error = problem if isinstance(problem, xml.sax.SAXException) else None
    if entries and isinstance(xml_error, xml.sax.SAXParseException) and _truncated(xml_error):
        # The document stops mid-entry: the last one may be cut short, and a later poll will
        # bring it whole (a shortened copy stored first would win deduplication).
        entries.pop()
    language = parsed.feed.get("language")
    # Relative entry links resolve against the document's address, else the site it names.
    base = base_url or _document_base(parsed.feed)
    mentions = [m for m in (_entry(entry, base, language) for entry in entries) if m is not None]
    if xml_error is None:
        return mentions, None
    why = _xml_problem(xml_error)
    if not mentions:
        raise InvalidPayload(f"invalid XML: {why}")
    return mentions, f"invalid XML read leniently ({why}); {plural(len(mentions), 'post')} kept"


def _xml_problem(error: xml.sax.SAXException) -> str:
    # No line/column: feedparser rewrites the prologue before parsing, so they would mislead.
    return clean_text(error.getMessage())[:100] or type(error).__name__


def _document_base(feed: Any) -> str | None:
    links = [link.get("href") or "" for link in feed.get("links", []) if link.get("rel") == "self"]
    for href in [*links, feed.get("link") or ""]:
        if href.lower().startswith(("http://", "https://")):
            return href
    return None


def _truncated(problem: xml.sax.SAXParseException) -> bool:
    return "no element found" in str(problem) or "unclosed token" in str(problem)


def _why(parsed: Any, content_type: str | None) -> str:
    media = (content_type or "").split(";", 1)[0].strip().lower()
    if media in {"text/html", "application/xhtml+xml"}:
        return f"got an HTML page ({media})"
    problem = parsed.get("bozo_exception")
    return clean_text(str(problem))[:120] if problem else "no RSS, Atom or JSON Feed content"


def _entry(entry: Any, base_url: str | None, language: str | None) -> RawMention | None:
    link = entry.get("link") or ""
    if link and base_url:
        link = urljoin(base_url, link)
    link = unwrap_redirect(clean_text(link)) if link else ""
    title = html_to_text(entry.get("title"))
    content = entry.get("content") or []
    body = content[0].get("value") if content else entry.get("summary")
    text = html_to_text(body)
    if not (title or text or link):
        return None
    external_id = clean_text(entry.get("id") or "") or link or None
    published = to_utc(entry.get("published_parsed") or entry.get("updated_parsed"))
    if published is None:
        published = to_utc(entry.get("published") or entry.get("updated"))
    platform, author = _author(entry, link)
    return RawMention(
        platform=platform,
        external_id=external_id,
        url=link or None,
        canonical_url=canonical_url(link) if link else None,
        title=title,
        text=text,
        published_at=published,
        author=author,
        language=clean_text(entry.get("language") or language or "")[:16] or None,
    )


_REDDIT_USER = re.compile(r"^/?u/([\w-]+)$")
_MASTODON_PATH = re.compile(r"^/@([\w.-]+)(?:@([\w.-]+))?/\d+")


def _author(entry: Any, link: str) -> tuple[str, RawAuthor | None]:
    """The platform a feed entry lives on and who posted it, as far as the feed says."""
    host = (urlsplit(link).hostname or "").lower() if link else ""
    detail = entry.get("author_detail") or {}
    name = clean_text(detail.get("name") or entry.get("author") or "")
    href = clean_text(detail.get("href") or "") or None
    if host == "reddit.com" or host.endswith(".reddit.com"):
        match = _REDDIT_USER.match(name)
        handle = match.group(1) if match else name
        if not handle:
            return "reddit", None
        return "reddit", RawAuthor(
            platform="reddit",
            handle=handle,
            profile_url=href or f"https://www.reddit.com/user/{handle}",
        )
    mastodon = _MASTODON_PATH.match(urlsplit(link).path) if link else None
    if mastodon:
        user, domain = mastodon.group(1), mastodon.group(2) or host
        return "mastodon", RawAuthor(
            platform="mastodon",
            handle=f"{user}@{domain}",
            display_name=name or None,
            profile_url=f"https://{domain}/@{user}",
        )
    if not name:
        return "web", None
    # A blog's "author" is only meaningful within that site, so the host scopes the handle.
    handle = f"{name}@{host}" if host else name
    return "web", RawAuthor(platform="web", handle=handle, display_name=name, profile_url=href)


def parse_json_feed(data: bytes, *, base_url: str | None = None) -> list[RawMention]:
    """JSON Feed 1.0 / 1.1 (https://jsonfeed.org), which feedparser 6.0 does not read."""
    try:
        doc = json.loads(data.decode("utf-8", errors="replace"))
    except (ValueError, RecursionError) as exc:
        raise InvalidPayload(f"invalid JSON: {clean_text(str(exc))[:120]}") from None
    if not isinstance(doc, dict) or "jsonfeed.org" not in str(doc.get("version", "")):
        raise InvalidPayload("not a feed: JSON without a JSON Feed version")
    items = doc.get("items")
    if not isinstance(items, list):
        raise InvalidPayload("not a feed: JSON Feed without items")
    feed_author = _json_author(doc)
    language = doc.get("language") if isinstance(doc.get("language"), str) else None
    mentions: list[RawMention] = []
    for item in items[:_MAX_ENTRIES]:
        if not isinstance(item, dict):
            continue
        link = item.get("url") or item.get("external_url") or ""
        link = unwrap_redirect(clean_text(link)) if isinstance(link, str) else ""
        if link and base_url:
            link = urljoin(base_url, link)
        body = item.get("content_html")
        text = html_to_text(body) if isinstance(body, str) else text_field(item.get("content_text"))
        title = html_to_text(item.get("title")) if isinstance(item.get("title"), str) else ""
        if not text:
            text = text_field(item.get("summary"))
        item_id = item.get("id")
        mentions.append(
            RawMention(
                platform="web",
                external_id=clean_text(str(item_id)) if item_id not in (None, "") else link or None,
                url=link or None,
                canonical_url=canonical_url(link) if link else None,
                title=title,
                text=text,
                published_at=to_utc(item.get("date_published") or item.get("date_modified")),
                author=_json_author(item, link) or feed_author,
                language=(item.get("language") or language or None),
            )
        )
    return mentions


def _json_author(obj: dict[str, Any], link: str = "") -> RawAuthor | None:
    author = obj.get("author")
    if not isinstance(author, dict):
        authors = obj.get("authors")
        author = authors[0] if isinstance(authors, list) and authors else None
    if not isinstance(author, dict) or not isinstance(author.get("name"), str):
        return None
    name = clean_text(author["name"])
    host = (urlsplit(link).hostname or "") if link else ""
    url = author.get("url") if isinstance(author.get("url"), str) else None
    return RawAuthor(
        platform="web",
        handle=f"{name}@{host}" if host else name,
        display_name=name,
        profile_url=url,
    )
