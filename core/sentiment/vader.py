"""nltk's VADER, step by step, so douse can see which words moved a score and add its own.

`word_valences` runs exactly the per-word pass of `SentimentIntensityAnalyzer.polarity_scores`
(booster words, negation, "but", idioms, ALL CAPS), and `compound_of` its final sum and
normalisation. Keeping them apart lets the reputation layer add valences before normalising, on
the same −4…+4 word scale as the lexicon. A test checks that, with nothing added, the compound is
identical to nltk's own.

The changes are for speed, each compared with nltk's own by tests: nltk's `SentiText` builds a
dict of every word × every punctuation mark for each text to strip one leading or trailing mark,
where `fast_tokens` decides the same directly; words outside the lexicon skip nltk's
`sentiment_valence`; and `word_pass` gives nltk's negation check a one-word shortcut.
"""

from __future__ import annotations

import copy
import re
import string

from douse.core.nltk_import import import_nltk

import_nltk()

from nltk.sentiment.vader import (  # noqa: E402
    SentimentIntensityAnalyzer,
    SentiText,
    VaderConstants,
)

_PUNCT = string.punctuation
_CONSTANTS = VaderConstants()
_PUNC_SET = frozenset(_CONSTANTS.PUNC_LIST)
# What nltk removes to find the words of a text (`[<string.punctuation, escaped>]`, through its
# time-guarded `regex` wrapper); tests check both against nltk's own.
_DELETE_PUNCT = str.maketrans("", "", _PUNCT)
_ANY_PUNCT = re.compile(f"[{re.escape(_PUNCT)}]")


def fast_tokens(text: str) -> list[str]:
    """The same list as `SentiText(text, ...).words_and_emoticons`, in linear time.

    nltk maps `p + w` and `w + p` back to `w` when `p` is one of VADER's punctuation strings and
    `w` is a word of the punctuation-free text; `w` never contains punctuation, so `p` can only be
    the whole run of punctuation at the token's start (or end). And `w` (two characters or more,
    none of them punctuation) is always such a word: the token itself is `w` once its
    punctuation is removed.
    """
    tokens: list[str] = []
    for token in text.split():
        if len(token) <= 1:
            continue
        if token[-1] in _PUNCT:
            core = token.rstrip(_PUNCT)
            if token[len(core) :] in _PUNC_SET and _is_word(core):
                token = core
        elif token[0] in _PUNCT:
            core = token.lstrip(_PUNCT)
            if token[: len(token) - len(core)] in _PUNC_SET and _is_word(core):
                token = core
        tokens.append(token)
    return tokens


def _is_word(core: str) -> bool:
    """A word of nltk's punctuation-free text: two characters or more, no punctuation."""
    return len(core) > 1 and (core.isalnum() or _ANY_PUNCT.search(core) is None)


class _Tokens(SentiText):
    """A SentiText whose tokens come from `fast_tokens`; everything else is nltk's."""

    def _words_and_emoticons(self) -> list[str]:
        return fast_tokens(self.text)


class _Constants(VaderConstants):
    """nltk's constants; `negated` of one word (how `sentiment_valence` asks, up to three times
    per sentiment word) without the generator and pairwise machinery a list needs."""

    def negated(self, input_words: list[str], include_nt: bool = True) -> bool:
        if len(input_words) != 1:
            return bool(super().negated(input_words, include_nt))
        # One word has no pairs, so nltk's "least" check cannot fire.
        word = input_words[0].lower()
        return word in self.NEGATE or (include_nt and "n't" in word)


def word_pass(sia: SentimentIntensityAnalyzer) -> SentimentIntensityAnalyzer:
    """`sia` (sharing its lexicon) with `_Constants`, for `word_valences`: the same valences,
    faster. `sia` itself is left as nltk made it (the benchmarks' raw VADER)."""
    fast = copy.copy(sia)
    fast.constants = _Constants()
    return fast


def word_valences(sia: SentimentIntensityAnalyzer, text: str) -> tuple[list[str], list[float]]:
    """Tokens and the valence VADER gives each one (0.0 for words that carry none)."""
    constants = sia.constants
    sentitext = _Tokens(text, constants.PUNC_LIST, constants.REGEX_REMOVE_PUNCTUATION)
    words = sentitext.words_and_emoticons
    lowered = [word.lower() for word in words]
    boosters = constants.BOOSTER_DICT
    lexicon = sia.lexicon
    sentiments: list[float] = []
    last = len(words) - 1
    for item, low in zip(words, lowered, strict=True):
        if low not in lexicon:
            # What sentiment_valence does with a word outside the lexicon (most words): append
            # the valence it was given, 0. Skipping the call is half this loop's time.
            sentiments.append(0)
            continue
        # VADER looks up a token's position with list.index, i.e. its first occurrence; nltk
        # keeps that quirk and so must we, or compounds would differ from nltk's.
        i = words.index(item)
        if (i < last and low == "kind" and lowered[i + 1] == "of") or low in boosters:
            sentiments.append(0)
            continue
        sentiments = sia.sentiment_valence(0, sentitext, item, i, sentiments)
    # nltk's _but_check: what comes before the first "but" counts half, what follows 1.5 times.
    if "but" in lowered:
        bi = lowered.index("but")
        for sidx, sentiment in enumerate(sentiments):
            if sidx < bi:
                sentiments[sidx] = sentiment * 0.5
            elif sidx > bi:
                sentiments[sidx] = sentiment * 1.5
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
