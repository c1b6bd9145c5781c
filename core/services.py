"""The one wiring point: the CLI, the desk, the scheduler and the tests all start here.

The database engine and the clock are built at once. The HTTP client (`fetcher`) and the
sentiment analyzer are built on first use, because most commands never fetch or score and
loading the analyzer takes about a second.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from douse.core.clock import Clock, clock_from_env
from douse.core.db.engine import make_engine
from douse.core.db.migrate import upgrade
from douse.core.settings import Settings

if TYPE_CHECKING:
    from douse.core.ingest.fetch import Fetcher
    from douse.core.sentiment.analyzer import Analyzer


@dataclass
class Services:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    clock: Clock
    _fetcher: Fetcher | None = field(default=None, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    @property
    def fetcher(self) -> Fetcher:
        """The process's one HTTP client (thread-safe, shared by every poll and job)."""
        with self._lock:
            if self._fetcher is None:
                from douse.core.ingest.fetch import Fetcher

                # Retry-After dates are read against the injected clock, like every other time.
                self._fetcher = Fetcher(now=lambda: self.clock.now())
            return self._fetcher

    def analyzer(self) -> Analyzer:
        """This thread's sentiment Analyzer: one per thread, since it is single-thread-use."""
        from douse.core.ingest.scoring import thread_analyzer

        return thread_analyzer()

    def close(self) -> None:
        with self._lock:
            fetcher, self._fetcher = self._fetcher, None
        if fetcher is not None:
            fetcher.close()
        self.engine.dispose()


def build_services(
    settings: Settings, *, clock: Clock | None = None, migrate: bool = True
) -> Services:
    engine = make_engine(settings.database_url)
    if migrate:
        try:
            upgrade(engine)
        except BaseException:
            engine.dispose()
            raise
    return Services(
        settings=settings,
        engine=engine,
        sessions=sessionmaker(engine, expire_on_commit=False),
        clock=clock or clock_from_env(settings.now),
    )
