"""Does a post mention the client? Keywords and exclusions compiled once into single regexes.

Terms match whole words (so "Apple" never matches "Pineapple"), case-insensitively, with any
whitespace between the words of a phrase; quotes around a phrase are optional. Boundaries are
"no letter or digit next to it" rather than `\\b`, so terms such as "C++", "#douse" or "@acme"
work too.

Exclusions win in two ways:
- an exclusion that contains a keyword ("apple pie" for "Apple") removes only the keyword
  occurrences inside it: "apple pie recipe" is no match, "Apple's support and apple pie" is;
- an exclusion that contains no keyword ("recipe", "job offer") rejects the whole post.

With no keywords at all, every post matches (the source itself is the filter, e.g. a client's
own review export) unless an exclusion rejects it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

_QUOTES = "\"'“”‘’«»"


def _term(raw: str) -> str:
    term = unicodedata.normalize("NFC", " ".join(str(raw).split())).strip(_QUOTES + " ")
    return " ".join(term.split())


def _fold(text: str) -> str:
    """Full case folding ("Straße" and "STRASSE" agree), composed so accents compare equal."""
    if text.isascii():
        return text.lower()
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    folded = text.casefold()
    return (
        folded if unicodedata.is_normalized("NFC", folded) else unicodedata.normalize("NFC", folded)
    )


def _pattern(terms: list[str]) -> re.Pattern[str] | None:
    """One regex for all terms, as a trie: Python's re tries alternatives one by one, so 500
    keywords sharing prefixes are much faster as nested groups than as a flat alternation."""
    if not terms:
        return None
    trie: dict[str, Any] = {}
    for term in terms:
        node = trie
        for char in _fold(term):
            node = node.setdefault(char, {})
        node[""] = {}
    return re.compile(r"(?<![^\W_])" + _emit(trie) + r"(?![^\W_])")


def _emit(node: dict[str, Any]) -> str:
    ends_here = "" in node
    branches = [
        (r"\s+" if char == " " else re.escape(char)) + _emit(child)
        for char, child in sorted(node.items())
        if char
    ]
    if not branches:
        return ""
    if len(branches) == 1 and not ends_here:
        return branches[0]
    # Greedy "?" tries the longer term first; the boundary check backtracks to a shorter one.
    return "(?:" + "|".join(branches) + ")" + ("?" if ends_here else "")


def _key(text: str) -> str:
    return " ".join(_fold(text).split())


class KeywordMatcher:
    """Compiled once per client; `matches` and `hits` are then one regex scan each."""

    def __init__(self, keywords: Iterable[str], exclusions: Iterable[str] = ()) -> None:
        self.keywords = _unique(_term(k) for k in keywords)
        excluded = _unique(_term(e) for e in exclusions)
        self._keyword_re = _pattern(self.keywords)
        self._by_key = {_key(k): k for k in self.keywords}
        # Decided here, once: does this exclusion narrow a keyword or veto the post?
        narrowing = [e for e in excluded if self._keyword_re and self._keyword_re.search(_fold(e))]
        vetoes = [e for e in excluded if e not in narrowing]
        self.exclusions = excluded
        self._narrow_re = _pattern(narrowing)
        self._veto_re = _pattern(vetoes)

    def matches(self, text: str) -> bool:
        return self._scan(text, first_only=True) != []

    def hits(self, text: str) -> list[str]:
        """The keywords found (as configured, each once, in order of appearance)."""
        found = self._scan(text, first_only=False)
        return [] if found == [""] else found

    def _scan(self, text: str, *, first_only: bool) -> list[str]:
        if not text:
            return [] if self.keywords else [""]
        text = _fold(text)
        if self._veto_re and self._veto_re.search(text):
            return []
        if self._keyword_re is None:
            return [""]
        masked = [m.span() for m in self._narrow_re.finditer(text)] if self._narrow_re else []
        found: list[str] = []
        for match in self._keyword_re.finditer(text):
            start, end = match.span()
            if any(lo <= start and end <= hi for lo, hi in masked):
                continue
            keyword = self._by_key.get(_key(match.group()), match.group())
            if keyword not in found:
                found.append(keyword)
                if first_only:
                    break
        return found


def _unique(terms: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for term in terms:
        if term and _key(term) not in seen:
            seen.add(_key(term))
            out.append(term)
    return out
