"""Emoji say what a customer thinks: a frown is a complaint, a thumbs up praise, an aeroplane
nothing; an emoji glued to a word does not hide the word; reasons quote the emoji as written."""

from __future__ import annotations

import pytest

from douse.core.sentiment import Analyzer


@pytest.mark.parametrize(
    "text",
    [
        "Parcel still not here 😡",
        "customer service 👎",
        "Third email this week 🙄",
        "Charged twice again 🤦🏽‍♀️",  # a skin tone and a gender sign on the facepalm
        "waiting on the refund😒",  # glued to the word before it
    ],
)
def test_a_frowning_emoji_is_a_complaint(analyzer: Analyzer, text: str) -> None:
    result = analyzer.score(text)
    assert result.label == "negative", result.reasons
    assert any("(emoji)" in reason for reason in result.reasons)


def test_praise_emoji_count_and_do_not_hide_the_words_beside_them(analyzer: Analyzer) -> None:
    assert analyzer.score("The new menu 😍").label == "positive"
    glued = analyzer.score("thanks😊")
    assert glued.label == "positive"
    assert any(reason.startswith("“thanks”") for reason in glued.reasons), glued.reasons


@pytest.mark.parametrize(
    "text",
    [
        "Boarding now ✈️",  # a thing, not a verdict
        "my flight 😂",  # laughter: at a company as often as with it
        "She 👏 won't 👏 be 👏 at 👏 the 👏 launch",  # claps that stress the words
    ],
)
def test_emoji_without_a_verdict_say_nothing(analyzer: Analyzer, text: str) -> None:
    assert analyzer.score(text).label == "neutral", analyzer.score(text).reasons


def test_a_thumbs_up_beside_a_complaint_is_not_praise(analyzer: Analyzer) -> None:
    result = analyzer.score("Flight delayed 3 hours again 👍")
    assert result.label == "negative"
    thumbs = [reason for reason in result.reasons if reason.startswith("“👍”")]
    assert thumbs and "praise beside a complaint" in thumbs[0], result.reasons


def test_folded_hands_beside_a_request_is_politeness(analyzer: Analyzer) -> None:
    result = analyzer.score("please help 🙏 my card was charged twice")
    assert result.label == "negative"
    assert any(reason.startswith("“🙏” not scored") for reason in result.reasons), result.reasons
    assert analyzer.score("thank you 🙏").label == "positive"


def test_a_wall_of_emoji_counts_no_more_than_three(analyzer: Analyzer) -> None:
    assert analyzer.score("😡" * 12).compound == analyzer.score("😡" * 3).compound
    assert analyzer.score("😡" * 3).compound < analyzer.score("😡").compound


def test_reasons_quote_the_emoji_without_the_scorers_mark(analyzer: Analyzer) -> None:
    reasons = analyzer.score("late again 😤😤").reasons
    assert any(reason.startswith("“😤”") for reason in reasons), reasons
    assert not any("\u2063" in reason for reason in reasons)
