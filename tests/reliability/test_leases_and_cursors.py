"""After a SIGKILL (issue 15, finding 10): the killed poller's leases are freed when the next
worker on the same machine starts, not ten minutes later; and `douse sync` forgets a source's
paging cursor and validators when its URL changes."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from douse.core.db.models import Client, Source
from douse.core.ingest.fetch import Fetcher, FetchLimits
from douse.core.jobs.poll import Poller
from douse.core.services import Services
from douse.tui.cli.main import main
from tests.helpers import FEED, REPO, T0
from tests.httpserver import LocalHTTPServer, local_http_server

pytestmark = pytest.mark.network
FAST = FetchLimits(connect_timeout=1.0, read_timeout=1.0, total_timeout=3.0, attempts=1)


@pytest.fixture
def server() -> Iterator[LocalHTTPServer]:
    with local_http_server() as running:
        running.route("/feed.xml", body=FEED, content_type="application/rss+xml")
        yield running


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _leased_sources(services: Services, url: str, owners: dict[str, str]) -> dict[str, int]:
    with services.sessions.begin() as session:
        client = Client(
            slug="acme",
            name="Acme Rentals",
            keywords=["Acme Rentals", "Acme"],
            created_at=T0,
            updated_at=T0,
        )
        session.add(client)
        session.flush()
        rows = {
            name: Source(
                client_id=client.id,
                name=name,
                kind="rss",
                target=f"{url}?{name}",
                next_poll_at=T0,
                lease_owner=owner,
                lease_until=T0 + timedelta(minutes=9),
            )
            for name, owner in owners.items()
        }
        session.add_all(rows.values())
        session.flush()
        return {name: row.id for name, row in rows.items()}


def test_a_killed_local_workers_leases_are_freed_at_start(
    services: Services, server: LocalHTTPServer
) -> None:
    host = socket.gethostname()
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        ids = _leased_sources(
            services,
            server.url("/feed.xml"),
            {
                "killed": f"{host}:{_dead_pid()}",
                "killed desk": f"desk:{host}:{_dead_pid()}",
                "alive": f"{host}:{live.pid}",
                "other machine": f"elsewhere.example:{_dead_pid()}",
            },
        )
        with Fetcher(FAST, sleep=lambda _: None) as fetcher:
            outcomes = Poller(services, fetcher=fetcher, on_stored=None, workers=2).poll_pass()
    finally:
        live.kill()
        live.wait()
    by_name = {o.name: o for o in outcomes}
    assert by_name["killed"].skipped is None and by_name["killed"].error is None
    assert by_name["killed desk"].skipped is None
    assert by_name["alive"].skipped == "not due or polled by another worker"
    assert by_name["other machine"].skipped == "not due or polled by another worker"
    with services.sessions() as session:
        held = dict(session.execute(select(Source.name, Source.lease_owner)).all())
    assert held["killed"] is None and held["killed desk"] is None
    assert held["alive"] == f"{host}:{live.pid}"
    assert held["other machine"] is not None and ids


def test_sync_forgets_the_cursor_when_a_source_url_changes(
    services: Services, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = services.settings.database_url
    example = (REPO / "clients.example.toml").read_text()
    first = tmp_path / "clients.toml"
    first.write_text(example)
    assert main(["--db", url, "sync", str(first)]) == 0
    with services.sessions.begin() as session:
        for source in session.scalars(select(Source)):
            source.cursor, source.etag, source.last_modified = "999", '"v9"', "Mon, 01 Jan 2024"
    match = re.search(r'kind = "rss"\nurl = "(https://[^"]+)"', example)
    assert match is not None
    old_url = match.group(1)
    first.write_text(example.replace(old_url, old_url.rstrip("/") + "/moved", 1))
    capsys.readouterr()
    assert main(["--db", url, "sync", str(first)]) == 0
    with services.sessions() as session:
        rows = session.execute(
            select(Source.target, Source.cursor, Source.etag, Source.last_modified)
        ).all()
    moved = [r for r in rows if r.target.endswith("/moved")]
    kept = [r for r in rows if not r.target.endswith("/moved")]
    assert len(moved) == 1 and tuple(moved[0])[1:] == (None, None, None)
    assert kept and all(r.cursor == "999" and r.etag == '"v9"' for r in kept)
