"""The language guard decides exactly as its plain definition does (py3langid asked about every
text, its answer believed only where the guard's rule lets it count), though it asks py3langid
only where that answer could change the decision."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from douse.core.sentiment.evaluation import load_examples
from douse.core.sentiment.language import (
    _NOISE,
    _WORD,
    EN_COMMON,
    EN_HINTS,
    MIN_CONFIDENCE,
    MIN_LETTERS,
    LanguageGuesser,
)

DATA = Path(__file__).parent / "data" / "sentiment"


@pytest.fixture(scope="module")
def guesser() -> LanguageGuesser:
    guesser = LanguageGuesser()
    guesser.load()
    return guesser


def plain(guesser: LanguageGuesser, text: str) -> tuple[str | None, bool]:
    """(language, English?) by the guard's rule as documented, asking py3langid every time."""
    cleaned = _NOISE.sub(" ", text)
    words = _WORD.findall(cleaned.lower())
    if not words:
        return None, True
    letters = sum(len(w) for w in words)
    non_latin = sum(1 for w in words for ch in w if ord(ch) > 0x024F)
    lang, confidence = guesser._identifier.classify(cleaned)
    if non_latin * 2 > letters:
        return (lang if lang != "en" else "und"), False
    hints = sum(1 for w in words if w in EN_HINTS)
    if lang != "en" and hints == 0 and letters >= MIN_LETTERS and confidence >= MIN_CONFIDENCE:
        return lang, False
    return "en", True


def decided(guesser: LanguageGuesser, text: str) -> tuple[str | None, bool]:
    detection = guesser.detect(text)
    return detection.language, detection.english


def test_the_eval_texts_get_the_plain_decision(guesser: LanguageGuesser) -> None:
    examples = [e for name in ("eval", "holdout") for e in load_examples(DATA / f"{name}.jsonl")]
    others = 0
    for example in examples:
        expected = plain(guesser, example.text)
        assert decided(guesser, example.text) == expected, example.text
        others += not expected[1]
    assert others >= 40, "the sets hold non-English texts"


@pytest.mark.parametrize(
    "text",
    [
        "El servicio de Zest es horrible, llevo tres días sin internet",
        "Das Essen bei FreshBox war kalt und der Fahrer unhöflich",
        "Le service client ne répond jamais, quelle honte",
        "Ужасный сервис у Zest, третий день без интернета",
        "Northwindのフライトが遅延して乗り継ぎに間に合わなかった",
        "still no refund",
        "Zest is down",
        "El vuelo salió tarde but the crew was great",
    ],
)
def test_short_and_foreign_texts_get_the_plain_decision(
    guesser: LanguageGuesser, text: str
) -> None:
    assert decided(guesser, text) == plain(guesser, text)


# Words from English and from other languages, so that texts with and without hints, short and
# long, mostly Latin or not, all come up.
_WORDS = st.sampled_from(
    [
        *sorted(EN_HINTS)[:40],
        *sorted(EN_COMMON)[:20],
        "servicio", "horrible", "llevo", "días", "sin", "essen", "kalt", "fahrer", "unhöflich",
        "jamais", "répond", "honte", "vuelo", "tarde", "refund", "delayed", "flight", "bag",
        "ужасный", "сервис", "遅延", "間に合わなかった", "@zest", "#fail", "https://x.co/a", "42",
    ]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(_WORDS, max_size=14).map(" ".join))
def test_any_mix_of_words_gets_the_plain_decision(guesser: LanguageGuesser, text: str) -> None:
    assert decided(guesser, text) == plain(guesser, text)


def test_every_threads_guesser_shares_one_model_and_decides_alike() -> None:
    """A worker thread's Analyzer does not load py3langid's model again (about a second of CPU
    each: `douse poll --workers 4` loaded it four times), and threads asking it at once get
    what one thread alone gets."""
    texts = [
        "Das Essen bei FreshBox war kalt und der Fahrer unhöflich",
        "Le vol a été annulé sans aucune explication",
        "Northwindのフライトが遅延して乗り継ぎに間に合わなかった",
        "still no refund after three weeks of waiting",
    ] * 50
    alone = [LanguageGuesser().detect(t) for t in texts]
    found: list[list[object]] = [[] for _ in range(4)]
    models: list[object] = []

    def work(slot: list[object]) -> None:
        guesser = LanguageGuesser()
        models.append(guesser._identifier)
        slot.extend(guesser.detect(t) for t in texts)

    threads = [threading.Thread(target=work, args=(slot,)) for slot in found]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(slot == alone for slot in found)
    assert len({id(m) for m in models}) == 1
