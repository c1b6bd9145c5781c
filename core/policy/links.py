"""Where the links are in a draft: platforms count them differently, and their digits are ids.

A link is what X, Mastodon and Bluesky would turn into one: a `http(s)://` or `www.` address, or a
bare domain with a common top-level domain ("help.example.com/reset", "amzn.to/abc"). Trailing
punctuation that ends the sentence is not part of the link.
"""

from __future__ import annotations

import re

# Common generic and country top-level domains; a bare "word.tld" only becomes a link with one of
# these (so "e.g." and "v1.2" stay words), as on X, which links bare domains by a TLD list too.
_TLDS = (
    "com|org|net|edu|gov|int|mil|io|co|uk|us|ca|de|fr|es|it|nl|eu|info|biz|me|tv|ly|to|gl|app|"
    "dev|ai|gg|au|nz|ie|in|jp|br|mx|ch|se|no|dk|fi|pl|be|at|pt|cz|ru|cn|kr|sg|hk|za|ar|cl|help|"
    "support|shop|store|online|site|link|page|news|blog|xyz|social|example"
)
_LINK = re.compile(
    r"(?:\bhttps?://|\bwww\.)[^\s<>\"]+"
    r"|(?<![@\w.\-/])(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:" + _TLDS + r")"
    r"(?![\w\-@])(?:[/?#][^\s<>\"]*)?",
    re.IGNORECASE,
)
_TRAILING = ".,;:!?)]}'\"…’”"


def find_links(text: str) -> list[tuple[int, int]]:
    """(start, end) of every link in `text`, in order."""
    spans = []
    for m in _LINK.finditer(text):
        start, end = m.span()
        while end > start and text[end - 1] in _TRAILING:
            # A closing bracket that the link itself opened stays: "wiki/Foo_(bar)".
            if text[end - 1] == ")" and text[start:end].count("(") >= text[start:end].count(")"):
                break
            end -= 1
        if end > start:
            spans.append((start, end))
    return spans


def inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether [start, end) overlaps any of the spans."""
    return any(start < e and s < end for s, e in spans)


def blank_out(text: str, spans: list[tuple[int, int]], fill: str = " ") -> str:
    """`text` with the spans replaced by `fill` characters, so positions still line up."""
    if not spans:
        return text
    chars = list(text)
    for s, e in spans:
        chars[s:e] = fill * (e - s)
    return "".join(chars)
