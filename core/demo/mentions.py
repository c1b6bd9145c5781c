"""Plan one client's mentions: who posts what, where, when and how far it travels.

Ordinary chatter is drawn from the client's platforms with a daily rhythm; the set pieces (a
cluster of complaints about one problem, a volume spike, a viral post and its pile-on, a VIP's
complaint, a troll's refrains) are added by `events`.
"""

from __future__ import annotations

import math
import random
import string
from dataclasses import dataclass
from datetime import datetime, timedelta

from douse.core.demo.agency import PLATFORM_WEIGHT, DemoClient
from douse.core.demo.people import REVIEW_PLATFORMS, Crowd, Person
from douse.core.demo.texts import Draft, PooledTexts, TextMaker
from douse.core.demo.timing import Rhythm

NEGATIVE_SHARE = {"airline": 0.3, "telecom": 0.3, "courier": 0.3, "food_delivery": 0.28}
NEGATIVE_KINDS = ("complaint", "angry", "sarcasm", "critical")
NEGATIVE_WEIGHTS = (0.62, 0.22, 0.145, 0.015)
OTHER_LANGUAGES = ("es", "fr", "de")
BLOG_TITLES = {
    "complaint": (
        "Why I'm done with {brand}",
        "{brand}: a customer service story",
        "What happened when I complained to {brand}",
    ),
    "angry": ("{brand} is getting worse, and here's the proof", "Avoid {brand}: my experience"),
    "sarcasm": ("An ode to {brand}'s customer service",),
    "critical": ("Serious questions for {brand}",),
    "praise": ("{brand} got it right", "A small thank-you to {brand}"),
    "neutral": ("{brand}: what's new this month", "Comparing {brand} and the rest"),
    "troll": ("The truth about {brand}",),
}  # fmt: skip


@dataclass(slots=True)
class Planned:
    published_at: datetime
    platform: str
    person: Person
    draft: Draft
    likes: int = 0
    shares: int = 0
    replies: int = 0
    repost_of: str | None = None  # the dedupe key of the original post
    key: str = ""
    external_id: str | None = None
    url: str | None = None
    pickup_minutes: float | None = None  # how long the source took to see it; None: drawn


def _rand_id(rng: random.Random, alphabet: str, length: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(length))


def address(rng: random.Random, client: DemoClient, p: Planned) -> None:
    """Give a planned post the id and URL its platform would, and the key ingestion would use."""
    h = p.person.handle
    lower = string.ascii_lowercase + string.digits
    mixed = string.ascii_letters + string.digits
    platform = p.platform
    ext: str | None
    if platform == "x":
        ext = str(rng.randrange(10**18, 10**19))
        url = f"https://x.com/{h}/status/{ext}"
    elif platform == "bluesky":
        rkey = _rand_id(rng, "234567abcdefghijklmnopqrstuvwxyz", 13)
        ext = f"at://{h}/app.bsky.feed.post/{rkey}"
        url = f"https://bsky.app/profile/{h}/post/{rkey}"
    elif platform == "mastodon":
        user, host = h.split("@", 1)
        ext = str(rng.randrange(10**17, 10**18))
        url = f"https://{host}/@{user}/{ext}"
    elif platform == "reddit":
        ext = f"t3_{_rand_id(rng, lower, 7)}"
        url = (
            f"https://www.reddit.com/r/{rng.choice(client.industry.subreddits)}/comments/{ext[3:]}/"
        )
    elif platform == "hackernews":
        ext = str(rng.randrange(40_000_000, 46_000_000))
        url = f"https://news.ycombinator.com/item?id={ext}"
    elif platform == "facebook":
        ext = f"{rng.randrange(10**14, 10**15)}_{rng.randrange(10**15, 10**16)}"
        url = f"https://www.facebook.com/{ext.replace('_', '/posts/')}"
    elif platform == "instagram":
        ext = _rand_id(rng, mixed, 11)
        url = f"https://www.instagram.com/p/{ext}/"
    elif platform == "tiktok":
        ext = str(rng.randrange(7 * 10**18, 8 * 10**18))
        url = f"https://www.tiktok.com/@{h}/video/{ext}"
    elif platform == "youtube":
        ext = f"Ugx{_rand_id(rng, mixed, 20)}"
        url = f"https://www.youtube.com/watch?v={_rand_id(rng, mixed, 11)}&lc={ext}"
    elif platform == "linkedin":
        ext = f"urn:li:activity:{rng.randrange(7 * 10**18, 8 * 10**18)}"
        url = f"https://www.linkedin.com/feed/update/{ext}/"
    elif platform == "tripadvisor":
        ext = str(rng.randrange(900_000_000, 999_999_999))
        url = f"https://www.tripadvisor.com/ShowUserReviews-r{ext}.html"
    elif platform == "trustpilot":
        ext = _rand_id(rng, "0123456789abcdef", 24)
        url = f"https://www.trustpilot.com/reviews/{ext}"
    elif platform == "yelp":
        ext = _rand_id(rng, mixed, 22)
        url = f"https://www.yelp.com/biz/{client.slug}?hrid={ext}"
    elif platform == "google":
        ext = f"ChZDSUhN{_rand_id(rng, mixed, 18)}"
        url = f"https://www.google.com/maps/reviews/data={ext}"
    else:
        ext = None
        slug = "-".join((p.draft.title or p.draft.text).lower().split()[:6])
        slug = "".join(c for c in slug if c.isalnum() or c == "-")
        url = f"https://{h}/{p.published_at:%Y/%m}/{slug}-{rng.randrange(10**6)}"
    p.external_id = ext
    p.url = url
    # The same keys core.ingest makes: the platform id when there is one, else the URL.
    p.key = f"{platform}:id:{ext}" if ext else f"url:{url}"


def reach(rng: random.Random, p: Planned) -> None:
    """Likes, shares and replies with a long tail, scaled by the author's audience."""
    if p.platform in REVIEW_PLATFORMS:
        p.likes = int(rng.expovariate(0.8))  # "helpful" votes
        return
    audience = p.person.followers or 200
    base = audience * 0.004 * math.exp(rng.gauss(0, 1.1))
    if p.draft.kind in ("angry", "critical"):
        base *= 2.0  # bad news travels further
    p.likes = int(base)
    p.shares = int(base * rng.uniform(0.02, 0.2))
    p.replies = int(base * rng.uniform(0.03, 0.3))


def _title(rng: random.Random, client: DemoClient, p: Planned) -> str:
    if p.platform == "web":
        if p.draft.title:
            return p.draft.title
        return rng.choice(BLOG_TITLES.get(p.draft.kind, BLOG_TITLES["neutral"])).format(
            brand=client.name
        )
    if p.platform in ("reddit", "hackernews") and rng.random() < 0.6:
        first = p.draft.text.split(". ")[0].rstrip(".!?")
        return first if len(first) <= 90 else first[:87] + "..."
    return ""


class ClientPlanner:
    """Ordinary chatter for one client."""

    def __init__(
        self,
        client: DemoClient,
        crowd: Crowd,
        start: datetime,
        now: datetime,
        pool_cap: int,
    ) -> None:
        self.client = client
        self.crowd = crowd
        self.now = now
        self.rhythm = Rhythm(client.region.timezone, start, now - timedelta(minutes=3))
        self.maker = TextMaker(client.industry, client.name, client.handle, client.region.places)
        self.texts = PooledTexts(self.maker.render, pool_cap)
        self.platforms = sorted(client.source_for)
        self.weights = [PLATFORM_WEIGHT.get(p, 0.5) for p in self.platforms]
        self.negative = NEGATIVE_SHARE.get(client.industry.key, 0.22)
        self.foreign = 0.04 if client.region.language else 0.01

    def kind(self, rng: random.Random) -> str:
        roll = rng.random()
        if roll < self.foreign:
            return "foreign"
        if roll < self.foreign + self.negative:
            return rng.choices(NEGATIVE_KINDS, NEGATIVE_WEIGHTS)[0]
        return "praise" if rng.random() < 0.4 else "neutral"

    def draft(self, rng: random.Random, kind: str, platform: str) -> Draft:
        if kind == "foreign":
            language = self.client.region.language or rng.choice(OTHER_LANGUAGES)
            return self.maker.render_foreign(language, rng, platform)
        return self.texts.pick(kind, rng, platform)

    def one(self, rng: random.Random) -> Planned:
        platform = rng.choices(self.platforms, self.weights)[0]
        kind = self.kind(rng)
        negative = kind in NEGATIVE_KINDS
        person = self.crowd.pick(rng, platform, negative=negative)
        if person.grumpy and not negative and kind != "foreign" and rng.random() < 0.7:
            # Someone with a history of angry posts rarely has a kind word.
            kind = rng.choice(("complaint", "angry", "sarcasm"))
        return self.finish(rng, platform, person, self.draft(rng, kind, platform), None)

    def finish(
        self,
        rng: random.Random,
        platform: str,
        person: Person,
        draft: Draft,
        at: datetime | None,
    ) -> Planned:
        p = Planned(at or self.rhythm.instant(rng), platform, person, draft)
        title = _title(rng, self.client, p)
        if title != draft.title:
            p.draft = Draft(draft.kind, title, draft.text, draft.language)
        reach(rng, p)
        address(rng, self.client, p)
        return p
