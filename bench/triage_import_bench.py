"""Import with triage, end to end, as the history grows: is judging a post as cheap at a million
stored mentions as at ten thousand?

    .venv/bin/python -m bench.triage_import_bench [--sizes 10000,100000,1000000] [--probe 10000]

One client (an airline, so categories, identifiers and problems all come into play) receives
synthetic but realistic traffic: complaints of every category, people who write again, flight
numbers shared by strangers, praise and chatter, about 1,000 posts an hour. The history is
grown with `douse import`'s own path (stored in batches, judged oldest first), and at each size
a fresh probe file of `--probe` posts is imported and timed. Printed per size: the probe's rate
(mentions/s) beside raw VADER (nltk polarity_scores) on the same texts in the same run, the
ratio, and the cost per mention relative to the first size (flat means judging does not compare
with the history). Times are the process's CPU time, so other work on a shared machine does not
count against douse; the last column is the wall-time rate a person waiting for the import sees
(with the pauses an import on SQLite makes for other writers). Figures go to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from douse.core.clock import FrozenClock
from douse.core.config.load import parse_config
from douse.core.config.sync import sync_config
from douse.core.ingest.importer import import_file_batched, judge_waiting
from douse.core.services import Services, build_services
from douse.core.settings import Settings

START = datetime(2026, 1, 1, tzinfo=UTC)
PER_HOUR = 1000
AGENCY = """
[agency]
name = "Bench"
timezone = "UTC"
[[staff]]
handle = "ana"
name = "Ana"
[[clients]]
slug = "skyway"
name = "Skyway Air"
industry = "airline"
keywords = ["Skyway", "@skywayair"]
default_owner = "ana"
"""
COMPLAINTS = [
    "@skywayair flight {flight} delayed {n} hours and no updates at the gate",
    "@skywayair you cancelled my flight to {city} and the rebooking line is useless",
    "@skywayair lost my bag on the way back from {city}, nobody knows where it is",
    "@skywayair been on hold for {n} hours trying to change my booking",
    "@skywayair the crew on {flight} were rude to my elderly mother",
    "@skywayair charged me twice for the same seat, refund please",
    "@skywayair wifi broken again and the seats are filthy",
    "@skywayair still waiting on my refund after {n} weeks",
    "@skywayair why is flight {flight} sitting on the tarmac for {n} hours",
    "@skywayair the app crashed at check in and now the queue is huge",
    "Skyway is the worst airline, never again",
    "@skywayair my flight got cancelled and now I'm stranded in {city} overnight",
]
OTHER = [
    "@skywayair thanks for the smooth flight to {city}, lovely crew",
    "@skywayair what time does check in open at {city}?",
    "Flying Skyway to {city} tomorrow, anyone been?",
    "@skywayair great service on {flight}, landed early",
]
CITIES = ["Denver", "Leeds", "Lisbon", "Austin", "Oslo", "Dublin", "Porto", "Boston"]
# Every post reads differently, as real ones do (identical texts would be stored as copies
# and never scored or judged, which would flatter the rate).
OPENERS = ["", "Honestly", "Wow", "So", "Again", "Seriously", "Hi", "Ugh", "Well", "Right"]
CLOSERS = [
    "", "please sort it", "thanks", "not happy", "what now", "anyone else?", "#travel", "really",
    "today of all days", "with two kids", "on my birthday", "for work",
]  # fmt: skip
NAMES = ["Sam", "Alex", "Jo", "Kim", "Lee", "Pat", "Robin", "Chris", "Dana", "Max", "Ali"]
FIELDS = ["id", "author", "text", "published"]


def rows(start: int, count: int, seed: int) -> list[dict[str, str]]:
    rng = random.Random(seed)
    out = []
    for i in range(start, start + count):
        at = START + timedelta(seconds=i * 3600 / PER_HOUR)
        flights = [f"SK{100 + (i // 200 + k) % 900}" for k in range(5)]
        template = rng.choice(COMPLAINTS) if rng.random() < 0.7 else rng.choice(OTHER)
        text = " ".join(
            part
            for part in (
                rng.choice(OPENERS),
                template.format(
                    flight=rng.choice(flights), n=rng.randint(2, 9), city=rng.choice(CITIES)
                ),
                rng.choice(CLOSERS),
                f"- {rng.choice(NAMES)} {rng.choice(NAMES)[0]}. {rng.randint(1, 9999)}",
            )
            if part
        )
        # About a third of the posts come from people who wrote in the last hours.
        author = f"p{rng.randint(max(0, i - 3000), i)}" if rng.random() < 0.33 else f"p{i}"
        out.append({"id": str(i), "author": author, "text": text, "published": at.isoformat()})
    return out


def write(path: Path, data: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS)
        writer.writeheader()
        writer.writerows(data)


def vader_rate(services: Services, texts: list[str]) -> float:
    analyzer = services.analyzer()
    started = time.process_time()
    for text in texts:
        analyzer.raw_vader_compound(text)
    return len(texts) / (time.process_time() - started)


def import_rate(
    services: Services, path: Path, count: int, now: datetime
) -> tuple[float, int, float, float]:
    """Mentions a CPU second of `douse import` (store, then judge), the incidents it opened, the
    share of the time spent judging, and mentions a second of wall time (what a person waiting
    for the import sees: it includes the pauses an import on SQLite makes for other writers)."""
    wall = time.perf_counter()
    started = time.process_time()
    report = import_file_batched(
        services.sessions, "skyway", path, now=now, scorer=services.analyzer(), judge=False
    )
    stored = time.process_time()
    judge_waiting(services.sessions, report_client_id(services), now, report)
    ended = time.process_time()
    wall = time.perf_counter() - wall
    return (
        count / (ended - started),
        report.opened,
        (ended - stored) / (ended - started),
        count / wall,
    )


def report_client_id(services: Services) -> int:
    from sqlalchemy import select

    from douse.core.db.models import Client

    with services.sessions() as session:
        return int(session.scalar(select(Client.id).where(Client.slug == "skyway")))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--probe", type=int, default=10_000)
    parser.add_argument("--db", help="a SQLAlchemy URL (default: SQLite in a temporary folder)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="douse-triage-bench-") as tmp:
        folder = Path(tmp)
        url = args.db or f"sqlite:///{folder / 'bench.db'}"
        settings = Settings(database_url=url, config_path=folder / "c.toml", log_dir=folder)
        services = build_services(settings, clock=FrozenClock(START))
        with services.sessions.begin() as session:
            sync_config(session, parse_config(AGENCY), START)
        services.analyzer()  # loaded before any timing
        stored = 0
        first_cost = None
        print(f"{'history':>10} {'probe':>7} {'import+triage/s':>16} {'raw VADER/s':>12} "
              f"{'ratio':>6} {'cost vs first':>14} {'judging':>8} {'opened':>7} "
              f"{'wall/s':>7}")  # fmt: skip
        for size in sizes:
            grow = size - stored - args.probe
            if grow > 0:
                path = folder / "grow.csv"
                for chunk in range(stored, stored + grow, 200_000):
                    part = min(200_000, stored + grow - chunk)
                    write(path, rows(chunk, part, seed=chunk))
                    now = START + timedelta(seconds=(chunk + part) * 3600 / PER_HOUR)
                    import_rate(services, path, part, now)
                stored += grow
            probe = rows(stored, args.probe, seed=stored)
            path = folder / "probe.csv"
            write(path, probe)
            now = START + timedelta(seconds=(stored + args.probe) * 3600 / PER_HOUR)
            vader = vader_rate(services, [r["text"] for r in probe])
            rate, opened, judging, wall = import_rate(services, path, args.probe, now)
            stored += args.probe
            cost = 1 / rate
            first_cost = first_cost or cost
            print(
                f"{stored:>10,} {args.probe:>7,} {rate:>16,.0f} {vader:>12,.0f} "
                f"{rate / vader:>6.2f} {cost / first_cost:>13.2f}x {judging:>8.0%} {opened:>7,} "
                f"{wall:>7,.0f}"
            )
            sys.stdout.flush()
        services.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
