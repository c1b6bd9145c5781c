"""Drive the desk headless with Pilot on a large agency and print how fast it answers.

    .venv/bin/python -m bench.desk_bench [--clients 200] [--mentions 1000000] [--db PATH]

Builds (once, then reuses) a SQLite database with bulk inserts, then measures: time from start
to a populated dashboard, and the time each navigation key takes until the screen has its data;
beside each, the CPU the process spent (every thread: the UI and the workers), which a busy
machine does not inflate the way it does wall time.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select

from douse.core.clock import FrozenClock
from douse.core.db.models import (
    Account,
    Author,
    Client,
    Incident,
    IncidentMention,
    Mention,
    Source,
    Staff,
)
from douse.core.services import Services, build_services
from douse.core.settings import Settings

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
    per_client = 15
    # The first mentions of each client (ids are 1.. in insertion order in a fresh database):
    # its incidents link to these, so every link names a mention that exists, of that client.
    firsts: dict[int, list[int]] = {c: [] for c in range(1, clients + 1)}
    while done < mentions:
        rows = []
        for i in range(done, min(done + batch, mentions)):
            at = NOW - timedelta(seconds=rnd.randint(0, 90 * 86400))
            client_id = rnd.randint(1, clients)
            if len(firsts[client_id]) < per_client:
                firsts[client_id].append(i + 1)
            rows.append(
                {
                    "client_id": client_id,
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
        for i in range(clients * per_client):
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
        links = [
            {"incident_id": i + 1, "mention_id": ids[i // clients], "added_at": NOW}
            for i in range(len(incidents))
            if len(ids := firsts[i % clients + 1]) > i // clients
        ]
        if links:
            s.execute(insert(IncidentMention), links)
    with services.engine.connect() as c:
        c.exec_driver_sql("ANALYZE")


PROBLEM_TITLE = "Bench problem"


def problem(services: Services, size: int) -> int | None:
    """An incident holding `size` of the first client's mentions, spread over its 90 days, for
    paging an incident's mentions to the oldest (added to a database built before it existed);
    its id, or None when the client has too few mentions."""
    title = f"{PROBLEM_TITLE} ({size} mentions)"
    with services.sessions.begin() as s:
        found = s.scalar(select(Incident.id).where(Incident.title == title))
        if found is not None:
            return int(found)
        ids = list(s.scalars(select(Mention.id).where(Mention.client_id == 1).order_by(Mention.id)))
        if len(ids) < size:
            return None
        step = len(ids) // size
        incident_id = s.scalar(
            insert(Incident)
            .values(
                client_id=1,
                title=title,
                kind="pattern",
                severity="high",
                # Resolved: the dashboard and the queues the script times stay as they were.
                status="resolved",
                opened_at=NOW - timedelta(days=90),
                resolved_at=NOW,
                updated_at=NOW,
                mention_count=size,
                distinct_authors=size,
            )
            .returning(Incident.id)
        )
        s.execute(
            insert(IncidentMention),
            [
                {"incident_id": incident_id, "mention_id": m, "added_at": NOW}
                for m in ids[::step][:size]
            ],
        )
        return int(incident_id) if incident_id is not None else None


class PaintClock:
    """Records when the app last put a frame on the (headless) terminal.

    Pilot's press() waits for the process to look idle (two 20 ms sleeps at least), which
    would hide the desk's own speed; here a key is sent straight to the driver and timed twice:
    to the first frame painted after it (the key's answer: cursor moved, screen or tab shown)
    and to the last frame once the screen and its workers have settled (its data on screen).
    """

    def __init__(self, app: Any) -> None:
        self.last = 0.0
        self.first = 0.0
        """The first frame painted since `arm()`: the key's visible answer."""
        original = app._display

        def display(screen: Any, renderable: Any) -> None:
            original(screen, renderable)
            if renderable is not None:
                self.last = time.perf_counter()
                if not self.first:
                    self.first = self.last

        app._display = display

    def arm(self) -> None:
        self.first = 0.0


async def settle(pilot: Any) -> None:
    app = pilot.app
    for _ in range(200):
        await pilot._wait_for_screen()
        if any(w.is_running or w.state.name == "PENDING" for w in app.workers):
            await app.workers.wait_for_complete()
            continue
        # One frame interval for a refresh the last message scheduled.
        await asyncio.sleep(1 / 30)
        await pilot._wait_for_screen()
        if not any(w.is_running for w in app.workers):
            return


async def measure(services: Services, problem_id: int | None) -> None:
    from textual import events

    from douse.tui.app import DouseApp
    from douse.tui.screens.dashboard import DashboardScreen

    app = DouseApp(services, me="staff1", watch_every=0)
    started = time.perf_counter()
    started_cpu = time.process_time()
    async with app.run_test(size=(120, 40)) as pilot:
        paint = PaintClock(app)
        while not (isinstance(app.screen, DashboardScreen) and app.screen.loaded):
            await asyncio.sleep(0.002)
        await settle(pilot)
        cpu = (time.process_time() - started_cpu) * 1000
        print(
            f"dashboard painted with data after start: {(paint.last - started) * 1000:.0f} ms"
            f" (CPU {cpu:.0f} ms)"
        )

        async def timed(label: str, key: str) -> tuple[float, float, float]:
            """(answer, data, cpu): the first frame after the key, the last once settled, and
            the process's CPU until then."""
            await asyncio.sleep(0.05)  # quiet before the key, like a person between keys
            char = key if len(key) == 1 else None
            paint.arm()
            sent_cpu = time.process_time()
            sent = time.perf_counter()
            app._driver.send_message(events.Key(key, char))  # type: ignore[union-attr]
            await settle(pilot)
            data = (max(paint.last, sent) - sent) * 1000
            cpu = (time.process_time() - sent_cpu) * 1000
            answer = (paint.first - sent) * 1000 if paint.first else data
            print(
                f"  {label:<34} {answer:7.1f} ms answered, {data:7.1f} ms with its data, "
                f"CPU {cpu:6.1f} ms"
            )
            return answer, data, cpu

        async def floor() -> float:
            t = time.perf_counter()
            await pilot.press("f12")  # bound to nothing: the harness's own cost
            return (time.perf_counter() - t) * 1000

        script = [
            ("dashboard: down", "down"),
            ("dashboard: Enter → client view", "enter"),
            ("incidents: down", "down"),
            ("tab 2 → mentions", "2"),
            ("mentions: down", "down"),
            ("mentions: f (negative)", "f"),
            ("tab 5 → authors", "5"),
            ("tab 1 → incidents", "1"),
            ("Enter → incident view", "enter"),
            ("Esc → back", "escape"),
            ("o → overdue queue", "o"),
            ("h → dashboard", "h"),
        ]
        rounds = 3
        times: dict[str, list[tuple[float, float, float]]] = {label: [] for label, _key in script}
        for n in range(rounds):
            # Each round opens the next client down the dashboard: round 1 builds every
            # screen for the first time, later rounds reuse the kept client view.
            for label, key in script:
                times[label].append(await timed(f"round {n + 1} {label}", key))
            assert isinstance(app.screen, DashboardScreen)
        print(
            "\nper key, answered / with its data (ms) [CPU]: first time, then median of later "
            "rounds"
        )
        for label, ms in times.items():
            answers = [a for a, _d, _c in ms[1:]]
            data = [d for _a, d, _c in ms[1:]]
            cpus = [c for _a, _d, c in ms[1:]]
            print(
                f"  {label:<34} {ms[0][0]:6.1f} / {ms[0][1]:6.1f} [{ms[0][2]:5.1f}]   "
                f"{statistics.median(answers):6.1f} / {statistics.median(data):6.1f} "
                f"[{statistics.median(cpus):5.1f}]"
            )
        for n, what in enumerate(("answered", "with its data")):
            every = [pair[n] for ms in times.values() for pair in ms]
            first = [ms[0][n] for ms in times.values()]
            print(
                f"{what}: all {len(every)} keys median {statistics.median(every):.1f} ms, "
                f"max {max(every):.1f} ms, {sum(x <= 100 for x in every)}/{len(every)} within "
                f"100 ms (first round {sum(x <= 100 for x in first)}/{len(first)})"
            )
        if problem_id is not None:
            await browse_problem(app, pilot, paint, problem_id, timed)
        floors = [await floor() for _ in range(5)]
        print(
            f"for comparison, Pilot press() of an unbound key: {statistics.median(floors):.0f} ms"
        )


async def browse_problem(
    app: Any, pilot: Any, paint: PaintClock, problem_id: int, timed: Any
) -> None:
    """Open the large incident and press End until its oldest mention is on screen: each End
    onto the last listed row loads the next page."""
    from douse.tui.screens.incident import IncidentScreen

    paint.arm()
    sent_cpu = time.process_time()
    sent = time.perf_counter()
    app.open_incident(problem_id)
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, IncidentScreen)
    print(
        f"\nincident #{problem_id} of {screen.mention_total} mentions opened: "
        f"{(paint.last - sent) * 1000:.0f} ms with its data, "
        f"CPU {(time.process_time() - sent_cpu) * 1000:.0f} ms; {len(screen.rows)} listed"
    )
    pages = []
    while not screen.exhausted and len(pages) < 1000:
        pages.append(await timed(f"End → {len(screen.rows)} listed, loads more", "end"))
    await timed(f"End → the oldest of {len(screen.rows)}", "end")
    oldest = screen.selected
    assert oldest is not None and oldest.mention.id == int(screen.table.selected_key or 0)
    if pages:
        data = [d for _a, d, _c in pages]
        cpus = [c for _a, _d, c in pages]
        print(
            f"End with the next page: {len(pages)} pages, median {statistics.median(data):.1f} ms "
            f"(max {max(data):.1f}), CPU median {statistics.median(cpus):.1f} ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--mentions", type=int, default=1_000_000)
    parser.add_argument("--db", default="/tmp/douse-bench/bench.db")
    parser.add_argument(
        "--problem", type=int, default=300, help="mentions of the large incident paged to its end"
    )
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
    problem_id = problem(services, args.problem) if args.problem > 0 else None
    asyncio.run(measure(services, problem_id))
    services.close()


if __name__ == "__main__":
    main()
