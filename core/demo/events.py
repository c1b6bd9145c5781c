"""The set pieces that make the demo worth opening: each returns extra planned mentions.

- a cluster: one problem reported by eight different people within 48 hours;
- a spike: an outage that multiplies a brand's volume in the last few hours;
- a viral post shared hundreds of times in a day, with its pile-on and reposts;
- a VIP's complaint; a troll who posts about two brands every day;
- fresh complaints whose first response falls due within the hour after the demo's clock stops,
  so whoever opens the desk has something about to breach, whatever the time of day.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from douse.core.demo.mentions import ClientPlanner, Planned
from douse.core.demo.people import TROLL, VIP, VIRAL
from douse.core.demo.texts import Draft

PILE_ON = (
    "This is wild. {brand} refusing a refund after this?",
    "Deleting {brand} after seeing this.",
    "Same thing happened to me with {brand} last month, they never refunded either.",
    "{brand} needs to answer this publicly.",
    "The refund refusal is worse than the fries honestly. Come on {brand}.",
    "Every time I see a {brand} story like this I'm glad I cancelled.",
    "Is anyone at {brand} actually reading this?",
    "{brand} support told me the same thing: 'it shows as delivered'. Useless.",
)
VIRAL_TEXT = (
    "Watched my {brand} courier eat half my fries on the doorbell camera, then hand me the bag. "
    "{brand} refused a refund because the order 'was delivered'. 🙃"
)
VIP_COMPLAINT = (
    "Checked into {brand} in {place} for a shoot and the suite had stained sheets and a broken "
    "shower. Took them two hours to send anyone. Not what I expect at these prices, honestly."
)
FRESH_COMPLAINTS = (
    "Three emails to {brand} since this morning and not one reply. I just want to know where my "
    "money went.",
    "{brand} charged my card twice and the chat agent closed the conversation on me. Not happy.",
    "Still waiting on {brand} to call me back like they promised an hour ago. Useless.",
)
VIP_PRAISE = "Sunset from the terrace at {brand} {place} 🧡 staff here are the sweetest."


def cluster(rng: random.Random, planner: ClientPlanner, now: datetime) -> list[Planned]:
    """Eight people, on four platforms, report the same breakage within 48 hours."""
    platforms = [
        p for p in ("x", "reddit", "hackernews", "bluesky", "trustpilot") if p in planner.platforms
    ]
    if not platforms:
        return []
    out: list[Planned] = []
    start = now - timedelta(hours=40)
    seen: set[str] = set()
    for i in range(8):
        platform = platforms[i % len(platforms)]
        person = next(p for p in planner.crowd.distinct(rng, platform, 12) if p.handle not in seen)
        seen.add(person.handle)
        at = start + timedelta(minutes=i * 290 + rng.randrange(60))
        draft = Draft("complaint", "", planner.maker.cluster(rng, i))
        out.append(planner.finish(rng, platform, person, draft, at))
    return out


def spike(rng: random.Random, planner: ClientPlanner, now: datetime, size: int) -> list[Planned]:
    """An outage: `size` people within the last five hours, most in the last two."""
    platforms = [p for p in ("x", "facebook", "reddit", "instagram") if p in planner.platforms]
    if not platforms:
        return []
    people = [
        (platform, person)
        for platform in platforms
        for person in planner.crowd.distinct(rng, platform, size // len(platforms) + 1)
    ]
    rng.shuffle(people)
    out: list[Planned] = []
    for platform, person in people[:size]:
        minutes_ago = int(300 * rng.random() ** 1.6) + 4
        draft = Draft("complaint", "", planner.maker.cluster(rng, rng.randrange(100)))
        out.append(
            planner.finish(rng, platform, person, draft, now - timedelta(minutes=minutes_ago))
        )
    return out


def viral(rng: random.Random, planner: ClientPlanner, now: datetime) -> list[Planned]:
    """One post shared 640 times in 16 hours, 25 people piling on and 12 plain reposts."""
    brand = planner.client.name
    text = VIRAL_TEXT.format(brand=brand)
    original = planner.finish(rng, "x", VIRAL, Draft("angry", "", text), now - timedelta(hours=16))
    original.likes, original.shares, original.replies = 5_230, 640, 312
    out = [original]
    voices = planner.crowd.distinct(rng, "x", 40)
    for i, person in enumerate(voices[:25]):
        at = original.published_at + timedelta(minutes=int(900 * rng.random() ** 2) + 3)
        line = PILE_ON[i % len(PILE_ON)].format(
            brand=rng.choice((brand, f"@{planner.client.handle}"))
        )
        out.append(planner.finish(rng, "x", person, Draft("angry", "", line), at))
    for person in voices[25:37]:
        at = original.published_at + timedelta(minutes=rng.randrange(5, 900))
        repost = planner.finish(
            rng, "x", person, Draft("angry", "", f"RT @{VIRAL.handle}: {text}"), at
        )
        repost.repost_of = original.key
        repost.likes = repost.shares = repost.replies = 0
        out.append(repost)
    return out


def vip(rng: random.Random, planner: ClientPlanner, now: datetime) -> list[Planned]:
    """An influencer: a happy post three weeks ago, a complaint five hours ago."""
    place = planner.client.region.places[0]
    brand = planner.client.name
    happy = planner.finish(
        rng, "instagram", VIP, Draft("praise", "", VIP_PRAISE.format(brand=brand, place=place)),
        now - timedelta(days=21, hours=3),
    )  # fmt: skip
    happy.likes, happy.replies = 24_800, 611
    angry = planner.finish(
        rng, "instagram", VIP,
        Draft("complaint", "", VIP_COMPLAINT.format(brand=brand, place=place)),
        now - timedelta(hours=5, minutes=12),
    )  # fmt: skip
    angry.likes, angry.replies = 11_900, 486
    return [happy, angry]


def troll(rng: random.Random, planners: list[ClientPlanner], now: datetime) -> list[Planned]:
    """Two or three hostile posts a day about the same brands, for the whole window."""
    out: list[Planned] = []
    for planner in planners:
        days = (now - planner.rhythm.start).days
        for day in range(days):
            for _ in range(rng.choice((0, 1, 1, 2))):
                draft = planner.texts.pick("troll", rng, "x")
                at = planner.rhythm.start + timedelta(days=day, minutes=rng.randrange(1440))
                if at < now - timedelta(minutes=30):
                    p = planner.finish(rng, "x", TROLL, draft, at)
                    p.likes, p.shares, p.replies = rng.randrange(4), 0, rng.randrange(3)
                    out.append(p)
    return out


def about_to_breach(
    rng: random.Random, planner: ClientPlanner, now: datetime, target_minutes: int
) -> list[Planned]:
    """Complaints on a 24/7 brand seen just long enough ago that their first response falls due
    15, 30 and 45 minutes after `now` (give or take the replay's 10-minute step)."""
    platforms = [p for p in ("x", "facebook", "instagram") if p in planner.platforms]
    if not platforms or target_minutes <= 50:
        return []
    out: list[Planned] = []
    people = planner.crowd.distinct(rng, platforms[0], len(FRESH_COMPLAINTS))
    for i, (text, person) in enumerate(zip(FRESH_COMPLAINTS, people, strict=False)):
        due_in = 15 * (i + 1)
        seen = now - timedelta(minutes=target_minutes - due_in + rng.uniform(0, 9))
        if seen >= now:
            continue
        draft = Draft("complaint", "", text.format(brand=planner.client.name))
        p = planner.finish(rng, platforms[0], person, draft, seen - timedelta(minutes=4))
        p.pickup_minutes = 4
        out.append(p)
    return out
