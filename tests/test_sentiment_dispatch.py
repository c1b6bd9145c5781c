"""The first-character scanner finds exactly what the one big alternation of every rule finds."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from douse.core.sentiment.dispatch import (
    SPACES,
    FirstCharScanner,
    expand,
    first_characters,
    first_pairs,
    skipping,
    top_level_alternatives,
)
from douse.core.sentiment.evaluation import load_examples
from douse.core.sentiment.rules import RULE_STARTS, RULES

DATA = Path(__file__).resolve().parent / "data" / "sentiment"
# The reference: what find_hits used to scan with.
PLAIN = re.compile(
    RULE_STARTS + "(?:" + "|".join(f"(?P<{r.name}>{r.pattern})" for r in RULES) + ")"
)
SCANNER = FirstCharScanner([(r.name, r.pattern) for r in RULES], RULE_STARTS)
# Words the rules are made of, so generated texts hit rules often, plus awkward characters.
VOCABULARY = sorted(
    {w for r in RULES for w in re.findall(r"[a-z']{2,}", r.pattern)}
    | {"3", "45", "٣", "10/10", "/s", "-", "  ", "\n", "!", "é", "İ", "but", "not", "#", "’"}
)


def plain(text: str) -> list[tuple[str, int, int]]:
    return [(m.lastgroup or "", m.start(), m.end()) for m in PLAIN.finditer(text)]


def test_alternatives_split_only_at_the_top_level() -> None:
    assert top_level_alternatives(r"a|b(c|d)|[|]|\||[]|]x") == [
        "a",
        "b(c|d)",
        "[|]",
        r"\|",
        "[]|]x",
    ]
    assert expand(r"\b(?:on hold|waited (?:an?|\d+)) hours\b") == [
        r"\b(?:on hold) hours\b",
        r"\b(?:waited (?:an?|\d+)) hours\b",
    ]
    assert expand(r"(?:a|b)?c") == [r"(?:a|b)?c"], "an optional group is not expanded"


def test_first_characters_are_a_superset_or_unknown() -> None:
    assert first_characters(r"\b(?:waited|stuck)") == frozenset("ws")
    assert first_characters(r"[a-c]x|y") == frozenset("abcy")
    assert first_characters(r"\w+") is None
    assert first_characters(r"a?") is None, "can match empty: could be anywhere"
    digits = first_characters(r"\d+ hours")
    assert digits is not None and set("0123456789") < digits


def test_first_pairs_are_a_superset_or_unknown() -> None:
    assert first_pairs(r"\bwhy (?:is|are)") == frozenset({"wh"})
    assert first_pairs(r"\b(?:please|pls) help") == frozenset({"pl"})
    assert first_pairs(r"[ab]c?d") == frozenset({"ac", "ad", "bc", "bd"})
    assert first_pairs(r"/(?<![^\s]/)s\b") == frozenset({"/s"}), "a lookbehind is zero-width"
    assert first_pairs(r"#\w*fail") is None, "a class of any word character: unknown"
    assert first_pairs(r"\bi\s+need") == frozenset("i" + space for space in SPACES)
    assert first_pairs(r"\bi\w+") is None
    assert first_pairs(r"ab?") is None, "a match can be one character long"


def test_spaces_are_what_backslash_s_matches() -> None:
    assert {chr(c) for c in range(0x110000) if re.match(r"\s", chr(c))} == SPACES


def test_the_eval_texts_give_identical_matches() -> None:
    texts = [
        e.text.lower()
        for name in ("eval", "holdout")
        for e in load_examples(DATA / f"{name}.jsonl")
    ]
    found = 0
    for text in texts:
        expected = plain(text)
        assert list(SCANNER.finditer(text)) == expected, text
        found += len(expected)
    assert found > 150, "the sets exercise the rules"


ALTERNATIVES = sorted(
    {a for r in RULES for top in top_level_alternatives(r.pattern) for a in expand(top)}
)
# A phrase that some alternative matches, for texts that hit rules (and near misses) often.
PHRASES = st.sampled_from(ALTERNATIVES).flatmap(
    lambda alt: st.from_regex(
        re.compile(alt), fullmatch=True, alphabet=st.characters(codec="utf-8")
    )
)


@settings(max_examples=600, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(VOCABULARY), PHRASES), max_size=12).map(" ".join))
def test_any_text_gives_identical_matches(text: str) -> None:
    assert list(SCANNER.finditer(text)) == plain(text)


# --- skipping: a leading lookahead of the first characters, the same matches ---------------

# What douse compiles with `skipping`, and sources where it must leave things as they are
# (a class it cannot enumerate, a match that can be empty, non-ASCII digits).
SKIPPED = [
    (r"\b(?:flight|flt|fl)\s*(?:#|no\.?)?\s*(?:[a-z]{2}\s?)?(\d{1,4})\b", re.IGNORECASE),
    (r"(?<!\w)#(?:[A-Za-z]{2})?(\d{3,4})\b", 0),
    (
        r"\b(?:order|booking|ref|ticket)\s*(?:no\.?|#)?\s*[:#]?\s*([A-Za-z0-9][A-Za-z0-9-]{4,24})\b",
        re.I,
    ),
    (r"(?<!\w)@[\w.-]+(?:@[\w.-]+)?", 0),
    (r"https?://\S+|www\.\S+", re.IGNORECASE),
    (r"\b[A-Z]{6}\b", 0),
    (r"\b(?:\d+) (?:hours?|days?) late\b", 0),
    (r"(?<![\w@])(\w+)-?\d+", 0),
    (r"\b(?:x*)", 0),
]
SKIP_WORDS = [
    "flight", "FLT", "Fl", "#", "#AB123", "1234", "٣٤٥", "order", "ORDER", "ref", "ticket",
    "AB-1234", "@acme", "a@b.c", "http://x.y", "WWW.acme.com", "ABCDEF", "abcdef", "3 hours",
    "late", "no.", ":", "-", " ", "\n", "é", "İ", "K", "\u212a", "x", "XPS13",
]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(SKIP_WORDS), max_size=12).map("".join))
def test_skipping_finds_what_the_pattern_finds(text: str) -> None:
    for source, flags in SKIPPED:
        fast, plain_pattern = skipping(source, flags), re.compile(source, flags)
        found = [(m.span(), m.groups()) for m in fast.finditer(text)]
        assert found == [(m.span(), m.groups()) for m in plain_pattern.finditer(text)]


def test_skipping_adds_a_lookahead_only_where_the_first_characters_are_known() -> None:
    assert skipping(r"\bfoo|\bbar").pattern == r"(?=[bf])(?:\bfoo|\bbar)"
    assert skipping(r"\b\d+ days").pattern == r"(?=[0123456789\d])(?:\b\d+ days)"
    assert skipping(r"(?<!\w)\w+").pattern == r"(?<!\w)\w+"  # \w: could start with anything
    assert skipping(r"\bfoo", re.VERBOSE).pattern == r"\bfoo"
