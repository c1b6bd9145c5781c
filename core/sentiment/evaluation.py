"""Precision and recall of the negative label on a labelled set: raw VADER against douse.

Used by bench/sentiment_eval.py (which prints the numbers for docs/sentiment.md) and by the test
that holds the reputation layer to its promise.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from douse.core.errors import DouseError
from douse.core.sentiment.analyzer import LABELS, Analyzer, label_for


@dataclass(frozen=True)
class Example:
    text: str
    label: str  # gold: negative / neutral / positive / unscored
    kind: str  # complaint_plain, praise, other_language, ...


@dataclass(frozen=True)
class Scores:
    """Counts for the negative label, and the share of all labels that were right."""

    true_pos: int
    false_pos: int
    false_neg: int
    correct: int
    total: int

    @property
    def precision(self) -> float:
        flagged = self.true_pos + self.false_pos
        return self.true_pos / flagged if flagged else 1.0

    @property
    def recall(self) -> float:
        actual = self.true_pos + self.false_neg
        return self.true_pos / actual if actual else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 1.0


def load_examples(path: Path) -> list[Example]:
    examples: list[Example] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                example = Example(str(row["text"]), str(row["label"]), str(row["kind"]))
            except (ValueError, KeyError, TypeError) as exc:
                raise DouseError(f"{path}:{number}: not an eval row ({exc})") from None
            if example.label not in LABELS:
                raise DouseError(f"{path}:{number}: unknown label {example.label!r}")
            examples.append(example)
    return examples


def tally(examples: Sequence[Example], predicted: Sequence[str]) -> Scores:
    tp = fp = fn = correct = 0
    for example, label in zip(examples, predicted, strict=True):
        gold_negative = example.label == "negative"
        said_negative = label == "negative"
        tp += gold_negative and said_negative
        fp += said_negative and not gold_negative
        fn += gold_negative and not said_negative
        correct += label == example.label
    return Scores(tp, fp, fn, correct, len(examples))


def raw_vader_labels(analyzer: Analyzer, texts: Iterable[str]) -> list[str]:
    """What nltk's VADER alone says, with VADER's customary ±0.05 thresholds."""
    return [label_for(analyzer.raw_vader_compound(text), -0.05, 0.05) for text in texts]


def douse_labels(analyzer: Analyzer, texts: Iterable[str]) -> list[str]:
    return [result.label for result in analyzer.score_many(texts)]


def kinds(examples: Sequence[Example]) -> dict[str, list[int]]:
    """Row positions per kind, in first-seen order."""
    groups: dict[str, list[int]] = {}
    for index, example in enumerate(examples):
        groups.setdefault(example.kind, []).append(index)
    return groups
