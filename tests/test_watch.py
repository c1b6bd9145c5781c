"""The background scheduler, `douse poll` end to end into the incident engine, and `douse watch`
as a process that stops cleanly on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from douse.core.db.models import Client, Incident, Mention, Source, WorkerHeartbeat
from douse.core.ingest.fetch import Fetcher, FetchLimits
from douse.core.jobs import scheduler as scheduler_module
from douse.core.jobs.poll import Poller, SourceOutcome
from douse.core.jobs.scheduler import IngestScheduler
from douse.core.jobs.workers import active_workers
from douse.core.services import Services
from douse.tui.cli.main import main
from tests.helpers import FEED, REPO, T0, wait_for
from tests.httpserver import LocalHTTPServer, local_http_server

pytestmark = pytest.mark.network


@pytest.fixture
def server() -> Iterator[LocalHTTPServer]:
    with local_http_server() as running:
        running.route("/feed.xml", body=FEED, content_type="application/rss+xml")
        running.route("/down.xml", status=500)
        yield running


def add_acme(services: Services, server: LocalHTTPServer) -> None:
    with services.sessions.begin() as session:
        client = Client(
            slug="acme", name="Acme Rentals", keywords=["Acme"], created_at=T0, updated_at=T0
        )
        session.add(client)
        session.flush()
        session.add_all(
            [
                Source(client_id=client.id, name="news", kind="rss",
                       target=server.url("/feed.xml"), poll_interval_s=60),
                Source(client_id=client.id, name="down", kind="rss",
                       target=server.url("/down.xml"), poll_interval_s=60),
            ]
        )  # fmt: skip


@pytest.fixture
def no_start_spread(monkeypatch: pytest.MonkeyPatch) -> None:
    """Sources due at start are fetched at once: the scheduler spreads them over up to
    START_SPREAD_S (10 s) at random, which a test would only wait out."""
    monkeypatch.setattr(scheduler_module, "START_SPREAD_S", 0.0)


def test_scheduler_polls_each_source_once_when_due_and_beats(
    sqlite_services: Services, server: LocalHTTPServer, no_start_spread: None
) -> None:
    services = sqlite_services
    add_acme(services, server)
    seen: list[SourceOutcome] = []
    new: list[SourceOutcome] = []
    fetcher = Fetcher(FetchLimits(attempts=1, read_timeout=2), sleep=lambda _: None)
    poller = Poller(services, fetcher=fetcher, on_stored=None, owner="test-worker")
    scheduler = IngestScheduler(
        services, poller=poller, on_outcome=seen.append, on_new=new.append, heartbeat=True
    )
    scheduler.start()
    try:
        assert scheduler.job_count() == 2
        assert wait_for(lambda: len(seen) == 2, timeout=20)
        with services.sessions() as session:
            assert active_workers(session, T0) == ["test-worker"]
        # The frozen clock never reaches next_poll_at again: nothing is polled twice. A refresh
        # leaves both jobs a full interval away, and running them now polls nothing.
        scheduler.refresh()
        assert scheduler.job_count() == 2
        wall = datetime.now(UTC)
        for job in scheduler._scheduler.get_jobs():
            if job.id.startswith("source:"):
                assert job.next_run_time > wall + timedelta(seconds=30), job
                scheduler.run_source(job.args[0])
    finally:
        scheduler.shutdown()
        fetcher.close()
    assert sorted((o.name, o.new, bool(o.error)) for o in seen) == [
        ("down", 0, True),
        ("news", 2, False),
    ]
    assert [o.name for o in new] == ["news"]
    assert server.hits("/feed.xml") == 1
    with services.sessions() as session:
        assert session.scalar(select(func.count()).select_from(WorkerHeartbeat)) == 0
        down = session.scalars(select(Source).where(Source.name == "down")).one()
        assert down.consecutive_failures == 1 and down.lease_owner is None


def test_douse_poll_opens_an_incident_for_a_negative_mention(
    sqlite_services: Services, server: LocalHTTPServer, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    services = sqlite_services
    monkeypatch.setenv("DOUSE_NOW", T0.isoformat())
    add_acme(services, server)
    # The failing source is retried after the real backoff, recorded here instead of slept.
    backoffs: list[float] = []
    real_backoff = Fetcher.backoff

    def recorded(fetcher: Fetcher, attempt: int) -> float:
        backoffs.append(real_backoff(fetcher, attempt))
        return 0.0

    monkeypatch.setattr(Fetcher, "backoff", recorded)
    code = main(["--db", services.settings.database_url, "poll", "--client", "acme"])
    out = capsys.readouterr().out
    assert code == 1, "a failed source makes the exit code 1"
    assert len(backoffs) == 2 and 0.5 <= backoffs[0] <= 1.0 and 1.0 <= backoffs[1] <= 2.0
    assert server.hits("/down.xml") == 3
    assert "acme/news (rss): new 2, duplicate 0 (0 near), dropped 1" in out
    assert "acme/down (rss): error: HTTP 500" in out
    assert "2 sources: 2 new, 0 duplicate, 1 dropped, 1 failed, 0 skipped" in out
    with services.sessions() as session:
        negative = session.scalars(
            select(Mention).where(Mention.sentiment_label == "negative")
        ).one()
        incidents = list(session.scalars(select(Incident)))
        assert len(incidents) == 1 and incidents[0].client_id == negative.client_id
    main(["--db", services.settings.database_url, "poll"])
    assert "2 sources: 0 new, 2 duplicate" in capsys.readouterr().out
    with services.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Incident)) == 1


def test_douse_watch_stops_cleanly_on_sigterm(
    sqlite_services: Services, server: LocalHTTPServer, tmp_path: Path
) -> None:
    services = sqlite_services
    add_acme(services, server)
    env = {**os.environ, "DOUSE_LOG_DIR": str(tmp_path / "logs"), "PYTHONPATH": str(REPO)}
    env.pop("DOUSE_NOW", None)
    # `python -m douse.tui watch`, with the scheduler's random start spread (up to 10 s before
    # the first fetch) set to 0 as the no_start_spread fixture does in-process.
    launch = (
        "import runpy; from douse.core.jobs import scheduler;"
        " scheduler.START_SPREAD_S = 0.0;"
        " runpy.run_module('douse.tui', run_name='__main__', alter_sys=True)"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", launch, "--db", services.settings.database_url, "watch",
         "--name", "w1"],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert wait_for(lambda: server.hits("/feed.xml") >= 1, timeout=30)

        def beating() -> bool:
            with services.sessions() as session:
                return session.get(WorkerHeartbeat, "w1") is not None

        assert wait_for(beating, timeout=10)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "polling 2 sources" in out and "douse watch: stopped" in out
    assert "Traceback" not in err
    with services.sessions() as session:
        assert session.get(WorkerHeartbeat, "w1") is None
        assert session.scalar(select(func.count()).select_from(Mention)) == 2
