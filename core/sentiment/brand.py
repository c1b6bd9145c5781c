"""A client's own names carry no sentiment: "united" is +1.8 in VADER's lexicon, "joy" +2.8,
"best" +3.2, and a complaint that names United, Joy Airways or Best Buy must not read as praise.

`brand_terms_for` turns what douse knows about a client (name, slug, keywords, account handles)
into the terms to neutralise; `BrandMask` finds them in a text and hides them from VADER and the
reputation rules by overwriting their letters with "x" (a letter no lexicon word is made of),
keeping the text's length, its words' count and their case, so nothing else about the text's
scoring changes and the reasons can still quote the original words.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache

from douse.core.sentiment.dispatch import skipping
from douse.core.sentiment.language import EN_COMMON, EN_HINTS

# Words companies put after the part of their name people actually write: "Spirit Airlines" is
# "Spirit" in a tweet. Only stripped when what is left is a distinctive word (see below).
_NAME_SUFFIXES = frozenset(
    {
        "airlines", "airline", "airways", "air", "lines", "aviation", "bank", "banking",
        "insurance", "mobile", "wireless", "telecom", "telecoms", "broadband", "energy", "games",
        "gaming", "studios", "studio", "software", "inc", "ltd", "llc", "plc", "corp", "co",
        "company", "group", "holdings", "international", "official", "support", "help", "care",
        "team", "uk", "usa", "hq", "app",
    }
)  # fmt: skip
# "US Airways" minus "Airways" is "us": a brand term that would hide every "us" in every post.
_TOO_COMMON = EN_HINTS | EN_COMMON
_SEPARATORS = re.compile(r"[\s_\-]+")
_WORD_CHARS = re.compile(r"[^\W_]+")
MAX_TERMS = 64
MAX_TERM_CHARS = 80


def _clean(raw: str) -> str:
    term = unicodedata.normalize("NFC", str(raw)).replace("’", "'").strip()
    term = term.strip("\"'“”‘«»").strip()
    term = term.lstrip("@#")
    # "best-buy", "best_buy" and "Best  Buy" are the same name.
    return " ".join(_SEPARATORS.sub(" ", term).split()).casefold()


def _distinctive_head(term: str) -> str | None:
    """'spirit airlines' -> 'spirit'; None when nothing generic trails the name."""
    words = term.split()
    while len(words) > 1 and words[-1] in _NAME_SUFFIXES:
        words.pop()
    if len(words) == len(term.split()):
        return None
    head = " ".join(words)
    if len(head) < 3 or head in _TOO_COMMON:
        return None
    return head


def brand_terms_for(
    name: str = "",
    slug: str = "",
    keywords: Iterable[str] = (),
    handles: Iterable[str] = (),
) -> tuple[str, ...]:
    """The terms that name a client, lower-cased, longest first, without duplicates.

    Each of name, slug (hyphens read as spaces), keyword and handle is a term (leading "@"/"#"
    dropped); a multi-word name or keyword ending in a generic word ("Airlines", "Bank", "Inc",
    "Support") also gives its head ("Spirit Airlines" -> "spirit"), unless that head is a common
    English word ("US Airways" never makes "us" a brand term).
    """
    terms: set[str] = set()
    for raw in (name, slug, *keywords, *handles):
        term = _clean(raw)
        if not term or len(term) > MAX_TERM_CHARS or not _WORD_CHARS.search(term):
            continue
        terms.add(term)
        head = _distinctive_head(term)
        if head:
            terms.add(head)
    return tuple(sorted(terms, key=lambda t: (-len(t), t))[:MAX_TERMS])


def _term_pattern(term: str) -> str:
    # Words of a phrase may be written apart, hyphenated or run together: "Best Buy",
    # "best-buy", "#BestBuy".
    return r"[\s_\-]*".join(re.escape(word) for word in term.split())


@lru_cache(maxsize=512)
def _compiled(terms: tuple[str, ...]) -> re.Pattern[str] | None:
    cleaned = sorted({_clean(t) for t in terms} - {""}, key=lambda t: (-len(t), t))
    if not cleaned:
        return None
    alternatives = "|".join(_term_pattern(term) for term in cleaned)
    # Whole words only: "united" is in "@united" and "United's", not in "reunited".
    # `skipping`: re jumps in C to the letters a term starts with instead of trying every position.
    return skipping(rf"(?<![^\W_])(?:{alternatives})(?![^\W_])", re.IGNORECASE)


_ASCII_MASK = str.maketrans(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", "X" * 26 + "x" * 26
)


def _mask(span: str) -> str:
    if span.isascii():
        return span.translate(_ASCII_MASK)
    return "".join(("X" if ch.isupper() else "x") if ch.isalpha() else ch for ch in span)


class BrandMask:
    """The brand terms of one client, compiled once (and cached across calls)."""

    def __init__(self, terms: Sequence[str]) -> None:
        self._pattern = _compiled(tuple(terms))

    def apply(self, text: str) -> tuple[str, list[str]]:
        """The text with brand words overwritten, and the words hidden that VADER would have
        scored (as written): not those of an @handle, which it never reads."""
        if self._pattern is None:
            return text, []
        hidden: list[str] = []

        def masked(match: re.Match[str]) -> str:
            span = match.group()
            if match.start() == 0 or text[match.start() - 1] != "@":
                hidden.extend(_WORD_CHARS.findall(span))
            return _mask(span)

        return self._pattern.sub(masked, text), hidden
