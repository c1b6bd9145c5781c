"""The client's recent words, for telling what sets a problem apart (the IDF of TF-IDF).

The collection is the client's recent posts that are not praise: what problems are told apart
from is the rest of what people complain about and ask.

Kept per process as a rolling window over the last posts triage read for each client, so the
words every complaint uses ("flight", "today") weigh little and a storm's name or a flight's
airport weighs much, without a query over the client's history.
"""

from __future__ import annotations

import threading
from collections import Counter, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

WINDOW = 5_000
SEED = 1_000

_lock = threading.Lock()
# Per database and client: a process may serve several databases (tests, a demo beside the
# real one), and one client's words say nothing about another's.
_windows: dict[tuple[str, int], Background] = {}


@dataclass
class Background:
    counts: Counter[str] = field(default_factory=Counter)
    recent: deque[frozenset[str]] = field(default_factory=deque)

    @property
    def documents(self) -> int:
        return len(self.recent)

    def add(self, terms: Iterable[str]) -> None:
        words = frozenset(terms)
        self.recent.append(words)
        self.counts.update(words)
        if len(self.recent) > WINDOW:
            self.counts.subtract(self.recent.popleft())


def background_for(
    database: str,
    client_id: int,
    posts: Iterable[Iterable[str]],
    seed: Callable[[], Iterable[Iterable[str]]] | None = None,
) -> Background:
    """The client's window with these posts' words added; a process meeting the client for
    the first time starts it from `seed` (its latest stored posts)."""
    with _lock:
        window = _windows.get((database, client_id))
        if window is None:
            window = _windows[(database, client_id)] = Background()
            for terms in seed() if seed is not None else ():
                window.add(terms)
        for terms in posts:
            window.add(terms)
        return window
