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
