"""How long a reply is where it will be posted, counted the way each platform counts.

- X (and "twitter"): twitter-text's weighted length. Every link counts 23 (t.co), whatever its
  length; an emoji, or a character outside Latin, Greek, Cyrillic, Hebrew, Arabic and general
  punctuation (CJK, for instance), counts 2; everything else 1; text is NFC-normalised first. The
  @handles a reply starts with are not counted (X shows them as "Replying to").
- Mastodon: graphemes, every link counts 23, and a mention of a remote account counts only its
  "@user" part (not "@instance.example"). The limit is per instance (500 by default): set
  `platform_limits."mastodon:fosstodon.org" = 1000` (one instance) or `platform_limits.mastodon`
  (all of the client's) in the reply_policy; replies from an account on that instance use it.
- Bluesky: graphemes (what a reader sees as one character), links as written.
- Any other platform: characters (code points).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import regex

from douse.core.policy.links import find_links

LINK_WEIGHT = 23
# twitter-text v3: code points in these ranges weigh 1, every other code point 2.
_X_LIGHT = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))
_EMOJI = regex.compile(r"\p{Extended_Pictographic}|\p{Regional_Indicator}")
_GRAPHEME = regex.compile(r"\X")
_LEADING_HANDLES = regex.compile(r"\A(?:\s*@\w{1,15}\b)+\s*")
_REMOTE_MENTION = regex.compile(r"(?<![\w@])@(\w+)@[\w.-]+\w")
GRAPHEME_PLATFORMS = frozenset({"bluesky", "mastodon", "threads"})


@dataclass(frozen=True)
class Length:
    count: int
    over_at: int | None
    """Index in the draft of the first character past the limit, or None when it fits."""


def _x_weight(grapheme: str) -> int:
    if _EMOJI.search(grapheme):
        return 2
    weight = 0
    for ch in unicodedata.normalize("NFC", grapheme):
        code = ord(ch)
        weight += 1 if any(lo <= code <= hi for lo, hi in _X_LIGHT) else 2
    return weight


def measure(text: str, platform: str | None, limit: int | None = None) -> Length:
    """The draft's length on `platform`, and where it passes `limit` (if given)."""
    name = (platform or "").lower().split(":", 1)[0]  # "mastodon:fosstodon.org" counts as Mastodon
    twitter = name in ("x", "twitter")
    mastodon = name == "mastodon"
    graphemes = twitter or name in GRAPHEME_PLATFORMS
    if not (graphemes or mastodon):
        over = limit is not None and len(text) > limit
        return Length(len(text), limit if over else None)
    links = find_links(text) if twitter or mastodon else []
    # Pieces of the draft, each with its weight: links and remote mentions count as one piece.
    pieces: list[tuple[int, int, int]] = []  # (start, end, weight)
    start = 0
    if twitter:
        lead = _LEADING_HANDLES.match(text)
        if lead:
            pieces.append((0, lead.end(), 0))
            start = lead.end()
            links = [(s, e) for s, e in links if s >= start]
    special = [(s, e, LINK_WEIGHT) for s, e in links]
    if mastodon:
        for m in _REMOTE_MENTION.finditer(text):
            if not any(s < m.end() and m.start() < e for s, e, _ in special):
                special.append((m.start(), m.end(), len(m.group(1)) + 1))
    special.sort()
    pos = start
    for s, e, w in special:
        pieces.extend(_plain(text, pos, s, graphemes, twitter))
        pieces.append((s, e, w))
        pos = e
    pieces.extend(_plain(text, pos, len(text), graphemes, twitter))
    count = 0
    over_at = None
    for s, _, w in pieces:
        count += w
        if limit is not None and over_at is None and count > limit:
            over_at = s
    return Length(count, over_at)


def _plain(
    text: str, start: int, end: int, graphemes: bool, twitter: bool
) -> list[tuple[int, int, int]]:
    if start >= end:
        return []
    segment = text[start:end]
    if not graphemes or (segment.isascii() and "\r" not in segment):
        # One piece per character, weight 1: ASCII has no clusters and no heavy characters.
        return [(i, i + 1, 1) for i in range(start, end)]
    out = []
    for m in _GRAPHEME.finditer(text, start, end):
        out.append((m.start(), m.end(), _x_weight(m.group()) if twitter else 1))
    return out
