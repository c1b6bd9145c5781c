"""The shared HTTP client against a real local server and its failure modes."""

from __future__ import annotations

import gzip
import ssl
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from douse import core
from douse.core.ingest.fetch import (
    ConnectionFailed,
    Fetcher,
    FetchLimits,
    FetchTimeout,
    HttpResult,
    HttpStatusError,
    InvalidPayload,
    ResponseTooLarge,
    TooManyRedirects,
    parse_retry_after,
)
from douse.core.send.http import new_client
from douse.core.tls import tls_context
from tests.httpserver import LocalHTTPServer, Reply

pytestmark = pytest.mark.network

FAST = FetchLimits(
    connect_timeout=2.0,
    read_timeout=0.5,
    total_timeout=1.5,
    max_bytes=1024,
    max_redirects=3,
    attempts=3,
    backoff_base=0.5,
    backoff_cap=4.0,
    max_retry_wait=30.0,
)


@pytest.fixture
def server() -> Iterator[LocalHTTPServer]:
    with LocalHTTPServer() as s:
        yield s


class Sleeps:
    """Records the waits the fetcher asks for instead of sleeping through them."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def fetcher(sleeps: Sleeps) -> Iterator[Fetcher]:
    with Fetcher(FAST, sleep=sleeps, jitter=lambda: 0.5) as f:
        yield f


def test_get_returns_body_validators_and_names_douse(
    server: LocalHTTPServer, fetcher: Fetcher
) -> None:
    server.route(
        "/feed", body=b"<rss/>", content_type="application/rss+xml", etag='"v1"',
        last_modified="Mon, 23 Nov 2026 09:00:00 GMT",
    )  # fmt: skip
    result = fetcher.get(server.url("/feed"))
    assert result.status == 200
    assert result.body == b"<rss/>"
    assert result.etag == '"v1"'
    assert result.last_modified == "Mon, 23 Nov 2026 09:00:00 GMT"
    assert result.media_type == "application/rss+xml"
    assert not result.not_modified
    agent = server.requests[-1].headers["user-agent"]
    assert agent.startswith(f"douse/{core.__version__}")


def test_conditional_get_gives_not_modified_and_keeps_validators(
    server: LocalHTTPServer, fetcher: Fetcher
) -> None:
    server.route("/feed", body=b"<rss/>", etag='"v1"')
    first = fetcher.get(server.url("/feed"))
    second = fetcher.get(server.url("/feed"), etag=first.etag)
    assert second.not_modified
    assert second.body == b""
    assert second.etag == '"v1"'
    assert server.requests[-1].headers["if-none-match"] == '"v1"'

    server.route("/lm", body=b"x", last_modified="Mon, 23 Nov 2026 09:00:00 GMT")
    again = fetcher.get(server.url("/lm"), last_modified="Mon, 23 Nov 2026 09:00:00 GMT")
    assert again.not_modified
    assert again.last_modified == "Mon, 23 Nov 2026 09:00:00 GMT"


def test_500_is_retried_with_growing_backoff_then_reported(
    server: LocalHTTPServer, fetcher: Fetcher, sleeps: Sleeps
) -> None:
    server.route("/down", status=500, body=b"oops")
    with pytest.raises(HttpStatusError) as caught:
        fetcher.get(server.url("/down"))
    assert str(caught.value) == "HTTP 500 after 3 attempts"
    assert caught.value.status == 500
    assert server.hits("/down") == 3
    # base 0.5 s doubling, half-jittered with jitter 0.5: 0.375 then 0.75
    assert sleeps.calls == [0.375, 0.75]


def test_a_transient_503_recovers(
    server: LocalHTTPServer, fetcher: Fetcher, sleeps: Sleeps
) -> None:
    server.route("/flaky", replies=[Reply(status=503), Reply(body=b"ok")])
    assert fetcher.get(server.url("/flaky")).body == b"ok"
    assert server.hits("/flaky") == 2
    assert len(sleeps.calls) == 1


def test_429_waits_as_long_as_retry_after_says(
    server: LocalHTTPServer, fetcher: Fetcher, sleeps: Sleeps
) -> None:
    server.route(
        "/limited", replies=[Reply(status=429, headers={"Retry-After": "7"}), Reply(body=b"ok")]
    )
    assert fetcher.get(server.url("/limited")).body == b"ok"
    assert sleeps.calls == [7.0]


def test_a_long_retry_after_is_handed_back_not_waited(
    server: LocalHTTPServer, fetcher: Fetcher, sleeps: Sleeps
) -> None:
    server.route("/limited", status=429, headers={"Retry-After": "3600"})
    with pytest.raises(HttpStatusError) as caught:
        fetcher.get(server.url("/limited"))
    assert caught.value.retry_after == 3600
    assert str(caught.value) == "HTTP 429"
    assert sleeps.calls == []
    assert server.hits("/limited") == 1


def test_retry_after_as_an_http_date() -> None:
    now = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    assert parse_retry_after("Mon, 23 Nov 2026 10:01:30 GMT", now) == 90
    assert parse_retry_after("Mon, 23 Nov 2026 09:00:00 GMT", now) == 0
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after(None, now) is None


def test_404_is_not_retried_and_explains(server: LocalHTTPServer, fetcher: Fetcher) -> None:
    with pytest.raises(HttpStatusError, match=r"^HTTP 404 \(not found"):
        fetcher.get(server.url("/nowhere"))
    assert len(server.requests) == 1


def test_slow_response_times_out(server: LocalHTTPServer, fetcher: Fetcher, sleeps: Sleeps) -> None:
    server.route("/slow", delay=3.0, body=b"late")
    started = time.monotonic()
    with pytest.raises(FetchTimeout, match=r"^timed out after 0.5 s after 3 attempts$"):
        fetcher.get(server.url("/slow"))
    assert time.monotonic() - started < 3.0
    assert server.hits("/slow") == 3


def test_a_dribbling_server_hits_the_total_time_limit(
    server: LocalHTTPServer, sleeps: Sleeps
) -> None:
    limits = FetchLimits(read_timeout=0.5, total_timeout=0.6, attempts=1)
    server.route("/drip", body=b"x" * 200, drip=0.05)
    with (
        Fetcher(limits, sleep=sleeps) as fetcher,
        pytest.raises(FetchTimeout, match=r"^timed out after 0.6 s$"),
    ):
        fetcher.get(server.url("/drip"))


def test_truncated_body_is_a_broken_connection(server: LocalHTTPServer, fetcher: Fetcher) -> None:
    server.route("/cut", body=b"<rss>" + b"x" * 200 + b"</rss>", truncate=True)
    with pytest.raises(ConnectionFailed, match="response cut short after 3 attempts"):
        fetcher.get(server.url("/cut"))


def test_closed_without_answer_is_a_connection_error(
    server: LocalHTTPServer, fetcher: Fetcher
) -> None:
    server.route("/hangup", close=True)
    with pytest.raises(ConnectionFailed):
        fetcher.get(server.url("/hangup"))
    assert server.hits("/hangup") == 3


def test_refused_connection_is_reported_without_the_url(fetcher: Fetcher) -> None:
    with LocalHTTPServer() as gone:
        url = gone.url("/feed?token=SECRET")
    with pytest.raises(ConnectionFailed) as caught:
        fetcher.get(url)
    assert "SECRET" not in str(caught.value)
    assert "127.0.0.1" not in str(caught.value)
    assert str(caught.value).startswith("connection failed")


def test_oversize_body_is_refused_by_declared_length(
    server: LocalHTTPServer, fetcher: Fetcher
) -> None:
    server.route("/big", body=b"x" * 5000)
    with pytest.raises(ResponseTooLarge, match=r"^response larger than 1024 bytes$"):
        fetcher.get(server.url("/big"))
    assert server.hits("/big") == 1


def test_oversize_body_is_refused_while_streaming(
    server: LocalHTTPServer, fetcher: Fetcher
) -> None:
    # No Content-Length the cap could trust: a gzip bomb grows past the cap as it inflates.
    bomb = gzip.compress(b"a" * 200_000)
    server.route("/bomb", body=bomb, headers={"Content-Encoding": "gzip"})
    with pytest.raises(ResponseTooLarge):
        fetcher.get(server.url("/bomb"))


def test_redirects_are_followed_to_the_final_url(server: LocalHTTPServer, fetcher: Fetcher) -> None:
    server.route("/old", status=301, headers={"Location": "/new"})
    server.route("/new", body=b"here")
    result = fetcher.get(server.url("/old"))
    assert result.body == b"here"
    assert result.url == server.url("/new")


def test_redirect_loop_stops(server: LocalHTTPServer, fetcher: Fetcher) -> None:
    server.route("/loop", status=302, headers={"Location": "/loop"})
    with pytest.raises(TooManyRedirects, match=r"^too many redirects"):
        fetcher.get(server.url("/loop"))
    assert server.hits("/loop") == FAST.max_redirects + 1


def test_json_helpers_reject_html_and_garbage(server: LocalHTTPServer, fetcher: Fetcher) -> None:
    server.route("/login", body=b"<html>sign in</html>", content_type="text/html")
    server.route("/broken", body=b'{"posts": [', content_type="application/json")
    server.route("/ok", body=b'{"a": 1}', content_type="text/plain")
    with pytest.raises(InvalidPayload, match=r"^expected JSON, got text/html page$"):
        fetcher.get_json(server.url("/login"))
    with pytest.raises(InvalidPayload, match=r"^invalid JSON: "):
        fetcher.get_json(server.url("/broken"))
    assert fetcher.get_json(server.url("/ok")) == {"a": 1}
    server.route("/empty", body=b"", content_type="application/json")
    with pytest.raises(InvalidPayload, match=r"^empty response: .*\(HTTP 200 with no body\)$"):
        fetcher.get_json(server.url("/empty"))


def test_mislabelled_encoding_still_yields_the_text() -> None:
    latin = "Café Horizon: très déçu".encode("latin-1")
    result = HttpResult(200, latin, "http://x/", None, None, "text/plain; charset=ISO-8859-1")
    assert result.text() == "Café Horizon: très déçu"
    lying = HttpResult(200, latin, "http://x/", None, None, "application/json; charset=utf-8")
    assert "Horizon" in lying.text()


def test_per_host_cap_limits_concurrent_requests(server: LocalHTTPServer, sleeps: Sleeps) -> None:
    server.route("/slowish", body=b"ok", delay=0.2)
    limits = FetchLimits(per_host=2, read_timeout=5.0, total_timeout=10.0)
    active = 0
    peak = 0
    lock = threading.Lock()

    with Fetcher(limits, sleep=sleeps) as fetcher:
        original = fetcher._attempt

        def counting(*args: object) -> HttpResult:
            nonlocal active, peak
            with lock:
                active += 1
                peak = max(peak, active)
            try:
                return original(*args)  # type: ignore[arg-type]
            finally:
                with lock:
                    active -= 1

        fetcher._attempt = counting  # type: ignore[method-assign]
        threads = [
            threading.Thread(target=fetcher.get, args=(server.url("/slowish"),)) for _ in range(6)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert server.hits("/slowish") == 6
    assert peak == 2


def test_tokens_in_headers_never_reach_error_messages(
    server: LocalHTTPServer, fetcher: Fetcher
) -> None:
    server.route("/private", status=401)
    with pytest.raises(HttpStatusError) as caught:
        fetcher.get(server.url("/private"), headers={"Authorization": "Bearer SECRET-TOKEN"})
    assert "SECRET" not in str(caught.value)
    assert "check the API token" in str(caught.value)
    assert server.requests[-1].headers["authorization"] == "Bearer SECRET-TOKEN"


def test_every_http_client_shares_one_tls_context(monkeypatch: pytest.MonkeyPatch) -> None:
    """Loading the trusted roots costs about 0.1 s of CPU; httpx did it for every client (each
    poll pass's Fetcher, each send): a process does it once."""
    made: list[ssl.SSLContext] = []
    real = ssl.create_default_context

    def counted(*args: Any, **kwargs: Any) -> ssl.SSLContext:
        made.append(real(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(ssl, "create_default_context", counted)
    tls_context.cache_clear()
    try:
        for _ in range(3):
            Fetcher().close()
            new_client().close()
        assert len(made) == 1
        assert made[0].verify_mode == ssl.CERT_REQUIRED and made[0].check_hostname
    finally:
        tls_context.cache_clear()
