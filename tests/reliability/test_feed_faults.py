"""A feed server that misbehaves (issue 15, finding 4 and the fault list): every fault ends as a
recorded source error or a stored page, never an internal error, and nothing stored is lost."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

from douse.core.db.models import Client, Mention, Source
from douse.core.ingest.fetch import Fetcher
from douse.core.jobs.poll import Poller
from douse.core.services import Services
from tests.helpers import FAST, FEED, T0
from tests.httpserver import LocalHTTPServer

pytestmark = pytest.mark.network


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    with Fetcher(FAST, sleep=lambda _: None) as f:
        yield f


def _source(services: Services, url: str, kind: str = "rss") -> int:
    with services.sessions.begin() as session:
        client = Client(
            slug="acme",
            name="Acme Rentals",
            keywords=["Acme Rentals", "Acme"],
            exclusions=[],
            created_at=T0,
            updated_at=T0,
        )
        session.add(client)
        session.flush()
        source = Source(client_id=client.id, name="news", kind=kind, target=url)
        session.add(source)
        session.flush()
        return source.id


def _mentions(services: Services) -> int:
    with services.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(Mention)) or 0)


@pytest.mark.parametrize(
    "reply",
    [
        {"status": 200, "body": b"", "content_type": "application/rss+xml"},
        {"status": 200, "body": b"  \r\n ", "content_type": "application/rss+xml"},
        {"status": 204},
    ],
    ids=["200 no body", "200 blank", "204"],
)
def test_an_empty_feed_is_a_source_error_not_a_bug(
    services: Services, server: LocalHTTPServer, fetcher: Fetcher, reply: dict[str, Any]
) -> None:
    server.route("/feed.xml", body=FEED, content_type="application/rss+xml")
    source_id = _source(services, server.url("/feed.xml"))
    poller = Poller(services, fetcher=fetcher, on_stored=None, workers=1)
    assert poller.poll_pass()[0].new == 2
    server.route("/feed.xml", **reply)
    outcome = poller.poll_pass()[0]
    assert outcome.error is not None and "internal error" not in outcome.error
    assert "empty" in outcome.error or "no feed" in outcome.error, outcome.error
    assert _mentions(services) == 2
    with services.sessions() as session:
        source = session.get(Source, source_id)
        assert source is not None and source.last_error == outcome.error
