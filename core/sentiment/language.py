"""Is this English? Non-English text is labelled `unscored` for a person to read, because VADER's
lexicon is English and would call almost any other language "neutral".

Short posts are the hard part: py3langid is unsure about three words ("still no refund" is 13 %
English), so a guess is only trusted when the text gives it no English to hold on to. The rule,
measured on tests/data/sentiment/eval.jsonl (see docs/sentiment.md):

1. Nothing but links, handles, numbers and emoji: no language (scored; VADER reads emoticons).
2. Mostly non-Latin letters (Cyrillic, CJK, Arabic, ...): not English.
3. Any distinctly English word (`EN_HINTS`), or fewer than `MIN_LETTERS` letters: English.
4. Otherwise py3langid decides, and a non-English answer counts only if it is confident enough
   for the text's length; in doubt, English.

Rule 3 is where py3langid's answer could not change the decision, so it is not asked there:
it costs more per text than VADER's whole pass, and most posts have a hint word (97 % of the
airline dev tweets).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from py3langid.langid import MODEL_FILE, LanguageIdentifier

# Function words and complaint vocabulary that are English and rarely words in other languages
# written in Latin script; "is", "was", "in", "me", "no", "a", "for", "do", "will" are left out
# on purpose (Dutch, German, Spanish, French, Scandinavian words too).
_HINT_WORDS = """
    the and you your my with this that have not what why when how they their there been would
    could should just still from about after it's i'm don't can't didn't won't isn't doesn't
    haven't hasn't our we are get got were but can who which where than then them these those
    did does its ever never please thanks thank hours order refund customer because only even
    again really very some any anyone nobody waited back called today yesterday tonight week love
    great good bad worst best awful help since being i've you're they're we're it
"""
EN_HINTS = frozenset(_HINT_WORDS.split())
# Frequent in English but also words elsewhere: never a sign of English on their own (and never
# a brand term, see brand.py).
_COMMON_WORDS = """
    i is a to of in on at for me was so be as an or if by up all out no do will has had his her
    him one ok am he she us more now too also like want
"""
EN_COMMON = frozenset(_COMMON_WORDS.split())

_NOISE = re.compile(r"https?://\S+|www\.\S+|[@#][\w.]+|\S+@\S+\.\w+|\d+")
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
_LAST_LATIN = 0x024F  # end of Latin Extended-B

# py3langid's normalised confidence grows with length; these are the floors above which a
# non-English answer is believed (tuned on the eval set: lower floors turn short English
# complaints into `unscored`).
MIN_CONFIDENCE = 0.5
MIN_LETTERS = 12


@dataclass(frozen=True)
class Detection:
    language: str | None  # ISO 639-1 code py3langid uses, "en", or None when there are no words
    english: bool
    # py3langid's confidence when it was asked (not where its answer could not count)
    confidence: float | None


_model_lock = threading.Lock()
_model: LanguageIdentifier | None = None


def _shared_model() -> LanguageIdentifier:
    """py3langid's model, loaded once per process: unpacking it costs about a second of CPU
    (LZMA) and its tables take memory, and every thread's Analyzer used to load its own (a
    `douse poll --workers 4` loaded it four times). Sharing is safe: `classify` reads the
    tables and keeps nothing between calls."""
    global _model
    with _model_lock:
        if _model is None:
            _model = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        return _model


class LanguageGuesser:
    """Decides English or not; the py3langid model (~0.7 s to load, once per process) is loaded
    on first need."""

    @property
    def _identifier(self) -> LanguageIdentifier:
        return _model if _model is not None else _shared_model()

    def load(self) -> None:
        """Load the model now (e.g. before a benchmark or in a worker's start-up)."""
        _ = self._identifier

    def detect(self, text: str) -> Detection:
        cleaned = _NOISE.sub(" ", text)
        words = _WORD.findall(cleaned.lower())
        if not words:
            return Detection(None, True, None)
        letters = len("".join(words))
        # Counting non-Latin letters one by one is the slow part; ASCII text has none.
        non_latin = (
            0 if cleaned.isascii() else sum(1 for w in words for ch in w if ord(ch) > _LAST_LATIN)
        )
        if non_latin * 2 > letters:
            lang, confidence = self._identifier.classify(cleaned)
            return Detection(lang if lang != "en" else "und", False, confidence)
        if letters < MIN_LETTERS or not EN_HINTS.isdisjoint(words):
            return Detection("en", True, None)
        lang, confidence = self._identifier.classify(cleaned)
        if lang != "en" and confidence >= MIN_CONFIDENCE:
            return Detection(lang, False, confidence)
        return Detection("en", True, confidence)
