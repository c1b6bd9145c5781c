"""The jobs `douse watch` runs besides polling: breaches, webhooks, repair checks, and backoff.

Each job function is driven directly at a frozen instant (never by sleeping); the network parts
talk to a real HTTP server on 127.0.0.1 through the shared Fetcher that Services owns.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from douse.core.clock import FrozenClock
from douse.core.db.models import Activity, Client, Incident, Notification, Source
from douse.core.incidents import log_activity, triage_new_mentions
from douse.core.jobs.health import source_health
from douse.core.jobs.housekeeping import WEBHOOK_LOCK, exclusive, format_jobs, run_incident_jobs
from douse.core.jobs.poll import SourceOutcome, format_outcome
from douse.core.jobs.scheduler import IngestScheduler
from douse.core.services import Services, build_services
from douse.core.settings import Settings
from douse.tui.cli.logs import setup_logging
from douse.tui.cli.main import main
from tests import incident_factories as f
from tests.helpers import T0
from tests.httpserver import LocalHTTPServer, Reply, local_http_server

pytestmark = pytest.mark.network

H = timedelta(hours=1)


@pytest.fixture
def server() -> Iterator[LocalHTTPServer]:
    with local_http_server() as running:
        yield running


def open_incident(
    services: Services,
    slug: str = "acme",
    text: str = "Acme lost my parcel",
    url: str | None = None,
) -> int:
    with services.sessions.begin() as s:
        if s.scalar(select(f.Staff).where(f.Staff.handle == "ana")) is None:
            f.staff(s, "ana")
        c = f.client(s, slug)
        m = f.mention(s, c, f.author(s, f"bob-{slug}"), text, at=T0, url=url)
        (incident_id,) = triage_new_mentions(s, [m.id], T0).opened
    return incident_id


def test_the_watch_job_records_a_breach_once_at_a_frozen_instant(services: Services) -> None:
    iid = open_incident(services)
    scheduler = IngestScheduler(services, heartbeat=False)
    services.clock = FrozenClock(T0 + H)
    assert scheduler.run_incident_jobs().breached == ()
    services.clock = FrozenClock(T0 + 3 * H)
    first = scheduler.run_incident_jobs()
    again = scheduler.run_incident_jobs()
    assert first.breached == (iid,) and first.failed == ()
    assert again.breached == ()
    assert format_jobs(first) == f"incidents: breached #{iid}" and format_jobs(again) is None
    with services.sessions() as s:
        incident = s.get(Incident, iid)
        notes = list(s.scalars(select(Notification)))
    assert incident is not None and incident.breached_at is not None
    assert incident.breached_at <= T0 + 3 * H
    assert [(n.kind, n.incident_id) for n in notes] == [("breach", iid)]


def test_a_breach_webhook_is_delivered_to_a_local_server_and_the_url_never_logged(
    sqlite_services: Services,
    server: LocalHTTPServer,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    services = sqlite_services
    iid = open_incident(services)
    server.route("/hooks/T1/s3cr3t", replies=[_reply(500), _reply(200)])
    monkeypatch.setenv("DOUSE_WEBHOOK_URL", server.url("/hooks/T1/s3cr3t"))
    scheduler = IngestScheduler(services, heartbeat=False)
    services.clock = FrozenClock(T0 + 3 * H)
    # Logged the way `douse watch` logs: INFO and up, to the rotating file.
    log_file = setup_logging(tmp_path / "logs")
    assert log_file is not None
    try:
        failed = scheduler.run_incident_jobs()
        with services.sessions() as s:
            error = s.scalars(select(Notification.webhook_error)).one()
        services.clock = FrozenClock(T0 + 3 * H + timedelta(minutes=1))
        delivered = scheduler.run_incident_jobs()
        later = scheduler.run_incident_jobs()
    finally:
        root = logging.getLogger()
        for handler in root.handlers[:]:
            if getattr(handler, "baseFilename", None) == str(log_file.resolve()):
                root.removeHandler(handler)
                handler.close()
    assert failed.webhooks_sent == 0 and error == "HttpStatusError: HTTP 500"
    assert delivered.webhooks_sent == 1 and later.webhooks_sent == 0
    posts = [r for r in server.requests if r.method == "POST"]
    assert len(posts) == 2 and posts[-1].headers["content-type"] == "application/json"
    text = json.loads(posts[-1].body)["text"]
    assert text.startswith(f"douse [breach] #{iid} first response target breached")
    logged = log_file.read_text(encoding="utf-8")
    assert "breached response targets: #" in logged, "the log file did receive the jobs' lines"
    assert "s3cr3t" not in logged and "/hooks/" not in logged


def _reply(status: int) -> Reply:
    return Reply(status=status, body=b"ok", content_type="text/plain")


def page(description: str, *, content_first: bool = False) -> bytes:
    meta = (
        f"<meta content='{description}' name=\"twitter:description\">"
        if content_first
        else f'<meta property="og:description" content="{description}">'
    )
    return (
        "<!doctype html><html><head><title>post</title>"
        f'<meta name="viewport" content="width=device-width">{meta}</head>'
        "<body><nav>Home | Login</nav><p>whatever the page shows</p></body></html>"
    ).encode()


def test_repair_checks_see_a_removed_an_edited_and_an_unchanged_post(
    services: Services, server: LocalHTTPServer
) -> None:
    server.route("/post/gone", status=404)
    server.route(
        "/post/edited",
        body=page("Update: Acme found my parcel and refunded me, thank you!"),
        content_type="text/html; charset=utf-8",
    )
    server.route(
        "/post/same",
        body=page("Bolt lost my  parcel", content_first=True),
        content_type="text/html",
    )
    ids = {
        "gone": open_incident(services, "acme", url=server.url("/post/gone")),
        "edited": open_incident(services, "zeta", url=server.url("/post/edited")),
        "same": open_incident(services, "bolt", "Bolt lost my parcel", server.url("/post/same")),
    }
    with services.sessions.begin() as s:
        for iid in ids.values():
            log_activity(s, iid, "asked_to_update", by="ana", now=T0, channel="dm")
    scheduler = IngestScheduler(services, heartbeat=False)
    services.clock = FrozenClock(T0 + 23 * H)
    assert scheduler.run_incident_jobs().repairs == ()
    services.clock = FrozenClock(T0 + 25 * H)
    result = scheduler.run_incident_jobs()
    outcomes = {r.incident_id: r for r in result.repairs}
    assert {name: outcomes[iid].outcome for name, iid in ids.items()} == {
        "gone": "removed",
        "edited": "updated",
        "same": "unchanged",
    }
    compound = outcomes[ids["edited"]].new_compound
    assert compound is not None and compound > 0.05, "the edited post is re-scored"
    with services.sessions() as s:
        statuses = {
            iid: s.scalar(select(Incident.repair_status).where(Incident.id == iid))
            for iid in ids.values()
        }
        kinds = set(s.scalars(select(Activity.kind).where(Activity.incident_id == ids["gone"])))
    assert statuses[ids["gone"]] == "removed" and statuses[ids["edited"]] == "updated"
    assert {"repair_check", "post_removed"} <= kinds
    assert scheduler.run_incident_jobs().repairs == (), "each check runs once"


def test_a_retry_after_of_hours_is_not_hammered_and_the_backoff_shows(
    sqlite_services: Services, server: LocalHTTPServer
) -> None:
    services = sqlite_services
    server.route("/feed.xml", status=429, headers={"Retry-After": "7200"})
    with services.sessions.begin() as s:
        client = Client(slug="acme", name="Acme", keywords=["Acme"], created_at=T0, updated_at=T0)
        s.add(client)
        s.flush()
        source = Source(client_id=client.id, name="news", kind="rss",
                        target=server.url("/feed.xml"), poll_interval_s=60)  # fmt: skip
        s.add(source)
        s.flush()
        source_id = source.id
    seen: list[SourceOutcome] = []
    scheduler = IngestScheduler(services, on_outcome=seen.append, heartbeat=False)
    # The job fires every minute; the server asked for two hours.
    for minute in range(0, 120, 1):
        services.clock = FrozenClock(T0 + timedelta(minutes=minute))
        scheduler.run_source(source_id)
    assert server.hits("/feed.xml") == 1, "one request, then silence until Retry-After passes"
    (outcome,) = seen
    assert outcome.error is not None and outcome.failures == 1
    assert outcome.retry_at == T0 + 2 * H
    assert "(failure 1, next try 2026-11-23 12:00 UTC)" in format_outcome(outcome)
    with services.sessions() as s:
        (health,) = source_health(s, T0 + H)
    assert health.state == "failing" and health.consecutive_failures == 1
    assert health.next_poll_at == T0 + 2 * H
    services.clock = FrozenClock(T0 + 2 * H)
    scheduler.run_source(source_id)
    assert server.hits("/feed.xml") == 2 and seen[-1].failures == 2


def test_douse_poll_help_documents_its_exit_status(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["poll", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert exited.value.code == 0
    assert "Exit status: 0 when every source was polled (or skipped), 1 when any source failed" in (
        help_text
    )


@pytest.mark.postgres
def test_a_second_worker_skips_the_webhooks_another_is_sending(
    postgres_url: str, tmp_path: Path, server: LocalHTTPServer
) -> None:
    settings = Settings(
        database_url=postgres_url, config_path=tmp_path / "c.toml", log_dir=tmp_path / "logs"
    )
    services = build_services(settings, clock=FrozenClock(T0 + 3 * H))
    try:
        open_incident(services)
        server.route("/hook", body=b"ok", content_type="text/plain")
        env = {"DOUSE_WEBHOOK_URL": server.url("/hook")}
        with services.sessions.begin() as holder:
            assert exclusive(holder, WEBHOOK_LOCK)  # another worker is sending right now
            busy = run_incident_jobs(services, env=env)
        done = run_incident_jobs(services, env=env)
    finally:
        services.close()
    assert busy.breached and busy.webhooks_sent == 0 and busy.failed == ()
    assert done.webhooks_sent == 1
    assert [r.method for r in server.requests] == ["POST"], "posted once, by the free worker"


def test_two_workers_recording_the_same_breach_at_once_record_it_once(
    postgres_url: str, tmp_path: Path
) -> None:
    import threading

    from douse.core.incidents import refresh_clocks

    settings = Settings(
        database_url=postgres_url, config_path=tmp_path / "c.toml", log_dir=tmp_path / "logs"
    )
    services = build_services(settings, clock=FrozenClock(T0 + 3 * H))
    try:
        iid = open_incident(services)
        results: dict[str, list[int]] = {}
        with services.sessions.begin() as first:
            results["first"] = refresh_clocks(first, T0 + 3 * H)

            def second_worker() -> None:
                # Blocks on the first worker's uncommitted notification, then finds it taken.
                with services.sessions.begin() as second:
                    results["second"] = refresh_clocks(second, T0 + 3 * H)

            worker = threading.Thread(target=second_worker)
            worker.start()
            worker.join(timeout=1)
            assert worker.is_alive(), "the second worker waits for the first to commit"
        worker.join(timeout=30)
        with services.sessions() as s:
            notes = s.scalars(select(Notification.kind)).all()
            entries = s.scalars(
                select(Activity.id).where(Activity.details["event"].as_string() == "breach")
            ).all()
    finally:
        services.close()
    assert results == {"first": [iid], "second": []}
    assert notes == ["breach"] and len(entries) == 1
