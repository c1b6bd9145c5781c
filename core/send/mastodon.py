"""Mastodon: a public reply (`in_reply_to_id`) or a private one (visibility `direct`), posted
with an Idempotency-Key so a repeated request within the hour returns the first post instead of
making a second (POST /api/v1/statuses, as the API documents).

Set-up: `token_env` names a user token with the `write:statuses` scope (and `read:statuses`,
`read:search` to find the post and check after a crash); `base_url` is the account's instance
(default: from the account's url or handle).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx

from douse.core.ingest.normalize import html_to_text
from douse.core.send.account import AccountSetup, host_of
from douse.core.send.errors import SendError
from douse.core.send.http import call, json_body
from douse.core.send.types import PRIVATE, PUBLIC, Outgoing, Post, Posted


def same_text(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


class MastodonSender:
    platform = "mastodon"
    kinds = (PUBLIC, PRIVATE)
    resend_is_safe = True
    checkable = True

    def __init__(self, account: AccountSetup, http: httpx.Client) -> None:
        self.account = account
        self.http = http
        instance = None
        parts = account.handle.lstrip("@").split("@")
        if len(parts) == 2 and "." in parts[1]:
            instance = f"https://{parts[1]}"
        self.base = account.base_url(host_of(account.url) or instance)
        self.token_env = account.sending.get("token_env")

    def _headers(self) -> dict[str, str]:
        token = self.account.secret("token_env", "an access token with write:statuses")
        return {"Authorization": f"Bearer {token}", "Accept": "application/json"}

    def _get(self, path: str, **params: Any) -> Any:
        response = call(
            self.http,
            "Mastodon",
            "GET",
            self.base + path,
            headers=self._headers(),
            params=params,
            token_env=self.token_env,
        )
        return json_body("Mastodon", response)

    def prepare(self, post: Post, kind: str, key: str, now: datetime) -> dict[str, Any]:
        """The status's id on this instance: a post from another server has a local id of its
        own, found by resolving its URI through search."""
        uri = post.external_id or post.url
        if not uri:
            raise SendError("gone", "the post has no Mastodon address to reply to")
        status_id = None
        local = host_of(uri) == self.base and (post.raw or {}).get("id")
        if local:
            status_id = str(post.raw["id"])
            found = self._get(f"/api/v1/statuses/{status_id}")
        else:
            result = self._get("/api/v2/search", q=uri, type="statuses", resolve="true", limit=1)
            statuses = result.get("statuses") if isinstance(result, dict) else None
            if not statuses:
                raise SendError("gone", "the post is gone on Mastodon: the instance cannot find it")
            found = statuses[0]
            status_id = str(found.get("id"))
        account = found.get("account") if isinstance(found, dict) else None
        acct = account.get("acct") if isinstance(account, dict) else None
        return {"status_id": status_id, "acct": acct or post.author, "uri": uri}

    def _text(self, out: Outgoing) -> str:
        acct = out.target.get("acct")
        text = out.text
        if out.kind == PRIVATE and acct and f"@{acct}".casefold() not in text.casefold():
            # A direct message reaches only the accounts it mentions.
            text = f"@{acct} {text}"
        return text

    def send(self, out: Outgoing) -> Posted:
        headers = {**self._headers(), "Idempotency-Key": out.key}
        payload = {
            "status": self._text(out),
            "in_reply_to_id": out.target["status_id"],
            "visibility": "direct" if out.kind == PRIVATE else "public",
        }
        response = call(
            self.http,
            "Mastodon",
            "POST",
            self.base + "/api/v1/statuses",
            headers=headers,
            json=payload,
            token_env=self.token_env,
            writes=True,
        )
        status = json_body("Mastodon", response)
        return _posted(status)

    def find(self, out: Outgoing) -> Posted | None:
        me = self._get("/api/v1/accounts/verify_credentials")
        my_id = str(me.get("id")) if isinstance(me, dict) else None
        context = self._get(f"/api/v1/statuses/{out.target['status_id']}/context")
        text = self._text(out)
        for status in (context or {}).get("descendants") or ():
            if not isinstance(status, dict):
                continue
            author = status.get("account") or {}
            if (
                str(author.get("id")) == my_id
                and str(status.get("in_reply_to_id")) == str(out.target["status_id"])
                and same_text(html_to_text(status.get("content") or ""), text)
            ):
                return _posted(status)
        return None


def _posted(status: Any) -> Posted:
    if not isinstance(status, dict) or not status.get("id"):
        raise SendError("server", "Mastodon answered without the new post's id", maybe_sent=True)
    url = status.get("url") or status.get("uri")
    return Posted(str(status["id"]), str(url) if url else None)
