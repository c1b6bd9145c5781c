"""The people who post: pools of believable authors per platform, reused across mentions and brands,
plus the cast the demo needs by name (a troll, a VIP, the author of a viral post).

Authors are described here and written to the database only when first used, so no author exists
without a mention.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

FIRST = (
    "sarah", "james", "aisha", "tom", "mei", "lucas", "priya", "oliver", "fatima", "noah",
    "chloe", "mateo", "emma", "kofi", "hannah", "diego", "grace", "yusuf", "laura", "sam",
    "nina", "omar", "ruby", "ben", "zara", "leon", "ella", "arjun", "maria", "jack", "sofia",
    "liam", "amelia", "hiro", "isabel", "kai", "freya", "ahmed", "julia", "finn", "ana", "theo",
    "lucy", "rafael", "megan", "tariq", "alice", "marco", "ivy", "dan",
)  # fmt: skip
LAST = (
    "kelly", "nguyen", "okoro", "smith", "fernandes", "murphy", "schmidt", "rossi", "patel",
    "dubois", "hughes", "lopez", "walsh", "kim", "andersen", "brown", "costa", "ali", "novak",
    "taylor", "moreno", "obi", "jones", "lindberg", "chen", "davies", "silva", "byrne", "tan",
    "wilson",
)  # fmt: skip
NICKS = (
    "coffeeaddict", "runnergirl", "dadjokes", "bookworm", "techdad", "travelbug", "nightowl",
    "gardener", "bikelife", "foodie", "moviebuff", "catlady", "gymrat", "ukulele", "mapnerd",
)  # fmt: skip
BLOGS = (
    "thefrugaltraveller", "smallbizdiaries", "gadgetgrumbles", "mumonamission", "saasweekly",
    "cityeats", "theconsumerdesk", "moneysavvy", "gamepatchnotes", "fitafter40",
)  # fmt: skip
MASTODON_HOSTS = ("mastodon.social", "fosstodon.org", "mas.to", "hachyderm.io")
REVIEW_PLATFORMS = frozenset({"google", "tripadvisor", "trustpilot", "yelp"})


@dataclass(frozen=True)
class Person:
    platform: str
    handle: str
    display_name: str
    profile_url: str | None
    followers: int | None
    is_troll: bool = False
    is_vip: bool = False
    notes: str = ""
    grumpy: bool = False  # has a history of angry posts


def _followers(rng: random.Random, platform: str) -> int | None:
    if platform in REVIEW_PLATFORMS or platform == "web":
        return None
    # Log-normal: most people have a few hundred followers, a handful tens of thousands.
    return min(2_000_000, int(math.exp(rng.gauss(5.2, 1.5))))


def _person(rng: random.Random, platform: str, n: int) -> Person:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    name = f"{first.title()} {last.title()}"
    style = rng.randrange(4)
    if style == 0:
        base = f"{first}{last[0]}{rng.randrange(10, 99)}"
    elif style == 1:
        base = f"{first}_{last}"
    elif style == 2:
        base = f"{rng.choice(NICKS)}{rng.randrange(1, 999)}"
    else:
        base = f"{first}.{last}{rng.randrange(70, 99)}"
    base = f"{base}{n}" if n >= 400 else base  # keeps big pools collision-free
    grumpy = rng.random() < 0.03
    if platform == "bluesky":
        handle = f"{base.replace('_', '-').replace('.', '-')}.bsky.social"
        url = f"https://bsky.app/profile/{handle}"
    elif platform == "mastodon":
        host = rng.choice(MASTODON_HOSTS)
        handle = f"{base.replace('.', '_')}@{host}"
        url = f"https://{host}/@{base.replace('.', '_')}"
    elif platform == "reddit":
        handle = base.replace(".", "_")
        url = f"https://www.reddit.com/user/{handle}"
    elif platform == "hackernews":
        handle = base.replace(".", "")[:15]
        url = f"https://news.ycombinator.com/user?id={handle}"
    elif platform in REVIEW_PLATFORMS or platform == "facebook":
        # Review sites and Facebook show a person's name, not a handle.
        handle = f"{first.title()} {last[0].upper()}." if platform != "facebook" else name
        handle = f"{handle} ({n})" if n >= 150 else handle
        url = None
    elif platform == "web":
        blog = BLOGS[n % len(BLOGS)]
        handle = f"{blog}.example" if n < len(BLOGS) else f"{blog}{n}.example"
        name = blog
        url = f"https://{handle}/"
    else:
        handle = base
        site = {"x": "x.com", "instagram": "instagram.com", "tiktok": "tiktok.com"}.get(
            platform, f"{platform}.example"
        )
        url = f"https://{site}/{'@' if platform == 'tiktok' else ''}{handle}"
    return Person(platform, handle, name, url, _followers(rng, platform), grumpy=grumpy)


class Crowd:
    """Per-platform pools; `pick` favours the low indexes, so some people post again and again."""

    def __init__(self, rng: random.Random, sizes: dict[str, int]) -> None:
        self.pools: dict[str, list[Person]] = {}
        for platform in sorted(sizes):
            seen: set[str] = set()
            pool: list[Person] = []
            n = 0
            while len(pool) < sizes[platform]:
                person = _person(rng, platform, n)
                n += 1
                if person.handle.lower() not in seen:
                    seen.add(person.handle.lower())
                    pool.append(person)
            self.pools[platform] = pool
        self.grumpy = {p: [x for x in pool if x.grumpy] for p, pool in self.pools.items()}

    def pick(self, rng: random.Random, platform: str, *, negative: bool = False) -> Person:
        grumpy = self.grumpy.get(platform)
        if negative and grumpy and rng.random() < 0.25:
            return grumpy[int(len(grumpy) * rng.random() ** 1.5)]
        pool = self.pools[platform]
        return pool[int(len(pool) * rng.random() ** 1.8)]

    def distinct(self, rng: random.Random, platform: str, count: int) -> list[Person]:
        """`count` different people: the many voices of a cluster or a pile-on."""
        pool = self.pools[platform]
        return rng.sample(pool, min(count, len(pool)))


TROLL = Person(
    "x",
    "truthbomb_88",
    "TRUTH BOMB 💣",
    "https://x.com/truthbomb_88",
    2_340,
    is_troll=True,
    notes=(
        "Flagged by maya: dozens of abusive posts a month about several of our brands, never a "
        "specific complaint, never answers a reply. Monitor only, do not engage."
    ),
)
VIP = Person(
    "instagram",
    "wanderwithjade",
    "Jade Morrison ✈️",
    "https://instagram.com/wanderwithjade",
    486_000,
    is_vip=True,
    notes="Travel creator with a large, engaged audience. Escalate to the account lead at once.",
)
VIRAL = Person("x", "marcus_eats", "Marcus Bell", "https://x.com/marcus_eats", 18_400, grumpy=False)
