"""Emoji that say what a customer thinks of a company, on VADER's word scale.

nltk's VADER knows text emoticons (":(" is −1.9) but no emoji: "waiting again 😡" was neutral,
and an emoji glued to a word ("thanks😊") hid the word from the lexicon too. Faces, hands and
hearts carry a verdict; objects (✈, ☀, 📦) and laughter (😂, 🤣: as often at a company as with
it) carry none and are left out. The weights follow the lexicon's nearest words and emoticons
("angry" −2.3, ":(" −1.9, ":)" +2.0, "love" +3.2), checked against the Emoji Sentiment Ranking
(Kralj Novak et al., 2015, 1.6 million labelled tweets) where it has the emoji; newer ones
(🙄, 🤬, 🤦, 🥺) by their nearest neighbour there. A slight smile (🙂) is weak praise: it is
often polite, sometimes pointed.
"""

from __future__ import annotations

import re

EMOJI: dict[str, float] = {
    # Anger, disdain, disgust.
    "🤬": -3.0, "🖕": -3.0, "😡": -2.5, "🤮": -2.5, "😠": -2.3, "👿": -2.0, "🤢": -2.0,
    "👎": -2.0, "😤": -1.9, "😒": -1.9, "🙄": -1.9, "💩": -1.8,
    # Disappointment, sadness, weariness.
    "☹": -1.9, "😞": -1.9, "😢": -1.9, "💔": -1.9, "😩": -1.7, "😫": -1.7, "😖": -1.7,
    "🙁": -1.5, "😔": -1.5, "😟": -1.5, "😣": -1.5, "😭": -1.5, "😰": -1.5, "😨": -1.5,
    "🤦": -1.5, "😕": -1.3, "😑": -1.2, "😥": -1.2, "😱": -1.0, "😐": -1.0, "😓": -1.0,
    "🥺": -1.0, "🤨": -1.0, "🙃": -0.8, "😬": -0.8, "😪": -0.8, "🤷": -0.5,
    # Delight, approval, affection.
    "😍": 2.8, "🥰": 2.8, "😻": 2.5, "🤩": 2.5, "❤": 2.5, "♥": 2.5, "💕": 2.5, "💖": 2.5,
    "💗": 2.5, "😃": 2.2, "😄": 2.2, "😊": 2.0, "☺": 2.0, "😀": 2.0, "😁": 2.0, "😘": 2.0,
    "🙌": 2.0, "💙": 2.0, "💚": 2.0, "💛": 2.0, "💜": 2.0, "🧡": 2.0, "👍": 1.8, "👏": 1.8,
    "😆": 1.5, "😇": 1.5, "👌": 1.5, "🙏": 1.5, "😎": 1.2, "💪": 1.2, "🙂": 1.0, "😉": 1.0,
    "💯": 1.0,
}  # fmt: skip
# Three angry faces say it; ten say it no louder.
MAX_COUNTED = 3
CLAPS_FOR_STRESS = 3

# Pictographs, dingbats and their modifiers (skin tones, the variation selector, the joiner of
# "🤦‍♀️"): set apart from the words beside them, so those are read.
_PICTOGRAPH = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\u200d\ufe0f]")
# VADER drops one-character tokens, so an emoji with a verdict travels as two characters: this
# invisible mark (no punctuation to VADER) and the emoji.
MARK = "\u2063"
_CLAP = MARK + "👏"


def spaced(text: str) -> str:
    """`text` as VADER should read it: "thanks😊" -> "thanks ⁣😊 " (the mark and the emoji, a
    token of its own); emoji without a verdict become spaces."""
    if text.isascii():
        return text
    return _PICTOGRAPH.sub(_token, text)


def _token(match: re.Match[str]) -> str:
    char = match.group()
    return f" {MARK}{char} " if char in EMOJI else " "


def score_emoji(words: list[str], valences: list[float]) -> bool:
    """Give the emoji among VADER's `words` their weights, in place (the first `MAX_COUNTED`);
    True when one of them is a complaint's (a frown, an eye roll, a thumbs down)."""
    counted = 0
    frowned = False
    # "She 👏 won't 👏 be 👏 there": claps between the words stress them, they applaud nothing.
    clapping = words.count(_CLAP) >= CLAPS_FOR_STRESS
    for index, word in enumerate(words):
        if not is_emoji(word) or (clapping and word == _CLAP):
            continue
        weight = EMOJI.get(word[1:])
        if weight is None:
            continue
        counted += 1
        if counted > MAX_COUNTED:
            break
        valences[index] = weight
        frowned = frowned or weight < 0
    return frowned


def is_emoji(word: str) -> bool:
    """Is this one of VADER's tokens an emoji `spaced` set apart (so its weight is the table's,
    not the lexicon's)?"""
    return word[:1] == MARK
