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

from core.send.account import AccountSetup
from core.send.errors import SendError
from core.send.http import call, json_body
from core.send.mastodon import same_text
from core.send.types import PUBLIC, Outgoing, Post, Posted


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


class GoogleSender:
    platform = "google"
    kinds = (PUBLIC,)
    resend_is_safe = True
    checkable = True

    def __init__(self, account: AccountSetup, http: httpx.Client) -> None:
        self.account = account
        self.http = http
        self.base = account.base_url("https://mybusiness.googleapis.com/v4")

    def _headers(self) -> dict[str, str]:
        token = self.account.secret("token_env", "an OAuth token with business.manage")
        return {"Authorization": f"Bearer {token}"}

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

    def send(self, out: Outgoing) -> Posted:
        review = out.target["review"]
        call(
            self.http,
            "Google",
            "PUT",
            f"{self.base}/{review}/reply",
            headers=self._headers(),
            json={"comment": out.text},
            token_env=self.account.sending.get("token_env"),
            writes=True,
        )
        return Posted(f"{review}/reply", out.target.get("url"))

    def find(self, out: Outgoing) -> Posted | None:
        review = out.target["review"]
        response = call(
            self.http,
            "Google",
            "GET",
            f"{self.base}/{review}",
            headers=self._headers(),
            token_env=self.account.sending.get("token_env"),
        )
        data = json_body("Google", response)
        reply = data.get("reviewReply") if isinstance(data, dict) else None
        if isinstance(reply, dict) and same_text(str(reply.get("comment") or ""), out.text):
            return Posted(f"{review}/reply", out.target.get("url"))
        return None


class TrustpilotSender:
    platform = "trustpilot"
    kinds = (PUBLIC,)
    resend_is_safe = False
    checkable = True

    def __init__(self, account: AccountSetup, http: httpx.Client) -> None:
        self.account = account
        self.http = http
        self.base = account.base_url("https://api.trustpilot.com/v1")

    def _headers(self) -> dict[str, str]:
        token = self.account.secret("token_env", "a business user's OAuth token")
        return {"Authorization": f"Bearer {token}"}

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

    def send(self, out: Outgoing) -> Posted:
        review = out.target["review"]
        call(
            self.http,
            "Trustpilot",
            "POST",
            f"{self.base}/private/reviews/{review}/reply",
            headers=self._headers(),
            json={"authorBusinessUserId": out.target["user"], "message": out.text},
            token_env=self.account.sending.get("token_env"),
            writes=True,
        )
        return Posted(f"{review}/reply", out.target.get("url"))

    def find(self, out: Outgoing) -> Posted | None:
        review = out.target["review"]
        response = call(
            self.http,
            "Trustpilot",
            "GET",
            f"{self.base}/private/reviews/{review}",
            headers=self._headers(),
            token_env=self.account.sending.get("token_env"),
        )
        data = json_body("Trustpilot", response)
        reply = data.get("companyReply") if isinstance(data, dict) else None
        if isinstance(reply, dict) and same_text(str(reply.get("text") or ""), out.text):
            return Posted(f"{review}/reply", out.target.get("url"))
        return None
