"""Build the demo agency into an empty database: config, mentions, then a replay of the month
through the incident engine. Deterministic: the same seed and clock give the same rows."""

from __future__ import annotations

import random
import time
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from douse.core import audit
from douse.core.brand import client_brand_terms
from douse.core.config import sync_config
from douse.core.db.models import Account, Client, Mention, Source
from douse.core.demo import events
from douse.core.demo.agency import PLATFORM_WEIGHT, DemoAgency, DemoClient, build_agency
from douse.core.demo.mentions import ClientPlanner, Planned, address
from douse.core.demo.people import Crowd
from douse.core.demo.replay import Replay, ReplayStats
from douse.core.demo.writer import ClientIds, MentionWriter, Scorer
from douse.core.errors import DouseError
from douse.core.jobs.demo_marker import DEMO_SUBJECT
from douse.core.sentiment import Analyzer

WINDOW = timedelta(days=30)
# Above this many mentions only the last few days go through the engine hour by hour: the
# benchmark needs the rows, and a month of replay at that size would take far longer than it.
FULL_REPLAY_LIMIT = 60_000
SCALE_REPLAY = timedelta(days=3)
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class DemoOptions:
    seed: int = 7
    clients: int = 14
    mentions: int = 6000
    chunk: int = 5000

    def check(self) -> None:
        if self.clients < 1 or self.clients > 5000:
            raise DouseError(f"--clients must be between 1 and 5000, not {self.clients}")
        if self.mentions < 100 or self.mentions > 20_000_000:
            raise DouseError(f"--mentions must be between 100 and 20000000, not {self.mentions}")


@dataclass(frozen=True)
class BuildReport:
    seconds: dict[str, float]
    mentions_written: int
    texts_scored: int
    replay: ReplayStats
    replay_from: datetime


def _ids(session: Session) -> dict[str, ClientIds]:
    out: dict[str, ClientIds] = {}
    for client in session.scalars(select(Client).order_by(Client.id)):
        sources = session.scalars(select(Source).where(Source.client_id == client.id)).all()
        accounts = session.scalars(select(Account).where(Account.client_id == client.id)).all()
        out[client.slug] = ClientIds(
            client.id,
            {s.name: s.id for s in sources},
            {s.name: s.kind for s in sources},
            {a.platform: a.id for a in accounts},
            client_brand_terms(session, client),
        )
    return out


def _crowd(rng: random.Random, agency: DemoAgency, mentions: int) -> Crowd:
    weight: dict[str, float] = {}
    for client in agency.clients:
        for platform in client.source_for:
            weight[platform] = weight.get(platform, 0.0) + PLATFORM_WEIGHT.get(platform, 0.5)
    total = sum(weight.values())
    # About one author for every three mentions, capped so a huge build stays lean.
    people = min(mentions // 3, 300_000)
    return Crowd(rng, {p: max(60, int(people * w / total)) for p, w in sorted(weight.items())})


def _counts(rng: random.Random, clients: tuple[DemoClient, ...], total: int) -> list[int]:
    weights = [c.industry.volume * rng.uniform(0.7, 1.3) for c in clients]
    scale = total / sum(weights)
    return [max(20, round(w * scale)) for w in weights]


def _first(clients: tuple[DemoClient, ...], industry: str) -> DemoClient | None:
    return next((c for c in clients if c.industry.key == industry), None)


def _set_pieces(
    rng: random.Random, agency: DemoAgency, planners: dict[str, ClientPlanner], now: datetime
) -> dict[str, list[Planned]]:
    extra: dict[str, list[Planned]] = {slug: [] for slug in planners}
    pieces = (
        ("saas", lambda p: events.cluster(rng, p, now)),
        ("telecom", lambda p: events.spike(rng, p, now, 70)),
        ("food_delivery", lambda p: events.viral(rng, p, now)),
        ("hotel", lambda p: events.vip(rng, p, now)),
    )
    for industry, make in pieces:
        client = _first(agency.clients, industry)
        if client is not None:
            extra[client.slug].extend(make(planners[client.slug]))
    # Round the clock brands only: their clocks run whatever the hour the demo is built at.
    targets = {c.slug: c.targets.first_response for c in agency.config.clients}
    for client in [c for c in agency.clients if c.industry.hours is None][:2]:
        extra[client.slug].extend(
            events.about_to_breach(rng, planners[client.slug], now, targets[client.slug])
        )
    trolled = [c for c in (_first(agency.clients, "telecom"), _first(agency.clients, "bank")) if c]
    for client in trolled:
        extra[client.slug].extend(events.troll(rng, [planners[client.slug]], now))
    return extra


def build_demo(
    sessions: sessionmaker[Session],
    now: datetime,
    options: DemoOptions,
    *,
    analyzer: Analyzer | None = None,
    progress: Progress | None = None,
) -> BuildReport:
    options.check()
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    agency = build_agency(random.Random(f"{options.seed}:agency"), options.clients)
    with sessions.begin() as session:
        _mark_demo(session, now, options)
        sync_config(session, agency.config, now)
        ids = _ids(session)
    seconds["config"] = time.perf_counter() - started

    mark = time.perf_counter()
    start = now - WINDOW
    scorer = Scorer(analyzer or Analyzer())
    crowd = _crowd(random.Random(f"{options.seed}:crowd"), agency, options.mentions)
    # Scale mode reuses texts: a bounded number of distinct texts to score per client.
    cap = 250 if options.mentions <= FULL_REPLAY_LIMIT else 120
    planners = {c.slug: ClientPlanner(c, crowd, start, now, cap) for c in agency.clients}
    counts = _counts(random.Random(f"{options.seed}:counts"), agency.clients, options.mentions)
    extra = _set_pieces(random.Random(f"{options.seed}:events"), agency, planners, now)
    total = sum(counts) + sum(len(v) for v in extra.values())
    writer = MentionWriter(
        sessions,
        scorer,
        now,
        chunk=options.chunk,
        progress=(lambda n: progress("mentions", n, total)) if progress else None,
    )
    for client, count in zip(agency.clients, counts, strict=True):
        rng = random.Random(f"{options.seed}:{client.slug}")
        planner = planners[client.slug]
        planned = [planner.one(rng) for _ in range(count)] + extra[client.slug]
        keys: set[str] = set()
        for p in planned:
            while p.key in keys:  # a vanishingly rare id collision: draw another
                address(rng, client, p)
            keys.add(p.key)
        planned.sort(key=lambda p: (p.published_at, p.key))
        originals = {p.repost_of for p in planned if p.repost_of}
        writer.write(rng, client, ids[client.slug], planned, originals)
    writer.finish()
    seconds["mentions"] = time.perf_counter() - mark

    mark = time.perf_counter()
    with sessions.begin() as session:
        _source_health(session, random.Random(f"{options.seed}:sources"), ids, writer, now)
    replay_from = start if options.mentions <= FULL_REPLAY_LIMIT else now - SCALE_REPLAY
    by_id = {ids[c.slug].client_id: c for c in agency.clients}
    log = writer.log
    replay = Replay(
        sessions,
        by_id,
        random.Random(f"{options.seed}:stories"),
        now,
        progress=(
            (
                lambda t: progress(
                    "incidents",
                    int((t - replay_from) / timedelta(hours=1)),
                    int((now - replay_from) / timedelta(hours=1)),
                )
            )
            if progress
            else None
        ),
    )
    if replay_from > start:
        keep = [
            i for i in range(len(log.mention_ids)) if log.fetched_ts[i] > replay_from.timestamp()
        ]
        mention_ids = array("q", (log.mention_ids[i] for i in keep))
        fetched = array("d", (log.fetched_ts[i] for i in keep))
    else:
        mention_ids, fetched = log.mention_ids, log.fetched_ts
    replay.run(mention_ids, fetched, replay_from)
    with sessions.begin() as session:
        # What came before the replay is history the demo does not judge; marked, so a later
        # import's triage does not take it for posts still waiting.
        session.execute(update(Mention).where(Mention.triaged_at.is_(None)).values(triaged_at=now))
    seconds["incidents"] = time.perf_counter() - mark
    seconds["total"] = time.perf_counter() - started
    return BuildReport(seconds, log.written, scorer.scored, replay.stats, replay_from)


def _mark_demo(session: Session, now: datetime, options: DemoOptions) -> None:
    """The database remembers it is a demo, so its made-up feeds are never polled (see
    core.jobs.demo_marker.is_demo_database); an audit entry, as no table holds such settings."""
    audit.record(
        session,
        at=now,
        staff_id=None,
        subject=DEMO_SUBJECT,
        subject_id=options.seed,
        summary=(
            f"douse demo built this database (seed {options.seed}): its clients, people and "
            "sources are made up, and its sources are never polled"
        ),
    )


def _source_health(
    session: Session,
    rng: random.Random,
    ids: dict[str, ClientIds],
    writer: MentionWriter,
    now: datetime,
) -> None:
    """What a month of polling would have left: mostly healthy, one failing, one silent."""
    log = writer.log
    rows = []
    for slug in sorted(ids):
        client_ids = ids[slug]
        for name, source_id in sorted(client_ids.source_ids.items()):
            source = session.get(Source, source_id)
            assert source is not None
            polled = now - timedelta(seconds=rng.uniform(0, source.poll_interval_s))
            count = log.source_counts.get(source_id, 0)
            row = {
                "id": source_id,
                "last_polled_at": polled,
                "last_ok_at": polled,
                "next_poll_at": polled + timedelta(seconds=source.poll_interval_s),
                "last_new_at": log.source_last.get(source_id),
                "total_new": count,
                "typical_gap_s": WINDOW.total_seconds() / count if count else None,
                "consecutive_failures": 0,
                "last_error": None,
                "last_error_at": None,
            }
            if name == "bluesky-search" and slug == "ledgerly":
                row |= {
                    "last_ok_at": now - timedelta(days=2, hours=3),
                    "last_error": (
                        "HTTP 401 Unauthorized: the token in DOUSE_BLUESKY_TOKEN has expired"
                    ),
                    "last_error_at": polled,
                    "consecutive_failures": 9,
                }
            rows.append(row)
    session.execute(update(Source), rows)
