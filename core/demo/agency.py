"""The demo agency as an AgencyConfig, so it reaches the database through `sync_config` exactly like
a real clients.toml does.

Fourteen hand-made brands come first (varied industries, time zones and hours); scale mode adds
generated ones after them. Beside the config, each `DemoClient` keeps what the mention generator
needs and the config does not hold: its industry, towns, languages, and which source each
platform's mentions come from.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from douse.core.config.schema import (
    AccountConfig,
    AgencyConfig,
    ClientConfig,
    SourceConfig,
    StaffConfig,
    Targets,
)
from douse.core.demo.industries import INDUSTRIES, Industry
from douse.core.demo.regions import REGIONS, Region

AGENCY_NAME = "Brightline Reputation"
LEAD = "maya"
AWAY = "raj"
DEFAULT_CLIENTS = 14

SOCIAL_PLATFORMS = ("x", "facebook", "instagram", "tiktok", "youtube", "linkedin")
# How much of a brand's chatter each platform carries, before industry and spikes.
PLATFORM_WEIGHT = {
    "x": 3.0,
    "facebook": 2.0,
    "instagram": 2.0,
    "tiktok": 1.2,
    "youtube": 0.6,
    "linkedin": 0.5,
    "bluesky": 1.0,
    "mastodon": 0.5,
    "reddit": 1.2,
    "hackernews": 0.9,
    "web": 0.8,
    "google": 1.2,
    "tripadvisor": 1.0,
    "trustpilot": 1.0,
    "yelp": 0.8,
}

AGENCY_POLICY = {
    "banned_phrases": [
        "our lawyers",
        "legal action",
        "you are wrong",
        "not our fault",
        "calm down",
        "damn",
        "hell",
    ],
    "tone_floor": -0.3,
    "max_offer": 50,
    "currency": "GBP",
}
AGENCY_CRITICAL = (
    "lawsuit",
    "sue",
    "food poisoning",
    "data breach",
    "injury",
    "discrimination",
    "scam",
)

_BASE_STAFF = (
    StaffConfig("maya", "Maya Okafor", "maya@brightline.example", "lead"),
    StaffConfig("tom", "Tom Becker", "tom@brightline.example", "account manager"),
    StaffConfig("ines", "Inês Carvalho", "ines@brightline.example"),
    StaffConfig("raj", "Raj Patel", "raj@brightline.example", away=True),
    StaffConfig("sofia", "Sofia Lindqvist", "sofia@brightline.example"),
    StaffConfig("kwame", "Kwame Mensah", "kwame@brightline.example", "account manager"),
    StaffConfig("lena", "Lena Fischer", "lena@brightline.example"),
    StaffConfig("daniel", "Daniel Reyes", "daniel@brightline.example"),
    StaffConfig("priya", "Priya Nair", "priya@brightline.example", "account manager"),
    StaffConfig(
        "jonas", "Jonas Virtanen", "jonas@brightline.example", "community manager (nights)"
    ),
)
_MORE_FIRST = (
    "amara", "ben", "chloe", "dev", "elif", "felix", "grace", "hugo", "isla", "jamal", "kira",
    "leo", "mei", "nico", "olga", "pablo", "quinn", "rosa", "sami", "tariq", "uma", "vera",
    "wes", "yara", "zoe",
)  # fmt: skip
_MORE_LAST = (
    "Adeyemi", "Brennan", "Costa", "Dubois", "Eriksen", "Farah", "Gallo", "Horvath", "Ito",
    "Jensen", "Kowalski", "Larsen", "Moreau", "Novak", "Oduya", "Petrov",
)  # fmt: skip


@dataclass(frozen=True)
class _Spec:
    slug: str
    name: str
    industry: str
    region: str
    handle: str
    social: tuple[str, ...]
    first_response: int | None = None
    unowned: tuple[str, ...] = ()
    extra_sources: tuple[str, ...] = ()  # "bluesky", "mastodon", "hackernews"


_SPECS = (
    _Spec("northwind-air", "Northwind Air", "airline", "uk", "northwindair",
          ("x", "facebook", "instagram", "tiktok"), 60, (), ("bluesky",)),
    _Spec("copper-kettle", "Copper Kettle Cafés", "cafe", "uk", "copperkettlecafe",
          ("instagram", "facebook"), None, ("tripadvisor",), ("mastodon",)),
    _Spec("ledgerly", "Ledgerly", "saas", "us-east", "ledgerlyhq",
          ("x", "linkedin"), None, (), ("hackernews", "bluesky")),
    _Spec("tidewave-mobile", "Tidewave Mobile", "telecom", "ireland", "tidewavemobile",
          ("x", "facebook", "instagram", "tiktok")),
    _Spec("alder-house", "Alder House Hotels", "hotel", "portugal", "alderhousehotels",
          ("instagram", "facebook"), 90),
    _Spec("harbour-vale", "Harbour & Vale Bank", "bank", "uk", "harbourvalebank",
          ("x", "facebook", "linkedin"), 90, (), ("bluesky",)),
    _Spec("maison-lumen", "Maison Lumen", "fashion", "france", "maisonlumen",
          ("instagram", "tiktok", "facebook")),
    _Spec("ironbark-fitness", "Ironbark Fitness", "gym", "australia", "ironbarkfitness",
          ("instagram", "facebook")),
    _Spec("dashbite", "DashBite", "food_delivery", "us-central", "dashbite",
          ("x", "instagram", "tiktok", "facebook"), 60),
    _Spec("meridian-motors", "Meridian Motors", "car_dealer", "us-west", "meridianmotors",
          ("facebook", "instagram", "youtube"), None, ("yelp",)),
    _Spec("greenline-energie", "Greenline Energie", "utility", "germany", "greenline_energie",
          ("x", "facebook")),
    _Spec("kestrel-games", "Kestrel Games", "games", "sweden", "kestrelgames",
          ("x", "youtube", "tiktok"), None, (), ("hackernews", "bluesky", "mastodon")),
    _Spec("brightsmile-dental", "BrightSmile Dental", "dental", "us-mountain",
          "brightsmiledental", ("facebook", "instagram"), 240),
    _Spec("swiftlane-parcels", "Swiftlane Parcels", "courier", "singapore", "swiftlaneparcels",
          ("x", "facebook")),
)  # fmt: skip

_PREFIXES = (
    "Blue Harbor", "Summit", "Oakridge", "Silverline", "Northgate", "Evergreen", "Red Kite",
    "Lakeside", "Granite", "Bramble", "Cobalt", "Marigold", "Highfield", "Juniper", "Riverbend",
    "Saltmarsh", "Foxglove", "Westbrook", "Amberly", "Stonebridge", "Clearwater", "Larkspur",
    "Ridgeway", "Moorland", "Harrow", "Tamarind", "Beacon", "Willowmere", "Ashgrove", "Kingfisher",
)  # fmt: skip


@dataclass(frozen=True)
class DemoClient:
    """What the mention generator needs to know about one client beyond its config."""

    slug: str
    name: str
    industry: Industry
    region: Region
    handle: str
    # platform -> the name of the source its mentions arrive through
    source_for: dict[str, str]
    # platform -> the account handle mentions on that platform are addressed to
    account_for: dict[str, str]
    negative_threshold: float
    positive_threshold: float


@dataclass(frozen=True)
class DemoAgency:
    config: AgencyConfig
    clients: tuple[DemoClient, ...]


def build_agency(rng: random.Random, clients: int = DEFAULT_CLIENTS) -> DemoAgency:
    """The agency with `clients` brands: the hand-made ones first, generated ones after."""
    specs = list(_SPECS[:clients])
    specs.extend(_generated_specs(rng, clients - len(specs)))
    staff = _staff(len(specs))
    owners = [s.handle for s in staff if s.role != "lead"]
    configs: list[ClientConfig] = []
    demo_clients: list[DemoClient] = []
    for index, spec in enumerate(specs):
        config, demo = _client(spec, owners, index, rng)
        configs.append(config)
        demo_clients.append(demo)
    agency = AgencyConfig(
        name=AGENCY_NAME,
        timezone="Europe/London",
        targets=Targets(
            first_response=120,
            next_response=240,
            resolution=2880,
            by_severity={
                "critical": {"first_response": 30, "next_response": 60, "resolution": 480}
            },
        ),
        reply_policy=dict(AGENCY_POLICY),
        critical_terms=AGENCY_CRITICAL,
        staff=tuple(staff),
        clients=tuple(configs),
        me=LEAD,
    )
    return DemoAgency(agency, tuple(demo_clients))


def _staff(clients: int) -> list[StaffConfig]:
    # One community manager per five brands or so, as agencies staff it.
    wanted = max(len(_BASE_STAFF), clients // 5)
    staff = list(_BASE_STAFF)
    n = 0
    while len(staff) < wanted:
        first = _MORE_FIRST[n % len(_MORE_FIRST)]
        last = _MORE_LAST[(n // len(_MORE_FIRST)) % len(_MORE_LAST)]
        handle = f"{first}.{last[0].lower()}" + (str(n // 400) if n >= 400 else "")
        staff.append(StaffConfig(handle, f"{first.title()} {last}", f"{handle}@brightline.example"))
        n += 1
    return staff


def _generated_specs(rng: random.Random, count: int) -> list[_Spec]:
    specs: list[_Spec] = []
    taken = {s.slug for s in _SPECS}
    industries = list(INDUSTRIES.values())
    regions = list(REGIONS)
    for i in range(count):
        industry = industries[i % len(industries)]
        name = f"{rng.choice(_PREFIXES)} {rng.choice(industry.suffixes)}"
        base = "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")
        base = "-".join(part for part in base.split("-") if part)
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        taken.add(slug)
        social = tuple(rng.sample(SOCIAL_PLATFORMS[:4], rng.randint(2, 3)))
        extras = tuple(p for p in ("bluesky", "mastodon") if rng.random() < 0.3)
        if industry.key in ("saas", "games"):
            extras = ("hackernews", *extras)
        # About one brand in forty has an account nobody has taken yet.
        unowned = (social[-1],) if i % 40 == 39 else ()
        specs.append(
            _Spec(
                slug,
                name,
                industry.key,
                rng.choice(regions),
                slug.replace("-", ""),
                social,
                None,
                unowned,
                extras,
            )
        )
    return specs


def _hours(industry: Industry) -> dict[str, list[list[str]]]:
    """clients.toml's business_hours shorthand, expanded the way the config loader does."""
    if industry.hours is None:
        return {}
    days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    out: dict[str, list[list[str]]] = {}
    for key, value in industry.hours.items():
        targets = {"weekdays": days[:5], "weekends": days[5:]}.get(key, (key,))
        ranges = value if isinstance(value, list) else [value]
        for day in targets:
            out[day] = sorted(r.split("-") for r in ranges)
    return {day: out[day] for day in days if day in out}


def _client(
    spec: _Spec, owners: list[str], index: int, rng: random.Random
) -> tuple[ClientConfig, DemoClient]:
    industry = INDUSTRIES[spec.industry]
    region = REGIONS[spec.region]
    platforms = [*spec.social, *industry.review_platforms]
    accounts: list[AccountConfig] = []
    account_for: dict[str, str] = {}
    for k, platform in enumerate(platforms):
        handle = _account_handle(platform, spec)
        account_for[platform] = handle
        if platform in spec.unowned:
            accounts.append(
                AccountConfig(platform, handle, _account_url(platform, spec), None, None)
            )
            continue
        # Spread the brands over the team; the backup is always someone else.
        owner = owners[(index * 3 + k) % len(owners)]
        backup = owners[(index * 3 + k + 1 + rng.randrange(len(owners) - 1)) % len(owners)]
        if backup == owner:
            backup = owners[(owners.index(owner) + 1) % len(owners)]
        accounts.append(
            AccountConfig(platform, handle, _account_url(platform, spec), owner, backup)
        )
    sources, source_for = _sources(spec, platforms, rng)
    negative, positive = (-0.05, 0.05) if index % 3 else (-0.1, 0.1)
    targets = Targets(
        first_response=spec.first_response or 120,
        next_response=min(240, (spec.first_response or 120) * 2),
        resolution=2880 if industry.hours is None else 4320,
        by_severity={"critical": {"first_response": 30, "next_response": 60, "resolution": 480}},
    )
    policy = {"currency": region.currency, "max_offer": industry.offer.high}
    if industry.key in ("airline", "food_delivery", "fashion", "courier"):
        policy["order_number_pattern"] = r"\b[A-Z]{2}\d{6,8}\b"
    config = ClientConfig(
        slug=spec.slug,
        name=spec.name,
        industry=industry.key,
        keywords=(spec.name, f"@{spec.handle}", f"#{spec.handle}"),
        exclusions=(),
        critical_terms=industry.critical_terms,
        timezone=region.timezone,
        business_hours=_hours(industry),
        holidays={"country": region.country},
        targets=targets,
        negative_threshold=negative,
        positive_threshold=positive,
        default_owner=next((a.owner for a in accounts if a.owner), None),
        reply_policy=policy,
        canned_replies={
            "apology": (
                "Hi {author}, we're sorry to hear this. Could you DM us the details so "
                "{brand} can put it right?"
            ),
            "thanks": "Thank you {author}! We'll pass this on to the team at {brand}.",
        },
        report_schedule={
            "every": "weekly",
            "weekday": "mon",
            "day": 1,
            "time": "08:00",
            "format": "html",
            "folder": f"~/douse-reports/{spec.slug}",
        },
        accounts=tuple(accounts),
        sources=tuple(sources),
    )
    demo = DemoClient(
        slug=spec.slug,
        name=spec.name,
        industry=industry,
        region=region,
        handle=spec.handle,
        source_for=source_for,
        account_for=account_for,
        negative_threshold=negative,
        positive_threshold=positive,
    )
    return config, demo


def _account_handle(platform: str, spec: _Spec) -> str:
    if platform in ("google", "tripadvisor", "trustpilot", "yelp"):
        return f"{spec.name} ({platform} reviews)"
    if platform == "linkedin":
        return spec.slug
    if platform == "facebook":
        return spec.name.replace(" ", "").replace("&", "and")
    return f"@{spec.handle}"


def _account_url(platform: str, spec: _Spec) -> str | None:
    return {
        "x": f"https://x.com/{spec.handle}",
        "facebook": f"https://facebook.com/{spec.name.replace(' ', '').replace('&', 'and')}",
        "instagram": f"https://instagram.com/{spec.handle}",
        "tiktok": f"https://www.tiktok.com/@{spec.handle}",
        "youtube": f"https://www.youtube.com/@{spec.handle}",
        "linkedin": f"https://www.linkedin.com/company/{spec.slug}",
        "trustpilot": f"https://www.trustpilot.com/review/{spec.slug}.example",
    }.get(platform)


def _sources(
    spec: _Spec, platforms: list[str], rng: random.Random
) -> tuple[list[SourceConfig], dict[str, str]]:
    feed = f"{rng.randrange(10**19, 10**20)}/{rng.randrange(10**18, 10**19)}"
    quoted = f'"{spec.name}"'
    sources = [
        SourceConfig("google-alerts", "rss", f"https://www.google.com/alerts/feeds/{feed}", 900),
        SourceConfig("reddit-search", "reddit", quoted, 1800),
    ]
    source_for = {"web": "google-alerts", "reddit": "reddit-search"}
    if "bluesky" in spec.extra_sources:
        sources.append(
            SourceConfig("bluesky-search", "bluesky", quoted, 600, "DOUSE_BLUESKY_TOKEN")
        )
        source_for["bluesky"] = "bluesky-search"
    if "mastodon" in spec.extra_sources:
        tag = spec.handle.replace("_", "")
        url = f"https://mastodon.social/api/v1/timelines/tag/{tag}"
        sources.append(SourceConfig("mastodon-tag", "mastodon", url, 1200))
        source_for["mastodon"] = "mastodon-tag"
    if "hackernews" in spec.extra_sources:
        sources.append(SourceConfig("hn-search", "hackernews", spec.name, 900))
        source_for["hackernews"] = "hn-search"
    for platform in platforms:
        # Social inboxes and review sites arrive as exports from the brand's own tools.
        name = f"{platform}-export"
        sources.append(
            SourceConfig(
                name,
                "import",
                f"~/exports/{spec.slug}/{platform}.csv",
                86400,
                params={
                    "platform": platform,
                    "map": "text=body,author=user,published=date,url=link,id=id",
                },
            )
        )
        source_for[platform] = name
    return sources, source_for
