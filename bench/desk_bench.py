"""Drive the desk headless with Pilot on a large agency and print how fast it answers.

    .venv/bin/python -m bench.desk_bench [--clients 200] [--mentions 1000000] [--db PATH]

Builds (once, then reuses) a SQLite database with bulk inserts, then measures: time from start
to a populated dashboard, and the time each navigation key takes until the screen has its data.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, insert, select

from core.clock import FrozenClock
from core.db.models import (
    Account,
    Author,
    Client,
    Incident,
    IncidentMention,
    Mention,
    Source,
    Staff,
)
from core.services import Services, build_services
from core.settings import Settings

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
LABELS = ("negative", "neutral", "neutral", "positive", "unscored")


def build(services: Services, clients: int, mentions: int, seed: int = 7) -> None:
    rnd = random.Random(seed)
    with services.sessions.begin() as s:
        if s.scalar(select(func.count()).select_from(Client)):
            return
        s.execute(insert(Staff), [{"handle": f"staff{i}", "name": f"Staff {i}"} for i in range(20)])
        s.execute(
            insert(Client),
            [
                {
                    "slug": f"brand-{i:03d}",
                    "name": f"Brand {i:03d} Ltd",
                    "created_at": NOW,
                    "updated_at": NOW,
                }
                for i in range(clients)
            ],
        )
        s.execute(
            insert(Account),
            [
                {
                    "client_id": c + 1,
                    "platform": "mastodon",
                    "handle": f"@b{c}",
                    "owner_id": None if c % 9 == 0 else c % 20 + 1,
                }
                for c in range(clients)
            ],
        )
        s.execute(
            insert(Source),
            [
                {
                    "client_id": c + 1,
                    "name": "alerts",
                    "kind": "rss",
                    "target": f"https://example.org/{c}",
                    "consecutive_failures": 1 if c % 17 == 0 else 0,
                    "last_ok_at": NOW - timedelta(minutes=5),
                }
                for c in range(clients)
            ],
        )
        s.execute(
            insert(Author),
            [
                {
                    "platform": "mastodon",
                    "handle": f"@a{i}@x.social",
                    "followers": rnd.randint(0, 50000),
                }
                for i in range(20000)
            ],
        )
    batch = 50_000
    done = 0
    while done < mentions:
        rows = []
        for i in range(done, min(done + batch, mentions)):
            at = NOW - timedelta(seconds=rnd.randint(0, 90 * 86400))
            rows.append(
                {
                    "client_id": rnd.randint(1, clients),
                    "platform": "mastodon",
                    "author_id": rnd.randint(1, 20000),
                    "dedupe_key": f"k{i}",
                    "title": "",
                    "text": f"post {i} about the brand, some words here",
                    "published_at": at,
                    "fetched_at": at,
                    "sentiment_label": rnd.choice(LABELS),
                }
            )
        with services.sessions.begin() as s:
            s.execute(insert(Mention), rows)
        done += len(rows)
        print(f"  {done:,} mentions", flush=True)
    with services.sessions.begin() as s:
        incidents = []
        for i in range(clients * 15):
            status = rnd.choice(
                ("new", "acknowledged", "in_progress", "resolved", "closed", "closed")
            )
            opened = NOW - timedelta(hours=rnd.randint(1, 400))
            incidents.append(
                {
                    "client_id": i % clients + 1,
                    "title": f"Incident {i}",
                    "severity": rnd.choice(("low", "medium", "high", "critical")),
                    "status": status,
                    "opened_at": opened,
                    "updated_at": opened,
                    "owner_id": rnd.randint(1, 20),
                    "due_at": NOW + timedelta(minutes=rnd.randint(-300, 600))
                    if status in ("new", "acknowledged", "in_progress")
                    else None,
                }
            )
        s.execute(insert(Incident), incidents)
        s.execute(
            insert(IncidentMention),
            [
                {"incident_id": i + 1, "mention_id": i * 7 + 1, "added_at": NOW}
                for i in range(len(incidents))
            ],
        )
    with services.engine.connect() as c:
        c.exec_driver_sql("ANALYZE")


async def measure(services: Services) -> None:
    from tui.app import DouseApp
    from tui.screens.client import ClientScreen
    from tui.screens.dashboard import DashboardScreen

    app = DouseApp(services, me="staff1", watch_every=0)
    started = time.perf_counter()
    async with app.run_test(size=(120, 40)) as pilot:
        while not (isinstance(app.screen, DashboardScreen) and app.screen.loaded_once):
            await pilot.pause(0.005)
        print(f"dashboard usable after start: {(time.perf_counter() - started) * 1000:.0f} ms")

        async def timed(label: str, *keys: str) -> float:
            t = time.perf_counter()
            await pilot.press(*keys)
            await app.workers.wait_for_complete()
            await pilot.pause(0)
            ms = (time.perf_counter() - t) * 1000
            print(f"  {label:<34} {ms:7.1f} ms")
            return ms

        samples = []
        print("navigation (key press until the screen has its data):")
        for _ in range(5):
            samples.append(await timed("dashboard: down", "down"))
        samples.append(await timed("dashboard: Enter → client view", "enter"))
        assert isinstance(app.screen, ClientScreen)
        for _ in range(3):
            samples.append(await timed("incidents: down", "down"))
        samples.append(await timed("tab 2 → mentions", "2"))
        for _ in range(3):
            samples.append(await timed("mentions: down", "down"))
        samples.append(await timed("mentions: f (negative)", "f"))
        samples.append(await timed("tab 5 → authors", "5"))
        samples.append(await timed("tab 1 → incidents", "1"))
        samples.append(await timed("Enter → incident view", "enter"))
        samples.append(await timed("Esc → back", "escape"))
        samples.append(await timed("o → overdue queue", "o"))
        samples.append(await timed("h → dashboard", "h"))
        print(
            f"navigation: median {statistics.median(samples):.1f} ms, "
            f"max {max(samples):.1f} ms over {len(samples)} keys"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--mentions", type=int, default=1_000_000)
    parser.add_argument("--db", default="/tmp/douse-bench/bench.db")
    args = parser.parse_args()
    path = Path(args.db)
    path.parent.mkdir(parents=True, exist_ok=True)
    settings = Settings(
        database_url=f"sqlite:///{path}",
        config_path=path.parent / "c.toml",
        log_dir=path.parent / "logs",
    )
    services = build_services(settings, clock=FrozenClock(NOW))
    t = time.perf_counter()
    build(services, args.clients, args.mentions)
    elapsed = time.perf_counter() - t
    print(f"database ready in {elapsed:.1f} s: {args.clients} clients, {args.mentions:,} mentions")
    asyncio.run(measure(services))
    services.close()


if __name__ == "__main__":
    main()
