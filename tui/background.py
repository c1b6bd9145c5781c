"""Polling from the desk: when no `douse watch` worker is alive, the desk polls sources itself.

Workers announce themselves with heartbeats (core.jobs.workers); the desk checks now and
then and runs core's IngestScheduler (its own threads, never the UI thread) only while nobody
else does. Two desks polling at once is harmless: each source's lease lets one poll at a time.
Methods block (database, scheduler shutdown): call them from a Textual thread worker.
"""

from __future__ import annotations

import logging
import threading

from douse.core.jobs.poll import worker_name
from douse.core.jobs.scheduler import IngestScheduler
from douse.core.jobs.workers import active_workers
from douse.core.services import Services
from douse.core.wording import plural

log = logging.getLogger(__name__)

# How often the desk asks whether a watch worker started or stopped.
CHECK_EVERY_S = 60.0


class DeskIngest:
    def __init__(self, services: Services, *, workers: int = 2) -> None:
        self.services = services
        self.workers = workers
        self.scheduler: IngestScheduler | None = None
        self._lock = threading.Lock()
        self._closed = False

    @property
    def running(self) -> bool:
        return self.scheduler is not None and self.scheduler.running

    def check(self) -> str:
        """Start or stop polling to match whether a watch worker is alive; says what is true."""
        with self.services.sessions() as session:
            others = active_workers(session, self.services.clock.now())
        with self._lock:
            if self._closed:
                return "stopped"
            if others and self.scheduler is not None:
                self._stop()
                return f"polling left to {others[0]}"
            if not others and self.scheduler is None:
                scheduler = IngestScheduler(
                    self.services, workers=self.workers, name=f"desk:{worker_name()}"
                )
                scheduler.start()
                self.scheduler = scheduler
                log.info("desk polls %d sources (no watch worker)", scheduler.job_count())
                return f"polling {plural(scheduler.job_count(), 'source')} here"
            return f"polling left to {others[0]}" if others else "polling here"

    def close(self) -> None:
        """Stop for good, waiting for polls in progress so nothing fetched is lost."""
        with self._lock:
            self._closed = True
            self._stop()

    def _stop(self) -> None:
        if self.scheduler is not None:
            scheduler, self.scheduler = self.scheduler, None
            scheduler.shutdown(wait=True)
