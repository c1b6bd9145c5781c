"""Why a send failed, as one line a person can act on, and whether the post may exist anyway.

`maybe_sent` is what exactly-once rests on: a refusal (401, 403, 404, 422, 429) means the platform
did not post; a timeout, a dropped connection or a 5xx after the request went out may have
posted. Those stay unfinished in the outbox until the platform is checked (outbox.recover).
"""

from __future__ import annotations

from douse.core.errors import DouseError

REASONS = (
    "expired_token",  # 401: renew the token
    "forbidden",  # 403: the account may not do this (blocked, locked thread, DMs closed)
    "gone",  # 404/410: the post was deleted or is not visible
    "too_long",  # 413/422 or the platform's own "too long"
    "rate_limited",  # 429: wait `retry_after` seconds
    "server",  # 5xx
    "network",  # could not connect, connection dropped
    "timeout",  # no answer in time
    "rejected",  # any other refusal (400)
    "config",  # the account is not set up to send (missing env var, base URL...)
    "no_api",  # the platform has no reply API: post it by hand
)


class SendError(DouseError):
    """A send that did not (or may not have) happened, with a reason code from REASONS."""

    def __init__(
        self,
        reason: str,
        message: str,
        *,
        retry_after: float | None = None,
        maybe_sent: bool = False,
        status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.reason = reason
        self.retry_after = retry_after
        self.maybe_sent = maybe_sent
        self.status = status


class NoReplyApi(SendError):
    """The platform (Hacker News, RSS, an imported review site) cannot be answered through an
    API: the reply is copied, posted by hand at `link`, and logged as sent by hand."""

    def __init__(self, platform: str, link: str | None) -> None:
        where = f" at {link}" if link else ""
        super().__init__(
            "no_api",
            f"{platform} has no reply API douse can use: copy the reply, post it by hand{where}, "
            "then log it as sent by hand",
        )
        self.platform = platform
        self.link = link


def wait_text(seconds: float | None) -> str:
    """ "try again in 5 min" for a Retry-After."""
    if seconds is None:
        return "try again later"
    seconds = max(0, round(seconds))
    if seconds < 90:
        return f"try again in {seconds} s"
    if seconds < 5400:
        return f"try again in {round(seconds / 60)} min"
    return f"try again in {seconds / 3600:.1f} h"
