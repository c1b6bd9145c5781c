"""nltk's VADER, step by step, so douse can see which words moved a score and add its own.

`FastVader.valences` gives exactly the per-word valences of `SentimentIntensityAnalyzer.
polarity_scores` (booster words, negation, "but", idioms, ALL CAPS), and `FastVader.compound`
its final sum and normalisation. Keeping them apart lets the reputation layer add valences
before normalising, on the same −4…+4 word scale as the lexicon. With nothing added, the
compound is nltk's own, bit for bit.

The changes are for speed, each compared with nltk's own by tests and by `bench/vader_equal.py`
on every text of the shared datasets: nltk's `SentiText` builds a dict of every word × every
punctuation mark for each text to strip one leading or trailing mark, where `fast_tokens`
decides the same directly; words outside the lexicon are never looked at twice; and the rules of
nltk's `sentiment_valence` run inline (`FastVader`). `word_valences` and `compound_of` are the
same pass through nltk's own methods: the reference the fast one is checked against.
"""

from __future__ import annotations

import math
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


def word_valences(sia: SentimentIntensityAnalyzer, text: str) -> tuple[list[str], list[float]]:
    """Tokens and the valence VADER gives each one (0.0 for words that carry none), through
    nltk's own `sentiment_valence`: the reference `FastVader.valences` is checked against."""
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
    # nltk's own "but" rule, so the reference stays nltk's code and not a twin of the fast pass.
    return words, sia._but_check(words, sentiments)


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


class FastVader:
    """nltk's VADER pass (`word_valences` then `compound_of`) in one function per text, with
    nltk's constants read into plain sets and numbers once.

    nltk spends most of a text's time in calls: `sentiment_valence`, `scalar_inc_dec`,
    `_never_check`, `negated` (up to three times per sentiment word) and `_idioms_check`, which
    formats seven strings to look them up. Here the same arithmetic runs inline, in nltk's order
    (so every float comes out bit for bit the same), and the idiom lookups are skipped when no
    token near the word belongs to an idiom. `tests/test_sentiment.py` and
    `bench/vader_equal.py` compare it with nltk on written and on real texts.
    """

    def __init__(self, sia: SentimentIntensityAnalyzer) -> None:
        constants = sia.constants
        self.lexicon: dict[str, float] = sia.lexicon
        self._boosters: dict[str, float] = constants.BOOSTER_DICT
        self._negate = frozenset(constants.NEGATE)
        self._idioms: dict[str, float] = constants.SPECIAL_CASE_IDIOMS
        # An idiom (or a two-word booster) can only be formed by tokens that are its words.
        self._idiom_words = frozenset(
            word
            for phrase in (*self._idioms, *self._boosters)
            if " " in phrase
            for word in phrase.split(" ")
        )
        self._c_incr: float = constants.C_INCR
        self._n_scalar: float = constants.N_SCALAR
        self._b_decr: float = constants.B_DECR

    def valences(self, text: str) -> tuple[list[str], list[float]]:
        """What `word_valences` gives: the tokens and each one's valence (0 for most)."""
        words = fast_tokens(text)
        lowered = [word.lower() for word in words]
        lexicon = self.lexicon
        sentiments: list[float] = [0] * len(words)  # nltk's int 0 for words without valence
        cap_diff: bool | None = None  # worked out when a capitalised word needs it
        last = len(words) - 1
        for j, low in enumerate(lowered):
            if low not in lexicon or low in self._boosters:
                continue
            item = words[j]
            # nltk scores a token in the context of its first occurrence (list.index).
            i = words.index(item)
            if i < last and low == "kind" and lowered[i + 1] == "of":
                continue
            if cap_diff is None:
                cap_diff = _cap_differential(words)
            sentiments[j] = self._valence(words, lowered, i, cap_diff)
        if "but" in lowered:
            # nltk's _but_check: before the first "but" counts half, after it 1.5 times.
            bi = lowered.index("but")
            for sidx, sentiment in enumerate(sentiments):
                if sidx < bi:
                    sentiments[sidx] = sentiment * 0.5
                elif sidx > bi:
                    sentiments[sidx] = sentiment * 1.5
        return words, sentiments

    def _valence(self, words: list[str], lowered: list[str], i: int, cap_diff: bool) -> float:
        """nltk's `sentiment_valence` of the lexicon word at `i`, inlined."""
        lexicon, boosters, c_incr = self.lexicon, self._boosters, self._c_incr
        valence = lexicon[lowered[i]]
        if cap_diff and words[i].isupper():
            valence = valence + c_incr if valence > 0 else valence - c_incr
        for back in (1, 2, 3):
            if i < back or lowered[i - back] in lexicon:
                continue
            # scalar_inc_dec: a booster before the word, weaker the further back it stands.
            prior = lowered[i - back]
            scalar = 0.0
            if prior in boosters:
                scalar = boosters[prior]
                if valence < 0:
                    scalar *= -1
                if cap_diff and words[i - back].isupper():
                    if valence > 0:
                        scalar += c_incr
                    else:
                        scalar -= c_incr
                if back == 2:
                    scalar = scalar * 0.95
                elif back == 3:
                    scalar = scalar * 0.9
            valence = valence + scalar
            valence = self._never(valence, words, lowered, i, back)
            if back == 3 and not self._idiom_words.isdisjoint(words[i - 3 : i + 3]):
                valence = self._idiom(valence, words, i)
        # _least_check: "least" before the word negates it, but not "at least" or "very least".
        if (
            i > 0
            and lowered[i - 1] == "least"
            and "least" not in lexicon
            and (i == 1 or lowered[i - 2] not in ("at", "very"))
        ):
            valence = valence * self._n_scalar
        return valence

    def _never(
        self, valence: float, words: list[str], lowered: list[str], i: int, back: int
    ) -> float:
        """nltk's `_never_check` for the token `back` places before the word."""
        if back == 2 and words[i - 2] == "never" and words[i - 1] in ("so", "this"):
            return valence * 1.5
        if back == 3 and (
            (words[i - 3] == "never" and words[i - 2] in ("so", "this"))
            or words[i - 1] in ("so", "this")
        ):
            return valence * 1.25
        prior = lowered[i - back]
        if prior in self._negate or "n't" in prior:
            return valence * self._n_scalar
        return valence

    def _idiom(self, valence: float, words: list[str], i: int) -> float:
        """nltk's `_idioms_check` (case-sensitive, as nltk's is)."""
        idioms = self._idioms
        twoone = f"{words[i - 2]} {words[i - 1]}"
        threetwo = f"{words[i - 3]} {words[i - 2]}"
        for seq in (
            f"{words[i - 1]} {words[i]}",
            f"{twoone} {words[i]}",
            twoone,
            f"{words[i - 3]} {twoone}",
            threetwo,
        ):
            if seq in idioms:
                valence = idioms[seq]
                break
        if len(words) - 1 > i:
            zeroone = f"{words[i]} {words[i + 1]}"
            if zeroone in idioms:
                valence = idioms[zeroone]
        if len(words) - 1 > i + 1:
            zeroonetwo = f"{words[i]} {words[i + 1]} {words[i + 2]}"
            if zeroonetwo in idioms:
                valence = idioms[zeroonetwo]
        if threetwo in self._boosters or twoone in self._boosters:
            valence = valence + self._b_decr
        return valence

    @staticmethod
    def compound(valences: list[float], text: str) -> float:
        """What `compound_of` gives: the sum, '!'/'?' emphasis, normalised, rounded."""
        if not valences:
            return 0.0
        total = float(sum(valences))
        exclamations = min(text.count("!"), 4)
        questions = text.count("?")
        emphasis = exclamations * 0.292 + (
            0 if questions <= 1 else questions * 0.18 if questions <= 3 else 0.96
        )
        if total > 0:
            total += emphasis
        elif total < 0:
            total -= emphasis
        return round(total / math.sqrt(total * total + 15), 4)

    def polarity_compound(self, text: str) -> float:
        """nltk's `polarity_scores(text)["compound"]`, computed the fast way."""
        return self.compound(self.valences(text)[1], text)


def _cap_differential(words: list[str]) -> bool:
    """nltk's `allcap_differential`: some, but not all, tokens are ALL CAPS."""
    upper = sum(1 for word in words if word.isupper())
    return 0 < len(words) - upper < len(words)
