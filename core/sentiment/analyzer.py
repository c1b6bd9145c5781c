"""Score one mention: VADER + the reputation layer, a label, and the reasons a person can read."""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from douse.core.errors import DouseError
from douse.core.sentiment.brand import BrandMask
from douse.core.sentiment.context import (
    GRATITUDE,
    WHY,
    Softened,
    asks,
    soften,
    thanks_for_something_bad,
)
from douse.core.sentiment.dispatch import skipping
from douse.core.sentiment.emoji import is_emoji, score_emoji, spaced
from douse.core.sentiment.language import Detection, LanguageGuesser
from douse.core.sentiment.lexicon import load_vader
from douse.core.sentiment.rules import RuleHit, find_hits
from douse.core.sentiment.vader import FastVader

LABELS = ("negative", "neutral", "positive", "unscored")

# Beyond this many characters only the start of a text is scored: a post is short, and a
# pathological megabyte "post" must not stall ingestion. The reasons say so.
MAX_SCORED_CHARS = 10_000
# Praise next to a stated complaint ("Love waiting 3 hours on hold, great job") is usually
# sarcasm or politeness; it keeps this share of its valence (tuned on the eval set).
PRAISE_BESIDE_COMPLAINT = 0.25
MAX_WORD_REASONS = 6
MAX_SOFTENED_NOTES = 3
MAX_PHRASE_CHARS = 60

# Control characters, bidi overrides and zero-width marks: stripped from quoted phrases so a
# reason is inert wherever it is shown.
_UNSAFE = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]+"
)


_PUNCT = string.punctuation


# A run of dots between words ("delayed...NOT COOL") glues them into one token VADER cannot
# look up; VADER also lets a negation reach across a full stop ("offered nothing. HORRID" reads
# as "not horrid"). Three neutral tokens at each sentence end keep negations and boosters, which
# look three tokens back, inside their own sentence.
_DOTS = re.compile(r"\.{2,}|…")
# `skipping`: re jumps in C to the punctuation instead of trying every position.
_SENTENCE_END = skipping(r"(?<=\w)[.!?]+(?=\s+\S)")
_BARRIER = " \u2062\u2062 \u2062\u2062 \u2062\u2062 "


def _after_sentence(match: re.Match[str]) -> str:
    # A function, not the template r"\g<0>" + _BARRIER: Python 3.11's re looks a template up
    # in a cache on every call and expands it in Python, three times the cost of this call.
    return match.group() + _BARRIER


def _for_vader(text: str) -> str:
    """The text VADER reads: emoji apart from words, hashtags as words, dots as spaces,
    sentences kept apart."""
    text = spaced(text)
    if "#" in text:
        text = text.replace("#", " ")  # "#fail" is "fail" to a reader
    if "." in text or "…" in text:
        text = _DOTS.sub(" ", text)
    if "." in text or "!" in text or "?" in text:
        text = _SENTENCE_END.sub(_after_sentence, text)
    return text


class ThresholdError(DouseError):
    """Label thresholds that cannot work (out of range or crossed)."""


@dataclass(frozen=True)
class SentimentResult:
    compound: float | None  # VADER's −1…+1 compound with the reputation layer; None if unscored
    label: str  # negative / neutral / positive / unscored
    language: str | None  # "en", another ISO 639 code, "und", or None for no words at all
    reasons: tuple[str, ...]  # what moved the score, strongest first, human-readable
    # VADER's own compound of the text with the brand's names hidden, before the reputation
    # layer: one more signal for a learned model, computed in the same pass.
    vader: float | None = field(default=None, compare=False)
    # The text as scored (the client's names hidden): a learned model reads the same.
    masked: str | None = field(default=None, compare=False, repr=False)
    # The rule categories that matched ("request for help", "sarcasm"...): a learned model's
    # inputs too.
    categories: frozenset[str] = field(default=frozenset(), compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class _VaderPass:
    """VADER's reading of one text with the brand's names hidden, before the reputation layer."""

    scored: str  # the text with the names hidden
    lowered: str
    hidden: list[str]  # the names hidden that VADER would have scored
    words: list[str]
    valences: list[float]  # per word; the layer adjusts them in place
    plain: float  # VADER's own compound
    frowned: bool = False  # an emoji of a complaint's among the words (a frown, an eye roll)


def check_thresholds(negative_threshold: float, positive_threshold: float) -> None:
    for name, value in (("negative", negative_threshold), ("positive", positive_threshold)):
        if not -1.0 <= value <= 1.0 or value != value:
            raise ThresholdError(f"{name} threshold must be between -1 and 1, not {value}")
    if negative_threshold >= positive_threshold:
        raise ThresholdError(
            f"negative threshold ({negative_threshold}) must be below "
            f"positive threshold ({positive_threshold})"
        )


def label_for(compound: float, negative_threshold: float, positive_threshold: float) -> str:
    if compound <= negative_threshold:
        return "negative"
    if compound >= positive_threshold:
        return "positive"
    return "neutral"


def _quote(phrase: str) -> str:
    cleaned = " ".join(_UNSAFE.sub(" ", phrase).split())
    if len(cleaned) > MAX_PHRASE_CHARS:
        cleaned = cleaned[: MAX_PHRASE_CHARS - 1] + "…"
    return f"“{cleaned}”"


def _signed(value: float) -> str:
    # A real minus sign: reasons are read by people, and "−0.4" does not look like a dash.
    return f"−{-value:.1f}" if value < 0 else f"+{value:.1f}"


def _brand_notes(hidden: list[str], lexicon: dict[str, float]) -> list[str]:
    """Say so when a brand word would have moved the score: "united" is +1.8 to VADER."""
    notes: list[str] = []
    seen: set[str] = set()
    for word in hidden:
        key = word.lower()
        if key in seen or key not in lexicon:
            continue
        seen.add(key)
        notes.append(f"brand name {_quote(word)} not scored (lexicon {_signed(lexicon[key])})")
    return notes


def _softened_notes(softened: list[Softened]) -> list[str]:
    seen: set[str] = set()
    notes: list[str] = []
    for item in softened:
        key = item.word.lower()
        if key in seen:
            continue
        seen.add(key)
        why = WHY[item.why]
        source = "emoji" if is_emoji(item.word) else "lexicon"
        notes.append(f"{_quote(item.word)} not scored ({why}; {source} {_signed(item.was)})")
    return notes[:MAX_SOFTENED_NOTES]


class Analyzer:
    """VADER (nltk, with the lexicon vaderSentiment ships) plus douse's reputation layer.

    Construct once per process or worker: loading the lexicon and the language model is the slow
    part (about a second); scoring is then tens of microseconds per post. An Analyzer holds no
    per-call state, but it is only promised to be safe when used by one thread at a time; give
    each worker thread its own, as with database sessions.
    """

    def __init__(self, *, cache_dir: Path | None = None) -> None:
        self._vader = load_vader(cache_dir)
        self._pass = FastVader(self._vader)
        self._language = LanguageGuesser()
        self._language.load()

    def raw_vader_compound(self, text: str) -> float:
        """nltk's own `polarity_scores(text)["compound"]`, untouched: the benchmark's baseline."""
        return float(self._vader.polarity_scores(text)["compound"])

    def score(
        self,
        text: str,
        *,
        negative_threshold: float = -0.05,
        positive_threshold: float = 0.05,
        brand_terms: Sequence[str] = (),
    ) -> SentimentResult:
        """`brand_terms`: the client's own names (see `brand_terms_for`); inside them words
        carry no sentiment and trigger no rule."""
        check_thresholds(negative_threshold, positive_threshold)
        return self._score(text, negative_threshold, positive_threshold, BrandMask(brand_terms))

    def score_many(
        self,
        texts: Iterable[str],
        *,
        negative_threshold: float = -0.05,
        positive_threshold: float = 0.05,
        brand_terms: Sequence[str] = (),
    ) -> list[SentimentResult]:
        """`score` for each text, in stages over the whole batch: the language of every text,
        then VADER's pass over every English one, then the rule scan, then the reasons. The
        same results as one by one; each stage keeps its own tables (py3langid's model, VADER's
        lexicon, the rule patterns) in the processor's caches instead of evicting the others'
        at every post."""
        check_thresholds(negative_threshold, positive_threshold)
        mask = BrandMask(brand_terms)
        guarded = [self._guard(text) for text in texts]
        passes = [
            None if not detection.english else self._vader_pass(text, mask)
            for text, _, detection in guarded
        ]
        hits = [
            None
            if vader is None
            else find_hits(vader.scored, quote_from=text, lowered=vader.lowered)
            for (text, _, _), vader in zip(guarded, passes, strict=True)
        ]
        return [
            self._unscored(detection, notes)
            if vader is None or found is None
            else self._finish(
                notes, detection, vader, found, negative_threshold, positive_threshold
            )
            for (_, notes, detection), vader, found in zip(guarded, passes, hits, strict=True)
        ]

    def _score(
        self, text: str, negative: float, positive: float, mask: BrandMask
    ) -> SentimentResult:
        text, notes, detection = self._guard(text)
        if not detection.english:
            return self._unscored(detection, notes)
        vader = self._vader_pass(text, mask)
        hits = find_hits(vader.scored, quote_from=text, lowered=vader.lowered)
        return self._finish(notes, detection, vader, hits, negative, positive)

    def _guard(self, text: str) -> tuple[str, list[str], Detection]:
        """The text as scored (its start, if it is huge), notes about that, and its language."""
        notes: list[str] = []
        if len(text) > MAX_SCORED_CHARS:
            text = text[:MAX_SCORED_CHARS]
            notes.append(f"only the first {MAX_SCORED_CHARS} characters were scored")
        return text, notes, self._language.detect(text)

    @staticmethod
    def _unscored(detection: Detection, notes: list[str]) -> SentimentResult:
        confidence = f", confidence {detection.confidence:.2f}" if detection.confidence else ""
        return SentimentResult(
            None,
            "unscored",
            detection.language,
            (
                f"not English (looks like {detection.language}{confidence}): "
                "left for a person to read",
                *notes,
            ),
        )

    def _vader_pass(self, text: str, mask: BrandMask) -> _VaderPass:
        # "can’t" is "can't" (VADER's negation list only knows the straight apostrophe), and
        # "McDonald’s" is "McDonald's"; same length, so reasons still quote the text as written.
        scored, hidden = mask.apply(text.replace("’", "'") if "’" in text else text)
        # "#fail" is "fail" to a reader; VADER would see one unknown token. The rules still see
        # the "#" (complaint hashtags).
        words, valences = self._pass.valences(_for_vader(scored))
        plain = self._pass.compound(valences, scored)
        # VADER's own reading (`plain`) knows no emoji; the layer's does.
        frowned = not scored.isascii() and score_emoji(words, valences)
        return _VaderPass(scored, scored.lower(), hidden, words, valences, plain, frowned)

    def _finish(
        self,
        notes: list[str],
        detection: Detection,
        vader: _VaderPass,
        hits: list[RuleHit],
        negative: float,
        positive: float,
    ) -> SentimentResult:
        """The reputation layer over VADER's valences and the rules' hits: the compound, the
        label and the reasons."""
        scored, lowered, words, valences = vader.scored, vader.lowered, vader.words, vader.valences
        asking = any(hit.rule.asks for hit in hits) or asks(lowered)
        lexicon = self._vader.lexicon
        thanks_bad = "than" in lowered and thanks_for_something_bad(lowered, lexicon)
        softened = soften(words, valences, lexicon, asking, thanks_bad, lowered)
        # Praise beside a complaint keeps only part of its weight, except praise after a "but"
        # that follows every complaint: "lost my bag but found it the same night, great".
        complaints = [hit for hit in hits if hit.rule.valence < 0 and hit.rule.dampens]
        # A frowning emoji is a complaint too: "great service 😡" is not praise.
        complaining = bool(complaints) or vader.frowned
        praise_weight = PRAISE_BESIDE_COMPLAINT if complaining else 1.0
        # Even a weak sign ("for 7 hrs") makes thanks beside it politeness or sarcasm ("thank
        # you for 7 hrs at the terminal"), though praise keeps its weight ("stayed for 5 days
        # and loved it").
        thanks_weight = 0.0 if vader.frowned or any(hit.rule.valence < 0 for hit in hits) else 1.0
        after_but = len(words)
        # A "but" token is "but" in the lower-cased text too: most texts skip the word loop.
        if complaining and "but" in lowered and all(hit.before_but for hit in complaints):
            # "but..." or "(but" is a token of its own to VADER; find it all the same.
            but_at = next(
                (i for i, word in enumerate(words) if word.lower().strip(_PUNCT) == "but"),
                len(words),
            )
            if not vader.frowned or all(
                i < but_at for i, word in enumerate(words) if is_emoji(word) and valences[i] < 0
            ):
                after_but = but_at
        moved: dict[str, float] = {}
        dampened: dict[str, tuple[float, float]] = {}
        for index, valence in enumerate(valences):
            if not valence:
                continue
            word = words[index].lower()
            gratitude = word.strip(_PUNCT) in GRATITUDE
            if (
                valence > 0
                and index <= after_but
                and (praise_weight < 1.0 or (gratitude and thanks_weight < 1.0))
            ):
                # Thanks beside a complaint is politeness or sarcasm, never praise.
                weight = thanks_weight if gratitude else praise_weight
                before = dampened.get(word, (0.0, 0.0))
                valences[index] = valence * weight
                dampened[word] = (before[0] + valence, before[1] + valences[index])
            else:
                moved[word] = moved.get(word, 0.0) + valence
        valences.extend(hit.valence for hit in hits)
        compound = self._pass.compound(valences, scored)
        reasons = self._reasons(moved, dampened, hits, self._vader.lexicon)
        notes[:0] = [*_softened_notes(softened), *_brand_notes(vader.hidden, self._vader.lexicon)]
        return SentimentResult(
            compound,
            label_for(compound, negative, positive),
            detection.language,
            (*reasons, *notes),
            vader.plain,
            scored,
            frozenset(hit.rule.category for hit in hits),
        )

    @staticmethod
    def _reasons(
        moved: dict[str, float],
        dampened: dict[str, tuple[float, float]],
        hits: list[RuleHit],
        lexicon: dict[str, float],
    ) -> list[str]:
        ranked: list[tuple[float, str]] = []
        for hit in hits:
            ranked.append(
                (
                    abs(hit.valence) + 10,  # the layer's findings first: they explain most
                    f"{hit.rule.category}: {_quote(hit.phrase)} {_signed(hit.valence)}",
                )
            )
        words = sorted(moved.items(), key=lambda item: -abs(item[1]))[:MAX_WORD_REASONS]
        for word, valence in words:
            base = lexicon.get(word, valence)
            # Negation, boosters, capitals and "but" change a word's weight; show both then.
            if is_emoji(word):
                source = "emoji"
            elif abs(base - valence) < 0.05:
                source = "lexicon"
            else:
                source = f"lexicon {_signed(base)}, in context"
            ranked.append((abs(valence), f"{_quote(word)} {_signed(valence)} ({source})"))
        for word, (was, now) in dampened.items():
            ranked.append(
                (
                    abs(now),
                    f"{_quote(word)} {_signed(now)} "
                    f"({'emoji' if is_emoji(word) else 'lexicon'} {_signed(was)}, "
                    "praise beside a complaint)",
                )
            )
        ranked.sort(key=lambda item: -item[0])
        return [reason for _, reason in ranked]
