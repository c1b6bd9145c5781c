"""Sentiment scoring: VADER as nltk computes it, the reputation layer on top, labels, reasons,
the language guard, and loading the lexicon without ever downloading anything."""

from __future__ import annotations

from dataclasses import astuple
from pathlib import Path

import nltk
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nltk.sentiment.vader import SentiText, VaderConstants

from douse.core.errors import DouseError
from douse.core.sentiment import Analyzer, SentimentResult, ThresholdError
from douse.core.sentiment.evaluation import load_examples
from douse.core.sentiment.lexicon import RESOURCE_NAME, shipped_lexicon_bytes
from douse.core.sentiment.rules import find_hits
from douse.core.sentiment.vader import (
    _DELETE_PUNCT,
    FastVader,
    compound_of,
    fast_tokens,
    word_valences,
)

DATA = Path(__file__).parent / "data" / "sentiment"


@pytest.fixture(scope="module")
def analyzer(tmp_path_factory: pytest.TempPathFactory) -> Analyzer:
    return Analyzer(cache_dir=tmp_path_factory.mktemp("cache"))


# --- the lexicon comes from vaderSentiment, never from the internet ---------------------------


def test_lexicon_is_copied_to_the_cache_dir_and_nothing_is_downloaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_download(*args: object, **kwargs: object) -> None:
        raise AssertionError("nltk.download must never be called")

    monkeypatch.setattr(nltk, "download", no_download)
    search_path = list(nltk.data.path)
    analyzer = Analyzer(cache_dir=tmp_path)
    assert (tmp_path / RESOURCE_NAME).read_bytes() == shipped_lexicon_bytes()
    assert nltk.data.path == search_path  # douse leaves nltk's global search path as it was
    assert analyzer.score("I love it").label == "positive"


def test_an_unwritable_cache_dir_falls_back_to_a_temporary_one(tmp_path: Path) -> None:
    # A regular file where a directory should be: mkdir fails even for root.
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    analyzer = Analyzer(cache_dir=blocker / "cache")
    assert analyzer.score("this is terrible").label == "negative"
    assert blocker.read_text() == "x"


# --- VADER as nltk computes it -------------------------------------------------------------

VOCAB = [
    "good", "GOOD", "bad", "BAD", "not", "never", "very", "extremely", "kind", "of", "sort",
    "but", "BUT", "least", "at", "so", "this", "great!", "awful.", "love,", "hate;", "!!",
    "?", "??", ":)", ":(", "no", "without", "doubt", "the", "service", "refund", "cool",
    "'tis", "-nice", "ok...", "meh", "barely", "fine", "lol", "WTF", "sucks", "yes", "a",
]  # fmt: skip
# Every rule of nltk's `sentiment_valence`: idioms and two-word boosters (case-sensitive),
# "never so", "least", contractions, boosters in capitals, a word repeated in two contexts.
RULE_VOCAB = [
    *VOCAB, "shit", "bomb", "ass", "yeah", "right", "cut", "mustard", "kiss", "death", "hand",
    "to", "mouth", "just", "enough", "NEVER", "Never", "KIND", "isn't", "don't", "VERY", "SO",
    "horrible", "HORRIBLE", "nice", "Nice", "hardly", "totally", "ain't", "nor", "THE",
]  # fmt: skip


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=80))
def test_fast_tokens_match_nltk_sentitext(text: str) -> None:
    constants = VaderConstants()
    expected = SentiText(text, constants.PUNC_LIST, constants.REGEX_REMOVE_PUNCTUATION)
    assert fast_tokens(text) == expected.words_and_emoticons


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(VOCAB), max_size=14).map(" ".join))
def test_fast_tokens_match_nltk_sentitext_on_punctuated_words(text: str) -> None:
    constants = VaderConstants()
    expected = SentiText(text, constants.PUNC_LIST, constants.REGEX_REMOVE_PUNCTUATION)
    assert fast_tokens(text) == expected.words_and_emoticons


def test_punctuation_is_deleted_exactly_as_nltk_deletes_it() -> None:
    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    removed = VaderConstants.REGEX_REMOVE_PUNCTUATION.sub("", every)
    assert every.translate(_DELETE_PUNCT) == removed


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(RULE_VOCAB), max_size=16).map(" ".join))
def test_the_fast_pass_is_nltks_vader(analyzer: Analyzer, text: str) -> None:
    fast = FastVader(analyzer._vader)
    words, valences = word_valences(analyzer._vader, text)
    assert fast.valences(text) == (words, valences)
    expected = analyzer.raw_vader_compound(text)
    assert compound_of(analyzer._vader, valences, text) == expected
    assert fast.compound(valences, text) == expected
    assert fast.polarity_compound(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "the shit was the bomb but not bad ass",
        "yeah right, cut the mustard, kiss of death, hand to mouth",
        "It is kind of good and sort of NICE, just enough great",
        "never so good, never this bad, at least not awful, very least nice, least good",
        "The service isn't GREAT and the food ain't good!!! Why???",
        "GOOD good GOOD bad. Totally HORRIBLE but very nice?!?",
    ],
)
def test_the_fast_pass_is_nltks_vader_on_every_rule(analyzer: Analyzer, text: str) -> None:
    fast = FastVader(analyzer._vader)
    assert fast.valences(text) == word_valences(analyzer._vader, text)
    assert fast.polarity_compound(text) == analyzer.raw_vader_compound(text)


# Letters, punctuation and spaces only: tokens glued to punctuation on either side, or both.
@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="ab'!?.,-:;\"()#@ ", max_size=40))
def test_fast_tokens_match_nltk_sentitext_on_punctuation(text: str) -> None:
    constants = VaderConstants()
    expected = SentiText(text, constants.PUNC_LIST, constants.REGEX_REMOVE_PUNCTUATION)
    assert fast_tokens(text) == expected.words_and_emoticons


# --- the reputation layer ------------------------------------------------------------------


def test_notes_examples_that_vader_misses_become_negative(analyzer: Analyzer) -> None:
    sues = analyzer.score("Horizon Realty sues tenants for tweets. Moldy apartments.")
    assert analyzer.raw_vader_compound("Horizon Realty sues tenants for tweets.") == 0.0
    assert sues.label == "negative"
    assert "legal or safety: “sues” −2.5" in sues.reasons
    assert "legal or safety: “Moldy” −2.5" in sues.reasons

    waited = analyzer.score("I waited two hours and no one called me back")
    assert analyzer.raw_vader_compound("I waited two hours and no one called me back") > -0.4
    assert waited.compound is not None and waited.compound < -0.6
    assert "service failure: “waited two hours” −2.0" in waited.reasons


@pytest.mark.parametrize(
    ("text", "reason_start"),
    [
        ("still no refund", "service failure: “still no refund”"),
        ("Three emails and not one reply.", "service failure: “not one reply”"),
        ("They cancelled my flight", "service failure: “cancelled my flight”"),
        ("Got food poisoning from the chicken", "legal or safety: “food poisoning”"),
        ("We will sue", "legal or safety: “sue”"),
        ("Why is my order still not here?", "complaint question:"),
        ("Thanks for nothing", "sarcasm: “Thanks for nothing”"),
    ],
)
def test_each_rule_family_explains_itself(analyzer: Analyzer, text: str, reason_start: str) -> None:
    result = analyzer.score(text)
    assert result.label == "negative"
    assert result.reasons[0].startswith(reason_start)


@pytest.mark.parametrize(
    "text",
    [
        "I never waited more than 5 minutes",
        "Only waited 10 minutes, not bad",
        "Do you ship to Canada?",
        "How long does shipping usually take?",
        "What's your refund policy?",
        "Flying Northwind to Dublin tomorrow",
    ],
)
def test_neutral_and_denied_facts_are_not_complaints(analyzer: Analyzer, text: str) -> None:
    assert find_hits(text) == []
    assert analyzer.score(text).label != "negative"


def test_praise_beside_a_complaint_reads_as_sarcasm(analyzer: Analyzer) -> None:
    text = "Love waiting 3 hours on hold, great job Zest"
    assert analyzer.raw_vader_compound(text) > 0.5
    result = analyzer.score(text)
    assert result.label == "negative"
    assert any("praise beside a complaint" in reason for reason in result.reasons)


def test_praise_after_but_means_the_complaint_was_resolved(analyzer: Analyzer) -> None:
    text = "Northwind lost my bag but delivered it to my hotel the same night, great service"
    assert analyzer.score(text).label == "positive"
    assert analyzer.score("Great flight but they lost my bag").label == "negative"


def test_but_glued_to_punctuation_still_counts(analyzer: Analyzer) -> None:
    assert analyzer.score("They lost my bag but... found it, great").label == "positive"
    assert analyzer.score("They lost my bag (but found it) great").label == "positive"


PHRASES = ["still no refund", "but", "but...", "great", "waited 2 hours", "scam", "never", "?"]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.one_of(st.sampled_from(PHRASES + VOCAB), st.text(max_size=12)), max_size=12).map(
        " ".join
    )
)
def test_any_text_gets_a_well_formed_result(analyzer: Analyzer, text: str) -> None:
    result = analyzer.score(text)
    assert result.label in ("negative", "neutral", "positive", "unscored")
    assert (result.compound is None) == (result.label == "unscored")
    assert result.compound is None or -1.0 <= result.compound <= 1.0
    assert all(isinstance(reason, str) and reason for reason in result.reasons)


# --- labels and thresholds -----------------------------------------------------------------


def test_thresholds_per_client_move_the_label(analyzer: Analyzer) -> None:
    text = "The coffee was a bit disappointing"
    compound = analyzer.score(text).compound
    assert compound is not None and -0.6 < compound < -0.05
    assert analyzer.score(text).label == "negative"
    strict = analyzer.score(text, negative_threshold=-0.6, positive_threshold=0.6)
    assert strict.label == "neutral"
    assert strict.compound == compound


@pytest.mark.parametrize(("neg", "pos"), [(0.2, 0.1), (-2.0, 0.05), (-0.05, 1.5), (0.1, 0.1)])
def test_impossible_thresholds_are_a_user_error(analyzer: Analyzer, neg: float, pos: float) -> None:
    with pytest.raises(ThresholdError) as caught:
        analyzer.score("fine", negative_threshold=neg, positive_threshold=pos)
    assert isinstance(caught.value, DouseError)
    assert "\n" not in str(caught.value)


def test_score_many_keeps_order_and_agrees_with_score(analyzer: Analyzer) -> None:
    texts = ["great", "", "still no refund", "Das Essen war kalt und der Kellner unhöflich"]
    many = analyzer.score_many(iter(texts), negative_threshold=-0.2)
    assert many == [analyzer.score(text, negative_threshold=-0.2) for text in texts]
    assert [r.label for r in many] == ["positive", "neutral", "negative", "unscored"]


def test_score_many_in_stages_gives_every_field_of_score(analyzer: Analyzer) -> None:
    """`score_many` runs each stage over the whole batch; every field (those equality skips
    too: VADER's own compound, the masked text, the rule categories) is what `score` gives."""
    texts = [e.text for name in ("eval", "holdout") for e in load_examples(DATA / f"{name}.jsonl")]
    texts += ["", "   ", "still no refund " * 1_000, "El servicio es horrible, llevo tres días"]
    terms = ("Northwind Air", "northwind", "Zest Telecom", "zest")
    many = analyzer.score_many(texts, negative_threshold=-0.1, brand_terms=terms)
    for text, result in zip(texts, many, strict=True):
        alone = analyzer.score(text, negative_threshold=-0.1, brand_terms=terms)
        assert astuple(result) == astuple(alone), text
    assert {r.label for r in many} == {"negative", "neutral", "positive", "unscored"}


def test_blank_text_is_neutral_with_no_language(analyzer: Analyzer) -> None:
    assert analyzer.score("   ") == SentimentResult(0.0, "neutral", None, ())


# --- language ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("El servicio de Zest es horrible, llevo tres días sin internet", "es"),
        ("Das Essen bei FreshBox war kalt und der Fahrer unhöflich", "de"),
        ("Ужасный сервис у Zest, третий день без интернета", "ru"),
        ("Northwindのフライトが遅延して乗り継ぎに間に合わなかった", "ja"),
    ],
)
def test_other_languages_are_unscored_not_neutral(
    analyzer: Analyzer, text: str, language: str
) -> None:
    result = analyzer.score(text)
    assert result.label == "unscored"
    assert result.compound is None
    assert result.language == language
    assert "left for a person to read" in result.reasons[0]


@pytest.mark.parametrize(
    "text", ["still no refund", "so slow", "rude staff", "lost my bag", "ok", "Zest is down"]
)
def test_short_english_is_not_mistaken_for_another_language(analyzer: Analyzer, text: str) -> None:
    result = analyzer.score(text)
    assert result.language == "en"
    assert result.label != "unscored"


# --- hostile input -------------------------------------------------------------------------


def test_reasons_are_inert_text(analyzer: Analyzer) -> None:
    text = "\x1b[31mscam\x1b[0m and\u202e a lawsuit\x9b2J [bold red]now[/]"
    result = analyzer.score(text)
    assert result.label == "negative"
    for reason in result.reasons:
        assert not any(ord(ch) < 32 or 0x7F <= ord(ch) <= 0x9F for ch in reason), reason
        assert "\u202e" not in reason


def test_huge_text_is_scored_on_its_start_and_says_so(analyzer: Analyzer) -> None:
    result = analyzer.score("still no refund. " + "blah " * 100_000)
    assert result.label == "negative"
    assert result.reasons[-1] == "only the first 10000 characters were scored"


def test_a_negation_stays_in_its_own_sentence(analyzer: Analyzer) -> None:
    # VADER alone reads "nothing. HORRID" as "not horrid" and calls the post positive.
    text = "Stuck at the airport and you offered nothing. HORRID"
    assert analyzer.raw_vader_compound(text) > 0
    assert analyzer.score(text).label == "negative"


def test_words_joined_by_dots_are_still_read(analyzer: Analyzer) -> None:
    result = analyzer.score("They moved my seat again...NOT COOL")
    assert result.label == "negative"
    assert any("cool" in reason.lower() for reason in result.reasons)
