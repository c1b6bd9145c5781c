"""A small agency whose accounts send to the local fake platforms (tests/platforms.py): one
incident per platform, each on a real post shape from ../shared/fixtures."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx

from douse.core.send.http import new_client
from douse.core.services import Services
from tests import factories as f
from tests.platforms import (
    FakeBluesky,
    FakeGoogle,
    FakeMastodon,
    FakeReddit,
    FakeSMTP,
    FakeTrustpilot,
)

BSKY_POST = "at://did:plc:ic6zqvuw5ulmfpjiwnhsr2ns/app.bsky.feed.post/3k7qmjev5lr2s"


@dataclass
class Fakes:
    mastodon: FakeMastodon
    bluesky: FakeBluesky
    reddit: FakeReddit
    google: FakeGoogle
    trustpilot: FakeTrustpilot
    smtp: FakeSMTP

    def env(self) -> dict[str, str]:
        return {
            "ACME_MASTODON_TOKEN": FakeMastodon.TOKEN,
            "ACME_BSKY_PASSWORD": FakeBluesky.PASSWORD,
            "ACME_REDDIT_TOKEN": FakeReddit.TOKEN,
            "ACME_GOOGLE_TOKEN": FakeGoogle.TOKEN,
            "ACME_TRUSTPILOT_TOKEN": FakeTrustpilot.TOKEN,
            "ACME_SMTP_HOST": "127.0.0.1",
            "ACME_SMTP_USER": self.smtp.user,
            "ACME_SMTP_PASSWORD": self.smtp.password,
        }

    def sending(self) -> dict[str, dict[str, Any]]:
        return {
            "mastodon": {"token_env": "ACME_MASTODON_TOKEN", "base_url": self.mastodon.base_url},
            "bluesky": {
                "identifier": FakeBluesky.HANDLE,
                "password_env": "ACME_BSKY_PASSWORD",
                "base_url": self.bluesky.base_url,
            },
            "reddit": {"token_env": "ACME_REDDIT_TOKEN", "base_url": self.reddit.base_url},
            "google": {
                "token_env": "ACME_GOOGLE_TOKEN",
                "account_id": "111",
                "location_id": "222",
                "base_url": self.google.base_url + "/v4",
            },
            "trustpilot": {
                "token_env": "ACME_TRUSTPILOT_TOKEN",
                "business_user_id": "bu-1",
                "base_url": self.trustpilot.base_url + "/v1",
            },
            "email": {
                "host_env": "ACME_SMTP_HOST",
                "user_env": "ACME_SMTP_USER",
                "password_env": "ACME_SMTP_PASSWORD",
                "from": "care@acme.example",
                "port": self.smtp.port,
                "starttls": False,
            },
        }


@contextmanager
def fake_platforms() -> Iterator[Fakes]:
    with ExitStack() as stack:
        yield Fakes(
            mastodon=stack.enter_context(FakeMastodon()),
            bluesky=stack.enter_context(FakeBluesky()),
            reddit=stack.enter_context(FakeReddit()),
            google=stack.enter_context(FakeGoogle()),
            trustpilot=stack.enter_context(FakeTrustpilot()),
            smtp=stack.enter_context(FakeSMTP()),
        )


@dataclass
class SendWorld:
    services: Services
    fakes: Fakes
    client_id: int
    incidents: dict[str, int]
    mentions: dict[str, int]
    env: dict[str, str]
    http: httpx.Client = field(default_factory=lambda: new_client(httpx.Timeout(2.0, connect=2.0)))


POSTS: dict[str, dict[str, Any]] = {
    "mastodon": {
        "external_id": "http://localhost:3000/ap/users/117020565966271181/statuses/117020583223442465",
        "url": "http://localhost:3000/@mastodonpy_test/117020583223442465",
        "author": "mastodonpy_test@localhost",
        "raw": {"id": "117020583223442465"},
    },
    "bluesky": {
        "external_id": BSKY_POST,
        "url": "https://bsky.app/profile/soubhikbarari.bsky.social/post/3k7qmjev5lr2s",
        "author": "soubhikbarari.bsky.social",
        "raw": {"did": "did:plc:ic6zqvuw5ulmfpjiwnhsr2ns"},
    },
    "reddit": {
        "external_id": "t3_3gpbiu",
        "url": "https://www.reddit.com/r/redditdev/comments/3gpbiu/",
        "author": "dClauzel",
        "title": "Problem using OAuth2Util",
    },
    "google": {"external_id": "google:rev-1", "url": "https://g.page/r/acme/review"},
    "trustpilot": {"external_id": "trustpilot:tp-77", "url": None},
    "email": {
        "external_id": "<order-42@customer.example>",
        "url": None,
        "author": "Pat Doe <pat@customer.example>",
        "title": "My order never came",
        "raw": {"message_id": "<order-42@customer.example>"},
    },
    "hackernews": {
        "external_id": "hn:4242",
        "url": "https://news.ycombinator.com/item?id=4242",
        "author": "pg_fan",
    },
}


def build(
    services: Services, fakes: Fakes, now: datetime, *, approvals: dict[str, Any] | None = None
) -> SendWorld:
    incidents: dict[str, int] = {}
    mentions: dict[str, int] = {}
    with services.sessions.begin() as s:
        ana = f.staff(s, handle="ana", name="Ana")
        f.staff(s, handle="lead", name="Lead")
        f.staff(s, handle="tom", name="Tom", is_new=True)
        client = f.client(s, now, slug="acme", name="Acme", approvals=approvals or {})
        sending = fakes.sending()
        accounts = {}
        for platform in ("mastodon", "bluesky", "reddit", "google", "trustpilot", "email"):
            accounts[platform] = f.account(
                s,
                client,
                platform=platform,
                handle=f"acme-{platform}",
                owner_id=ana.id,
                sending=sending[platform],
            )
        for platform, post in POSTS.items():
            author = None
            if post.get("author"):
                author = f.author(s, platform=platform, handle=post["author"])
            mention = f.mention(
                s,
                client,
                now - timedelta(minutes=30),
                platform=platform,
                external_id=post["external_id"],
                dedupe_key=f"{platform}-post",
                url=post["url"],
                title=post.get("title", ""),
                author_id=author.id if author else None,
                raw=post.get("raw", {}),
                text=f"Acme let me down on {platform}",
                sentiment_label="negative",
            )
            account = accounts.get(platform)
            incident = f.incident(
                s,
                client,
                now - timedelta(minutes=29),
                [mention],
                account_id=account.id if account else None,
                first_response_due_at=now + timedelta(hours=1),
                due_at=now + timedelta(hours=1),
            )
            incidents[platform] = incident.id
            mentions[platform] = mention.id
        client_id = client.id
    return SendWorld(services, fakes, client_id, incidents, mentions, fakes.env())
