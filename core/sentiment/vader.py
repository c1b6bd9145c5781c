"""nltk's VADER, step by step, so douse can see which words moved a score and add its own.

`word_valences` runs exactly the per-word pass of `SentimentIntensityAnalyzer.polarity_scores`
(booster words, negation, "but", idioms, ALL CAPS), and `compound_of` its final sum and
normalisation. Keeping them apart lets the reputation layer add valences before normalising, on
the same −4…+4 word scale as the lexicon. A test checks that, with nothing added, the compound is
identical to nltk's own.

The one change is speed: nltk's `SentiText` builds a dict of every word × every punctuation mark
for each text to strip one leading or trailing mark; `fast_tokens` does the same lookup directly.
"""

from __future__ import annotations

import string

from core.nltk_import import import_nltk

import_nltk()

from nltk.sentiment.vader import (  # noqa: E402
    SentimentIntensityAnalyzer,
    SentiText,
    VaderConstants,
)

_PUNCT = string.punctuation
_CONSTANTS = VaderConstants()
_PUNC_SET = frozenset(_CONSTANTS.PUNC_LIST)
_REMOVE_PUNCT = _CONSTANTS.REGEX_REMOVE_PUNCTUATION


def fast_tokens(text: str) -> list[str]:
    """The same list as `SentiText(text, ...).words_and_emoticons`, in linear time.

    nltk maps `p + w` and `w + p` back to `w` when `p` is one of VADER's punctuation strings and
    `w` is a word of the punctuation-free text; `w` never contains punctuation, so `p` can only be
    the whole run of punctuation at the token's start (or end).
    """
    words_only = {w for w in _REMOVE_PUNCT.sub("", text).split() if len(w) > 1}
    tokens: list[str] = []
    for token in text.split():
        if len(token) <= 1:
            continue
        if token[-1] in _PUNCT:
            core = token.rstrip(_PUNCT)
            if core in words_only and token[len(core) :] in _PUNC_SET:
                token = core
        elif token[0] in _PUNCT:
            core = token.lstrip(_PUNCT)
            if core in words_only and token[: len(token) - len(core)] in _PUNC_SET:
                token = core
        tokens.append(token)
    return tokens


class _Tokens(SentiText):
    """A SentiText whose tokens come from `fast_tokens`; everything else is nltk's."""

    def _words_and_emoticons(self) -> list[str]:
        return fast_tokens(self.text)


def word_valences(sia: SentimentIntensityAnalyzer, text: str) -> tuple[list[str], list[float]]:
    """Tokens and the valence VADER gives each one (0.0 for words that carry none)."""
    constants = sia.constants
    sentitext = _Tokens(text, constants.PUNC_LIST, constants.REGEX_REMOVE_PUNCTUATION)
    words = sentitext.words_and_emoticons
    # VADER looks up each token's position with list.index, i.e. its first occurrence; nltk keeps
    # that quirk (in linear time) and so must we, or compounds would differ from nltk's.
    first_index: dict[str, int] = {}
    for idx, token in enumerate(words):
        first_index.setdefault(token, idx)
    boosters = constants.BOOSTER_DICT
    sentiments: list[float] = []
    last = len(words) - 1
    for item in words:
        i = first_index[item]
        lowered = item.lower()
        if (i < last and lowered == "kind" and words[i + 1].lower() == "of") or (
            lowered in boosters
        ):
            sentiments.append(0)
            continue
        sentiments = sia.sentiment_valence(0, sentitext, item, i, sentiments)
    sentiments = sia._but_check(words, sentiments)
    return words, sentiments


def compound_of(sia: SentimentIntensityAnalyzer, valences: list[float], text: str) -> float:
    """VADER's compound for a list of valences: sum, '!'/'?' emphasis, normalise, round."""
    if not valences:
        return 0.0
    total = float(sum(valences))
    emphasis = sia._punctuation_emphasis(total, text)
    if total > 0:
        total += emphasis
    elif total < 0:
        total -= emphasis
    return round(sia.constants.normalize(total), 4)
