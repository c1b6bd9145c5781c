"""Bluesky: a reply record with its root and parent references (uri + cid), and a direct
message through chat.bsky.convo where the recipient accepts them.

Set-up: `identifier` (the account's handle or DID; default the account handle) and
`password_env` naming an *app password* (Settings → App passwords; tick "allow access to your
direct messages" for DMs); `base_url` is the account's PDS (default https://bsky.social).

Exactly once: the record key (rkey) is a TID made when the send is first intended and kept in
the outbox, so a retry writes the same record (createRecord refuses a second one) and a crash is
checked with getRecord.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from douse.core.send.account import AccountSetup
from douse.core.send.errors import SendError
from douse.core.send.http import call, json_body
from douse.core.send.mastodon import same_text
from douse.core.send.types import PRIVATE, PUBLIC, Outgoing, Post, Posted

POST = "app.bsky.feed.post"
CHAT_PROXY = "did:web:api.bsky.chat#bsky_chat"
_B32 = "234567abcdefghijklmnopqrstuvwxyz"


def tid(now: datetime, clock_id: int | None = None) -> str:
    """An atproto TID: 53 bits of microseconds since 1970 and 10 bits of clock id, in the
    sortable base32 the record keys of app.bsky.feed.post use."""
    micros = int(now.timestamp() * 1_000_000)
    clock = secrets.randbelow(1024) if clock_id is None else clock_id
    value = (micros << 10) | clock
    out = []
    for _ in range(13):
        out.append(_B32[value & 31])
        value >>= 5
    return "".join(reversed(out))


class BlueskySender:
    platform = "bluesky"
    kinds = (PUBLIC, PRIVATE)
    resend_is_safe = True
    checkable = True

    def __init__(self, account: AccountSetup, http: httpx.Client) -> None:
        self.account = account
        self.http = http
        self.base = account.base_url("https://bsky.social")
        self.identifier = str(account.setting("identifier") or account.handle.lstrip("@"))
        self._session: dict[str, Any] | None = None

    def _login(self) -> dict[str, Any]:
        if self._session is None:
            password = self.account.secret("password_env", "an app password")
            response = call(
                self.http,
                "Bluesky",
                "POST",
                self.base + "/xrpc/com.atproto.server.createSession",
                json={"identifier": self.identifier, "password": password},
                token_env=self.account.sending.get("password_env"),
            )
            session = json_body("Bluesky", response)
            if not isinstance(session, dict) or not session.get("accessJwt"):
                raise SendError("server", "Bluesky answered the login without a session")
            self._session = session
        return self._session

    def _call(self, method: str, nsid: str, *, chat: bool = False, **kwargs: Any) -> Any:
        session = self._login()
        headers = {"Authorization": f"Bearer {session['accessJwt']}"}
        if chat:
            headers["atproto-proxy"] = CHAT_PROXY
        response = call(
            self.http,
            "Bluesky",
            method,
            f"{self.base}/xrpc/{nsid}",
            headers=headers,
            token_env=self.account.sending.get("password_env"),
            writes=method == "POST",
            **kwargs,
        )
        return json_body("Bluesky", response)

    def prepare(self, post: Post, kind: str, key: str, now: datetime) -> dict[str, Any]:
        uri = post.external_id
        if not uri or not uri.startswith("at://"):
            raise SendError("gone", "the post has no at:// address to reply to")
        found = self._call("GET", "app.bsky.feed.getPosts", params={"uris": uri})
        posts = found.get("posts") if isinstance(found, dict) else None
        if not posts:
            raise SendError("gone", "the post is gone on Bluesky (deleted, or not visible)")
        parent = posts[0]
        record = parent.get("record") or {}
        reply = record.get("reply") if isinstance(record.get("reply"), dict) else None
        root = reply.get("root") if reply else None
        author = parent.get("author") or {}
        return {
            "uri": parent["uri"],
            "cid": parent["cid"],
            # A reply to a reply keeps the thread's first post as its root.
            "root_uri": root["uri"] if root else parent["uri"],
            "root_cid": root["cid"] if root else parent["cid"],
            "author_did": author.get("did"),
            "author_handle": author.get("handle"),
            "rkey": tid(now),
        }

    def send(self, out: Outgoing) -> Posted:
        session = self._login()
        if out.kind == PRIVATE:
            return self._message(out, session)
        record = {
            "$type": POST,
            "text": out.text,
            "createdAt": _stamp(out.attempted_at),
            "reply": {
                "root": {"uri": out.target["root_uri"], "cid": out.target["root_cid"]},
                "parent": {"uri": out.target["uri"], "cid": out.target["cid"]},
            },
        }
        try:
            made = self._call(
                "POST",
                "com.atproto.repo.createRecord",
                json={
                    "repo": session["did"],
                    "collection": POST,
                    "rkey": out.target["rkey"],
                    "record": record,
                },
            )
        except SendError as exc:
            raise _bluesky_reason(exc) from None
        return self._posted(made.get("uri") if isinstance(made, dict) else None, session)

    def _posted(self, uri: Any, session: dict[str, Any]) -> Posted:
        if not isinstance(uri, str):
            raise SendError(
                "server", "Bluesky answered without the new post's uri", maybe_sent=True
            )
        rkey = uri.rsplit("/", 1)[-1]
        handle = session.get("handle") or session.get("did")
        return Posted(uri, f"https://bsky.app/profile/{handle}/post/{rkey}")

    def _convo(self, out: Outgoing) -> str:
        did = out.target.get("author_did")
        if not did:
            raise SendError("gone", "douse does not know who to message on Bluesky")
        try:
            found = self._call(
                "GET", "chat.bsky.convo.getConvoForMembers", chat=True, params={"members": did}
            )
        except SendError as exc:
            raise _bluesky_reason(exc) from None
        convo = found.get("convo") if isinstance(found, dict) else None
        if not isinstance(convo, dict) or not convo.get("id"):
            raise SendError("server", "Bluesky answered without a conversation")
        return str(convo["id"])

    def _message(self, out: Outgoing, session: dict[str, Any]) -> Posted:
        convo = self._convo(out)
        try:
            sent = self._call(
                "POST",
                "chat.bsky.convo.sendMessage",
                chat=True,
                json={"convoId": convo, "message": {"text": out.text}},
            )
        except SendError as exc:
            raise _bluesky_reason(exc) from None
        if not isinstance(sent, dict) or not sent.get("id"):
            raise SendError("server", "Bluesky answered without the message's id", maybe_sent=True)
        return Posted(f"{convo}/{sent['id']}", f"https://bsky.app/messages/{convo}")

    def find(self, out: Outgoing) -> Posted | None:
        session = self._login()
        if out.kind == PRIVATE:
            convo = self._convo(out)
            found = self._call(
                "GET", "chat.bsky.convo.getMessages", chat=True, params={"convoId": convo}
            )
            since = (out.attempted_at or datetime.now(UTC)) - timedelta(minutes=5)
            for message in (found or {}).get("messages") or ():
                sender = (message.get("sender") or {}).get("did")
                sent_at = _parse(message.get("sentAt"))
                if (
                    sender == session["did"]
                    and same_text(str(message.get("text") or ""), out.text)
                    and (sent_at is None or sent_at >= since)
                ):
                    return Posted(f"{convo}/{message['id']}", f"https://bsky.app/messages/{convo}")
            return None
        try:
            found = self._call(
                "GET",
                "com.atproto.repo.getRecord",
                params={"repo": session["did"], "collection": POST, "rkey": out.target["rkey"]},
            )
        except SendError as exc:
            if exc.reason in ("gone", "rejected") and exc.status in (400, 404):
                return None  # RecordNotFound: it was never written
            raise
        return self._posted(found.get("uri") if isinstance(found, dict) else None, session)


def _bluesky_reason(exc: SendError) -> SendError:
    """XRPC puts the reason in a 400's error name: ExpiredToken, RecordNotFound, too long..."""
    text = str(exc).casefold()
    if exc.status == 400:
        if "expiredtoken" in text or "invalidtoken" in text:
            return SendError("expired_token", f"Bluesky: the session expired ({exc})")
        if "longer than" in text or "too long" in text or "graphemes" in text:
            return SendError("too_long", f"Bluesky refused the text: {exc}")
        if "notfound" in text or "could not locate record" in text:
            return SendError("gone", "the post is gone on Bluesky (deleted)")
        if "disabled" in text or "blocked" in text or "not allowed" in text or "follow" in text:
            return SendError("forbidden", f"Bluesky does not let this account message them: {exc}")
    return exc


def _stamp(at: datetime | None) -> str:
    at = (at or datetime.now(UTC)).astimezone(UTC)
    return at.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _parse(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
