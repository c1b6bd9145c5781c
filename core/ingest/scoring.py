"""One sentiment Analyzer per thread: loading it is slow, and it is safe in one thread at a time."""

from __future__ import annotations

import threading

from douse.core.sentiment.analyzer import Analyzer

_local = threading.local()


def thread_analyzer() -> Analyzer:
    """This thread's Analyzer, built on first use and kept for the thread's lifetime."""
    analyzer: Analyzer | None = getattr(_local, "analyzer", None)
    if analyzer is None:
        analyzer = Analyzer()
        _local.analyzer = analyzer
    return analyzer
