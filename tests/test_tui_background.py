"""The desk's background work while no `douse watch` worker is alive: polling sources (never a
demo database's) and, polling or not, the minute jobs that record breaches."""

from __future__ import annotations

import contextlib
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from textual.worker import WorkerCancelled

from douse import tui
from douse.core import audit
from douse.core.clock import FrozenClock
from douse.core.db.models import Incident, Notification, Source
from douse.core.incidents import triage_new_mentions
from douse.core.jobs.demo_marker import (
    DEMO_SUBJECT,
    NOT_POLLED,
    DemoDatabaseError,
    is_demo_database,
)
from douse.core.jobs.housekeeping import IncidentJobsResult
from douse.core.jobs.scheduler import IngestScheduler, run_incident_jobs_unless_watched
from douse.core.jobs.workers import beat, sign_off
from douse.core.queries.rows import NotificationRow
from douse.core.services import Services
from douse.tui.app import DouseApp
from douse.tui.background import DeskIngest
from tests import incident_factories as f
from tests.helpers import T0, sync, until
from tests.httpserver import local_http_server


def test_desk_polls_only_without_a_watch_worker(sqlite_services: Services) -> None:
    ingest = DeskIngest(sqlite_services)
    try:
        assert ingest.check() == "polling 0 sources here"
        assert ingest.running
        with sqlite_services.sessions.begin() as s:
            beat(s, "host:42", T0, T0)
        assert ingest.check() == "polling left to host:42"
        assert not ingest.running and ingest.scheduler is None
        assert ingest.check() == "polling left to host:42"  # stays off while it beats
        with sqlite_services.sessions.begin() as s:
            sign_off(s, "host:42")
        assert ingest.check() == "polling 0 sources here"
        assert ingest.running
    finally:
        ingest.close()
    assert not ingest.running
    assert ingest.check() == "stopped"  # closed for good: a late check starts nothing
    assert ingest.scheduler is None


# ------------------------------------------------------------------ the desk's minute jobs
# A breach is recorded by the every-minute jobs, which used to run only with polling: the desk
# `douse demo` opens (no polling) showed an incident overdue and never recorded the breach.

H = timedelta(hours=1)


def open_incident(services: Services, *, source_url: str | None = None) -> int:
    """Acme, 24/7 and a 2-hour first response: opened at T0, due at T0 + 2h."""
    with services.sessions.begin() as s:
        c = f.client(s, "acme")
        if source_url is not None:
            s.add(Source(client_id=c.id, name="news", kind="rss", target=source_url))
        m = f.mention(s, c, f.author(s, "bob"), "Acme lost my parcel", at=T0)
        (incident_id,) = triage_new_mentions(s, [m.id], T0).opened
    return incident_id


def mark_demo(services: Services) -> None:
    with services.sessions.begin() as s:
        audit.record(s, at=T0, staff_id=None, subject=DEMO_SUBJECT, subject_id=7, summary="demo")


def breaches(services: Services) -> list[tuple[int | None, str]]:
    with services.sessions() as s:
        return [
            (n.incident_id, n.kind)
            for n in s.scalars(select(Notification).where(Notification.kind == "breach"))
        ]


class JobRuns:
    """Every run of the desk's minute jobs and what it returned (None: left to a worker)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.results: list[IncidentJobsResult | None] = []
        real = tui.app.run_incident_jobs_unless_watched

        def counted(services: Services) -> IncidentJobsResult | None:
            result = real(services)
            self.results.append(result)
            return result

        monkeypatch.setattr(tui.app, "run_incident_jobs_unless_watched", counted)


def alerts(app: DouseApp) -> list[str]:
    return [f"{n.title}: {n.message}" for n in app._notifications]


@sync
async def test_a_desk_that_does_not_poll_records_a_breach_once_and_rings(
    sqlite_services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    services = sqlite_services
    runs = JobRuns(monkeypatch)
    iid = open_incident(services)
    services.clock = FrozenClock(T0 + H)
    # As `douse demo` opens it: no polling; the jobs and the watcher on short intervals.
    app = DouseApp(
        services, me=None, poll=False, watch_every=0.05, jobs_every=0.05, export_dir=tmp_path
    )
    rings: list[int] = []
    app.bell = lambda: rings.append(1)  # type: ignore[method-assign]
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: app._stamp is not None)
        # Several minute-job runs before the deadline: each looked and found nothing to record.
        await until(pilot, lambda: len(runs.results) >= 3)
        assert all(r is not None and r.breached == () for r in runs.results)
        assert breaches(services) == [] and rings == []
        services.clock = FrozenClock(T0 + 3 * H)  # the deadline passes while the desk is open
        await until(pilot, lambda: bool(rings))
        # More runs, and the watcher seeing the database after them: still one of each.
        seen = len(runs.results)
        await until(pilot, lambda: len(runs.results) >= seen + 3)
        stamp = app._stamp
        await until(pilot, lambda: app._stamp is not stamp)
        assert [r.breached for r in runs.results if r is not None and r.breached] == [(iid,)]
        assert breaches(services) == [(iid, "breach")]
        assert rings == [1]
        (alert,) = [a for a in alerts(app) if a.startswith("BREACH")]
        assert alert.startswith(
            f"BREACH: acme: #{iid} first response target breached at 2026-11-23 12:00 UTC"
        )
    with services.sessions() as s:
        incident = s.get(Incident, iid)
        assert incident is not None and incident.breached_at == T0 + 2 * H


@sync
async def test_two_watch_reads_bringing_the_same_alert_ring_once(
    sqlite_services: Services, tmp_path: Path
) -> None:
    """On a busy machine a watch read can start before the last one's answer is handled: both
    bring the same notification (this made the test above ring twice at load 8)."""
    app = DouseApp(sqlite_services, me=None, poll=False, watch_every=0, export_dir=tmp_path)
    rings: list[int] = []
    app.bell = lambda: rings.append(1)  # type: ignore[method-assign]
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: app._stamp is not None)
        stamp = app._stamp
        assert stamp is not None
        at = T0 + 3 * H
        breach = NotificationRow(stamp.notification_id + 1, 1, "acme", 7, "breach", at, "late")
        later = replace(stamp, notification_id=breach.id)
        for _ in range(2):  # both reads started after `stamp`, so both hold the breach
            app.post_message(DouseApp.Watched(later, [breach]))
        await until(pilot, lambda: app._stamp == later and bool(rings))
        await pilot.pause()
        assert rings == [1]
        assert [a for a in alerts(app) if a.startswith("BREACH")] == ["BREACH: acme: late"]


@sync
async def test_the_desk_leaves_the_minute_jobs_to_a_watch_worker(
    sqlite_services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    services = sqlite_services
    runs = JobRuns(monkeypatch)
    open_incident(services)
    services.clock = FrozenClock(T0 + 3 * H)
    with services.sessions.begin() as s:
        beat(s, "host:42", T0 + 3 * H, T0)
    app = DouseApp(services, poll=False, watch_every=0, jobs_every=0.05, export_dir=tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        # Several runs, each leaving the jobs to the live worker.
        await until(pilot, lambda: len(runs.results) >= 3)
        assert all(r is None for r in runs.results)
        assert breaches(services) == [], "the worker records breaches, not the desk"
        with services.sessions.begin() as s:
            sign_off(s, "host:42")
        await until(pilot, lambda: bool(breaches(services)))


def test_jobs_unless_watched_on_a_demo_record_breaches_and_post_nothing(
    sqlite_services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    services = sqlite_services
    with local_http_server() as server:
        server.route("/hook", body=b"ok", content_type="text/plain")
        monkeypatch.setenv("DOUSE_WEBHOOK_URL", server.url("/hook"))
        iid = open_incident(services)
        mark_demo(services)
        services.clock = FrozenClock(T0 + 3 * H)
        result = run_incident_jobs_unless_watched(services)
        again = run_incident_jobs_unless_watched(services)
        assert result is not None and result.breached == (iid,) and result.failed == ()
        assert again is not None and again.breached == ()
        assert breaches(services) == [(iid, "breach")]
        assert server.requests == [], "a demo's made-up incidents never reach a real webhook"


# ------------------------------------------------------------------- demo databases


def test_a_scheduler_refuses_to_poll_a_demo_database(sqlite_services: Services) -> None:
    with sqlite_services.sessions() as s:
        assert not is_demo_database(s)
    mark_demo(sqlite_services)
    with sqlite_services.sessions() as s:
        assert is_demo_database(s)
    scheduler = IngestScheduler(sqlite_services)
    with pytest.raises(DemoDatabaseError, match="^" + NOT_POLLED + "$"):
        scheduler.start()
    assert not scheduler.running


@sync
async def test_the_desk_never_polls_a_demo_database_but_keeps_its_clocks(
    sqlite_services: Services, tmp_path: Path
) -> None:
    services = sqlite_services
    with local_http_server() as server:
        server.route("/feed.xml", body=b"<rss/>", content_type="application/rss+xml")
        iid = open_incident(services, source_url=server.url("/feed.xml"))
        mark_demo(services)
        services.clock = FrozenClock(T0 + 3 * H)
        # As `douse --db demo.db` opens it: polling asked for, no watch worker.
        app = DouseApp(services, poll=True, watch_every=0.05, jobs_every=0.05, export_dir=tmp_path)
        async with app.run_test(size=(100, 30)) as pilot:
            await until(pilot, lambda: bool(breaches(services)))
            # The watcher runs every 50 ms and each run cancels the one before (exclusive):
            # waiting for every worker could meet one cancelled meanwhile, which is no failure.
            with contextlib.suppress(WorkerCancelled):
                await pilot.app.workers.wait_for_complete()
            assert app.ingest is not None and not app.ingest.running
            assert app.ingest.scheduler is None
            assert not [a for a in alerts(app) if a.startswith("Error")]
        app.stop_ingest()
        assert server.hits("/feed.xml") == 0
    assert breaches(services) == [(iid, "breach")]
    with services.sessions() as s:
        source = s.scalars(select(Source)).one()
        assert source.last_polled_at is None and source.last_error is None
