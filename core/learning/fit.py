"""Fit a sentiment model from labels with scikit-learn, cross-validated against the rules.

A multinomial logistic regression over word 1-2 grams and character 3-5 grams (TF-IDF) plus the
rules' compound and VADER's own: fast to fit, fast to score in plain Python, and every weight is
readable. Cross-validation is stratified k-fold over the labels; the vocabulary and IDF are
computed once from all the texts (they never see a label), the classifier is refitted per fold.
The rules' F1 on the very same labels is the bar the model must clear to be used.

The label is not the likeliest class: a post is negative from a threshold on its probability of
being negative, chosen on the cross-validated predictions so that the model calls as many of
the labelled posts negative as the labels do (precision equals recall there: as many false
alarms as missed complaints). On the airline dev set (300 labels a client, later posts) the
likeliest class gave precision 0.837, recall 0.945; the balanced threshold 0.882, 0.894, with
the same F1 (0.888): the model is well calibrated and its F1 is flat for thresholds from 0.3 to
0.65, so the balance is what the threshold buys. The count of negative labels is a steadier
target than the F1 curve's peak, which on 100-1,000 labels moved from 0.2 to 0.6 and did no
better on later posts. The figures that decide whether the model is used choose the
threshold without the posts they score (each fold's on the other folds' predictions).
"""

from __future__ import annotations

import time
import warnings
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from douse.core.learning.features import (
    char_grams,
    char_norm,
    normalise,
    word_char_grams,
    word_grams,
)
from douse.core.learning.model import CLASSES, FORMAT_VERSION, NUMERIC, decide, numeric_inputs
from douse.core.sentiment.analyzer import MAX_SCORED_CHARS
from douse.core.sentiment.brand import BrandMask

FOLDS = 5
# Inverse regularisation strength; with sublinear TF-IDF, 4 did as well as 2 or 10 on the
# learning curves (bench/learning_curve.py) and is what scikit-learn users commonly land on.
C = 4.0
# saga stops at this tolerance in a few dozen passes: 10x faster than lbfgs to the default
# tolerance on 10,000 labels, with the same F1 to the third decimal.
MAX_ITER = 300
TOL = 1e-3
# A class the labels never show gets this intercept: it is never predicted.
ABSENT = -30.0
DIGITS = 5


@dataclass(frozen=True)
class Example:
    """One label in force and what the rules made of its text (with its client's names hidden
    and its client's thresholds)."""

    text: str
    label: str
    masked: str
    rules: float
    vader: float
    rules_label: str
    categories: frozenset[str] = frozenset()


def prepare(
    analyzer: Any,
    text: str,
    label: str,
    *,
    brand_terms: Sequence[str] = (),
    negative_threshold: float = -0.05,
    positive_threshold: float = 0.05,
) -> Example:
    result = analyzer.score(
        text,
        negative_threshold=negative_threshold,
        positive_threshold=positive_threshold,
        brand_terms=brand_terms,
    )
    body = text[:MAX_SCORED_CHARS].replace("’", "'")
    masked, _ = BrandMask(brand_terms).apply(body)
    compound = result.compound or 0.0
    vader = result.vader if result.vader is not None else compound
    if result.masked is not None:
        masked = result.masked
    return Example(text, label, masked, compound, vader, result.label, result.categories)


@dataclass(frozen=True)
class Figures:
    """Negative-label precision, recall and F1 (what a missed complaint costs is the point)."""

    precision: float
    recall: float
    f1: float

    @classmethod
    def of(cls, gold: Sequence[str], said: Sequence[str]) -> Figures:
        tp = sum(g == "negative" and s == "negative" for g, s in zip(gold, said, strict=True))
        fp = sum(g != "negative" and s == "negative" for g, s in zip(gold, said, strict=True))
        fn = sum(g == "negative" and s != "negative" for g, s in zip(gold, said, strict=True))
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return cls(round(precision, 4), round(recall, 4), round(f1, 4))

    def as_dict(self) -> dict[str, float]:
        return {"precision": self.precision, "recall": self.recall, "f1": self.f1}


@dataclass(frozen=True)
class Fitted:
    weights: dict[str, Any]
    model: Figures  # cross-validated
    rules: Figures  # the rules on the same labels
    folds: int
    counts: dict[str, int]
    seconds: float
    others: int = 0  # labels from beyond the scope it also learned from (`fit`'s `extra`)
    # The probability of negative from which a post is judged negative (see the module).
    negative_from: float = 0.5
    likeliest: Figures | None = None  # cross-validated, taking the likeliest class instead

    @property
    def beats_rules(self) -> bool:
        return self.model.f1 > self.rules.f1

    def cv_record(self) -> dict[str, Any]:
        return {
            "folds": self.folds,
            "model": self.model.as_dict(),
            "rules": self.rules.as_dict(),
            "negative_from": self.negative_from,
            "likeliest": None if self.likeliest is None else self.likeliest.as_dict(),
            "labels": dict(self.counts),
            "other_labels": self.others,
            "seconds": round(self.seconds, 2),
        }


def _identity(grams: list[str]) -> list[str]:
    return grams


# A gram seen in one post only is noise: dropping those halves the model with no loss of F1 on
# the learning curves (even at 100 labels).
MIN_DF = 2


def _vectorizer(**options: Any) -> TfidfVectorizer:
    # Grams are made by core.learning.features (the same code scores), so scikit-learn only
    # counts them; smooth IDF and L2 norm are its defaults, and what LearnedModel computes.
    settings: dict[str, Any] = {"sublinear_tf": True, **options}
    return TfidfVectorizer(analyzer=_identity, min_df=MIN_DF, dtype=np.float64, **settings)


def indicators(example: Example) -> list[float]:
    return numeric_inputs(example.rules, example.vader, example.rules_label, example.categories)


def _matrix(examples: Sequence[Example]) -> tuple[Any, TfidfVectorizer, TfidfVectorizer]:
    texts = [normalise(e.masked) for e in examples]
    words = _vectorizer()
    x_words = words.fit_transform([word_grams(t) for t in texts])
    # Character grams: raw counts times IDF, each post divided by features.char_norm (what
    # LearnedModel computes from per-word sums).
    chars = _vectorizer(norm=None, sublinear_tf=False)
    x_chars = chars.fit_transform([char_grams(t) for t in texts])
    vocabulary, idf = chars.vocabulary_, chars.idf_
    square: dict[str, float] = {}
    for text in texts:
        for word in text.split():
            if word not in square:
                counts = Counter(word_char_grams(word))
                square[word] = sum(
                    (n * idf[vocabulary[g]]) ** 2 for g, n in counts.items() if g in vocabulary
                )
    norms = np.array([char_norm(text.split(), square) for text in texts])
    norms[norms == 0] = 1.0
    x_chars = sparse.diags(1.0 / norms) @ x_chars
    numeric = sparse.csr_matrix(np.array([indicators(e) for e in examples]))
    return sparse.hstack([x_words, x_chars, numeric]).tocsr(), words, chars


def _classifier() -> LogisticRegression:
    # saga visits the labels in a random order: fixed, so the same labels give the same model.
    return LogisticRegression(C=C, solver="saga", max_iter=MAX_ITER, tol=TOL, random_state=0)


def balanced_threshold(p_negative: np.ndarray, negative: np.ndarray) -> float:
    """The probability of negative from which as many posts are judged negative as `negative`
    (the labels) has: halfway between the last post in and the first post out."""
    k = int(negative.sum())
    ranked = np.sort(p_negative)[::-1]
    if k == 0:
        threshold = ranked[0] + (1.0 - ranked[0]) / 2
    elif k == len(ranked):
        threshold = ranked[-1] / 2
    else:
        threshold = (ranked[k - 1] + ranked[k]) / 2
    # Stored rounded and strictly between 0 and 1 (a saturated probability is 1.0).
    step = 10.0**-DIGITS
    return round(min(max(float(threshold), step), 1.0 - step), DIGITS)


def _judged(probabilities: np.ndarray, negative_from: float | None) -> list[str]:
    return [CLASSES[decide(row, negative_from)] for row in probabilities.tolist()]


def _probabilities(model: LogisticRegression, x: Any) -> np.ndarray:
    """Predicted probabilities in CLASSES' order (a class the fit never saw: 0)."""
    given = model.predict_proba(x)
    out = np.zeros((x.shape[0], len(CLASSES)))
    for column, name in enumerate(model.classes_):
        out[:, CLASSES.index(str(name))] = given[:, column]
    return out


def _weights(
    model: LogisticRegression,
    words: TfidfVectorizer,
    chars: TfidfVectorizer,
    negative_from: float | None = None,
) -> dict[str, Any]:
    """The fitted classifier as JSON-able data, three weights (one per class) per feature."""
    classes = [str(c) for c in model.classes_]
    columns = model.coef_.shape[1]
    coef = np.zeros((3, columns))
    intercept = np.full(3, ABSENT)
    if len(classes) == 2:
        # A binary fit scores the second class against the first (held at zero).
        coef[CLASSES.index(classes[1])] = model.coef_[0]
        intercept[CLASSES.index(classes[0])] = 0.0
        intercept[CLASSES.index(classes[1])] = model.intercept_[0]
    else:
        for row, name in enumerate(classes):
            coef[CLASSES.index(name)] = model.coef_[row]
            intercept[CLASSES.index(name)] = model.intercept_[row]

    def table(vectorizer: TfidfVectorizer, offset: int) -> dict[str, list[float]]:
        idf = vectorizer.idf_
        return {
            gram: [
                round(float(idf[col]), DIGITS),
                *(round(float(coef[k, offset + col]), DIGITS) for k in range(3)),
            ]
            for gram, col in vectorizer.vocabulary_.items()
        }

    n_words = len(words.vocabulary_)
    n_chars = len(chars.vocabulary_)
    first = n_words + n_chars
    return {
        "format_version": FORMAT_VERSION,
        "classes": list(CLASSES),
        "intercept": [round(float(v), DIGITS) for v in intercept],
        **({} if negative_from is None else {"negative_from": negative_from}),
        "sublinear_tf": True,
        "char_norm": "per_word",
        "word": table(words, 0),
        "char": table(chars, n_words),
        "numeric": {
            name: [round(float(coef[k, first + i]), DIGITS) for k in range(3)]
            for i, name in enumerate(NUMERIC)
        },
    }


def fit(
    examples: Sequence[Example],
    folds: int = FOLDS,
    seed: int = 0,
    extra: Sequence[Example] = (),
) -> Fitted:
    """Cross-validate, then fit on every example. Needs both negative and other labels.

    `extra`: labels from beyond the scope (a client's model learns from the agency's other
    clients' labels too) that train every fold and the final model but are never scored: the
    figures, and the comparison with the rules, are about the scope's own labels."""
    started = time.perf_counter()
    labels = np.array([e.label for e in examples])
    counts = Counter(labels.tolist())
    x_all, words, chars = _matrix([*examples, *extra])
    x, x_extra = x_all[: len(examples)], x_all[len(examples) :]
    labels_extra = np.array([e.label for e in extra], dtype=labels.dtype)
    # A rare class (three positive labels) does not shrink the folds: StratifiedKFold spreads
    # what there is, and every fold still has plenty of negatives and others (MIN_EACH).
    probabilities = np.zeros((len(examples), len(CLASSES)))
    fold_of = np.zeros(len(examples), dtype=int)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    with warnings.catch_warnings():
        # A class rarer than the folds, or saga stopping at MAX_ITER, is not the user's concern:
        # the cross-validated figures say how good the model is.
        warnings.simplefilter("ignore", category=UserWarning)
        warnings.simplefilter("ignore", category=ConvergenceWarning)
        for k, (train, test) in enumerate(splitter.split(x, labels)):
            fold_model = _classifier().fit(
                sparse.vstack([x[train], x_extra]).tocsr(),
                np.concatenate([labels[train], labels_extra]),
            )
            probabilities[test] = _probabilities(fold_model, x[test])
            fold_of[test] = k
        final = _classifier().fit(x_all, np.concatenate([labels, labels_extra]))
    negative = labels == "negative"
    negative_from = balanced_threshold(probabilities[:, 0], negative)
    predicted = np.empty(len(examples), dtype=object)
    for k in range(folds):
        test = fold_of == k
        chosen = balanced_threshold(probabilities[~test, 0], negative[~test])
        predicted[test] = _judged(probabilities[test], chosen)
    gold = labels.tolist()
    return Fitted(
        weights=_weights(final, words, chars, negative_from),
        model=Figures.of(gold, predicted.tolist()),
        rules=Figures.of(gold, [e.rules_label for e in examples]),
        folds=folds,
        counts={name: counts.get(name, 0) for name in CLASSES},
        seconds=time.perf_counter() - started,
        others=len(extra),
        negative_from=negative_from,
        likeliest=Figures.of(gold, _judged(probabilities, None)),
    )
