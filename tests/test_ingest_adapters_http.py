"""Adapters polling a real local server: requests, paging, conditional GET, tokens, failures."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from douse.core.ingest.adapters import fetch_source
from douse.core.ingest.fetch import (
    BadSource,
    Fetcher,
    FetchLimits,
    HttpStatusError,
    InvalidPayload,
    MissingToken,
)
from douse.core.ingest.types import SourceSpec, SourceState
from tests.httpserver import LocalHTTPServer, Reply

pytestmark = pytest.mark.network
DATA = Path(__file__).parent / "data" / "ingest"


@pytest.fixture
def server() -> Iterator[LocalHTTPServer]:
    with LocalHTTPServer() as s:
        yield s


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    limits = FetchLimits(read_timeout=2.0, total_timeout=5.0, attempts=2, backoff_base=0.01)
    with Fetcher(limits, sleep=lambda _s: None) as f:
        yield f


def query(server: LocalHTTPServer, index: int = -1) -> dict[str, list[str]]:
    return parse_qs(urlsplit(server.requests[index].path).query)


def test_rss_conditional_get_round_trip(server: LocalHTTPServer, fetcher: Fetcher) -> None:
    feed = (DATA / "google_alerts_atom_slack.xml").read_bytes()
    server.route("/alerts", body=feed, content_type="application/atom+xml", etag='"abc"')
    spec = SourceSpec(kind="rss", target=server.url("/alerts"))
    first = fetch_source(fetcher, spec, SourceState())
    assert len(first.items) == 20
    assert first.etag == '"abc"'
    second = fetch_source(fetcher, spec, SourceState(etag=first.etag))
    assert second.not_modified
    assert second.items == []
    assert second.etag == '"abc"'
    assert server.requests[-1].headers["if-none-match"] == '"abc"'


def test_rss_served_as_html_login_page_is_not_a_feed(
    server: LocalHTTPServer, fetcher: Fetcher
) -> None:
    server.route("/feed", body=b"<html><body>Please log in</body></html>", content_type="text/html")
    with pytest.raises(InvalidPayload, match=r"^not a feed: got an HTML page"):
        fetch_source(fetcher, SourceSpec(kind="rss", target=server.url("/feed")), SourceState())


def test_rss_with_invalid_xml_is_not_a_feed(server: LocalHTTPServer, fetcher: Fetcher) -> None:
    server.route("/feed", body=b"<<<>>> not xml &&&", content_type="application/rss+xml")
    with pytest.raises(InvalidPayload, match=r"^not a feed"):
        fetch_source(fetcher, SourceSpec(kind="rss", target=server.url("/feed")), SourceState())


def test_rss_with_a_wrong_content_type_but_a_real_feed_is_read(
    server: LocalHTTPServer, fetcher: Fetcher
) -> None:
    feed = (DATA / "ollama_at_79f6d64f9cea.xml").read_bytes()
    server.route("/r", body=feed, content_type="text/plain; charset=iso-8859-1")
    page = fetch_source(fetcher, SourceSpec(kind="rss", target=server.url("/r")), SourceState())
    assert len(page.items) == 25


def test_bluesky_pages_with_the_cursor_up_to_the_bound(
    server: LocalHTTPServer, fetcher: Fetcher
) -> None:
    body = json.loads((DATA / "bskyr_f_search__00__app.bsky.feed.searchPosts.json").read_bytes())[
        "body"
    ]
    pages = [
        Reply(body=json.dumps({"posts": body["posts"][:10], "cursor": "10"}).encode()),
        Reply(body=json.dumps({"posts": body["posts"][10:20], "cursor": "20"}).encode()),
        Reply(body=json.dumps({"posts": body["posts"][20:], "cursor": "25"}).encode()),
    ]
    server.route("/xrpc/app.bsky.feed.searchPosts", replies=pages)
    spec = SourceSpec(
        kind="bluesky", target="redistricting", params={"base_url": server.base_url, "max_pages": 2}
    )
    page = fetch_source(fetcher, spec, SourceState(cursor="2025-05-01T00:00:00Z"))
    assert len(page.items) == 20
    assert server.hits("/xrpc/app.bsky.feed.searchPosts") == 2
    first, second = query(server, 0), query(server, 1)
    assert first["q"] == ["redistricting"]
    assert first["since"] == ["2025-05-01T00:00:00Z"]
    assert "cursor" not in first
    assert second["cursor"] == ["10"]
    # The next poll asks only for posts from the newest one seen onwards.
    assert page.cursor is not None and page.cursor > "2025-05-01T00:00:00Z"
    newest = max(m.published_at for m in page.items if m.published_at)
    assert page.cursor.startswith(newest.strftime("%Y-%m-%dT%H:%M"))


def test_bluesky_stops_when_the_cursor_runs_out(server: LocalHTTPServer, fetcher: Fetcher) -> None:
    server.route("/xrpc/app.bsky.feed.searchPosts", body=b'{"posts": []}')
    spec = SourceSpec(kind="bluesky", target="acme", params={"base_url": server.base_url})
    page = fetch_source(fetcher, spec, SourceState(cursor="2026-01-01T00:00:00Z"))
    assert page.items == []
    assert page.cursor == "2026-01-01T00:00:00Z"
    assert server.hits("/xrpc/app.bsky.feed.searchPosts") == 1


def test_tokens_come_from_the_named_environment_variable(
    server: LocalHTTPServer, fetcher: Fetcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.route("/xrpc/app.bsky.feed.searchPosts", status=401)
    spec = SourceSpec(
        kind="bluesky", target="acme", params={"base_url": server.base_url},
        token_env="DOUSE_TEST_BSKY_TOKEN",
    )  # fmt: skip
    monkeypatch.delenv("DOUSE_TEST_BSKY_TOKEN", raising=False)
    with pytest.raises(MissingToken, match="DOUSE_TEST_BSKY_TOKEN is not set"):
        fetch_source(fetcher, spec, SourceState())
    assert server.requests == []
    monkeypatch.setenv("DOUSE_TEST_BSKY_TOKEN", "s3cr3t-value")
    with pytest.raises(HttpStatusError) as caught:
        fetch_source(fetcher, spec, SourceState())
    assert server.requests[-1].headers["authorization"] == "Bearer s3cr3t-value"
    assert "s3cr3t" not in str(caught.value)


def test_mastodon_tag_timeline_uses_since_id_and_advances_it(
    server: LocalHTTPServer, fetcher: Fetcher
) -> None:
    status = json.loads((DATA / "Status_entity_example_mastodon_social.json").read_bytes())
    server.route("/api/v1/timelines/tag/acme", body=json.dumps([status]).encode())
    spec = SourceSpec(kind="mastodon", target=server.base_url, params={"tag": "#acme"})
    page = fetch_source(fetcher, spec, SourceState(cursor="103270115826040000"))
    assert len(page.items) == 1
    assert query(server)["since_id"] == ["103270115826040000"]
    assert query(server)["limit"] == ["40"]
    assert page.cursor == "103270115826048975"


def test_mastodon_tag_url_as_target(server: LocalHTTPServer, fetcher: Fetcher) -> None:
    server.route("/api/v1/timelines/tag/acme", body=b"[]")
    spec = SourceSpec(kind="mastodon", target=server.url("/tags/acme"))
    assert fetch_source(fetcher, spec, SourceState()).items == []
    assert server.hits("/api/v1/timelines/tag/acme") == 1


def test_mastodon_api_tag_timeline_url_as_target(server: LocalHTTPServer, fetcher: Fetcher) -> None:
    # The API's own path for a tag timeline, as people copy it from the Mastodon docs.
    status = json.loads((DATA / "Status_entity_example_mastodon_social.json").read_bytes())
    server.route("/api/v1/timelines/tag/copperkettle", body=json.dumps([status]).encode())
    spec = SourceSpec(kind="mastodon", target=server.url("/api/v1/timelines/tag/copperkettle"))
    page = fetch_source(fetcher, spec, SourceState())
    assert len(page.items) == 1
    assert server.hits("/api/v1/timelines/tag/copperkettle") == 1
    assert query(server)["limit"] == ["40"]


def test_mastodon_api_search_url_as_target(server: LocalHTTPServer, fetcher: Fetcher) -> None:
    status = json.loads((DATA / "Status_entity_example_mastodon_social.json").read_bytes())
    server.route("/api/v2/search", body=json.dumps({"accounts": [], "statuses": [status]}).encode())
    target = server.url("/api/v2/search?q=copper%20kettle&type=statuses")
    page = fetch_source(fetcher, SourceSpec(kind="mastodon", target=target), SourceState())
    assert len(page.items) == 1
    assert query(server)["q"] == ["copper kettle"]
    assert query(server)["type"] == ["statuses"]


@pytest.mark.parametrize(
    "path", ["/api/v1/timelines/public", "/api/v2/search", "/api/v1/timelines/tag/"]
)
def test_mastodon_urls_without_a_tag_or_query_are_explained(
    server: LocalHTTPServer, path: str
) -> None:
    spec = SourceSpec(kind="mastodon", target=server.url(path))
    with Fetcher() as fetcher, pytest.raises(BadSource, match="needs a tag or a q"):
        fetch_source(fetcher, spec, SourceState())
    assert server.requests == []


def test_mastodon_search_needs_statuses(server: LocalHTTPServer, fetcher: Fetcher) -> None:
    status = json.loads((DATA / "Status_entity_example_mastodon_social.json").read_bytes())
    server.route("/api/v2/search", body=json.dumps({"accounts": [], "statuses": [status]}).encode())
    spec = SourceSpec(kind="mastodon", target=server.base_url, params={"q": "inheritance"})
    page = fetch_source(fetcher, spec, SourceState())
    assert len(page.items) == 1
    assert query(server)["type"] == ["statuses"]


def test_hackernews_asks_only_for_newer_items(server: LocalHTTPServer, fetcher: Fetcher) -> None:
    server.route("/api/v1/search_by_date", body=(DATA / "hn_search_by_date.json").read_bytes())
    spec = SourceSpec(
        kind="hackernews", target="horizon realty", params={"base_url": server.base_url}
    )
    page = fetch_source(fetcher, spec, SourceState(cursor="1795400000"))
    assert len(page.items) == 3
    assert query(server)["numericFilters"] == ["created_at_i>1795400000"]
    assert query(server)["query"] == ["horizon realty"]
    assert page.cursor == "1795423200"


def test_reddit_search_request(server: LocalHTTPServer, fetcher: Fetcher) -> None:
    body = json.loads((DATA / "TestSubreddit.test_search__01.json").read_bytes())["body"]
    server.route("/r/redditdev/search.json", body=json.dumps(body).encode())
    spec = SourceSpec(
        kind="reddit",
        target="praw",
        params={"base_url": server.base_url, "subreddit": "r/redditdev"},
    )
    page = fetch_source(fetcher, spec, SourceState())
    assert len(page.items) == 6
    sent = query(server)
    assert sent["sort"] == ["new"] and sent["restrict_sr"] == ["on"] and sent["q"] == ["praw"]


def test_reddit_rate_limit_is_retried(server: LocalHTTPServer, fetcher: Fetcher) -> None:
    server.route(
        "/search.json",
        replies=[
            Reply(status=429, headers={"Retry-After": "1"}),
            Reply(body=b'{"data": {"children": []}}'),
        ],
    )
    spec = SourceSpec(kind="reddit", target="acme", params={"base_url": server.base_url})
    assert fetch_source(fetcher, spec, SourceState()).items == []
    assert server.hits("/search.json") == 2


def test_api_answering_html_or_broken_json(server: LocalHTTPServer, fetcher: Fetcher) -> None:
    server.route("/api/v1/search_by_date", body=b"<html>captcha</html>", content_type="text/html")
    spec = SourceSpec(kind="hackernews", target="acme", params={"base_url": server.base_url})
    with pytest.raises(InvalidPayload, match="expected JSON"):
        fetch_source(fetcher, spec, SourceState())
    server.route("/api/v1/search_by_date", body=b'{"hits": [{"obj', content_type="application/json")
    with pytest.raises(InvalidPayload, match="invalid JSON"):
        fetch_source(fetcher, spec, SourceState())
