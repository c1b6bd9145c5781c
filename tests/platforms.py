"""Local servers on 127.0.0.1 that speak the reply APIs douse sends to, as the platforms
document them (paths, auth, request and response shapes taken from the API docs and the real
payloads in ../shared/fixtures): Mastodon, Bluesky (PDS + chat proxy), Reddit (OAuth API),
Google Business Profile, Trustpilot, and a small SMTP server.

Each fake keeps state (the posts made), so tests assert on what the platform ended up holding.
Failures are injected per request: `fake.fail(status, body, headers, times=1, path=...)`,
`fake.stall(seconds)` (no answer in time), and `fake.hold_after_write` (the post is made, then
the answer is held: what a crash mid-send looks like from the platform's side).
"""

from __future__ import annotations

import base64
import json
import socketserver
import threading
from dataclasses import dataclass, field
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.httpserver import STOP_WITHIN

FIXTURES = Path(__file__).resolve().parent.parent.parent / "shared" / "fixtures"


def fixture_body(relative: str) -> Any:
    """The API's own payload from a recorded fixture (under "body")."""
    data = json.loads((FIXTURES / relative).read_text(encoding="utf-8"))
    return data.get("body", data)


@dataclass
class Answer:
    status: int = 200
    body: Any = None  # dict/list -> JSON; bytes as is; None -> empty
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body or b"null")

    def form(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body.decode()).items()}


@dataclass
class _Failure:
    answer: Answer
    times: int
    path: str | None
    method: str | None


class FakePlatform:
    """A threaded HTTP server whose routes are this object's `handle` method."""

    def __init__(self) -> None:
        self.requests: list[Seen] = []
        self._failures: list[_Failure] = []
        self._stall = 0.0
        # Set when stalled writes may end: dropped (abandon_stalled) or made (release_stalled).
        self._unstall = threading.Event()
        self._drop_stalled = False
        self.hold_after_write = 0.0
        self.writes_seen = threading.Event()
        self._lock = threading.RLock()
        self._stopping = threading.Event()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": STOP_WITHIN}, daemon=True
        )

    # -- set-up ---------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def fail(
        self,
        status: int,
        body: Any = None,
        headers: dict[str, str] | None = None,
        *,
        times: int = 1,
        path: str | None = None,
        method: str | None = "POST",
    ) -> None:
        """The next `times` matching requests get this answer (and change nothing)."""
        with self._lock:
            self._failures.append(
                _Failure(Answer(status, body, headers or {}), times, path, method)
            )

    def stall(self, seconds: float) -> None:
        """Every write (POST, PUT) waits this long before anything happens, then happens: a
        read timeout for a client that gives up sooner, a post made all the same."""
        self._stall = seconds
        self._drop_stalled = False
        self._unstall.clear()

    def abandon_stalled(self) -> None:
        """Writes waiting in a stall are dropped without effect (the platform never made
        them: a request lost on the way), and later writes are not stalled."""
        self._stall = 0.0
        self._drop_stalled = True
        self._unstall.set()

    def release_stalled(self) -> None:
        """Writes waiting in a stall happen now (the platform made them late), and later writes
        are not stalled: a test need not wait out the stall it set."""
        self._stall = 0.0
        self._drop_stalled = False
        self._unstall.set()

    def start(self) -> FakePlatform:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> FakePlatform:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def writes(self) -> list[Seen]:
        return [r for r in self.requests if r.method in ("POST", "PUT")]

    # -- serving --------------------------------------------------------------------------
    def handle(self, req: Seen) -> Answer:  # pragma: no cover - overridden
        return Answer(404, {"error": "not found"})

    def _injected(self, req: Seen) -> Answer | None:
        with self._lock:
            for failure in self._failures:
                if failure.times <= 0:
                    continue
                if failure.method and failure.method != req.method:
                    continue
                if failure.path and failure.path not in req.path:
                    continue
                failure.times -= 1
                return failure.answer
        return None

    def makes_a_post(self, req: Seen) -> bool:
        """Whether this write publishes something (a login is a POST that does not)."""
        return True

    def _held(self) -> None:
        self.writes_seen.set()
        if self.hold_after_write:
            self._stopping.wait(self.hold_after_write)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in two writes: without this, Nagle and delayed ACKs
            # add 40 ms to every answer on loopback.
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: object) -> None:
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                req = Seen(
                    self.command,
                    parts.path,
                    parse_qs(parts.query),
                    {k.lower(): v for k, v in self.headers.items()},
                    body,
                )
                with fake._lock:
                    fake.requests.append(req)
                writes = req.method in ("POST", "PUT") and fake.makes_a_post(req)
                stall = fake._stall if writes else 0
                if stall:
                    fake.writes_seen.set()
                    woken = fake._unstall.wait(stall)
                    if (woken and fake._drop_stalled) or fake._stopping.is_set():
                        return
                answer = fake._injected(req)
                if answer is None:
                    with fake._lock:
                        answer = fake.handle(req)
                    if (
                        req.method in ("POST", "PUT")
                        and 200 <= answer.status < 300
                        and fake.makes_a_post(req)
                    ):
                        fake._held()
                if fake._stopping.is_set():
                    return
                payload = answer.body
                if isinstance(payload, dict | list):
                    data = json.dumps(payload).encode()
                    ctype = "application/json; charset=utf-8"
                elif isinstance(payload, bytes):
                    data, ctype = payload, "text/plain"
                else:
                    data, ctype = b"", "application/json"
                try:
                    self.send_response(answer.status)
                    for k, v in answer.headers.items():
                        self.send_header(k, v)
                    self.send_header("Content-Type", ctype)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True

            do_GET = do_POST = do_PUT = do_DELETE = _serve

        return Handler


def _bearer(req: Seen, token: str) -> bool:
    return req.headers.get("authorization") == f"Bearer {token}"


# --- Mastodon ---------------------------------------------------------------------------------
class FakeMastodon(FakePlatform):
    """POST /api/v1/statuses (Idempotency-Key honoured), GET statuses/:id, :id/context,
    /api/v2/search?resolve=true, /api/v1/accounts/verify_credentials. 500 characters."""

    TOKEN = "mastodon-token"
    LIMIT = 500

    def __init__(self) -> None:
        super().__init__()
        seed = fixture_body(
            "mastodon/bodies/test_status__01__api_v1_statuses_117020583223442465.json"
        )
        self.statuses: dict[str, dict[str, Any]] = {seed["id"]: seed}
        self.seed = seed
        self.me = {"id": "990001", "username": "acme", "acct": "acme"}
        self.keys: dict[str, str] = {}
        self._next = 200000000000000000

    def own_replies(self, to: str) -> list[dict[str, Any]]:
        return [
            s
            for s in self.statuses.values()
            if s.get("in_reply_to_id") == to and s["account"]["id"] == self.me["id"]
        ]

    def handle(self, req: Seen) -> Answer:
        if not _bearer(req, self.TOKEN):
            return Answer(401, {"error": "The access token is invalid"})
        path = req.path
        if req.method == "GET" and path == "/api/v1/accounts/verify_credentials":
            return Answer(200, self.me)
        if req.method == "GET" and path == "/api/v2/search":
            q = req.query.get("q", [""])[0]
            found = [s for s in self.statuses.values() if q in (s.get("uri"), s.get("url"))]
            return Answer(200, {"accounts": [], "statuses": found, "hashtags": []})
        if req.method == "GET" and path.startswith("/api/v1/statuses/"):
            rest = path.removeprefix("/api/v1/statuses/")
            sid, _, tail = rest.partition("/")
            if sid not in self.statuses:
                return Answer(404, {"error": "Record not found"})
            if tail == "context":
                kids = [s for s in self.statuses.values() if s.get("in_reply_to_id") == sid]
                return Answer(200, {"ancestors": [], "descendants": kids})
            return Answer(200, self.statuses[sid])
        if req.method == "POST" and path == "/api/v1/statuses":
            key = req.headers.get("idempotency-key")
            if key and key in self.keys:
                return Answer(200, self.statuses[self.keys[key]])
            data = req.json()
            text = data.get("status") or ""
            if len(text) > self.LIMIT:
                return Answer(
                    422,
                    {"error": f"Validation failed: Text character limit of {self.LIMIT} exceeded"},
                )
            parent = data.get("in_reply_to_id")
            if parent and parent not in self.statuses:
                return Answer(404, {"error": "Record not found"})
            self._next += 1
            sid = str(self._next)
            status = {
                **{k: v for k, v in self.seed.items() if k not in ("account",)},
                "id": sid,
                "in_reply_to_id": parent,
                "visibility": data.get("visibility") or "public",
                "content": f"<p>{text}</p>",
                "uri": f"{self.base_url}/users/acme/statuses/{sid}",
                "url": f"{self.base_url}/@acme/{sid}",
                "account": self.me,
            }
            self.statuses[sid] = status
            if key:
                self.keys[key] = sid
            return Answer(200, status)
        return Answer(404, {"error": "Record not found"})


# --- Bluesky ----------------------------------------------------------------------------------
class FakeBluesky(FakePlatform):
    """com.atproto.server.createSession, app.bsky.feed.getPosts, com.atproto.repo.createRecord /
    getRecord, and chat.bsky.convo.* behind the atproto-proxy header. 300 graphemes."""

    PASSWORD = "app-pass-word"
    DID = "did:plc:acmebrand0000000000000"
    HANDLE = "acme.bsky.social"

    def __init__(self) -> None:
        super().__init__()
        posts = fixture_body("bluesky/bodies/bskyr_f_getposts__00__app.bsky.feed.getPosts.json")
        self.posts = {p["uri"]: p for p in posts["posts"]}
        self.records: dict[str, dict[str, Any]] = {}
        self.messages: list[dict[str, Any]] = []
        self.closed_dms: set[str] = set()
        self.jwt = "jwt-1"

    def makes_a_post(self, req: Seen) -> bool:
        return not req.path.endswith("createSession")

    def handle(self, req: Seen) -> Answer:
        nsid = req.path.removeprefix("/xrpc/")
        if nsid == "com.atproto.server.createSession":
            data = req.json()
            if data.get("password") != self.PASSWORD:
                return Answer(
                    401,
                    {
                        "error": "AuthenticationRequired",
                        "message": "Invalid identifier or password",
                    },
                )
            return Answer(
                200,
                {"did": self.DID, "handle": self.HANDLE, "accessJwt": self.jwt, "refreshJwt": "r"},
            )
        if not _bearer(req, self.jwt):
            return Answer(400, {"error": "ExpiredToken", "message": "Token has expired"})
        if nsid.startswith("chat.bsky.") and req.headers.get("atproto-proxy") != (
            "did:web:api.bsky.chat#bsky_chat"
        ):
            return Answer(400, {"error": "InvalidRequest", "message": "missing proxy header"})
        if nsid == "app.bsky.feed.getPosts":
            uris = req.query.get("uris", [])
            return Answer(200, {"posts": [self.posts[u] for u in uris if u in self.posts]})
        if nsid == "com.atproto.repo.createRecord":
            data = req.json()
            record = data["record"]
            if len(record.get("text", "")) > 300:
                return Answer(
                    400,
                    {
                        "error": "InvalidRequest",
                        "message": "Invalid app.bsky.feed.post record: Record/text must not be "
                        "longer than 300 graphemes",
                    },
                )
            parent = record.get("reply", {}).get("parent", {}).get("uri")
            if parent not in self.posts:
                return Answer(
                    400, {"error": "InvalidRequest", "message": "Could not locate record"}
                )
            uri = f"at://{data['repo']}/{data['collection']}/{data['rkey']}"
            if uri in self.records:
                return Answer(400, {"error": "InvalidRequest", "message": "Record already exists"})
            self.records[uri] = {
                "uri": uri,
                "cid": f"bafyrei{len(self.records):04d}",
                "value": record,
            }
            return Answer(200, {"uri": uri, "cid": self.records[uri]["cid"]})
        if nsid == "com.atproto.repo.getRecord":
            q = {k: v[0] for k, v in req.query.items()}
            uri = f"at://{q['repo']}/{q['collection']}/{q['rkey']}"
            if uri not in self.records:
                return Answer(
                    400, {"error": "RecordNotFound", "message": f"Could not locate record: {uri}"}
                )
            return Answer(200, self.records[uri])
        if nsid == "chat.bsky.convo.getConvoForMembers":
            member = req.query.get("members", [""])[0]
            if member in self.closed_dms:
                return Answer(
                    400,
                    {
                        "error": "InvalidRequest",
                        "message": "recipient has disabled incoming messages",
                    },
                )
            return Answer(200, {"convo": {"id": f"convo-{member[-6:]}", "members": []}})
        if nsid == "chat.bsky.convo.sendMessage":
            data = req.json()
            message = {
                "id": f"msg{len(self.messages) + 1}",
                "rev": "1",
                "text": data["message"]["text"],
                "sender": {"did": self.DID},
                "sentAt": "2026-11-23T10:00:00.000Z",
                "convoId": data["convoId"],
            }
            self.messages.append(message)
            return Answer(200, message)
        if nsid == "chat.bsky.convo.getMessages":
            convo = req.query.get("convoId", [""])[0]
            return Answer(200, {"messages": [m for m in self.messages if m["convoId"] == convo]})
        return Answer(400, {"error": "MethodNotImplemented"})


# --- Reddit -----------------------------------------------------------------------------------
class FakeReddit(FakePlatform):
    """oauth.reddit.com: /api/info, /api/comment, /api/compose (form posts, api_type=json with
    the 200-with-errors answers), /api/v1/me, /user/NAME/comments, /message/sent."""

    TOKEN = "reddit-token"
    NAME = "acme_support"

    def __init__(self) -> None:
        super().__init__()
        listing = fixture_body("reddit/bodies/TestSubreddit.test_search__01.json")
        # The recorded posts are years old (archived); here they are live posts to answer.
        self.things = {
            c["data"]["name"]: {**c["data"], "archived": False} for c in listing["data"]["children"]
        }
        self.comments: list[dict[str, Any]] = []
        self.sent: list[dict[str, Any]] = []

    def handle(self, req: Seen) -> Answer:
        if not _bearer(req, self.TOKEN):
            return Answer(401, {"message": "Unauthorized", "error": 401})
        if req.method == "GET" and req.path == "/api/info":
            ids = req.query.get("id", [""])[0].split(",")
            kids = [{"kind": i[:2], "data": self.things[i]} for i in ids if i in self.things]
            return Answer(200, {"kind": "Listing", "data": {"children": kids}})
        if req.method == "GET" and req.path == "/api/v1/me":
            return Answer(200, {"name": self.NAME, "id": "acme1"})
        if req.method == "GET" and req.path == f"/user/{self.NAME}/comments":
            kids = [{"kind": "t1", "data": c} for c in reversed(self.comments)]
            return Answer(200, {"kind": "Listing", "data": {"children": kids}})
        if req.method == "GET" and req.path == "/message/sent":
            kids = [{"kind": "t4", "data": m} for m in reversed(self.sent)]
            return Answer(200, {"kind": "Listing", "data": {"children": kids}})
        if req.method == "POST" and req.path == "/api/comment":
            form = req.form()
            if len(form.get("text", "")) > 10000:
                return Answer(
                    200,
                    {"json": {"errors": [["TOO_LONG", "this is too long (max: 10000)", "text"]]}},
                )
            parent = form.get("thing_id")
            if parent not in self.things:
                return Answer(
                    200,
                    {"json": {"errors": [["DELETED_LINK", "that post was deleted", "thing_id"]]}},
                )
            n = len(self.comments) + 1
            comment = {
                "id": f"c{n}",
                "name": f"t1_c{n}",
                "parent_id": parent,
                "body": form["text"],
                "author": self.NAME,
                "permalink": f"/r/test/comments/x/y/c{n}/",
            }
            self.comments.append(comment)
            return Answer(
                200, {"json": {"errors": [], "data": {"things": [{"kind": "t1", "data": comment}]}}}
            )
        if req.method == "POST" and req.path == "/api/compose":
            form = req.form()
            n = len(self.sent) + 1
            self.sent.append(
                {
                    "id": f"m{n}",
                    "name": f"t4_m{n}",
                    "dest": form["to"],
                    "subject": form["subject"],
                    "body": form["text"],
                }
            )
            return Answer(200, {"json": {"errors": []}})
        return Answer(404, {"message": "Not Found", "error": 404})


# --- Google Business Profile and Trustpilot ---------------------------------------------------
class FakeGoogle(FakePlatform):
    """mybusiness v4: GET accounts/A/locations/L/reviews/R, PUT .../reviews/R/reply."""

    TOKEN = "google-token"

    def __init__(self, reviews: dict[str, dict[str, Any]] | None = None) -> None:
        super().__init__()
        self.reviews = reviews or {
            "accounts/111/locations/222/reviews/rev-1": {
                "name": "accounts/111/locations/222/reviews/rev-1",
                "reviewId": "rev-1",
                "starRating": "ONE",
                "comment": "Cold food, rude staff.",
            }
        }
        self.puts = 0

    def handle(self, req: Seen) -> Answer:
        if not _bearer(req, self.TOKEN):
            return Answer(
                401,
                {
                    "error": {
                        "code": 401,
                        "message": "Request had invalid authentication credentials.",
                        "status": "UNAUTHENTICATED",
                    }
                },
            )
        path = req.path.removeprefix("/v4/")
        name = path.removesuffix("/reply")
        if name not in self.reviews:
            return Answer(
                404,
                {
                    "error": {
                        "code": 404,
                        "message": "Requested entity was not found.",
                        "status": "NOT_FOUND",
                    }
                },
            )
        if req.method == "PUT" and path.endswith("/reply"):
            self.puts += 1
            reply = {"comment": req.json()["comment"], "updateTime": "2026-11-23T10:00:00Z"}
            self.reviews[name]["reviewReply"] = reply
            return Answer(200, reply)
        if req.method == "GET":
            return Answer(200, self.reviews[name])
        return Answer(404, {"error": {"code": 404, "message": "Not found"}})


class FakeTrustpilot(FakePlatform):
    """/v1/private/reviews/{id}/reply (POST, 201) and /v1/private/reviews/{id} (GET)."""

    TOKEN = "trustpilot-token"

    def __init__(self) -> None:
        super().__init__()
        self.reviews: dict[str, dict[str, Any]] = {
            "tp-77": {"id": "tp-77", "stars": 1, "text": "Parcel never came.", "companyReply": None}
        }
        self.replies = 0

    def handle(self, req: Seen) -> Answer:
        if not _bearer(req, self.TOKEN):
            return Answer(401, {"fault": {"faultstring": "Invalid access token"}})
        path = req.path.removeprefix("/v1/private/reviews/")
        review, _, tail = path.partition("/")
        if review not in self.reviews:
            return Answer(404, {"message": "Review not found"})
        if req.method == "POST" and tail == "reply":
            data = req.json()
            if not data.get("authorBusinessUserId"):
                return Answer(400, {"message": "authorBusinessUserId is required"})
            self.replies += 1
            self.reviews[review]["companyReply"] = {
                "text": data["message"],
                "createdAt": "2026-11-23T10:00:00Z",
            }
            return Answer(201, None)
        if req.method == "GET" and not tail:
            return Answer(200, self.reviews[review])
        return Answer(404, {"message": "Not found"})


# --- SMTP -------------------------------------------------------------------------------------
class FakeSMTP:
    """Enough SMTP for smtplib: EHLO, AUTH PLAIN, MAIL, RCPT, DATA, QUIT. Messages are kept."""

    def __init__(self, user: str = "mailer", password: str = "mail-pass") -> None:
        self.messages: list[Any] = []
        self.user, self.password = user, password
        fake = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                def w(line: str) -> None:
                    self.wfile.write((line + "\r\n").encode())

                w("220 localhost ESMTP fake")
                data_mode, lines = False, []
                while True:
                    raw = self.rfile.readline()
                    if not raw:
                        return
                    line = raw.decode("utf-8", "replace").rstrip("\r\n")
                    if data_mode:
                        if line == ".":
                            data_mode = False
                            body = "\r\n".join(x[1:] if x.startswith("..") else x for x in lines)
                            fake.messages.append(message_from_bytes(body.encode()))
                            lines = []
                            w("250 OK queued")
                        else:
                            lines.append(line)
                        continue
                    verb = line.split(" ", 1)[0].upper()
                    if verb == "EHLO":
                        w("250-localhost")
                        w("250 AUTH PLAIN")
                    elif verb == "AUTH":
                        token = line.split(" ")[-1]
                        parts = base64.b64decode(token).split(b"\0")
                        ok = parts[-2:] == [fake.user.encode(), fake.password.encode()]
                        w("235 ok" if ok else "535 authentication failed")
                    elif verb in ("MAIL", "RCPT", "RSET", "NOOP"):
                        w("250 OK")
                    elif verb == "DATA":
                        data_mode = True
                        w("354 go on")
                    elif verb == "QUIT":
                        w("221 bye")
                        return
                    else:
                        w("502 not implemented")

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self._server = Server(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": STOP_WITHIN}, daemon=True
        )

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def __enter__(self) -> FakeSMTP:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

