"""What keeping an undo point costs each change (core.incidents.snapshots.remember).

    .venv/bin/python -m bench.undo_bench [--incidents 300] [--rounds 3]

Opens N incidents on a fresh SQLite database, then makes three one-key changes to each
(acknowledge, assign, start) in one transaction, as the demo's replay does, with and without
undo points, alternating, and prints the CPU time per change of each (median of the rounds).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import douse.core.incidents.workflow as workflow
from douse.core.clock import FrozenClock
from douse.core.db.models import Author, Client, Mention, Staff
from douse.core.incidents import assign, change_status, triage_new_mentions
from douse.core.services import build_services
from douse.core.settings import Settings

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def one_round(folder: Path, incidents: int, keep_points: bool) -> float:
    """CPU milliseconds per change."""
    db = folder / f"undo-{keep_points}-{time.monotonic_ns()}.db"
    services = build_services(
        Settings(database_url=f"sqlite:///{db}", config_path=folder / "x.toml", log_dir=folder),
        clock=FrozenClock(NOW),
    )
    real = workflow.remember
    if not keep_points:
        workflow.remember = lambda *args, **kw: None  # type: ignore[assignment]
    try:
        with services.sessions.begin() as s:
            s.add_all([Staff(handle="ana", name="Ana"), Staff(handle="ben", name="Ben")])
            client = Client(
                slug="acme", name="Acme", keywords=["Acme"], created_at=NOW, updated_at=NOW
            )
            s.add(client)
            s.flush()
            ids = []
            for i in range(incidents):
                who = Author(platform="mastodon", handle=f"p{i}")
                s.add(who)
                s.flush()
                m = Mention(
                    client_id=client.id,
                    author_id=who.id,
                    platform="mastodon",
                    dedupe_key=f"m{i}",
                    text=f"Acme xq{i}alpha yq{i}beta",  # nothing shared: one incident each
                    published_at=NOW,
                    fetched_at=NOW,
                    sentiment_label="negative",
                    sentiment_compound=-0.6,
                )
                s.add(m)
                s.flush()
                ids.append(m.id)
            opened = triage_new_mentions(s, ids, NOW).opened
        started = time.process_time()
        with services.sessions.begin() as s:
            for incident_id in opened:
                change_status(s, incident_id, "acknowledged", by="ana", now=NOW)
                assign(s, incident_id, "ben", by="ana", now=NOW)
                change_status(s, incident_id, "in_progress", by="ben", now=NOW)
        return (time.process_time() - started) * 1000 / (3 * len(opened))
    finally:
        workflow.remember = real
        services.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with_points: list[float] = []
    without: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.rounds):
            without.append(one_round(Path(tmp), args.incidents, keep_points=False))
            with_points.append(one_round(Path(tmp), args.incidents, keep_points=True))
    a, b = statistics.median(without), statistics.median(with_points)
    print(f"{3 * args.incidents} changes per round, {args.rounds} rounds, CPU time per change:")
    print(f"  without undo points  {a:.2f} ms")
    print(f"  with undo points     {b:.2f} ms  (+{b - a:.2f} ms)")


if __name__ == "__main__":
    main()
