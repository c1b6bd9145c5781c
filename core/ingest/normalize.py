"""Turn what the web sends into inert plain text, canonical URLs and UTC times.

Everything here is total: hostile or malformed input gives a best-effort value (or None), never
an exception, and text never carries terminal control sequences out of this module.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from douse.core.clock import as_utc
from douse.core.text import strip_controls

_HSPACE = re.compile(r"[^\S\n]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def clean_text(text: str | None) -> str:
    """Plain text from a platform that already sends text: controls out, whitespace tidied."""
    if not text:
        return ""
    # Most fields are one tidy line: no control, format or non-space separator characters
    # (isprintable), no space run to collapse and none to strip. They are already clean, and
    # ingestion calls this several times per post.
    if text.isprintable() and "  " not in text and text[0] != " " and text[-1] != " ":
        return text
    text = strip_controls(text)
    lines = [_HSPACE.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


_BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "fieldset",
        "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
        "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul",
    }
)  # fmt: skip
# Paragraph-like blocks are separated by a blank line, other blocks by a line break.
_PARAGRAPH_TAGS = frozenset(
    {"p", "blockquote", "pre", "ul", "ol", "table", "h1", "h2", "h3", "h4", "h5", "h6", "hr"}
)
_DANGLING_TAG = re.compile(r"<[A-Za-z/!][^<>]*$")
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "head", "title", "svg"})


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self.skip_depth += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n" if tag in _PARAGRAPH_TAGS else "\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self.skip_depth = max(0, self.skip_depth - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n" if tag in _PARAGRAPH_TAGS else "\n")

    def handle_data(self, data: str) -> None:
        if not self.skip_depth:
            self.parts.append(data)


def html_to_text(html: str | None) -> str:
    """Visible text of HTML: tags dropped, entities decoded, block elements on their own lines."""
    if not html:
        return ""
    if "<" not in html and "&" not in html:
        return clean_text(html)
    # A fragment cut off inside a tag (feed summaries are truncated) would surface as text.
    html = _DANGLING_TAG.sub("", html)
    parser = _TextExtractor()
    try:
        parser.feed(html)
        parser.close()
    except Exception:
        # html.parser is lenient, but a truly broken fragment must not lose the post: keep the
        # raw text with tags crudely removed.
        return clean_text(re.sub(r"<[^>]*>", " ", html))
    # Non-breaking spaces from &nbsp; are layout, not content.
    return clean_text("".join(parser.parts).replace("\xa0", " "))


# Query parameters that identify a campaign, a click or a referrer, never the content.
_TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "gclsrc", "dclid", "msclkid", "yclid", "twclid", "ttclid", "igshid",
        "mc_cid", "mc_eid", "_ga", "_gl", "_hsenc", "_hsmi", "hsctatracking", "mkt_tok",
        "oly_anon_id", "oly_enc_id", "vero_id", "vero_conv", "wt.mc_id", "wt_mc", "cmpid",
        "ncid", "sr_share", "ref", "ref_src", "ref_url", "referrer", "rss", "spm", "share",
        "cid", "ocid", "guccounter", "guce_referrer", "guce_referrer_sig",
    }
)  # fmt: skip
_TRACKING_PREFIXES = ("utm_", "at_", "pk_", "mtm_", "hmb_")
_WHITESPACE = re.compile(r"\s")
# Lower-case http(s), a lower-case host name without port, credentials or trailing dot, a path
# and no query or fragment: exactly the URLs canonical_url would give back unchanged.
_SIMPLE_URL = re.compile(r"https?://[a-z0-9-]+(?:\.[a-z0-9-]+)*((?:/[^?#]*)?)", re.ASCII)
_DEFAULT_PORTS = {"http": 80, "https": 443}


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in _TRACKING_PARAMS or lowered.startswith(_TRACKING_PREFIXES)


def canonical_url(url: str | None) -> str | None:
    """One spelling per page: tracking parameters, fragment, credentials and default port dropped,
    scheme and host lowercased, an empty path made "/". Non-web URLs come back merely cleaned."""
    if not url:
        return None
    cleaned = strip_controls(url).strip()
    if _WHITESPACE.search(cleaned):
        cleaned = _WHITESPACE.sub("%20", cleaned)
    if not cleaned:
        return None
    simple = _SIMPLE_URL.fullmatch(cleaned)
    if simple is not None:
        # Already canonical but for a missing "/" (most links in exports): skip urlsplit.
        return cleaned if simple.group(1) else cleaned + "/"
    return _canonical_parts(cleaned)


def _canonical_parts(cleaned: str) -> str:
    try:
        parts = urlsplit(cleaned)
        scheme = parts.scheme.lower()
        if scheme not in _DEFAULT_PORTS or not parts.hostname:
            return cleaned
        host = parts.hostname.lower().rstrip(".")
        if ":" in host:
            host = f"[{host}]"
        port = parts.port
    except ValueError:
        return cleaned
    netloc = host if port is None or port == _DEFAULT_PORTS[scheme] else f"{host}:{port}"
    query = ""
    if parts.query:
        pairs = parse_qsl(parts.query, keep_blank_values=True)
        query = urlencode([(k, v) for k, v in pairs if not _is_tracking(k)], quote_via=quote)
    path = parts.path or "/"
    return urlunsplit((scheme, netloc, path, query, ""))


def _redirect_target(url: str) -> str | None:
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        return None
    params = dict(parse_qsl(parts.query, keep_blank_values=True))
    candidates: tuple[str, ...] = ()
    if (host.startswith(("google.", "www.google.")) and parts.path == "/url") or (
        "talkwalker." in host and "redirect" in parts.path
    ):
        candidates = ("url", "q", "u")
    elif host in {"l.facebook.com", "lm.facebook.com"} and parts.path == "/l.php":
        candidates = ("u",)
    elif host in {"out.reddit.com", "t.umblr.com"}:
        candidates = ("url", "z")
    for name in candidates:
        target = params.get(name, "")
        if target.lower().startswith(("http://", "https://")):
            return target
    return None


def unwrap_redirect(url: str) -> str:
    """The real article behind an alert service's click-tracking link (Google, Talkwalker, ...)."""
    current = url
    # Wrappers can be nested (a Google redirect to a Facebook redirect); a few levels is plenty.
    for _ in range(4):
        target = _redirect_target(current)
        if target is None:
            return current
        current = unquote(target) if target.lower().startswith(("http%3a", "https%3a")) else target
    return current


def to_utc(value: object) -> datetime | None:
    """An aware UTC datetime from a datetime, a UTC struct_time (feedparser), epoch seconds or
    milliseconds, or an ISO 8601 / RFC 2822 string; None when it cannot be read."""
    try:
        if value is None or isinstance(value, bool):
            return None
        if isinstance(value, datetime):
            return as_utc(value)
        if isinstance(value, time.struct_time):
            return datetime(*value[:6], tzinfo=UTC)
        if isinstance(value, int | float):
            seconds = float(value)
            # Epoch milliseconds (JavaScript, many exports) are far beyond any plausible seconds.
            if abs(seconds) > 1e11:
                seconds /= 1000.0
            return datetime.fromtimestamp(seconds, UTC)
        if isinstance(value, str):
            return _parse_time_text(value.strip())
    except (ValueError, OverflowError, OSError, TypeError):
        return None
    return None


_NUMBER = re.compile(r"-?\d+(\.\d+)?")
_EXTRA_DIGITS = re.compile(r"(\.\d{6})\d+")


def _parse_time_text(text: str) -> datetime | None:
    if not text:
        return None
    if _NUMBER.fullmatch(text):
        return to_utc(float(text))
    if text[:4].isdigit() and text[-1:] in "Z0123456789":
        # The common shape (exports, APIs): Python reads it as it is, "Z" included.
        try:
            return as_utc(datetime.fromisoformat(text))
        except ValueError:
            pass
    iso = text.replace("Z", "+00:00").replace("z", "+00:00")
    # fromisoformat in 3.11 accepts up to 6 fractional digits; Bluesky sends more or fewer.
    iso = _EXTRA_DIGITS.sub(r"\1", iso)
    try:
        return as_utc(datetime.fromisoformat(iso))
    except ValueError:
        pass
    try:
        return as_utc(parsedate_to_datetime(text))
    except (ValueError, TypeError, IndexError):
        return None
