"""Ingestion benchmark: 100,000 mentions from local files end to end, and 1,000 feeds polled.

    .venv/bin/python bench/ingest_bench.py [--mentions 100000] [--feeds 1000] [--db URL]

Part 1 writes JSONL exports, then imports them the way `douse import` does (parse, keyword match,
dedupe, score, store in batches, one transaction per file) into a fresh SQLite database and
prints mentions/s beside raw VADER (nltk's polarity_scores) measured on the same texts in the
same run. Part 2 serves 1,000 RSS feeds from a local HTTP server and times one `douse poll`
pass over them, then a second pass (conditional GET: nothing new).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from douse.core.clock import FrozenClock
from douse.core.db.models import Client, Source
from douse.core.ingest.importer import import_file
from douse.core.jobs.poll import Poller
from douse.core.services import Services, build_services
from douse.core.settings import Settings

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
OPENERS = [
    "Acme Rentals",
    "acme",
    "Honestly, Acme Rentals",
    "My landlord Acme",
    "The team at Acme Rentals",
]
BODIES = [
    "kept my deposit and nobody answers the phone, awful",
    "fixed the boiler within a day, great service and friendly staff",
    "raised the rent again without any notice",
    "is fine I guess, the flat is ok",
    "ignored the mould in our bathroom for three months",
    "sent a lovely welcome pack, thank you",
    "still has not repaired the broken lift in block C",
    "answered my email quickly and politely",
]
OFF_TOPIC = ["The weather is mild this week", "Pineapple pizza debate continues"]


def make_texts(n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    texts = []
    for i in range(n):
        if i % 10 == 9:
            texts.append(f"{rng.choice(OFF_TOPIC)} #{i}")
        else:
            texts.append(f"{rng.choice(OPENERS)} {rng.choice(BODIES)} (ref {i})")
    return texts


def write_files(folder: Path, texts: list[str], per_file: int) -> list[Path]:
    paths = []
    for start in range(0, len(texts), per_file):
        path = folder / f"export-{start // per_file:03d}.jsonl"
        with path.open("w", encoding="utf-8") as out:
            for i in range(start, min(start + per_file, len(texts))):
                record = {
                    "id": f"r{i}",
                    "text": texts[i],
                    "author": f"user{i % 5000}",
                    "published": (NOW - timedelta(minutes=i)).isoformat(),
                    "url": f"https://reviews.example/r/{i}",
                }
                out.write(json.dumps(record) + "\n")
        paths.append(path)
    return paths


def services_for(url: str, folder: Path) -> Services:
    settings = Settings(database_url=url, config_path=folder / "clients.toml", log_dir=folder)
    return build_services(settings, clock=FrozenClock(NOW))


def bench_vader(services: Services, texts: list[str]) -> float:
    analyzer = services.analyzer()
    started = time.perf_counter()
    for text in texts:
        analyzer.raw_vader_compound(text)
    return len(texts) / (time.perf_counter() - started)


def bench_import(services: Services, paths: list[Path], total: int) -> tuple[float, int, int]:
    with services.sessions.begin() as session:
        session.add(
            Client(slug="acme", name="Acme", keywords=["Acme"], created_at=NOW, updated_at=NOW)
        )
    scorer = services.analyzer()
    new = dropped = 0
    started = time.perf_counter()
    for path in paths:
        with services.sessions.begin() as session:
            result = import_file(session, "acme", path, now=NOW, scorer=scorer)
        new += result.new
        dropped += result.dropped
    elapsed = time.perf_counter() - started
    return total / elapsed, new, dropped


def feed(n: int, items: int) -> bytes:
    entries = "".join(
        f"<item><guid>f{n}-{k}</guid><link>https://news.example/{n}/{k}</link>"
        f"<title>Acme Rentals story {n}-{k}</title><description>Acme Rentals tenants in "
        f"district {n} report issue {k} with repairs</description></item>"
        for k in range(items)
    )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>f</title>'
        f"<link>https://news.example/</link>{entries}</channel></rss>"
    ).encode()


def bench_poll(services: Services, feeds: int, items: int) -> tuple[float, float, int]:
    from tests.httpserver import local_http_server

    with local_http_server() as server:
        with services.sessions.begin() as session:
            client = Client(
                slug="news", name="News", keywords=["Acme"], created_at=NOW, updated_at=NOW
            )
            session.add(client)
            session.flush()
            for n in range(feeds):
                path = f"/feed/{n}.xml"
                server.route(
                    path, body=feed(n, items), content_type="application/rss+xml", etag=f'"{n}"'
                )
                session.add(
                    Source(client_id=client.id, name=f"feed-{n:04d}", kind="rss",
                           target=server.url(path))
                )  # fmt: skip
        poller = Poller(services, on_stored=None, workers=8)
        started = time.perf_counter()
        first = poller.poll_pass(client_slug="news")
        first_s = time.perf_counter() - started
        started = time.perf_counter()
        poller.poll_pass(client_slug="news")
        second_s = time.perf_counter() - started
    errors = sum(1 for o in first if o.error)
    return first_s, second_s, errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentions", type=int, default=100_000)
    parser.add_argument("--feeds", type=int, default=1_000)
    parser.add_argument("--items", type=int, default=5, help="items per feed")
    parser.add_argument("--db", help="database URL (default: a fresh SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        texts = make_texts(args.mentions)
        paths = write_files(folder, texts, per_file=10_000)
        url = args.db or f"sqlite:///{folder / 'bench.db'}"
        services = services_for(url, folder)
        try:
            services.analyzer()  # the lexicon load is not part of either rate
            vader_rate = bench_vader(services, texts)
            rate, new, dropped = bench_import(services, paths, len(texts))
            print(f"raw VADER (nltk polarity_scores): {vader_rate:,.0f} texts/s")
            print(
                f"end-to-end import of {len(texts):,} mentions: {rate:,.0f} mentions/s "
                f"({new:,} stored, {dropped:,} dropped by keywords) = "
                f"{rate / vader_rate:.0%} of raw VADER"
            )
            if args.feeds:
                first_s, second_s, errors = bench_poll(services, args.feeds, args.items)
                print(
                    f"poll of {args.feeds:,} feeds x {args.items} items: {first_s:.1f} s "
                    f"(second pass, 304s: {second_s:.1f} s), {errors} errors"
                )
        finally:
            services.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
