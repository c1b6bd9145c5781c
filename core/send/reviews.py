"""Review platforms with a reply API: Google Business Profile and Trustpilot. A review takes one
public reply from the business; neither can message the reviewer privately.

Google Business Profile (PUT accounts/{a}/locations/{l}/reviews/{r}/reply, body {"comment"}):
`token_env` names an OAuth access token with the scope
https://www.googleapis.com/auth/business.manage; `account_id` and `location_id` name the
location (unless the review's id is already the full review name); `base_url` defaults to
https://mybusiness.googleapis.com/v4. A PUT replaces the reply, so sending again is safe.

Trustpilot (POST /v1/private/reviews/{reviewId}/reply, body {"authorBusinessUserId",
"message"}): `token_env` names a business user's OAuth access token; `business_user_id` is that
user; `base_url` defaults to https://api.trustpilot.com/v1.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx

from douse.core.send.account import AccountSetup
from douse.core.send.errors import SendError
from douse.core.send.http import call, json_body
from douse.core.send.mastodon import same_text
from douse.core.send.types import PUBLIC, Outgoing, Post, Posted


def review_id(post: Post, platform: str) -> str:
    """The platform's id of the review: an import stores "google:ID" / "trustpilot:ID"."""
    value = post.external_id or ""
    if value.startswith(f"{platform}:"):
        value = value[len(platform) + 1 :]
    if not value or value.startswith("sha256:"):
        raise SendError(
            "gone",
            f"the review has no {platform} review id (import it with an id column) to reply to",
        )
    return value


class _ReviewReplySender:
    """One public reply per review: sent with one call, found again by reading the review."""

    platform = ""
    name = ""  # how errors name the platform
    kinds = (PUBLIC,)
    checkable = True
    default_base = ""
    token_help = ""
    reply_method = "POST"
    review_path = "{review}"  # below the base URL, to read the review
    reply_field = ""  # where the review shows the business's reply...
    reply_text = ""  # ...and its text

    def __init__(self, account: AccountSetup, http: httpx.Client) -> None:
        self.account = account
        self.http = http
        self.base = account.base_url(self.default_base)

    def _headers(self) -> dict[str, str]:
        token = self.account.secret("token_env", self.token_help)
        return {"Authorization": f"Bearer {token}"}

    def _body(self, out: Outgoing) -> dict[str, Any]:
        raise NotImplementedError

    def _call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return call(
            self.http,
            self.name,
            method,
            f"{self.base}/{path}",
            headers=self._headers(),
            token_env=self.account.sending.get("token_env"),
            **kwargs,
        )

    def send(self, out: Outgoing) -> Posted:
        review = out.target["review"]
        path = self.review_path.format(review=review) + "/reply"
        self._call(self.reply_method, path, json=self._body(out), writes=True)
        return Posted(f"{review}/reply", out.target.get("url"))

    def find(self, out: Outgoing) -> Posted | None:
        review = out.target["review"]
        data = json_body(self.name, self._call("GET", self.review_path.format(review=review)))
        reply = data.get(self.reply_field) if isinstance(data, dict) else None
        if isinstance(reply, dict) and same_text(str(reply.get(self.reply_text) or ""), out.text):
            return Posted(f"{review}/reply", out.target.get("url"))
        return None


class GoogleSender(_ReviewReplySender):
    platform = "google"
    name = "Google"
    resend_is_safe = True  # a PUT replaces the reply
    default_base = "https://mybusiness.googleapis.com/v4"
    token_help = "an OAuth token with business.manage"
    reply_method = "PUT"
    reply_field = "reviewReply"
    reply_text = "comment"

    def prepare(self, post: Post, kind: str, key: str, now: datetime) -> dict[str, Any]:
        review = review_id(post, "google")
        if not review.startswith("accounts/"):
            account_id = self.account.setting("account_id")
            location_id = self.account.setting("location_id")
            if not account_id or not location_id:
                raise SendError(
                    "config",
                    f"google account {self.account.handle} needs send.account_id and "
                    "send.location_id in clients.toml",
                )
            review = f"accounts/{account_id}/locations/{location_id}/reviews/{review}"
        return {"review": review, "url": post.url}

    def _body(self, out: Outgoing) -> dict[str, Any]:
        return {"comment": out.text}


class TrustpilotSender(_ReviewReplySender):
    platform = "trustpilot"
    name = "Trustpilot"
    resend_is_safe = False
    default_base = "https://api.trustpilot.com/v1"
    token_help = "a business user's OAuth token"
    review_path = "private/reviews/{review}"
    reply_field = "companyReply"
    reply_text = "text"

    def prepare(self, post: Post, kind: str, key: str, now: datetime) -> dict[str, Any]:
        user = self.account.setting("business_user_id")
        if not user:
            raise SendError(
                "config",
                f"trustpilot account {self.account.handle} needs send.business_user_id",
            )
        review = review_id(post, "trustpilot")
        url = post.url or f"https://www.trustpilot.com/reviews/{review}"
        return {"review": review, "user": str(user), "url": url}

    def _body(self, out: Outgoing) -> dict[str, Any]:
        return {"authorBusinessUserId": out.target["user"], "message": out.text}
