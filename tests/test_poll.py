"""Polling real feeds from a local server: one pass ingests, a second adds nothing, and every
failure mode leaves a clear health record and loses nothing already stored."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from douse.core.db.models import Client, Mention, Source
from douse.core.ingest.fetch import Fetcher
from douse.core.jobs.health import BACKOFF_CAP_S
from douse.core.jobs.poll import Poller, SourceOutcome, format_outcome
from douse.core.services import Services
from tests.helpers import FAST, FEED, T0, rss
from tests.httpserver import LocalHTTPServer

pytestmark = pytest.mark.network


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    with Fetcher(FAST, sleep=lambda _: None) as f:
        yield f


def add_client(services: Services, slug: str = "acme", **sources: str) -> dict[str, int]:
    with services.sessions.begin() as session:
        client = Client(
            slug=slug,
            name="Acme Rentals",
            keywords=["Acme Rentals", "Acme"],
            exclusions=[],
            created_at=T0,
            updated_at=T0,
        )
        session.add(client)
        session.flush()
        rows = [
            Source(client_id=client.id, name=name, kind="rss", target=url, poll_interval_s=900)
            for name, url in sources.items()
        ]
        session.add_all(rows)
        session.flush()
        return {row.name: row.id for row in rows}


def poller(services: Services, fetcher: Fetcher, **kw: Any) -> Poller:
    return Poller(services, fetcher=fetcher, on_stored=None, workers=4, **kw)


def mention_count(services: Services) -> int:
    with services.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(Mention)) or 0)


def source_row(services: Services, source_id: int) -> Source:
    with services.sessions() as session:
        source = session.get(Source, source_id)
        assert source is not None
        session.expunge(source)
        return source


def by_name(outcomes: list[SourceOutcome]) -> dict[str, SourceOutcome]:
    return {o.name: o for o in outcomes}


def test_a_pass_ingests_and_a_second_adds_nothing(
    services: Services, server: LocalHTTPServer, fetcher: Fetcher
) -> None:
    server.route("/etag.xml", body=FEED, content_type="application/rss+xml", etag='"v1"')
    server.route("/plain.xml", body=FEED, content_type="application/rss+xml")
    ids = add_client(services, news=server.url("/etag.xml"), blog=server.url("/plain.xml"))
    p = poller(services, fetcher)
    first = by_name(p.poll_pass())
    second = by_name(p.poll_pass(client_slug="acme"))
    assert [(o.dropped, o.error) for o in first.values()] == [(1, None), (1, None)]
    # The blog carries the same articles: whichever is stored second finds them already there.
    assert sorted((o.new, o.duplicate) for o in first.values()) == [(0, 2), (2, 0)]
    assert second["news"].not_modified and second["news"].new == 0
    assert (second["blog"].new, second["blog"].duplicate) == (0, 2)
    assert mention_count(services) == 2
    assert server.requests[-1].headers.get("if-none-match") in (None, '"v1"')
    news = source_row(services, ids["news"])
    assert news.etag == '"v1"'
    assert news.last_ok_at == T0 and news.consecutive_failures == 0 and news.last_error is None
    assert news.next_poll_at == T0 + timedelta(seconds=900)
    assert news.total_new == first["news"].new
    assert news.lease_owner is None and news.lease_until is None


FAILURES: dict[str, tuple[dict[str, Any], str]] = {
    "server error": ({"status": 500}, "HTTP 500"),
    "rate limited": (
        {"status": 429, "headers": {"Retry-After": "7200"}},
        "HTTP 429",
    ),
    "slow": ({"body": FEED, "delay": 2.0}, "timed out"),
    "truncated": ({"body": FEED, "truncate": True}, "cut short"),
    "oversize": ({"body": FEED + b" " * 70_000, "content_type": "application/rss+xml"}, "larger"),
    "html page": (
        {"body": b"<html><body><p>Acme login</p></body></html>", "content_type": "text/html"},
        "not a feed",
    ),
    "redirect loop": ({"status": 302, "headers": {"Location": "/feed.xml"}}, "redirects"),
    "invalid xml": ({"body": b"<<<not xml>>> Acme", "content_type": "text/xml"}, "not a feed"),
    "broken xml": (
        {"body": b"<rss><channel><item>&&&<<", "content_type": "application/rss+xml"},
        "invalid XML: not well-formed",
    ),
    "invalid json": ({"body": b'{"version": "https://jsonfeed.org/version/1", "items": ['}, "JSON"),
    "connection closed": ({"close": True}, "connection"),
}


@pytest.mark.parametrize("mode", sorted(FAILURES))
def test_each_failure_mode_leaves_a_health_record_and_loses_nothing(
    sqlite_services: Services, server: LocalHTTPServer, fetcher: Fetcher, mode: str
) -> None:
    services = sqlite_services
    server.route("/feed.xml", body=FEED, content_type="application/rss+xml", etag='"v1"')
    ids = add_client(services, news=server.url("/feed.xml"))
    p = poller(services, fetcher)
    assert p.poll_pass()[0].new == 2
    reply, expected = FAILURES[mode]
    server.route("/feed.xml", **reply)
    outcome = p.poll_pass()[0]
    assert outcome.error is not None and expected.lower() in outcome.error.lower(), outcome.error
    assert mention_count(services) == 2
    news = source_row(services, ids["news"])
    assert news.last_error == outcome.error and news.last_error_at == T0
    assert news.consecutive_failures == 1
    assert news.last_ok_at == T0 and news.etag == '"v1"', "the last good state is kept"
    assert news.lease_owner is None
    assert news.next_poll_at is not None
    wait = (news.next_poll_at - T0).total_seconds()
    assert wait >= (7200 if mode == "rate limited" else 900)


def test_a_mislabelled_encoding_still_ingests(
    sqlite_services: Services, server: LocalHTTPServer, fetcher: Fetcher
) -> None:
    latin = rss(("e1", "Acme Rentals: le propriétaire a ignoré ma plainte")).decode()
    body = latin.replace('encoding="utf-8"', 'encoding="iso-8859-1"').encode("latin-1")
    server.route("/feed.xml", body=body, content_type="application/rss+xml; charset=utf-8")
    add_client(sqlite_services, news=server.url("/feed.xml"))
    p = poller(sqlite_services, fetcher)
    outcome = p.poll_pass()[0]
    assert outcome.error is None and outcome.new == 1
    with sqlite_services.sessions() as session:
        assert "propriétaire" in session.scalars(select(Mention.text)).one()


def test_broken_xml_with_posts_is_stored_as_a_success_with_a_warning(
    sqlite_services: Services, server: LocalHTTPServer, fetcher: Fetcher
) -> None:
    body = FEED.replace(b"</channel>", b"<item><title>Acme && broken</title></item></channel>")
    server.route("/feed.xml", body=body, content_type="application/rss+xml")
    ids = add_client(sqlite_services, news=server.url("/feed.xml"))
    p = poller(sqlite_services, fetcher)
    outcome = p.poll_pass()[0]
    # The lenient parser reads even the broken item; nothing the feed carried is lost.
    assert outcome.error is None and outcome.new == 3
    assert outcome.warning is not None and "invalid XML read leniently" in outcome.warning
    assert "warning: invalid XML" in format_outcome(outcome)
    news = source_row(sqlite_services, ids["news"])
    assert news.consecutive_failures == 0 and news.last_ok_at == T0


def test_a_failing_source_never_stops_the_others_and_backs_off(
    services: Services, server: LocalHTTPServer, fetcher: Fetcher
) -> None:
    server.route("/ok.xml", body=FEED, content_type="application/rss+xml")
    server.route("/down.xml", status=503)
    ids = add_client(services, ok=server.url("/ok.xml"), down=server.url("/down.xml"))
    waits = []
    p = poller(services, fetcher)
    for _ in range(8):
        outcomes = by_name(p.poll_pass())
        assert outcomes["ok"].error is None
        assert outcomes["down"].error is not None and "HTTP 503" in outcomes["down"].error
        down = source_row(services, ids["down"])
        assert down.next_poll_at is not None
        waits.append((down.next_poll_at - T0).total_seconds())
    assert mention_count(services) == 2
    assert down.consecutive_failures == 8
    assert waits == sorted(waits) and waits[0] == 900 and waits[1] == 1800
    assert waits[-1] == BACKOFF_CAP_S
    # The scheduler's due-only poll leaves a backed-off source alone.
    p = poller(services, fetcher)
    skipped = p.poll_source(ids["down"], only_if_due=True)
    assert skipped.skipped is not None and server.hits("/down.xml") == 8 * 2


def test_poll_of_an_unknown_client_is_a_clear_error(sqlite_services: Services) -> None:
    from douse.core.errors import NotFound

    p = Poller(sqlite_services, on_stored=None)
    with pytest.raises(NotFound, match="nope"):
        p.poll_pass(client_slug="nope")
