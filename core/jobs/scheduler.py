"""Run every source on its own interval, in the background: `douse watch` and the desk use this.

APScheduler 3 holds one interval job per source, with jitter so hundreds of feeds do not fire
in the same second, coalesced (a backlog of missed runs is one run) and never overlapping
(max_instances=1). Each run claims the source's lease first, so several workers (and the desk)
share sources without polling one twice. A refresh job picks up sources added, changed or
disabled by `douse sync` while running, and an incident job (every minute) records breached
response clocks, sends webhooks and re-checks posts (see core/jobs/housekeeping.py).

Backoff. A failing source's `next_poll_at` is pushed out by `record_failure` (doubling from its
interval up to 6 hours, or the server's Retry-After up to a day, whichever is longer). Its job
keeps firing on the normal interval, but the claim is conditional on `next_poll_at <= now`, so
each firing inside the backoff window is one cheap UPDATE matching no row and no request: a
Retry-After of hours costs the server exactly one request (the Fetcher never waits out more
than `max_retry_wait` in-line; it hands the hint back instead). The job is deliberately not
re-timed to the backoff: re-timing from inside a job deadlocks `shutdown()`, which holds the
job store lock while it waits for running jobs. The backoff is visible: the source's health
shows it failing with its streak and `next_poll_at`, and the outcome line printed by
`douse watch` says "failure N, next try ...".

Demo databases. `douse demo` marks the database it builds (an audit entry with subject "demo"):
its feeds are made up, so a scheduler refuses to poll it, and a desk that does not poll runs only
the response clocks there (`run_incident_jobs_unless_watched`).
"""

from __future__ import annotations

import contextlib
import logging
import random
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import select

from douse.core.db.models import Source
from douse.core.incidents import refresh_clocks
from douse.core.jobs import housekeeping
from douse.core.jobs.demo_marker import is_demo_database, refuse_demo
from douse.core.jobs.poll import Poller, SourceOutcome, pollable_source_ids
from douse.core.jobs.workers import HEARTBEAT_S, active_workers, beat, sign_off
from douse.core.services import Services

log = logging.getLogger(__name__)

REFRESH_S = 60
# How often `douse watch` looks for enough new labels to learn from again.
LEARNING_S = 300
MAX_JITTER_S = 120
# Sources due at start are spread over this many seconds rather than fetched all at once.
START_SPREAD_S = 10.0

OutcomeCallback = Callable[[SourceOutcome], None]
JobsCallback = Callable[[housekeeping.IncidentJobsResult], None]


def run_incident_jobs_unless_watched(services: Services) -> housekeeping.IncidentJobsResult | None:
    """The minute jobs for a desk that is not polling; None while a `douse watch` worker beats
    (it runs them).

    On a demo database only the clocks run (breaches and their notifications): its made-up
    incidents must not reach a real webhook, nor its made-up post URLs be fetched.
    """
    now = services.clock.now()
    with services.sessions() as session:
        if active_workers(session, now):
            return None
        demo = is_demo_database(session)
    if not demo:
        return housekeeping.run_incident_jobs(services, now)
    try:
        with services.sessions.begin() as session:
            breached = refresh_clocks(session, now)
    except Exception:
        log.exception("recording breached response clocks failed")
        return housekeeping.IncidentJobsResult(failed=("clocks",))
    return housekeeping.IncidentJobsResult(breached=tuple(breached))


def _job_id(source_id: int) -> str:
    return f"source:{source_id}"


def _wall_now() -> datetime:
    # APScheduler schedules in wall-clock time; the domain clock (services.clock) decides what
    # is due, and may be frozen in tests or replays.
    return datetime.now(UTC)


class IngestScheduler:
    """Background polling of every enabled source. `start()` returns at once; `shutdown()`
    waits for polls in progress (each bounded by the fetcher's time limits)."""

    def __init__(
        self,
        services: Services,
        *,
        on_new: OutcomeCallback | None = None,
        on_outcome: OutcomeCallback | None = None,
        on_incident_jobs: JobsCallback | None = None,
        poller: Poller | None = None,
        workers: int = 4,
        heartbeat: bool = False,
        heartbeat_s: float = HEARTBEAT_S,
        refresh_s: float = REFRESH_S,
        incident_jobs: bool = True,
        incident_jobs_s: float = housekeeping.INTERVAL_S,
        learning_s: float = LEARNING_S,
        on_learned: Callable[[list[Any]], None] | None = None,
        client_slug: str | None = None,
        name: str | None = None,
    ) -> None:
        self.services = services
        self.poller = poller or Poller(services, workers=workers, owner=name)
        self.name = self.poller.owner
        self.on_new = on_new
        self.on_outcome = on_outcome
        self.on_incident_jobs = on_incident_jobs
        self.heartbeat = heartbeat
        self.heartbeat_s = heartbeat_s
        self.refresh_s = refresh_s
        self.incident_jobs = incident_jobs
        self.incident_jobs_s = incident_jobs_s
        self.learning_s = learning_s
        self.on_learned = on_learned
        self.client_slug = client_slug
        self._started_at: datetime | None = None
        self._intervals: dict[int, int] = {}
        self._lock = threading.Lock()
        self._scheduler = BackgroundScheduler(
            timezone=UTC,
            executors={"default": ThreadPoolExecutor(max(1, workers))},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
        )

    @property
    def running(self) -> bool:
        return bool(self._scheduler.running)

    def start(self) -> None:
        """Raises DemoDatabaseError, before any job starts, on a database `douse demo` built."""
        with self.services.sessions() as session:
            refuse_demo(session)
        self._started_at = self.services.clock.now()
        if self.heartbeat:
            self._beat()
            self._scheduler.add_job(
                self._beat, IntervalTrigger(seconds=self.heartbeat_s), id="heartbeat"
            )
        self.refresh()
        self._scheduler.add_job(self.refresh, IntervalTrigger(seconds=self.refresh_s), id="refresh")
        if self.incident_jobs:
            self._scheduler.add_job(
                self.run_incident_jobs,
                IntervalTrigger(seconds=self.incident_jobs_s),
                id="incidents",
            )
            # Housekeeping of its own: a refit can take seconds, and must not hold up the
            # minute's clocks and webhooks.
            self._scheduler.add_job(
                self.run_learning, IntervalTrigger(seconds=self.learning_s), id="learning"
            )
        self._scheduler.start()

    def shutdown(self, wait: bool = True) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=wait)
        if self.heartbeat:
            try:
                with self.services.sessions.begin() as session:
                    sign_off(session, self.name)
            except Exception:
                log.exception("could not remove heartbeat of %s", self.name)

    def job_count(self) -> int:
        return sum(1 for job in self._scheduler.get_jobs() if job.id.startswith("source:"))

    def refresh(self) -> None:
        """Make the jobs match the enabled sources: add new ones, drop gone ones, re-time."""
        now = self.services.clock.now()
        with self.services.sessions() as session:
            ids = pollable_source_ids(session, self.client_slug)
            rows = (
                session.execute(
                    select(Source.id, Source.poll_interval_s, Source.next_poll_at).where(
                        Source.id.in_(ids)
                    )
                ).all()
                if ids
                else []
            )
        wanted = {row.id: (max(10, int(row.poll_interval_s)), row.next_poll_at) for row in rows}
        with self._lock:
            for source_id in set(self._intervals) - set(wanted):
                self._remove(source_id)
            for source_id, (interval, next_poll_at) in wanted.items():
                if self._intervals.get(source_id) == interval:
                    continue
                self._remove(source_id)
                due_in = 0.0 if next_poll_at is None else (next_poll_at - now).total_seconds()
                first = _wall_now() + timedelta(
                    seconds=max(0.0, due_in) + random.uniform(0, min(interval, START_SPREAD_S))
                )
                self._scheduler.add_job(
                    self.run_source,
                    IntervalTrigger(seconds=interval, jitter=min(interval // 10, MAX_JITTER_S)),
                    args=[source_id],
                    id=_job_id(source_id),
                    next_run_time=first,
                    replace_existing=True,
                )
                self._intervals[source_id] = interval

    def _remove(self, source_id: int) -> None:
        self._intervals.pop(source_id, None)
        with contextlib.suppress(JobLookupError):
            self._scheduler.remove_job(_job_id(source_id))

    def run_incident_jobs(self) -> housekeeping.IncidentJobsResult:
        """The every-minute job: breaches, webhooks, repair checks at the domain clock's now."""
        result = housekeeping.run_incident_jobs(self.services)
        if self.on_incident_jobs is not None:
            self.on_incident_jobs(result)
        return result

    def run_learning(self) -> list[Any]:
        """Refit the models that have RETRAIN_AFTER new labels (core.learning.retrain)."""
        from douse.core.learning.retrain import retrain_due

        try:
            outcomes = retrain_due(
                self.services.sessions, self.services.analyzer(), self.services.clock.now
            )
        except Exception:
            log.exception("learning from new labels failed")
            return []
        if outcomes and self.on_learned is not None:
            self.on_learned(outcomes)
        return outcomes

    def _beat(self) -> None:
        assert self._started_at is not None
        with self.services.sessions.begin() as session:
            beat(session, self.name, self.services.clock.now(), self._started_at)

    def run_source(self, source_id: int) -> None:
        """The job function of one source: poll it if it is due, report the outcome."""
        try:
            outcome = self.poller.poll_source(source_id, only_if_due=True)
        except Exception:
            # A database hiccup must not kill the job: log it, the next interval tries again.
            log.exception("polling source %s failed", source_id)
            return
        # A backed-off source is skipped here (its claim requires next_poll_at <= now) until it
        # is due. Re-timing the job from inside a job instead would deadlock with shutdown(),
        # which holds the job store lock while it waits for running jobs.
        if outcome.skipped:
            return
        if self.on_outcome is not None:
            self.on_outcome(outcome)
        if outcome.new and self.on_new is not None:
            self.on_new(outcome)
