"""The learned model's fast paths give exactly what the plain definitions give: the text it reads
and the words its reasons name."""

from __future__ import annotations

import heapq
import math
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from douse.core.learning.features import normalise
from douse.core.learning.model import CLASSES, Judgement, LearnedModel
from douse.core.sentiment import Analyzer
from tests.helpers import slang_stream

# The one-scan pattern as first written, before its first-character lookahead.
_PLAIN = re.compile(r"((?i:https?://|www\.)\S+)|((?<!\w)@\w+)|(\d+(?:[.,:]\d+)*)|(\b[xX]{2,}\b)")
_PLACEHOLDERS = (" http ", " @user ", "0", "brand")


def plain_normalise(masked: str) -> str:
    return _PLAIN.sub(lambda m: _PLACEHOLDERS[(m.lastindex or 1) - 1], masked).lower()


PIECES = [
    "Xxxxx", "xx", "XX", "x", "@xxxx", "@bob", "http://a.b/c?d=1", "HTTPS://x.y", "www.x.com",
    "awww.", "wwwx", "12", "3.5", "1,000", "10:30", "٣", "hwx", "@", "@@a", "a@b", "?", "!",
    "flight", "waiting", "İstanbul", "ſ", "K", "h", "w", "_xx_", "x2", "2x", "#xx", "-", " ",
]  # fmt: skip


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from(PIECES), max_size=12).map(" ".join)
    | st.lists(st.sampled_from(PIECES), max_size=12).map("".join)
    | st.text(alphabet=st.characters(codec="utf-8"), max_size=60)
)
def test_normalising_reads_links_handles_numbers_and_names_as_one_scan_would(text: str) -> None:
    assert normalise(text) == plain_normalise(text)


def plain_pushes(judgement: Judgement, most: int = 3) -> list[tuple[str, float]]:
    """Every known gram ranked by how much it raised the label, the first `most` positive."""
    if not judgement.norm:
        return []
    k = CLASSES.index(judgement.label)
    scale = (-1.0 if judgement.label == "negative" else 1.0) / judgement.norm
    ranked = heapq.nlargest(most, [(entry[4 + k], gram) for gram, entry in judgement.known])
    out = []
    for push, gram in ranked:
        if push <= 0:
            break
        n = judgement.counts[gram]
        out.append((gram, scale * push * (1.0 + math.log(n) if n > 1 else 1.0)))
    return out


def test_learned_reasons_name_the_grams_that_pushed_hardest(analyzer: Analyzer) -> None:
    import numpy as np

    from douse.core.learning.fit import _classifier, _matrix, _weights, indicators, prepare

    examples = [prepare(analyzer, t, label) for t, label in slang_stream(11, 160)]
    x, words, chars = _matrix(examples)
    fitted = _classifier().fit(x, np.array([e.label for e in examples]))
    model = LearnedModel(1, None, len(examples), _weights(fitted, words, chars))
    shown = 0
    for example in examples:
        judgement = model.judge(example.masked, indicators(example))
        for most in (1, 3, 5):
            assert judgement.pushes(most) == plain_pushes(judgement, most)
        shown += bool(judgement.pushes())
    assert shown > len(examples) // 2


def test_scoring_a_batch_gives_what_scoring_each_post_gives(analyzer: Analyzer) -> None:
    import numpy as np

    from douse.core.learning.fit import _classifier, _matrix, _weights, prepare
    from douse.core.learning.model import LearnedScorer

    examples = [prepare(analyzer, t, label) for t, label in slang_stream(12, 120)]
    x, words, chars = _matrix(examples)
    fitted = _classifier().fit(x, np.array([e.label for e in examples]))
    scorer = LearnedScorer(analyzer, LearnedModel(1, None, 120, _weights(fitted, words, chars)))
    texts = [e.text for e in examples] + ["Das ist nicht gut, gar nicht", "", "Acme!!"]
    options = {"negative_threshold": -0.2, "positive_threshold": 0.3, "brand_terms": ("acme",)}
    many = scorer.score_many(iter(texts), **options)  # type: ignore[arg-type]
    one_by_one = [scorer.score(text, **options) for text in texts]  # type: ignore[arg-type]
    assert many == one_by_one
    assert [r.reasons for r in many] == [r.reasons for r in one_by_one]
    assert any(r.reasons[0].startswith("learned from 120 labels") for r in many)
    assert many[-3].label == "unscored"


def test_a_models_label_keeps_the_strength_of_the_words_for_severity() -> None:
    # "I waited two hours": the rules hear a mild complaint; a model sure it is negative must
    # not make it "strongly negative" (medium) by its certainty alone.
    from douse.core.learning.model import intensity

    assert intensity(-0.3, "negative") == -0.3
    assert intensity(-0.8, "negative") == -0.8
    assert intensity(0.6, "negative") == -0.05  # sarcasm the rules read as praise
    assert intensity(-0.4, "positive") == 0.05
    assert -0.05 < intensity(-0.7, "neutral") < 0.05
