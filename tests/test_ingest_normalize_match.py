"""Keeping only posts that mention the client: words, phrases, case, unicode, exclusions."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from douse.core.ingest.match import KeywordMatcher


def test_whole_words_only_and_case_insensitive() -> None:
    m = KeywordMatcher(["Apple"])
    assert m.matches("I love my APPLE watch")
    assert m.matches("Apple's support is awful")
    assert not m.matches("Pineapple pizza")
    assert not m.matches("Applebee's")


def test_phrases_quoted_or_not_allow_any_whitespace() -> None:
    m = KeywordMatcher(['"Horizon Realty"', "Moon Bank"])
    assert m.hits("horizon\n  REALTY sued me, moon bank too") == ["Horizon Realty", "Moon Bank"]
    assert not m.matches("Horizon is realty")


def test_exclusion_inside_a_keyword_only_removes_that_occurrence() -> None:
    m = KeywordMatcher(["Apple"], ["apple pie"])
    assert not m.matches("Grandma's apple pie recipe")
    assert m.matches("Apple support ignored me, so I baked an apple pie")
    assert m.hits("apple pie and Apple Music") == ["Apple"]


def test_exclusion_without_the_keyword_vetoes_the_post() -> None:
    m = KeywordMatcher(["Slack"], ["automotive"])
    assert m.matches("Slack was down all morning")
    assert not m.matches("Automotive Slack Market reports provides an overview")


def test_unicode_terms_and_symbols() -> None:
    m = KeywordMatcher(["Café Zoë", "C++", "#douse", "Müller"])
    assert m.hits("Le CAFÉ ZOË est fermé") == ["Café Zoë"]
    # The same word typed with a combining accent (NFD) still matches.
    assert m.matches("Cafe\u0301 Zoe\u0308 again")
    assert m.matches("we use C++ here")
    assert m.matches("loving #douse today")
    assert m.matches("MÜLLER Milch")
    assert not m.matches("Müllerstraße")


def test_hits_report_each_keyword_once_as_configured() -> None:
    m = KeywordMatcher(["Acme", "acme corp", "ACME"])
    assert m.keywords == ["Acme", "acme corp"]
    assert m.hits("ACME! acme corp and Acme again") == ["Acme", "acme corp"]


def test_no_keywords_means_the_source_is_the_filter() -> None:
    assert KeywordMatcher([]).matches("any review at all")
    assert not KeywordMatcher([], ["spam"]).matches("buy SPAM now")


def test_regex_metacharacters_in_terms_are_literal() -> None:
    m = KeywordMatcher(["a.b", "(x)"])
    assert m.matches("see a.b now")
    assert not m.matches("see acb now")
    assert m.matches("the (x) factor")


@settings(max_examples=300, deadline=None)
@given(
    keywords=st.lists(st.text(min_size=1, max_size=12), max_size=5),
    exclusions=st.lists(st.text(min_size=1, max_size=12), max_size=3),
    text=st.text(max_size=300),
)
def test_hostile_terms_and_texts_never_crash(
    keywords: list[str], exclusions: list[str], text: str
) -> None:
    m = KeywordMatcher(keywords, exclusions)
    hits = m.hits(text)
    assert m.matches(text) == (bool(hits) or (not m.keywords and m.matches(text)))
    assert all(h in m.keywords for h in hits)


@settings(max_examples=200, deadline=None)
@given(
    word=st.from_regex(r"[A-Za-zÀ-ÿ]{2,10}", fullmatch=True),
    before=st.sampled_from(["", " ", "!", "(", "\n", "— "]),
    after=st.sampled_from(["", " ", ".", "'s", ")", "\t"]),
)
def test_a_keyword_is_found_whatever_punctuation_surrounds_it(
    word: str, before: str, after: str
) -> None:
    assert KeywordMatcher([word]).matches(f"{before}{word.upper()}{after}")


def test_long_near_miss_text_is_scanned_correctly() -> None:
    # Near-miss phrases and long whitespace runs: the shape that makes naive patterns backtrack
    # (speed itself is measured in bench/bench_ingest_normalize.py).
    m = KeywordMatcher([f"brand{i}" for i in range(300)] + ["Horizon Realty"], ["realty tv"])
    text = ("Horizon " + " " * 50 + "a" * 200 + " ") * 500
    assert not m.matches(text)
    assert m.hits(text + "Horizon   Realty") == ["Horizon Realty"]
