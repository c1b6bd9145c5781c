"""Source health bookkeeping, silence detection, and leases shared by concurrent workers."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from douse.core.db.models import Client, Source
from douse.core.jobs.health import (
    BACKOFF_CAP_S,
    RETRY_AFTER_CAP_S,
    backoff_seconds,
    record_failure,
    record_success,
    silent_sources,
    source_health,
)
from douse.core.jobs.leases import claim_due_sources, claim_source, release_source
from douse.core.services import Services
from tests.helpers import T0


def add_sources(services: Services, n: int, **kw: object) -> list[int]:
    with services.sessions.begin() as session:
        client = Client(slug="acme", name="Acme", created_at=T0, updated_at=T0)
        session.add(client)
        session.flush()
        rows = [
            Source(client_id=client.id, name=f"s{i:04d}", kind="rss", target=f"https://x/{i}", **kw)
            for i in range(n)
        ]
        session.add_all(rows)
        session.flush()
        return [row.id for row in rows]


def test_backoff_doubles_and_is_capped() -> None:
    assert backoff_seconds(900, 0) == 900
    assert [backoff_seconds(900, n) for n in (1, 2, 3)] == [900, 1800, 3600]
    assert backoff_seconds(900, 50) == BACKOFF_CAP_S
    assert backoff_seconds(5, 1) == 60  # a tiny interval still waits a minute after a failure


def test_failure_honours_retry_after_within_reason() -> None:
    source = Source(poll_interval_s=900, consecutive_failures=0)
    record_failure(source, T0, "HTTP 429\n  too many", retry_after=7200)
    assert source.last_error == "HTTP 429 too many"
    assert source.next_poll_at == T0 + timedelta(seconds=7200)
    record_failure(source, T0, "HTTP 429", retry_after=10**9)
    assert source.next_poll_at == T0 + timedelta(seconds=RETRY_AFTER_CAP_S)
    assert source.consecutive_failures == 2
    record_success(source, T0, 0)
    assert source.consecutive_failures == 0 and source.last_error == "HTTP 429"


def test_silence_is_reported_not_mistaken_for_calm(sqlite_services: Services) -> None:
    services = sqlite_services
    ids = add_sources(services, 2, poll_interval_s=900)
    with services.sessions.begin() as session:
        busy, quiet = (session.get(Source, i) for i in ids)
        assert busy is not None and quiet is not None
        # Both usually bring news every hour or so.
        for source in (busy, quiet):
            for hours in range(6):
                record_success(source, T0 + timedelta(hours=hours), 1)
        for hours in range(6, 30):
            record_success(busy, T0 + timedelta(hours=hours), 1)
            record_success(quiet, T0 + timedelta(hours=hours), 0)  # polls fine, finds nothing
    later = T0 + timedelta(hours=30)
    with services.sessions() as session:
        silent = silent_sources(session, later)
        health = {h.name: h.state for h in source_health(session, later)}
    assert [s.name for s in silent] == ["s0001"]
    assert silent[0].silent_for_s == 25 * 3600 and silent[0].typical_gap_s == 3600
    assert health == {"s0000": "ok", "s0001": "silent"}


def test_the_desk_and_source_health_share_one_silence_rule(sqlite_services: Services) -> None:
    from douse.core.queries.accounts import client_sources
    from douse.core.queries.dashboard import dashboard

    services = sqlite_services
    now = T0 + timedelta(days=2)
    # (typical gap, poll interval, quiet for): silent when quiet for more than 4 typical gaps
    # and more than 3 poll intervals.
    cases = {
        "fast-feed": (600, 900, timedelta(hours=2)),  # silent: 2 h > 45 min and > 40 min
        "hourly-news": (3600, 900, timedelta(hours=5)),  # silent: 5 h > 4 h
        "hourly-ok": (3600, 900, timedelta(hours=3)),  # ok: 3 h < 4 h
        "slow-poll": (3600, 10800, timedelta(hours=6)),  # ok: 6 h < 3 polls of 3 h
        "bursty": (0, 900, timedelta(hours=1)),  # silent: 1 h > 3 polls of 15 min
    }
    with services.sessions.begin() as session:
        client = Client(slug="acme", name="Acme", created_at=T0, updated_at=T0)
        session.add(client)
        session.flush()
        client_id = client.id
        for name, (gap, interval, quiet) in cases.items():
            session.add(
                Source(
                    client_id=client_id,
                    name=name,
                    kind="rss",
                    target=f"https://x/{name}",
                    poll_interval_s=interval,
                    typical_gap_s=float(gap),
                    last_new_at=now - quiet,
                    last_polled_at=now,
                    last_ok_at=now,
                )
            )
    with services.sessions() as session:
        by_health = {h.name: h.state for h in source_health(session, now)}
        on_desk = {row.name: row.health for row in client_sources(session, client_id, now)}
        (row,) = dashboard(session, now)
        listed = {s.name for s in silent_sources(session, now)}
    expected = {"fast-feed", "hourly-news", "bursty"}
    assert {n for n, state in by_health.items() if state == "silent"} == expected
    assert {n for n, state in on_desk.items() if state == "silent"} == expected
    assert listed == expected
    assert row.silent_sources == len(expected)


@pytest.mark.postgres
def test_concurrent_workers_never_claim_the_same_source(postgres_url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from douse.core.clock import FrozenClock
    from douse.core.services import build_services
    from douse.core.settings import Settings

    services = build_services(
        Settings(database_url=postgres_url, config_path=tmp_path / "c", log_dir=tmp_path),
        clock=FrozenClock(T0),
    )
    try:
        ids = add_sources(services, 200)
        claimed: dict[str, list[int]] = {}
        start = threading.Barrier(4)

        def worker(name: str) -> None:
            mine: list[int] = []
            start.wait()
            while True:
                with services.sessions.begin() as session:
                    got = claim_due_sources(session, name, T0, limit=7)
                if not got:
                    break
                mine.extend(got)
            claimed[name] = mine

        threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        everything = [sid for got in claimed.values() for sid in got]
        assert sorted(everything) == sorted(ids), "each source claimed exactly once"
        assert sum(1 for got in claimed.values() if got) >= 2, "the work was shared"

        # Single-source claims race too: exactly one of many simultaneous claimers wins.
        with services.sessions.begin() as session:
            for sid in ids:
                release_source(session, sid, next(n for n, g in claimed.items() if sid in g))
        wins: list[str] = []
        race = threading.Barrier(6)

        def claimer(name: str) -> None:
            race.wait()
            with services.sessions.begin() as session:
                if claim_source(session, ids[0], name, T0):
                    wins.append(name)

        threads = [threading.Thread(target=claimer, args=(f"c{i}",)) for i in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert len(wins) == 1
        with services.sessions() as session:
            owner = session.scalar(select(Source.lease_owner).where(Source.id == ids[0]))
        assert owner == wins[0]
        # An expired lease can be taken over (a crashed worker's sources come back).
        with services.sessions.begin() as session:
            assert not claim_source(session, ids[0], "late", T0 + timedelta(seconds=60))
            assert claim_source(session, ids[0], "late", T0 + timedelta(hours=1))
    finally:
        services.close()
