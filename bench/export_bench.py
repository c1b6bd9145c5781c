"""Export benchmark: build an agency with N incidents for one client, then export it in every
format in a fresh process each and report wall time, CPU time, output size and peak RSS, beside
the CPU time of a raw `sqlite3 -csv` dump of the same rows (the client's incidents, their
mentions with authors, their activities).

    .venv/bin/python bench/export_bench.py [--db /tmp/export-bench.db] [--incidents 100000]

Peak memory that stays flat as N grows is the point: exports stream page by page. CPU against
the raw dump is the other: how much douse adds to reading the rows.
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, insert, select

from douse.core.clock import FrozenClock
from douse.core.db.models import (
    Activity,
    Author,
    Client,
    Incident,
    IncidentMention,
    Mention,
    Staff,
)
from douse.core.services import Services, build_services
from douse.core.settings import load_settings

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
CHUNK = 5000
WORDS = [
    "refund",
    "late",
    "cold",
    "rude",
    "broken",
    "waited",
    "hours",
    "never",
    "again",
    "awful",
    "manager",
    "order",
    "app",
]


def _services(db: str) -> Services:
    return build_services(load_settings(db=db), clock=FrozenClock(NOW))


def generate(db: str, incidents: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    svc = _services(db)
    with svc.sessions.begin() as s:
        if s.scalar(select(func.count()).select_from(Incident)):
            print("database already populated; reusing it")
            return
        staff = [Staff(handle=f"staff{n}", name=f"Staff {n}") for n in range(12)]
        s.add_all(staff)
        clients = [
            Client(
                slug=slug,
                name=name,
                timezone="Europe/London",
                business_hours={
                    d: [["09:00", "17:30"]] for d in ("mon", "tue", "wed", "thu", "fri")
                },
                created_at=NOW - timedelta(days=400),
                updated_at=NOW,
            )
            for slug, name in (("bench", "Bench Brand"), ("noise", "Noise Co"))
        ]
        s.add_all(clients)
        s.flush()
        staff_ids = [x.id for x in staff]
        s.execute(
            insert(Author),
            [{"platform": "mastodon", "handle": f"user{n}"} for n in range(5000)],
        )
        author_ids = list(s.scalars(select(Author.id)))
    start = NOW - timedelta(days=365)
    mention_id = incident_id = activity_id = 0
    t0 = time.perf_counter()
    for lo in range(0, incidents, CHUNK):
        mentions, incs, links, acts = [], [], [], []
        for _ in range(lo, min(lo + CHUNK, incidents)):
            incident_id += 1
            client = clients[0] if rng.random() < 0.9 else clients[1]
            opened = start + timedelta(seconds=rng.randrange(365 * 86400))
            answered = opened + timedelta(minutes=rng.lognormvariate(4, 1))
            due = opened + timedelta(hours=2)
            n_mentions = rng.choice((1, 1, 1, 2, 3))
            for k in range(n_mentions):
                mention_id += 1
                text = " ".join(rng.choice(WORDS) for _ in range(rng.randrange(8, 40)))
                mentions.append(
                    {
                        "id": mention_id,
                        "client_id": client.id,
                        "author_id": rng.choice(author_ids),
                        "platform": "mastodon",
                        "dedupe_key": f"m{mention_id}",
                        "url": f"https://social.example/@u/{mention_id}",
                        "title": "",
                        "text": text,
                        "published_at": opened + timedelta(minutes=k),
                        "fetched_at": opened + timedelta(minutes=k + 2),
                        "sentiment_compound": rng.uniform(-1, 0.3),
                        "sentiment_label": rng.choice(
                            ("negative", "negative", "neutral", "positive")
                        ),
                        "sentiment_reasons": [],
                        "raw": {"id": mention_id},
                    }
                )
                links.append(
                    {"incident_id": incident_id, "mention_id": mention_id, "added_at": opened}
                )
            status = rng.choice(("resolved", "closed", "closed", "in_progress", "new"))
            incs.append(
                {
                    "id": incident_id,
                    "client_id": client.id,
                    "kind": rng.choice(("mention",) * 9 + ("pattern",)),
                    "title": f"Complaint about {rng.choice(WORDS)} #{incident_id}",
                    "severity": rng.choice(("low", "medium", "medium", "high", "critical")),
                    "severity_reasons": [],
                    "status": status,
                    "owner_id": rng.choice(staff_ids),
                    "distinct_authors": n_mentions,
                    "mention_count": n_mentions,
                    "terms": [],
                    "opened_at": opened,
                    "first_response_at": answered if status != "new" else None,
                    "first_response_due_at": due,
                    "due_at": due,
                    "resolved_at": answered + timedelta(hours=5)
                    if status in ("resolved", "closed")
                    else None,
                    "resolution": "refund issued" if status in ("resolved", "closed") else None,
                    "updated_at": opened,
                    "version": 1,
                }
            )
            for k in range(rng.randrange(1, 4)):
                activity_id += 1
                acts.append(
                    {
                        "id": activity_id,
                        "incident_id": incident_id,
                        "kind": rng.choice(
                            ("public_reply", "private_message", "email", "internal_note")
                        ),
                        "staff_id": rng.choice(staff_ids),
                        "at": answered + timedelta(minutes=10 * k),
                        "body": "We are sorry; please DM us your order number.",
                        "details": {},
                    }
                )
        with svc.sessions.begin() as s:
            s.execute(insert(Mention), mentions)
            s.execute(insert(Incident), incs)
            s.execute(insert(IncidentMention), links)
            s.execute(insert(Activity), acts)
        print(f"  {incident_id} incidents written ({time.perf_counter() - t0:.0f}s)", flush=True)
    svc.close()


def peak_rss_mb() -> float:
    """VmHWM: this process's own high-water mark. (ru_maxrss survives fork+exec on Linux, so a
    child would inherit the generating parent's peak and every figure would read the same.)"""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_one(db: str, fmt: str, out: Path, activities: bool) -> None:
    from douse.core.export import export_client

    svc = _services(db)
    t0 = time.perf_counter()
    cpu0 = time.process_time()
    result = export_client(svc.sessions, "bench", fmt, None, None, out, NOW, activities=activities)
    elapsed = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    peak_mb = peak_rss_mb()
    name = f"{fmt}-activities" if activities else fmt
    print(
        f"{name}\t{result.rows}\t{result.bytes / 1e6:.1f}\t{elapsed:.1f}\t{cpu:.2f}\t{peak_mb:.0f}"
    )


RAW_DUMP = """
SELECT i.* FROM incidents i JOIN clients c ON c.id = i.client_id
 WHERE c.slug = 'bench' ORDER BY i.opened_at, i.id;
SELECT im.incident_id, m.*, a.* FROM incident_mentions im
  JOIN incidents i ON i.id = im.incident_id JOIN clients c ON c.id = i.client_id
  JOIN mentions m ON m.id = im.mention_id LEFT JOIN authors a ON a.id = m.author_id
 WHERE c.slug = 'bench' ORDER BY im.incident_id, m.published_at, m.id;
SELECT ac.* FROM activities ac JOIN incidents i ON i.id = ac.incident_id
  JOIN clients c ON c.id = i.client_id
 WHERE c.slug = 'bench' ORDER BY ac.incident_id, ac.at, ac.id;
"""


def raw_dump_cpu(db: str, out: Path) -> float | None:
    """CPU seconds of `sqlite3 -csv` writing the rows the exports read (None without sqlite3)."""
    if shutil.which("sqlite3") is None:
        return None
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(out / "raw-dump.csv", "wb") as sink:
        subprocess.run(["sqlite3", "-csv", db, RAW_DUMP], stdout=sink, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def baseline(db: str) -> None:
    """The floor: a process that imports douse and opens the database, exporting nothing."""
    import douse.core.export  # noqa: F401

    svc = _services(db)
    with svc.sessions() as s:
        s.scalar(select(func.count()).select_from(Client))
    print(f"{peak_rss_mb():.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--db", help="SQLite file or URL to build (or reuse); default: a temporary file, removed"
    )
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--formats", default="csv,csv-activities,json,md,html")
    parser.add_argument("--out", default="/tmp/export-bench-out")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--baseline", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.baseline:
        baseline(args.db)
        return
    if args.one:
        fmt, _, extra = args.one.partition("-")
        run_one(args.db, fmt, Path(args.out) / f"bench.{args.one}", extra == "activities")
        return
    if args.db is None:  # `make bench`: a throwaway database, gone when the bench ends
        with tempfile.TemporaryDirectory(prefix="douse-export-bench-") as tmp:
            args.db = str(Path(tmp) / "export-bench.db")
            _compare(args)
        return
    _compare(args)


def _compare(args: argparse.Namespace) -> None:
    Path(args.out).mkdir(parents=True, exist_ok=True)
    generate(args.db, args.incidents)
    me = [sys.executable, __file__, "--db", args.db, "--out", args.out]
    floor = subprocess.run([*me, "--baseline"], capture_output=True, text=True, check=True)
    print(f"baseline process peak RSS: {floor.stdout.strip()} MB")
    raw = raw_dump_cpu(args.db, Path(args.out))
    if raw is None:
        print("raw dump: skipped (no sqlite3 command)")
    else:
        print(f"raw sqlite3 -csv dump of the same rows: {raw:.2f} s CPU")
    print("format\trows\tMB out\tseconds\tCPU s\tpeak RSS MB\tCPU / raw dump")
    for fmt in args.formats.split(","):
        done = subprocess.run([*me, "--one", fmt], capture_output=True, text=True)
        line = (done.stdout or done.stderr).rstrip("\n")
        fields = line.split("\t")
        if raw and len(fields) == 6:
            line += f"\t{float(fields[4]) / raw:.1f}x"
        print(line)


if __name__ == "__main__":
    main()
