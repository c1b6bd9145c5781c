"""One shared, polite, bounded HTTP client for every source.

A `Fetcher` wraps a single `httpx.Client` (thread-safe) and adds what polling the open web
needs: a per-host concurrency cap, retries with exponential backoff and jitter on 5xx / 429 /
connection errors honouring Retry-After, conditional GET, a response-size cap and a total time
limit per attempt. Failures are `FetchError`s with one readable line that never contains a URL
query, a header or a token.
"""

from __future__ import annotations

import json
import random
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from douse import core
from douse.core.errors import DouseError
from douse.core.tls import tls_context

USER_AGENT = f"douse/{core.__version__} (brand reputation monitor)"
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504, 507, 520, 521, 522, 523, 524})


class FetchError(DouseError):
    """A source could not be fetched or read. `retry_after` (seconds) is the server's own hint."""

    def __init__(
        self, message: str, *, status: int | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


class HttpStatusError(FetchError):
    """The server answered with an error status (after retries, for the retryable ones)."""


class FetchTimeout(FetchError):
    """The server did not answer, or not completely, in time."""


class ConnectionFailed(FetchError):
    """No connection, a reset, or a body cut short."""


class ResponseTooLarge(FetchError):
    """The body exceeded the size cap; it was not read further."""


class TooManyRedirects(FetchError):
    """A redirect loop or an over-long chain of redirects."""


class InvalidPayload(FetchError):
    """The body arrived but is not what the source should send (bad JSON, not a feed, HTML)."""


class BadSource(FetchError):
    """The source's own configuration cannot be used (a bad parameter, a missing file)."""


class MissingToken(BadSource):
    """The environment variable that should hold a source's API token is not set."""


@dataclass(frozen=True)
class FetchLimits:
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    # Wall-clock bound on one attempt, so a server dribbling bytes cannot hold a worker forever.
    total_timeout: float = 60.0
    max_bytes: int = 5 * 1024 * 1024
    max_redirects: int = 5
    per_host: int = 2
    attempts: int = 3
    backoff_base: float = 1.0
    backoff_cap: float = 60.0
    # A Retry-After longer than this is not waited out in-line: the error carries it instead,
    # so the scheduler can postpone the source without blocking a worker.
    max_retry_wait: float = 120.0


@dataclass(frozen=True)
class HttpResult:
    status: int
    body: bytes
    url: str
    etag: str | None
    last_modified: str | None
    content_type: str | None
    not_modified: bool = False

    @property
    def media_type(self) -> str:
        return (self.content_type or "").split(";", 1)[0].strip().lower()

    @property
    def charset(self) -> str | None:
        match = re.search(r"charset\s*=\s*\"?([\w.:-]+)", self.content_type or "", re.I)
        return match.group(1) if match else None

    def text(self) -> str:
        """The body as text: UTF-8, else the declared charset, else UTF-8 with replacements,
        so a mislabelled body still yields every readable character."""
        try:
            return self.body.decode("utf-8")
        except UnicodeDecodeError:
            pass
        if self.charset:
            try:
                return self.body.decode(self.charset)
            except (UnicodeDecodeError, LookupError):
                pass
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        """The body parsed as JSON; HTML or garbage raises `InvalidPayload`."""
        if self.media_type in {"text/html", "application/xhtml+xml"}:
            raise InvalidPayload(f"expected JSON, got {self.media_type} page", status=self.status)
        if not self.body.strip():
            raise InvalidPayload(
                f"empty response: the server sent no JSON (HTTP {self.status} with no body)",
                status=self.status,
            )
        try:
            return json.loads(self.text())
        except (ValueError, RecursionError) as exc:
            raise InvalidPayload(f"invalid JSON: {_short(str(exc))}", status=self.status) from None


def _short(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):g} MB" if n >= 1024 * 1024 else f"{n} bytes"


def _seconds(value: float) -> str:
    return f"{value:g} s"


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


class _Retryable(Exception):
    def __init__(self, error: FetchError) -> None:
        self.error = error


class Fetcher:
    """The one HTTP client of a process. Safe to share across a small thread pool."""

    def __init__(
        self,
        limits: FetchLimits | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[], float] = random.random,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.limits = limits or FetchLimits()
        self._sleep = sleep
        self._jitter = jitter
        self._now = now
        self._host_slots: dict[str, threading.BoundedSemaphore] = {}
        self._slots_lock = threading.Lock()
        self._client = httpx.Client(
            headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"},
            timeout=httpx.Timeout(
                self.limits.read_timeout,
                connect=self.limits.connect_timeout,
                pool=self.limits.total_timeout,
            ),
            follow_redirects=True,
            max_redirects=self.limits.max_redirects,
            transport=transport,
            verify=tls_context(),
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _slot(self, host: str) -> threading.BoundedSemaphore:
        with self._slots_lock:
            slot = self._host_slots.get(host)
            if slot is None:
                slot = threading.BoundedSemaphore(self.limits.per_host)
                self._host_slots[host] = slot
            return slot

    def backoff(self, attempt: int) -> float:
        """Delay before retry number `attempt` (1-based): exponential, capped, half jittered."""
        limits = self.limits
        delay = min(limits.backoff_cap, limits.backoff_base * (2 ** (attempt - 1)))
        return delay / 2 + delay / 2 * self._jitter()

    def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> HttpResult:
        """GET with retries; a 304 answer comes back as `not_modified` with the old validators."""
        request_headers = dict(headers or {})
        if etag:
            request_headers["If-None-Match"] = etag
        if last_modified:
            request_headers["If-Modified-Since"] = last_modified
        host = _host(url)
        attempts = max(1, self.limits.attempts)
        last: FetchError | None = None
        for attempt in range(1, attempts + 1):
            try:
                with self._slot(host):
                    result = self._attempt(url, request_headers, params)
            except _Retryable as retry:
                last = retry.error
                if attempt == attempts:
                    break
                wait = self.backoff(attempt)
                if last.retry_after is not None:
                    if last.retry_after > self.limits.max_retry_wait:
                        raise last from None
                    wait = max(wait, last.retry_after)
                self._sleep(wait)
                continue
            if result.not_modified:
                return HttpResult(
                    status=result.status,
                    body=b"",
                    url=result.url,
                    etag=result.etag or etag,
                    last_modified=result.last_modified or last_modified,
                    content_type=result.content_type,
                    not_modified=True,
                )
            return result
        assert last is not None
        if attempts > 1:
            raise type(last)(
                f"{last} after {attempts} attempts",
                status=last.status,
                retry_after=last.retry_after,
            )
        raise last

    def get_json(self, url: str, **kwargs: Any) -> Any:
        return self.get(url, **kwargs).json()

    def post_json(self, url: str, payload: Any) -> int:
        """POST `payload` as JSON once and return the status; any failure is a `FetchError`.

        No retries here: the caller (the webhook job) retries on its own schedule. The answer's
        body is never read, and no message carries the URL, which may hold a secret.
        """
        try:
            host = _host(url)
        except FetchError:
            raise FetchError("not a valid http(s) URL") from None
        try:
            with self._slot(host), self._client.stream("POST", url, json=payload) as response:
                status = response.status_code
        except httpx.TooManyRedirects:
            raise TooManyRedirects("too many redirects") from None
        except httpx.TimeoutException:
            raise FetchTimeout(f"timed out after {_seconds(self.limits.read_timeout)}") from None
        except httpx.UnsupportedProtocol:
            raise FetchError("not an http(s) URL") from None
        except httpx.TransportError as exc:
            raise ConnectionFailed(f"connection failed: {_reason(exc)}") from None
        if status >= 400:
            raise HttpStatusError(f"HTTP {status}", status=status)
        return status

    def _attempt(
        self, url: str, headers: dict[str, str], params: Mapping[str, Any] | None
    ) -> HttpResult:
        limits = self.limits
        deadline = time.monotonic() + limits.total_timeout
        try:
            with self._client.stream("GET", url, headers=headers, params=params) as response:
                status = response.status_code
                if status in _RETRY_STATUSES:
                    retry_after = parse_retry_after(
                        response.headers.get("Retry-After"), self._now()
                    )
                    raise _Retryable(
                        HttpStatusError(f"HTTP {status}", status=status, retry_after=retry_after)
                    )
                if status == 304:
                    return self._result(response, b"", not_modified=True)
                if status >= 400:
                    raise HttpStatusError(f"HTTP {status}{_status_hint(status)}", status=status)
                declared = response.headers.get("Content-Length", "")
                if declared.isdigit() and int(declared) > limits.max_bytes:
                    raise ResponseTooLarge(f"response larger than {_mb(limits.max_bytes)}")
                chunks: list[bytes] = []
                size = 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > limits.max_bytes:
                        raise ResponseTooLarge(f"response larger than {_mb(limits.max_bytes)}")
                    if time.monotonic() > deadline:
                        raise _Retryable(
                            FetchTimeout(f"timed out after {_seconds(limits.total_timeout)}")
                        )
                    chunks.append(chunk)
                return self._result(response, b"".join(chunks))
        except httpx.TooManyRedirects:
            raise TooManyRedirects(
                f"too many redirects (more than {limits.max_redirects})"
            ) from None
        except httpx.ConnectTimeout:
            raise _Retryable(
                FetchTimeout(f"connection timed out after {_seconds(limits.connect_timeout)}")
            ) from None
        except httpx.TimeoutException:
            raise _Retryable(
                FetchTimeout(f"timed out after {_seconds(limits.read_timeout)}")
            ) from None
        except httpx.RemoteProtocolError:
            raise _Retryable(ConnectionFailed("connection broken: response cut short")) from None
        except httpx.DecodingError:
            raise InvalidPayload("response body could not be decompressed") from None
        except httpx.UnsupportedProtocol:
            raise FetchError("not an http(s) URL") from None
        except httpx.TransportError as exc:
            raise _Retryable(ConnectionFailed(f"connection failed: {_reason(exc)}")) from None

    @staticmethod
    def _result(response: httpx.Response, body: bytes, *, not_modified: bool = False) -> HttpResult:
        return HttpResult(
            status=response.status_code,
            body=body,
            url=str(response.url),
            etag=response.headers.get("ETag"),
            last_modified=response.headers.get("Last-Modified"),
            content_type=response.headers.get("Content-Type"),
            not_modified=not_modified,
        )


def _host(url: str) -> str:
    try:
        host = httpx.URL(url).host
    except (httpx.InvalidURL, TypeError):
        raise FetchError(f"not a valid URL: {_short(url.split('?', 1)[0], 80)}") from None
    if not host:
        raise FetchError(f"not an http(s) URL: {_short(url.split('?', 1)[0], 80)}")
    return host


def _status_hint(status: int) -> str:
    return {
        401: " (unauthorised: check the API token)",
        403: " (forbidden: check the API token or the source's access rules)",
        404: " (not found: check the source's address)",
        410: " (gone: the source no longer exists)",
    }.get(status, "")


def _reason(exc: httpx.TransportError) -> str:
    # httpx/httpcore messages are OS errors ("[Errno 111] Connection refused"); strip the errno
    # and never echo anything that could be a URL.
    text = re.sub(r"\[Errno -?\d+\]\s*", "", str(exc)) or type(exc).__name__
    text = re.sub(r"\S+://\S+", "<url>", text)
    return _short(text, 80)
