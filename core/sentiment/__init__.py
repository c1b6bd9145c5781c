"""Sentiment for brand mentions: VADER plus a reputation layer for complaints, with reasons.

Construct one `Analyzer` per process or worker thread and call `score()`; see docs/sentiment.md.
"""

from douse.core.sentiment.analyzer import (
    LABELS,
    Analyzer,
    SentimentResult,
    ThresholdError,
    check_thresholds,
    label_for,
)
from douse.core.sentiment.lexicon import LexiconError

__all__ = [
    "LABELS",
    "Analyzer",
    "LexiconError",
    "SentimentResult",
    "ThresholdError",
    "check_thresholds",
    "label_for",
]
