"""A real HTTP server on 127.0.0.1 for network tests: canned routes, hit counts, failure modes.

    with LocalHTTPServer() as server:
        server.route("/feed.xml", body=feed_bytes, content_type="application/rss+xml", etag='"v1"')
        server.route("/flaky", replies=[Reply(status=503), Reply(body=b"{}")])  # then 200
        server.route("/slow", delay=2.0)                 # headers only after 2 s (read timeout)
        server.route("/cut", body=b"<rss>...", truncate=True)  # Content-Length promises more
        server.route("/drip", body=b"x" * 100, drip=0.05)      # one byte per 0.05 s
        server.route("/gone", close=True)                # connection closed without an answer
        server.route("/loop", status=302, headers={"Location": "/loop"})
        fetcher.get(server.url("/feed.xml"))
        assert server.hits("/feed.xml") == 1
        server.requests[-1].headers["user-agent"]

The server binds port 0 (a free port) and serves from a daemon thread; every request is recorded
(method, path with query, headers, and a POST's body) so tests can assert on what a client
sent. A route with `replies` answers with each reply in turn and repeats the last one. A route
with `etag` and/or `last_modified` answers 304 to a matching conditional GET, as a real feed
server does.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Reply:
    """One canned answer. The failure-mode flags are exclusive with each other."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str | None = None
    delay: float = 0.0  # seconds to wait before sending anything
    drip: float = 0.0  # seconds between single body bytes
    truncate: bool = False  # announce the full length, send half the body, then close
    close: bool = False  # close the connection without any response
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class Request:
    method: str
    path: str  # with the query string
    headers: dict[str, str]  # names lowercased
    body: bytes = b""  # what a POST sent

    @property
    def route(self) -> str:
        return urlsplit(self.path).path


class _Route:
    def __init__(self, replies: list[Reply]) -> None:
        self.replies = replies
        self.hits = 0

    def next_reply(self) -> Reply:
        reply = self.replies[min(self.hits, len(self.replies) - 1)]
        self.hits += 1
        return reply


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients that hang up mid-reply (size caps, timeouts) are what the tests provoke.
        pass


# socketserver's loop sees shutdown() only between select() calls this long (0.5 s by default),
# so each server a test started added up to that much to its teardown.
STOP_WITHIN = 0.01


class LocalHTTPServer:
    """Threaded HTTP/1.1 server on 127.0.0.1:<free port>; use as a context manager."""

    def __init__(self) -> None:
        self._routes: dict[str, _Route] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self.requests: list[Request] = []
        self._httpd = _QuietServer(("127.0.0.1", 0), self._handler_class())
        self._httpd.daemon_threads = True
        self._httpd.block_on_close = False
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": STOP_WITHIN}, daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def route(self, path: str, *, replies: list[Reply] | None = None, **reply: object) -> None:
        """Register (or replace) what `path` answers: one Reply's fields, or a list of replies."""
        if replies and reply:
            raise ValueError("give either replies=[...] or one reply's fields, not both")
        chosen = replies or [Reply(**reply)]  # type: ignore[arg-type]
        with self._lock:
            self._routes[path] = _Route(list(chosen))

    def hits(self, path: str) -> int:
        with self._lock:
            route = self._routes.get(path)
            return route.hits if route else 0

    def start(self) -> LocalHTTPServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> LocalHTTPServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _take(self, request: Request) -> Reply | None:
        with self._lock:
            self.requests.append(request)
            route = self._routes.get(request.route)
            return route.next_reply() if route else None

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                self._answer(send_body=True)

            def do_HEAD(self) -> None:
                self._answer(send_body=False)

            def do_POST(self) -> None:
                length = self.headers.get("Content-Length", "0")
                body = self.rfile.read(int(length)) if length.isdigit() else b""
                self._answer(send_body=True, body=body)

            def log_message(self, format: str, *args: object) -> None:
                pass  # keep test output clean

            def _answer(self, *, send_body: bool, body: bytes = b"") -> None:
                headers = {k.lower(): v for k, v in self.headers.items()}
                reply = server._take(Request(self.command, self.path, headers, body))
                if reply is None:
                    reply = Reply(status=404, body=b"no such route", content_type="text/plain")
                if reply.delay and server._stopping.wait(reply.delay):
                    return
                if reply.close:
                    self.close_connection = True
                    return
                status, body = reply.status, reply.body
                if _not_modified(reply, headers):
                    status, body = 304, b""
                self.send_response(status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                if reply.content_type and "content-type" not in {k.lower() for k in reply.headers}:
                    self.send_header("Content-Type", reply.content_type)
                if reply.etag:
                    self.send_header("ETag", reply.etag)
                if reply.last_modified:
                    self.send_header("Last-Modified", reply.last_modified)
                if status != 304:
                    self.send_header("Content-Length", str(len(body)))
                if reply.truncate:
                    self.send_header("Connection", "close")
                self.end_headers()
                if not send_body or status == 304:
                    return
                try:
                    if reply.truncate:
                        self.wfile.write(body[: len(body) // 2])
                        self.wfile.flush()
                        self.close_connection = True
                    elif reply.drip:
                        for i in range(len(body)):
                            self.wfile.write(body[i : i + 1])
                            self.wfile.flush()
                            if server._stopping.wait(reply.drip):
                                return
                    else:
                        self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    # The client gave up (size cap, timeout): exactly what some tests provoke.
                    self.close_connection = True

        return Handler


def _not_modified(reply: Reply, headers: dict[str, str]) -> bool:
    if reply.etag and headers.get("if-none-match") == reply.etag:
        return True
    return bool(reply.last_modified and headers.get("if-modified-since") == reply.last_modified)


@contextmanager
def local_http_server() -> Iterator[LocalHTTPServer]:
    """`with local_http_server() as server:` — or wrap it in a pytest fixture."""
    with LocalHTTPServer() as server:
        yield server
