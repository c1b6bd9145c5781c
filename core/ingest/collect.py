"""Fewer garbage collections while an import stores and judges posts in bulk.

Storing and judging a post allocates hundreds of short-lived containers (rows, parameter
lists, ORM states, sentiment results), so Python's default collector (a young-generation pass
every 700 net allocations, a full pass every hundred of those) ran about 60 times per thousand
posts and took 8-9 % of an import's CPU (bench/triage_import_bench.py). Almost everything an
import allocates is freed by reference counting the moment a batch ends; the collector only
has cycles to find, and finding them a few times per thousand posts instead of sixty costs a
few megabytes at most. The thresholds are restored when the last bulk step ends.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

# Net allocations between young-generation passes during a bulk step (Python's default: 700).
BULK_THRESHOLD = 20_000

_lock = threading.Lock()
_depth = 0
_saved: tuple[int, int, int] | None = None


@contextmanager
def fewer_collections(threshold: int = BULK_THRESHOLD) -> Iterator[None]:
    """Raise the young generation's threshold for the duration (nested and concurrent bulk
    steps share one raise; the first to start saves the thresholds, the last to end restores
    them)."""
    global _depth, _saved
    with _lock:
        if _depth == 0:
            _saved = gc.get_threshold()
            young, middle, old = _saved
            if young and young < threshold:  # 0: collection is off, and stays as the caller set
                gc.set_threshold(threshold, middle, old)
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _saved is not None:
                gc.set_threshold(*_saved)
                _saved = None
