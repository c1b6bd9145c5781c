"""A learned model as data, and scoring with it in plain Python.

The stored form (`SentimentModel.weights`, JSON) is, for FORMAT_VERSION 2:

    {"classes": ["negative", "neutral", "positive"], "intercept": [b0, b1, b2],
     "negative_from": 0.62,                                  # see below
     "sublinear_tf": true, "char_norm": "per_word",
     "word": {"still waiting": [idf, w0, w1, w2], ...},     # word 1-2 grams
     "char": {" wait": [idf, w0, w1, w2], ...},             # character 3-5 grams in words
     "numeric": {"rules": [w0, w1, w2], "vader": [...], "rules:negative": [...],
                 "hit:sarcasm": [...], ...}}                # see NUMERIC

Scoring a post is a TF-IDF vector per n-gram family (core.learning.features), a dot product per
class and a softmax (character grams are summed per word, and a word seen before costs one
lookup): no scikit-learn, no pickle, nothing in the database that could run code.

A post is judged negative when its probability of being negative reaches `negative_from`,
otherwise the likelier of neutral and positive. The threshold is chosen when the model is
fitted, on its cross-validated predictions (core.learning.fit). Format 1 had no threshold: the
likeliest class won, which is how a format 1 model still judges.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from douse.core.learning.features import normalise, word_char_grams, word_grams
from douse.core.sentiment.analyzer import MAX_SCORED_CHARS, SentimentResult
from douse.core.sentiment.brand import BrandMask

FORMAT_VERSION = 2
CLASSES = ("negative", "neutral", "positive")
MAX_LEARNED_REASONS = 3
MAX_GRAM_CHARS = 40
WORD_CACHE = 200_000
# What the rules say of a post, as the model's numeric inputs: their compound, VADER's own, their
# label, and which kinds of rule matched. General signals, not one trade's words.
RULE_CATEGORIES = (
    "service failure",
    "legal or safety",
    "complaint question",
    "request for help",
    "complaint hashtag",
    "sarcasm",
    "praise or a fix",
)
NUMERIC = (
    "rules",
    "vader",
    "rules:negative",
    "rules:positive",
    *(f"hit:{category}" for category in RULE_CATEGORIES),
)


_NO_HITS = (0.0,) * len(RULE_CATEGORIES)
_HIT_AT = {category: 4 + i for i, category in enumerate(RULE_CATEGORIES)}


def numeric_inputs(
    rules: float, vader: float, label: str, categories: frozenset[str] | set[str]
) -> list[float]:
    """The numeric features, in NUMERIC's order."""
    values = [rules, vader, float(label == "negative"), float(label == "positive"), *_NO_HITS]
    for category in categories:
        at = _HIT_AT.get(category)
        if at is not None:
            values[at] = 1.0
    return values


def _column_sums(rows: Sequence[Sequence[float]]) -> Iterator[float]:
    """Each column's total, summed in C (the judge's inner loop)."""
    return map(sum, zip(*rows, strict=True))


class ModelFormatError(ValueError):
    """Weights that do not have the shape this douse reads."""


# A gram's (idf, weight for negative, neutral, positive).
Entry = tuple[float, float, float, float]
WordEntry = tuple[float, float, float, float, float, float, float]


def decide(probabilities: Sequence[float], negative_from: float | None) -> int:
    """The index in CLASSES of the label judged: negative from `negative_from` on, else the
    likelier of neutral and positive; with no threshold (a format 1 model), the likeliest."""
    if negative_from is None:
        return list(probabilities).index(max(probabilities))
    if probabilities[0] >= negative_from:
        return 0
    return 1 if probabilities[1] >= probabilities[2] else 2


@dataclass(slots=True)
class Judgement:
    label: str
    probabilities: tuple[float, float, float]
    # The word grams of the post the model knows, with their entries (see LearnedModel._word),
    # every word gram's count in the post and the word family's norm: enough to say which
    # grams pushed hardest, without looking anything up again.
    known: list[tuple[str, WordEntry]]
    counts: Counter[str]
    norm: float
    negative_from: float | None = None

    @property
    def certainty(self) -> float:
        """0 (a coin toss) .. 1 (sure): how far the post is from changing label. With a
        threshold, from the threshold (a post just under it is as unsure as one just over),
        and for neutral against positive, from their tie; without one, from a three-way tie."""
        p = self.probabilities
        t = self.negative_from
        if t is None:
            return (max(p) - 1 / 3) * 1.5
        if self.label == "negative":
            return (p[0] - t) / (1 - t)
        mine, other = (p[1], p[2]) if self.label == "neutral" else (p[2], p[1])
        split = (mine - other) / (mine + other) if mine + other else 0.0
        return min((t - p[0]) / t, split)

    @property
    def compound(self) -> float:
        """−1…+1 like the rules' compound: positive probability minus negative."""
        return round(self.probabilities[2] - self.probabilities[0], 4)

    def pushes(self, most: int = 3) -> list[tuple[str, float]]:
        """The word grams that pushed hardest toward the label judged: how much each raised
        that label's score over the others' average, signed like a compound (negative for a
        negative label, positive for the others)."""
        if not self.norm:
            return []
        at = 4 + CLASSES.index(self.label)
        scale = (-1.0 if self.label == "negative" else 1.0) / self.norm
        # Only grams that pushed toward the label can be shown: the rest are dropped before
        # sorting (a post has a few dozen grams, a handful of them pushing its way).
        strongest = [(push, gram) for gram, entry in self.known if (push := entry[at]) > 0]
        if len(strongest) > 1:
            strongest.sort(reverse=True)
            del strongest[most:]
        counts = self.counts
        return [
            (gram, scale * push * (1.0 + math.log(n) if (n := counts[gram]) > 1 else 1.0))
            for push, gram in strongest
        ]


def _scaled(idf: float, w0: float, w1: float, w2: float) -> WordEntry:
    a0, a1, a2 = idf * w0, idf * w1, idf * w2
    return (idf * idf, a0, a1, a2, a0 - (a1 + a2) / 2, a1 - (a0 + a2) / 2, a2 - (a0 + a1) / 2)


def _table(raw: Any, name: str) -> dict[str, Entry]:
    if not isinstance(raw, dict):
        raise ModelFormatError(f"{name} is not a table")
    table: dict[str, Entry] = {}
    for gram, values in raw.items():
        if not isinstance(values, list) or len(values) != 4:
            raise ModelFormatError(f"{name} entry {gram!r} is not [idf, w0, w1, w2]")
        idf, w0, w1, w2 = (float(v) for v in values)
        table[str(gram)] = (idf, w0, w1, w2)
    return table


def _threshold(raw: Any) -> float | None:
    if raw is None:  # format 1: the likeliest class
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | float) or not 0 < raw < 1:
        raise ModelFormatError("negative_from is not a probability between 0 and 1")
    return float(raw)


def _triple(raw: Any, name: str) -> tuple[float, float, float]:
    if not isinstance(raw, list) or len(raw) != 3:
        raise ModelFormatError(f"{name} is not three numbers")
    a, b, c = (float(v) for v in raw)
    return (a, b, c)


class LearnedModel:
    """A stored model, parsed once; `judge` scores one post with it. Safe to share between
    threads (it holds no per-call state)."""

    def __init__(self, model_id: int, client_id: int | None, n_labels: int, weights: Any) -> None:
        if not isinstance(weights, dict) or tuple(weights.get("classes", ())) != CLASSES:
            raise ModelFormatError("classes are not negative, neutral, positive")
        self.model_id = model_id
        self.client_id = client_id
        self.n_labels = n_labels
        self.sublinear = bool(weights.get("sublinear_tf", True))
        self._intercept = _triple(weights.get("intercept"), "intercept")
        self.negative_from = _threshold(weights.get("negative_from"))
        if weights.get("char_norm", "per_word") != "per_word":
            raise ModelFormatError("unknown character normalisation")
        # Word grams as (idf², idf·w0, idf·w1, idf·w2, then how much the gram raises each
        # class over the other two's average): a gram seen once adds exactly that.
        self._word = {
            gram: _scaled(idf, w0, w1, w2)
            for gram, (idf, w0, w1, w2) in _table(weights.get("word", {}), "word").items()
        }
        # Character grams as (idf², idf·w0, idf·w1, idf·w2): counted raw, so a gram seen once
        # in a word adds exactly that.
        self._char = {
            gram: (idf * idf, idf * w0, idf * w1, idf * w2)
            for gram, (idf, w0, w1, w2) in _table(weights.get("char", {}), "char").items()
        }
        # Words seen before cost one lookup: their character grams' sums are kept (bounded).
        # The words the model knows are summed now, once, so a fresh process (an import
        # starting) does not pay for each common word on its first posts.
        self._word_cache: dict[str, Entry] = {}
        for gram in self._word:
            if " " not in gram:
                self._word_sums(gram)
        numeric = weights.get("numeric", {})
        if not isinstance(numeric, dict):
            raise ModelFormatError("numeric is not a table")
        # An input this model was not fitted with weighs nothing.
        self._numeric = [
            _triple(numeric.get(name, [0, 0, 0]), f"numeric.{name}") for name in NUMERIC
        ]

    @property
    def scope(self) -> str:
        return "agency" if self.client_id is None else "client"

    def judge(self, masked: str, inputs: list[float]) -> Judgement:
        """`masked`: the post with the client's names hidden (BrandMask); `inputs`: what the
        rules said of it (`numeric_inputs`)."""
        text = normalise(masked)
        logits = list(self._intercept)
        for value, w in zip(inputs, self._numeric, strict=True):
            if value:
                logits[0] += value * w[0]
                logits[1] += value * w[1]
                logits[2] += value * w[2]
        # Word grams: sublinear TF-IDF, L2-normalised. A gram seen once (nearly all) adds its
        # stored (idf², idf·w0, idf·w1, idf·w2); the columns are summed in C, not in a loop.
        grams = word_grams(text)
        counts = Counter(grams)
        get = self._word.get
        known = [(gram, entry) for gram in counts if (entry := get(gram)) is not None]
        word_norm = 0.0
        if known:
            squares, s0, s1, s2, *_ = _column_sums([entry for _, entry in known])
            if len(counts) < len(grams):  # a gram said twice: tf = 1 + ln(n), not 1
                for gram, entry in known:
                    n = counts[gram]
                    if n > 1:
                        f = 1.0 + math.log(n)
                        squares += (f * f - 1.0) * entry[0]
                        s0 += (f - 1.0) * entry[1]
                        s1 += (f - 1.0) * entry[2]
                        s2 += (f - 1.0) * entry[3]
            word_norm = math.sqrt(squares)
            logits[0] += s0 / word_norm
            logits[1] += s1 / word_norm
            logits[2] += s2 / word_norm
        # Character grams: per-word sums (cached), normalised as features.char_norm says.
        cached = self._word_cache.get
        sums = [cached(word) or self._word_sums(word) for word in text.split()]
        if sums:
            q, d0, d1, d2 = _column_sums(sums)
            if q:
                norm = math.sqrt(q)
                logits[0] += d0 / norm
                logits[1] += d1 / norm
                logits[2] += d2 / norm
        top = max(logits)
        exps = [math.exp(v - top) for v in logits]
        total = exps[0] + exps[1] + exps[2]
        probabilities = (exps[0] / total, exps[1] / total, exps[2] / total)
        best = decide(probabilities, self.negative_from)
        return Judgement(CLASSES[best], probabilities, known, counts, word_norm, self.negative_from)

    def _word_sums(self, word: str) -> Entry:
        """One word's squared TF-IDF norm and its dot products with the three classes' weights
        over its character grams (raw counts, as fitted)."""
        grams = word_char_grams(word)
        get = self._char.get
        q = d0 = d1 = d2 = 0.0
        if len(set(grams)) == len(grams):
            # Each gram once (nearly every word): the stored (idf², idf·w...) add up as they
            # are, in the grams' order (a plain loop: summing columns of a few rows in C costs
            # more than it saves).
            for entry in map(get, grams):
                if entry is not None:
                    q += entry[0]
                    d0 += entry[1]
                    d1 += entry[2]
                    d2 += entry[3]
        else:
            for gram, n in Counter(grams).items():
                entry = get(gram)
                if entry is None:
                    continue
                q += n * n * entry[0]
                d0 += n * entry[1]
                d1 += n * entry[2]
                d2 += n * entry[3]
        sums = (q, d0, d1, d2)
        if len(self._word_cache) < WORD_CACHE:
            self._word_cache[word] = sums
        return sums

    def reasons(self, judgement: Judgement, rules: SentimentResult) -> tuple[str, ...]:
        """ "learned from 412 labels: “still waiting” −1.1, ..." then what the rules said."""
        pushes = judgement.pushes(MAX_LEARNED_REASONS)
        words = [f"“{_readable(g)[:MAX_GRAM_CHARS]}” {_signed(p)}" for g, p in pushes]
        shown = ", ".join(words) if words else "no word it knows stood out"
        p = judgement.probabilities
        mine = p[CLASSES.index(judgement.label)]
        said = f"{judgement.label} {mine:.0%}"
        t = self.negative_from
        if t is not None and mine < max(p):
            # The threshold, not the likeliest class, decided: say so.
            said += (
                f", negative from {t:.0%}"
                if judgement.label == "negative"
                else f"; negative {p[0]:.0%}, under the {t:.0%} it takes"
            )
        head = (
            f"learned from {self.n_labels:,} labels ({self.scope} model {self.model_id}, "
            f"{said}): {shown}"
        )
        said = f"rules said {rules.label} ({_signed(rules.compound or 0.0)})"
        return (head, said, *rules.reasons)


# What features.normalise made of links, handles, numbers and the client's names, as a reader
# would say it.
_SHOWN = {"0": "<number>", "user": "<@handle>", "http": "<link>", "brand": "<brand>"}


def _readable(gram: str) -> str:
    return " ".join(_SHOWN.get(token, token) for token in gram.split(" "))


def _signed(value: float) -> str:
    return f"−{-value:.1f}" if value < 0 else f"+{value:.1f}"


# A compound inside ±0.05 reads as neutral (VADER's convention, the rules' default threshold).
NEUTRAL_BAND = 0.05


def intensity(rules: float, label: str) -> float:
    """The compound stored with a model's label: the rules' compound (how strongly the words
    say it), brought inside the label's band. Severity reads "strongly negative" from it; the
    model's probabilities measure how sure it is, not how strong the words are, and taken as
    a compound they made two complaints in three "strongly negative" on the airline dev set
    (severity medium 638 -> 1,679 of 1,915 incidents). How sure the model is stays in the
    reasons ("negative 82%")."""
    if label == "negative":
        return min(rules, -NEUTRAL_BAND)
    if label == "positive":
        return max(rules, NEUTRAL_BAND)
    return max(-NEUTRAL_BAND + 0.01, min(rules, NEUTRAL_BAND - 0.01))


class LearnedScorer:
    """Scores like the rules' Analyzer (same call), then lets a learned model decide the label.

    The rules still run on every post: their compound is one of the model's inputs, and their
    reasons stay beside the model's, so every label can be explained."""

    def __init__(self, base: Any, model: LearnedModel) -> None:
        self.base = base
        self.model = model

    def score(
        self,
        text: str,
        *,
        negative_threshold: float = -0.05,
        positive_threshold: float = 0.05,
        brand_terms: Sequence[str] = (),
    ) -> SentimentResult:
        result = self.base.score(
            text,
            negative_threshold=negative_threshold,
            positive_threshold=positive_threshold,
            brand_terms=brand_terms,
        )
        if result.compound is None:  # not English: left for a person, as with the rules
            return result
        return self.judge(text, result, brand_terms)

    def score_many(
        self,
        texts: Iterable[str],
        *,
        negative_threshold: float = -0.05,
        positive_threshold: float = 0.05,
        brand_terms: Sequence[str] = (),
    ) -> list[SentimentResult]:
        """`score` for many texts: the rules score them all, then the model judges them all.
        The same results; in two passes each keeps its own tables in the processor's caches
        (alternating post by post, each evicted the other's and cost a fifth more time)."""
        texts = list(texts)
        base_many = getattr(self.base, "score_many", None)
        if base_many is None:
            return [
                self.score(
                    text,
                    negative_threshold=negative_threshold,
                    positive_threshold=positive_threshold,
                    brand_terms=brand_terms,
                )
                for text in texts
            ]
        results = base_many(
            texts,
            negative_threshold=negative_threshold,
            positive_threshold=positive_threshold,
            brand_terms=brand_terms,
        )
        return [
            result if result.compound is None else self.judge(text, result, brand_terms)
            for text, result in zip(texts, results, strict=True)
        ]

    def judge(
        self, text: str, result: SentimentResult, brand_terms: Sequence[str]
    ) -> SentimentResult:
        """The model's label for a text the rules scored as `result`."""
        return self.judge_with(text, result, brand_terms)[0]

    def judge_with(
        self, text: str, result: SentimentResult, brand_terms: Sequence[str]
    ) -> tuple[SentimentResult, Judgement]:
        masked = result.masked
        if masked is None:  # another scorer than the Analyzer: hide the names here
            masked, _ = BrandMask(brand_terms).apply(text[:MAX_SCORED_CHARS].replace("’", "'"))
        compound = result.compound or 0.0
        vader = result.vader if result.vader is not None else compound
        inputs = numeric_inputs(compound, vader, result.label, result.categories)
        judgement = self.model.judge(masked, inputs)
        judged = SentimentResult(
            intensity(compound, judgement.label),
            judgement.label,
            result.language,
            self.model.reasons(judgement, result),
            result.vader,
            masked,
            result.categories,
        )
        return judged, judgement
