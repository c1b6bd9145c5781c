"""A fault-injecting server on 127.0.0.1 against every kind of poll douse makes over HTTP (a feed
and a JSON API): 5xx bursts, 429 with Retry-After, a slow drip, truncation, oversize, a gzip
bomb, a redirect loop, an empty body, invalid XML, JSON and encodings, hostile numbers.

What must hold for every fault: the poll ends as stored posts or as a source error recorded on
the source (never an internal error), the posts stored by the good poll before it are all still
there, and a good poll after it stores what it serves.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from douse.core.db.models import Client, Mention, Source
from douse.core.ingest.fetch import Fetcher, FetchLimits
from douse.core.jobs.poll import Poller
from douse.core.services import Services
from tests.helpers import FEED, T0, rss
from tests.httpserver import LocalHTTPServer, Reply

pytestmark = pytest.mark.network

LIMITS = FetchLimits(
    connect_timeout=1.0,
    read_timeout=0.5,
    total_timeout=2.0,
    max_bytes=256_000,
    attempts=3,
    backoff_base=0.0,
    max_retry_wait=1.0,
)
# The slow drip only ends at the total time limit, once per attempt: 1 s rather than 2 s each
# (a good answer arrives whole, so it is bounded by the read timeout, not this).
DRIP_LIMITS = dataclasses.replace(LIMITS, total_timeout=1.0)
MASTODON_PATH = "/api/v1/timelines/tag/acme"
GOOD_MORE = rss(("e9", "Acme Rentals answered at last"), ("e8", "Acme Rentals fixed the lift"))


def _status(n: int, text: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": str(n),
        "uri": f"https://example.social/users/u{n}/statuses/{n}",
        "url": f"https://example.social/@u{n}/{n}",
        "created_at": "2026-11-23T09:00:00.000Z",
        "content": f"<p>{text}</p>",
        "spoiler_text": "",
        "account": {"acct": f"u{n}", "url": f"https://example.social/@u{n}"},
        "replies_count": 1,
        "reblogs_count": 2,
        "favourites_count": 3,
        **extra,
    }


GOOD = {
    "rss": (FEED, "application/rss+xml"),
    "mastodon": (
        json.dumps([_status(1, "Acme Rentals lost my keys"), _status(2, "Acme is slow")]).encode(),
        "application/json",
    ),
}
GOOD_AFTER = {
    "rss": (GOOD_MORE, "application/rss+xml"),
    "mastodon": (json.dumps([_status(3, "Acme Rentals called back")]).encode(), "application/json"),
}
BOMB = gzip.compress(b"\0" * 20_000_000)  # 20 MB of zeros in about 20 kB


def _faults(kind: str) -> dict[str, tuple[list[Reply], str | None]]:
    """fault -> (what the server answers, a word the recorded error must contain; None when
    the posts must be stored instead)."""
    body, ctype = GOOD[kind]
    bad_doc = b"<rss><channel><item>&&&<<" if kind == "rss" else b'[{"id": "1", "uri": '
    hostile = (
        json.dumps([_status(4, "Acme huge", favourites_count="X")]).replace('"X"', "1e999")
        if kind == "mastodon"
        else rss(("e5", "Acme Rentals 99999999999999999999999 stars")).decode()
    )
    return {
        "5xx burst, then fine": (
            [Reply(status=503), Reply(status=502), Reply(body=body, content_type=ctype)],
            None,
        ),
        "5xx for good": ([Reply(status=500)], "HTTP 500"),
        "429 with Retry-After": (
            [Reply(status=429, headers={"Retry-After": "3600"})],
            "HTTP 429",
        ),
        "slow drip": ([Reply(body=body, content_type=ctype, drip=0.05)], "timed out"),
        "truncated": ([Reply(body=body, content_type=ctype, truncate=True)], "cut short"),
        "oversize": ([Reply(body=body + b" " * 300_000, content_type=ctype)], "larger"),
        "gzip bomb": (
            [Reply(body=BOMB, content_type=ctype, headers={"Content-Encoding": "gzip"})],
            "larger",
        ),
        "redirect loop": ([Reply(status=302, headers={"Location": "/loop"})], "redirect"),
        "empty body": ([Reply(body=b"", content_type=ctype)], ""),
        "204": ([Reply(status=204)], ""),
        "invalid document": ([Reply(body=bad_doc, content_type=ctype)], ""),
        "invalid encoding": (
            [Reply(body=b"\xff\xfe\x00garbage\x80\x81", content_type=f"{ctype}; charset=utf-8")],
            "",
        ),
        "hostile numbers": ([Reply(body=hostile.encode(), content_type=ctype)], None),
    }


CASES = [(kind, fault) for kind in GOOD for fault in _faults(kind)]


def _source(services: Services, kind: str, server: LocalHTTPServer) -> tuple[int, str]:
    path = "/feed.xml" if kind == "rss" else MASTODON_PATH
    target = server.url(path) if kind == "rss" else server.base_url
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
        source = Source(
            client_id=client.id,
            name=kind,
            kind=kind,
            target=target,
            params={"tag": "acme"} if kind == "mastodon" else {},
        )
        session.add(source)
        session.flush()
        return source.id, path


def _stored(services: Services) -> set[str]:
    with services.sessions() as session:
        return set(session.scalars(select(Mention.dedupe_key)))


@pytest.mark.parametrize(("kind", "fault"), CASES, ids=[f"{k}: {f}" for k, f in CASES])
def test_every_fault_is_stored_or_recorded_and_nothing_is_lost(
    sqlite_services: Services, server: LocalHTTPServer, kind: str, fault: str
) -> None:
    services = sqlite_services
    source_id, path = _source(services, kind, server)
    body, ctype = GOOD[kind]
    server.route(path, body=body, content_type=ctype)
    limits = DRIP_LIMITS if fault == "slow drip" else LIMITS
    with Fetcher(limits, sleep=lambda _: None) as fetcher:
        poller = Poller(services, fetcher=fetcher, on_stored=None, workers=1)
        first = poller.poll_pass()[0]
        assert first.error is None and first.new == 2, first
        before = _stored(services)

        replies, expected = _faults(kind)[fault]
        server.route(path, replies=replies)
        if fault == "redirect loop":
            server.route("/loop", replies=replies)
        with services.sessions.begin() as session:
            source = session.get(Source, source_id)
            assert source is not None
            source.next_poll_at = None  # due again at once
        outcome = poller.poll_pass()[0]
        if expected is None:
            assert outcome.error is None, outcome.error
        else:
            assert outcome.error is not None, outcome
            assert expected.lower() in outcome.error.lower(), outcome.error
        assert "internal error" not in (outcome.error or "")
        assert before <= _stored(services)  # nothing stored earlier was lost
        with services.sessions() as session:
            source = session.get(Source, source_id)
            assert source is not None and source.lease_owner is None
            assert source.last_error == (outcome.error or source.last_error)
            if fault == "429 with Retry-After":
                assert source.next_poll_at is not None
                assert source.next_poll_at >= T0 + timedelta(seconds=3600)

        # The server recovers: the next poll stores what it serves.
        after_body, after_type = GOOD_AFTER[kind]
        server.route(path, body=after_body, content_type=after_type)
        with services.sessions.begin() as session:
            source = session.get(Source, source_id)
            assert source is not None
            source.next_poll_at, source.etag, source.last_modified = None, None, None
        recovered = poller.poll_pass()[0]
    assert recovered.error is None, recovered.error
    with services.sessions() as session:
        total = int(session.scalar(select(func.count()).select_from(Mention)) or 0)
    assert total >= len(before) + 1
