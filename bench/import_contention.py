"""Does a long `douse import` lock the desk and the pollers out of a SQLite database?

    .venv/bin/python bench/import_contention.py [--rows 200000] [--every 0.25]

Writes a CSV of synthetic posts about the example agency's airline (nothing from the shared
datasets), starts `douse import` on it in a child process, and meanwhile, every `--every`
seconds, makes the two writes that must keep working: a desk write (`add_manual_mention`, what
`douse mention add` does) and a poller's write (a source's health after a poll, as
`record_success` leaves it), each in its own transaction with douse's normal busy timeout.
Prints how long each write waited: the target (issue 15) is that none waits longer than 2 s.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select

from douse.core.config import load_config, sync_config
from douse.core.db.models import Source
from douse.core.ingest.manual import add_manual_mention
from douse.core.jobs.health import record_success
from douse.core.services import build_services
from douse.core.settings import Settings

REPO = Path(__file__).resolve().parent.parent
OPENERS = ["Northwind Air", "northwind air", "Flew Northwind Air", "@NorthwindAir"]
BODIES = [
    "lost my bag again and nobody answers the phone",
    "crew were lovely and the flight smooth",
    "delayed three hours with no explanation",
    "refund still missing after six weeks",
    "app crashed during check-in",
    "on time and the seat was fine",
]


def write_csv(path: Path, rows: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        out.write("id,text,author,published\n")
        for i in range(rows):
            day, minute = 1 + i % 28, i % 1440
            out.write(
                f"r{i},{rng.choice(OPENERS)} {rng.choice(BODIES)} (ref {i}),user{i % 5000},"
                f"2026-10-{day:02d}T{minute // 60:02d}:{minute % 60:02d}:00Z\n"
            )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--every", type=float, default=0.25, help="seconds between probe writes")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="douse-contention-") as tmp:
        folder = Path(tmp)
        db = folder / "agency.db"
        settings = Settings(f"sqlite:///{db}", folder / "clients.toml", folder / "logs")
        services = build_services(settings)
        with services.sessions.begin() as session:
            sync_config(session, load_config(REPO / "clients.example.toml"), services.clock.now())
        csv = folder / "posts.csv"
        services.analyzer().score("warm up: the lexicon loads once")  # not a wait on the lock
        started = time.perf_counter()
        write_csv(csv, args.rows)
        print(f"wrote {args.rows:,} rows in {time.perf_counter() - started:.1f}s", flush=True)
        env = {**os.environ, "DOUSE_LOG_DIR": str(folder / "logs"), "PYTHONPATH": str(REPO)}
        command = [sys.executable, "-m", "douse.tui", "--db", str(db), "import", str(csv)]
        command += ["--client", "northwind-air"]
        started = time.perf_counter()
        child = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE, text=True)
        desk: list[float] = []
        poller: list[float] = []
        failures: list[str] = []
        n = 0
        while child.poll() is None:
            n += 1
            now = services.clock.now()
            t = time.perf_counter()
            try:
                with services.sessions.begin() as session:
                    add_manual_mention(
                        session,
                        "northwind-air",
                        f"Northwind Air probe {n}: caller says the bag never arrived",
                        now=now,
                        scorer=services.analyzer(),
                    )
            except Exception as exc:  # the point is to count them, whatever they are
                failures.append(f"desk: {type(exc).__name__}: {exc}")
            desk.append(time.perf_counter() - t)
            t = time.perf_counter()
            try:
                with services.sessions.begin() as session:
                    source = session.scalars(select(Source).limit(1)).one()
                    record_success(source, now, 0)
            except Exception as exc:
                failures.append(f"poller: {type(exc).__name__}: {exc}")
            poller.append(time.perf_counter() - t)
            time.sleep(args.every)
        out = child.stdout.read() if child.stdout else ""
        seconds = time.perf_counter() - started
        services.close()
    print(out.strip())
    print(f"import of {args.rows:,} rows: {seconds:.1f}s ({args.rows / seconds:,.0f} rows/s)")
    for name, waits in (("desk write", desk), ("poller write", poller)):
        if not waits:
            continue
        ordered = sorted(waits)
        p95 = ordered[int(0.95 * (len(ordered) - 1))]
        slow = sum(1 for w in waits if w > 2.0)
        print(
            f"{name}: {len(waits)} writes during the import, "
            f"median {statistics.median(waits):.3f}s, p95 {p95:.3f}s, max {max(waits):.3f}s, "
            f"{slow} over 2 s"
        )
    for line in failures[:5]:
        print(f"failed: {line}")
    print(f"{len(failures)} write(s) failed")
    return 1 if failures or any(w > 2.0 for w in desk + poller) else 0


if __name__ == "__main__":
    raise SystemExit(main())
