"""A learned model judges a post negative from a threshold on its probability of being negative,
chosen on the cross-validated predictions so that it calls as many labelled posts negative as
the labels do; a model stored before thresholds (format 1) still takes the likeliest class."""

from __future__ import annotations

import random
from typing import Any

import numpy as np
import pytest

from douse.core.learning.model import (
    CLASSES,
    LearnedModel,
    LearnedScorer,
    ModelFormatError,
    decide,
)
from douse.core.sentiment import Analyzer
from tests.helpers import PLACES


def weights(intercept: list[float], **extra: Any) -> dict[str, Any]:
    """A model that knows no gram: its probabilities are the softmax of its intercepts."""
    return {"classes": list(CLASSES), "intercept": intercept, "word": {}, "char": {}, **extra}


def test_the_balanced_threshold_lets_in_as_many_posts_as_the_labels_call_negative() -> None:
    from douse.core.learning.fit import balanced_threshold

    p = np.array([0.9, 0.8, 0.7, 0.4, 0.3, 0.1])
    labels = np.array([True, True, False, True, False, False])
    assert balanced_threshold(p, labels) == 0.55
    assert int((p >= balanced_threshold(p, labels)).sum()) == 3
    # No negative label: above every post; all negative: below every post; always a
    # probability strictly between 0 and 1, even over saturated predictions.
    assert balanced_threshold(p, np.zeros(6, dtype=bool)) == 0.95
    assert balanced_threshold(p, np.ones(6, dtype=bool)) == 0.05
    assert 0 < balanced_threshold(np.array([1.0, 1.0, 0.0]), np.array([1, 1, 0])) < 1
    assert 0 < balanced_threshold(np.array([1.0, 1.0]), np.array([0, 0])) < 1


def test_decide_takes_negative_from_the_threshold_else_the_likelier_of_the_others() -> None:
    assert decide((0.40, 0.55, 0.05), None) == 1  # format 1: the likeliest
    assert decide((0.40, 0.55, 0.05), 0.35) == 0
    assert decide((0.40, 0.25, 0.35), 0.45) == 2  # likeliest is negative, but under 0.45
    assert decide((0.45, 0.30, 0.25), 0.45) == 0  # from the threshold on, inclusive
    assert decide((0.20, 0.40, 0.40), 0.5) == 1  # a tie goes to neutral, as before


def test_a_format_1_model_takes_the_likeliest_class_and_a_threshold_overrides_it(
    analyzer: Analyzer,
) -> None:
    # Probabilities about (0.377, 0.621, 0.002): neutral is likeliest.
    old = LearnedModel(1, None, 300, weights([0.0, 0.5, -5.0]))
    new = LearnedModel(2, None, 300, weights([0.0, 0.5, -5.0], negative_from=0.3))
    assert old.negative_from is None and new.negative_from == 0.3
    text = "the bike shed opens at noon"
    rules = analyzer.score(text)
    assert rules.label == "neutral"
    said_old, judged_old = LearnedScorer(analyzer, old).judge_with(text, rules, ())
    said_new, judged_new = LearnedScorer(analyzer, new).judge_with(text, rules, ())
    assert judged_old.probabilities == judged_new.probabilities
    assert said_old.label == "neutral" and said_new.label == "negative"
    # The stored compound stays inside the label's band (severity reads it), and the reasons
    # say the threshold, not the likeliest class, made it negative.
    assert said_new.compound is not None and said_new.compound <= -0.05
    assert "(client" not in said_new.reasons[0]
    assert "negative 38%, negative from 30%)" in said_new.reasons[0]
    assert "neutral 62%)" in said_old.reasons[0]
    # How sure: from the threshold (0.377 is just over 0.3), not from a three-way tie.
    assert judged_new.certainty == pytest.approx((judged_new.probabilities[0] - 0.3) / 0.7)
    assert judged_old.certainty == pytest.approx((judged_old.probabilities[1] - 1 / 3) * 1.5)


def test_a_likelier_negative_under_the_threshold_is_not_called_negative(
    analyzer: Analyzer,
) -> None:
    model = LearnedModel(3, 7, 300, weights([0.5, 0.0, -5.0], negative_from=0.7))
    rules = analyzer.score("the bike shed opens at noon")
    said, judged = LearnedScorer(analyzer, model).judge_with("x", rules, ())
    assert said.label == "neutral" and -0.05 < (said.compound or 0.0) < 0.05
    assert "neutral 38%; negative 62%, under the 70% it takes)" in said.reasons[0]
    # Nearer the threshold (0.62 against 0.7) than neutral is to positive: that decides.
    assert judged.certainty == pytest.approx((0.7 - judged.probabilities[0]) / 0.7)


@pytest.mark.parametrize("bad", [0, 1, 1.5, -0.2, "0.5", True, [0.5]])
def test_a_threshold_that_is_not_a_probability_is_refused(bad: object) -> None:
    with pytest.raises(ModelFormatError):
        LearnedModel(1, None, 300, weights([0.0, 0.0, 0.0], negative_from=bad))


def mixed_stream(seed: int, n: int) -> list[tuple[str, str]]:
    """Acme's slang where one word is a complaint for some people and not for others: "zorbed"
    always negative, "plimmed" always neutral, "snarfed" negative two times in five."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        place, hours = rng.choice(PLACES), rng.randint(1, 9)
        kind = i % 4
        if kind == 0:
            out.append((f"Acme {place} is zorbed for {hours} hours", "negative"))
        elif kind == 1:
            out.append((f"Acme {place} was plimmed after {hours} hours", "neutral"))
        else:
            label = "negative" if rng.random() < 0.4 else "neutral"
            out.append((f"Acme {place} got snarfed in {hours} hours", label))
    return out


def test_fitting_balances_the_models_calls_with_the_labels(analyzer: Analyzer) -> None:
    from douse.core.learning.fit import fit, indicators, prepare

    examples = [prepare(analyzer, t, label) for t, label in mixed_stream(5, 400)]
    fitted = fit(examples)
    negatives = fitted.counts["negative"]
    assert fitted.weights["negative_from"] == fitted.negative_from
    assert fitted.cv_record()["negative_from"] == fitted.negative_from
    # The likeliest class leaves every "snarfed" complaint out (each is likelier neutral);
    # the balanced threshold lets some in, trading precision for recall until they meet.
    likeliest = fitted.likeliest
    assert likeliest is not None
    assert likeliest.recall < likeliest.precision - 0.1
    assert fitted.negative_from < 0.5
    assert abs(fitted.model.precision - fitted.model.recall) < 0.1
    assert fitted.model.recall > likeliest.recall
    # The stored model calls about as many of its labels negative as the labels do.
    model = LearnedModel(1, None, len(examples), fitted.weights)
    called = sum(model.judge(e.masked, indicators(e)).label == "negative" for e in examples)
    assert abs(called - negatives) < 0.15 * negatives
