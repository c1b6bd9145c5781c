"""Reddit: a comment on the post or comment (POST /api/comment with its fullname as thing_id),
or a private message (POST /api/compose), through OAuth with a bearer token.

Set-up: `token_env` names an OAuth access token of the brand's account with the scopes
`submit` (comments), `privatemessages` (messages), `read` and `identity` + `history` (to check
after a crash); `base_url` defaults to https://oauth.reddit.com.

Reddit answers many refusals with 200 and a list of errors (TOO_LONG, RATELIMIT "try again in 5
minutes", DELETED_COMMENT, THREAD_LOCKED): those are read like the HTTP statuses they mean.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import httpx

from douse.core.send.account import AccountSetup
from douse.core.send.errors import SendError, wait_text
from douse.core.send.http import call, json_body
from douse.core.send.mastodon import same_text
from douse.core.send.types import PRIVATE, PUBLIC, Outgoing, Post, Posted
from douse.core.text import inert

SITE = "https://www.reddit.com"
_WAIT = re.compile(r"(\d+)\s*(second|minute|hour)", re.IGNORECASE)
_GONE = {"DELETED_COMMENT", "DELETED_LINK", "NO_THING_ID", "USER_DOESNT_EXIST"}
_FORBIDDEN = {"THREAD_LOCKED", "TOO_OLD", "SUBREDDIT_NOTALLOWED", "NOT_WHITELISTED_BY_USER_MESSAGE"}


class RedditSender:
    platform = "reddit"
    kinds = (PUBLIC, PRIVATE)
    resend_is_safe = False
    checkable = True

    def __init__(self, account: AccountSetup, http: httpx.Client) -> None:
        self.account = account
        self.http = http
        self.base = account.base_url("https://oauth.reddit.com")
        self.site = str(account.setting("site_url", SITE)).rstrip("/")

    def _headers(self) -> dict[str, str]:
        token = self.account.secret("token_env", "an OAuth token with the submit scope")
        return {"Authorization": f"Bearer {token}"}

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        response = call(
            self.http,
            "Reddit",
            method,
            self.base + path,
            headers=self._headers(),
            token_env=self.account.sending.get("token_env"),
            writes=method == "POST",
            **kwargs,
        )
        data = json_body("Reddit", response)
        _raise_listed(data)
        return data

    def prepare(self, post: Post, kind: str, key: str, now: datetime) -> dict[str, Any]:
        thing = post.external_id or ""
        if not re.match(r"^t[13]_[a-z0-9]+$", thing):
            raise SendError("gone", "the post has no Reddit id (t3_… / t1_…) to reply to")
        info = self._call("GET", "/api/info", params={"id": thing, "raw_json": 1})
        children = ((info or {}).get("data") or {}).get("children") or []
        if not children:
            raise SendError("gone", "the post is gone on Reddit")
        data = children[0].get("data") or {}
        if data.get("locked") or data.get("archived"):
            raise SendError("forbidden", "Reddit: the thread is locked or archived")
        author = data.get("author") or post.author
        if kind == PRIVATE and (not author or author == "[deleted]"):
            raise SendError("gone", "Reddit: the author's account is gone; no one to message")
        return {
            "thing_id": thing,
            "author": author,
            "subject": inert(
                f"About your post: {post.title}" if post.title else "About your post", 100
            ),
        }

    def send(self, out: Outgoing) -> Posted:
        if out.kind == PRIVATE:
            self._call(
                "POST",
                "/api/compose",
                data={
                    "api_type": "json",
                    "to": out.target["author"],
                    "subject": out.target["subject"],
                    "text": out.text,
                },
            )
            # /api/compose answers without the message: its id is read from the sent box.
            found = self._find_message(out)
            return found or Posted(f"compose:{out.key}", None)
        data = self._call(
            "POST",
            "/api/comment",
            data={"api_type": "json", "thing_id": out.target["thing_id"], "text": out.text},
        )
        things = (((data or {}).get("json") or {}).get("data") or {}).get("things") or []
        if not things:
            raise SendError("server", "Reddit answered without the new comment", maybe_sent=True)
        return self._posted(things[0].get("data") or {})

    def _posted(self, comment: dict[str, Any]) -> Posted:
        name = comment.get("name") or f"t1_{comment.get('id')}"
        permalink = comment.get("permalink")
        url = self.site + permalink if isinstance(permalink, str) and permalink else None
        return Posted(str(name), url)

    def find(self, out: Outgoing) -> Posted | None:
        if out.kind == PRIVATE:
            return self._find_message(out)
        me = self._call("GET", "/api/v1/me")
        name = me.get("name") if isinstance(me, dict) else None
        if not name:
            raise SendError("server", "Reddit did not say which account this token is")
        listing = self._call(
            "GET", f"/user/{name}/comments", params={"sort": "new", "limit": 50, "raw_json": 1}
        )
        for child in ((listing or {}).get("data") or {}).get("children") or ():
            comment = child.get("data") or {}
            if comment.get("parent_id") == out.target["thing_id"] and same_text(
                str(comment.get("body") or ""), out.text
            ):
                return self._posted(comment)
        return None

    def _find_message(self, out: Outgoing) -> Posted | None:
        listing = self._call("GET", "/message/sent", params={"limit": 50, "raw_json": 1})
        for child in ((listing or {}).get("data") or {}).get("children") or ():
            message = child.get("data") or {}
            if str(message.get("dest", "")).casefold() == str(
                out.target["author"]
            ).casefold() and same_text(str(message.get("body") or ""), out.text):
                return Posted(str(message.get("name") or f"t4_{message.get('id')}"), None)
        return None


def _raise_listed(data: Any) -> None:
    """Reddit's 200-with-errors: [["TOO_LONG", "this is too long (max: 10000)", "text"]]."""
    if not isinstance(data, dict) or not isinstance(data.get("json"), dict):
        return
    errors = data["json"].get("errors") or []
    if not errors:
        return
    first = errors[0] if isinstance(errors[0], list) else [str(errors[0])]
    code = str(first[0]) if first else ""
    said = inert(str(first[1]) if len(first) > 1 else code, 160)
    if code == "RATELIMIT":
        match = _WAIT.search(said)
        wait = None
        if match:
            wait = (
                int(match.group(1))
                * {"second": 1, "minute": 60, "hour": 3600}[match.group(2).lower()]
            )
        raise SendError(
            "rate_limited",
            f"Reddit is rate limiting this account: {wait_text(wait)}",
            retry_after=wait,
        )
    if code == "TOO_LONG":
        raise SendError("too_long", f"Reddit refused the text: {said}")
    if code in _GONE:
        raise SendError("gone", f"the post is gone on Reddit ({said})")
    if code in _FORBIDDEN:
        raise SendError("forbidden", f"Reddit does not allow it: {said}")
    raise SendError("rejected", f"Reddit refused the reply: {code}: {said}")
