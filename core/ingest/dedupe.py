"""Identity of a mention: the idempotency key and the near-duplicate fingerprint.

The dedupe key makes a re-ingest a no-op: the platform's own id when there is one, else the
canonical URL, else a hash of what the post says and who said it when. The fingerprint catches
copies that carry a different key: syndicated articles, retweets, quotes, cross-posts.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import datetime

from douse.core.ingest.types import RawMention
from douse.core.sentiment.dispatch import skipping

# Mention.dedupe_key is String(1000); longer keys are hashed, keeping a readable prefix.
MAX_KEY_LENGTH = 1000
# Below this many words, identical text from two people is coincidence ("Acme is down"), not a
# copy: linking them would hide a second complainer from the incident engine.
MIN_FINGERPRINT_WORDS = 6

_URL = skipping(r"https?://\S+|www\.\S+", re.IGNORECASE)
_RETWEET = re.compile(r"^(?:rt|via)\s+@?[\w.@-]+:?\s*", re.IGNORECASE)
_VIA_SUFFIX = re.compile(r"\s(?:via|h/t|cc)\s+@[\w.@-]+\s*$", re.IGNORECASE)
_HANDLE = skipping(r"(?<!\w)@[\w.-]+(?:@[\w.-]+)?")
_NON_WORD = re.compile(r"[^\w]+")


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _bounded(key: str) -> str:
    if len(key) <= MAX_KEY_LENGTH:
        return key
    return f"{key[:200]}#sha256:{_sha(key)}"


def normalize_for_fingerprint(text: str) -> str:
    """Lowercased words only: URLs, retweet/via markers, @handles and punctuation removed."""
    text = unicodedata.normalize("NFKC", text).casefold()
    # Each pattern is tried only when its anchor is present: most posts have no link or handle.
    if "http" in text or "www." in text:
        text = _URL.sub(" ", text)
    # Strip stacked "RT @a: RT @b:" prefixes one by one.
    previous = None
    while previous != text and text.lstrip().startswith(("rt", "via")):
        previous = text
        text = _RETWEET.sub("", text.strip())
    if "@" in text:
        text = _VIA_SUFFIX.sub("", text)
        text = _HANDLE.sub(" ", text)
    return " ".join(_NON_WORD.sub(" ", text).split())


def fingerprint(title: str, text: str) -> str | None:
    """A hash of the normalised body (or title + body when the body is short); None when too
    short to tell a copy from a coincidence."""
    body = normalize_for_fingerprint(text)
    if len(body.split()) < MIN_FINGERPRINT_WORDS:
        body = normalize_for_fingerprint(f"{title} {text}")
        if len(body.split()) < MIN_FINGERPRINT_WORDS:
            return None
    return _sha(body)[:32]


def normalize_handle(handle: str) -> str:
    """One spelling per account: handles are case-insensitive on every platform douse reads."""
    return handle.strip().lstrip("@").casefold()


def content_key(
    platform: str, author_handle: str | None, published_at: datetime | None, text: str
) -> str:
    """A key for a post that has neither an id nor a URL (a review export row, a phone call)."""
    stamp = published_at.isoformat() if published_at else ""
    handle = normalize_handle(author_handle) if author_handle else ""
    body = " ".join(unicodedata.normalize("NFKC", text).casefold().split())
    digest = _sha("\x1f".join((handle, stamp, body)))[:40]
    return f"{platform}:content:{digest}"


def dedupe_key(item: RawMention) -> str:
    """The idempotency key of a mention within its client."""
    if item.external_id and item.external_id.strip():
        return _bounded(f"{item.platform}:id:{item.external_id.strip()}")
    if item.canonical_url:
        # Platform-neutral on purpose: the same article reached through an alert feed and
        # through the site's own feed is one mention.
        return _bounded(f"url:{item.canonical_url}")
    handle = item.author.handle if item.author else None
    return content_key(item.platform, handle, item.published_at, f"{item.title}\n{item.text}")
