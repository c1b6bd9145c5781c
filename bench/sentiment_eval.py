"""Sentiment: negative-label quality of raw VADER vs douse on the eval set, and throughput.

    .venv/bin/python bench/sentiment_eval.py [--eval PATH] [--texts N] [--misses]

Prints precision / recall / F1 of the `negative` label (all rows, and English rows only), the
share of each kind labelled negative, how the language guard did, and texts per second of
nltk's raw VADER against `Analyzer.score` (best of three runs over the same texts).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from douse.core.sentiment import Analyzer
from douse.core.sentiment.evaluation import (
    Example,
    Scores,
    douse_labels,
    kinds,
    load_examples,
    raw_vader_labels,
    tally,
)

DEFAULT_EVAL = Path(__file__).resolve().parents[1] / "tests/data/sentiment/eval.jsonl"


def _row(name: str, scores: Scores) -> str:
    return (
        f"  {name:<10} precision {scores.precision:6.1%}  recall {scores.recall:6.1%}  "
        f"F1 {scores.f1:.3f}  all-label accuracy {scores.accuracy:6.1%}"
    )


def report_quality(examples: Sequence[Example], raw: list[str], ours: list[str]) -> None:
    english = [i for i, e in enumerate(examples) if e.label != "unscored"]
    for title, rows in (("all rows", range(len(examples))), ("English rows", english)):
        subset = [examples[i] for i in rows]
        print(f"negative label, {title} (n={len(subset)}):")
        print(_row("raw VADER", tally(subset, [raw[i] for i in rows])))
        print(_row("douse", tally(subset, [ours[i] for i in rows])))
    print()
    print(f"{'kind':<20}{'n':>4}  {'gold':<9} negative: raw VADER   douse    douse correct")
    for kind, rows in kinds(examples).items():
        gold = {examples[i].label for i in rows}
        raw_neg = sum(raw[i] == "negative" for i in rows)
        our_neg = sum(ours[i] == "negative" for i in rows)
        right = sum(ours[i] == examples[i].label for i in rows)
        print(
            f"{kind:<20}{len(rows):>4}  {'/'.join(sorted(gold)):<9} "
            f"{raw_neg / len(rows):>17.0%} {our_neg / len(rows):>7.0%} {right / len(rows):>13.0%}"
        )
    print()
    english_unscored = sum(
        ours[i] == "unscored" for i, e in enumerate(examples) if e.label != "unscored"
    )
    foreign = [i for i, e in enumerate(examples) if e.label == "unscored"]
    caught = sum(ours[i] == "unscored" for i in foreign)
    print(
        f"language guard: {caught}/{len(foreign)} non-English texts unscored; "
        f"{english_unscored}/{len(english)} English texts wrongly unscored"
    )


def _rate(fn: Callable[[str], object], texts: Sequence[str]) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for text in texts:
            fn(text)
        best = min(best, time.perf_counter() - start)
    return len(texts) / best


def report_speed(analyzer: Analyzer, examples: Sequence[Example], count: int) -> None:
    base = [e.text for e in examples]
    texts = (base * (count // len(base) + 1))[:count]
    raw = _rate(analyzer.raw_vader_compound, texts)
    ours = _rate(analyzer.score, texts)
    print(
        f"throughput over {len(texts)} eval texts (best of 3, one thread): "
        f"raw nltk VADER {raw:,.0f}/s, douse score() {ours:,.0f}/s ({ours / raw:.2f}x raw)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", type=Path, default=DEFAULT_EVAL)
    parser.add_argument("--texts", type=int, default=20_000, help="texts per speed run")
    parser.add_argument("--misses", action="store_true", help="list rows douse gets wrong")
    args = parser.parse_args()
    started = time.perf_counter()
    analyzer = Analyzer()
    print(f"Analyzer() loaded in {time.perf_counter() - started:.2f}s")
    examples = load_examples(args.eval)
    texts = [e.text for e in examples]
    raw = raw_vader_labels(analyzer, texts)
    ours = douse_labels(analyzer, texts)
    report_quality(examples, raw, ours)
    if args.misses:
        print()
        for example, label in zip(examples, ours, strict=True):
            if label != example.label:
                result = analyzer.score(example.text)
                print(f"[{example.kind}] gold {example.label}, douse {label} {result.compound}:")
                print(f"    {example.text}\n    {list(result.reasons)}")
    print()
    report_speed(analyzer, examples, args.texts)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
