"""Which sender answers which platform, and which platforms are answered by hand."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import httpx

from douse.core.send.account import AccountSetup
from douse.core.send.bluesky import BlueskySender
from douse.core.send.email import EmailSender
from douse.core.send.errors import NoReplyApi, SendError
from douse.core.send.mastodon import MastodonSender
from douse.core.send.reddit import RedditSender
from douse.core.send.reviews import GoogleSender, TrustpilotSender
from douse.core.send.types import Sender

SENDERS: Mapping[str, Callable[[AccountSetup, httpx.Client], Sender]] = {
    "mastodon": MastodonSender,
    "bluesky": BlueskySender,
    "reddit": RedditSender,
    "google": GoogleSender,
    "trustpilot": TrustpilotSender,
    "email": lambda account, http: EmailSender(account, _seconds(http)),
}
PLATFORM_NAMES = {
    "hackernews": "Hacker News",
    "web": "this web page",
    "rss": "this feed",
    "import": "this imported review",
    "x": "X",
    "tripadvisor": "Tripadvisor",
    "yelp": "Yelp",
}


def _seconds(http: httpx.Client) -> float:
    read = http.timeout.read
    return float(read) if read else 20.0


def has_api(platform: str) -> bool:
    return platform in SENDERS


def sender_for(
    account: AccountSetup | None, platform: str, http: httpx.Client, link: str | None
) -> Sender:
    """The sender for a reply on `platform` from `account`; NoReplyApi for platforms answered by
    hand, SendError("config") for an account not set up to send."""
    factory = SENDERS.get(platform)
    if factory is None:
        raise NoReplyApi(PLATFORM_NAMES.get(platform, platform), link)
    if account is None:
        raise SendError(
            "config",
            f"no {platform} account of this client to send from: add one to clients.toml",
        )
    if not account.sending:
        raise SendError(
            "config",
            f"{platform} account {account.handle} is not set up to send: add "
            "[clients.accounts.send] to clients.toml (see the README)",
        )
    return factory(account, http)
