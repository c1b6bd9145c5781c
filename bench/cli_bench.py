"""How fast the `douse` command starts and answers, in CPU seconds, against a bare Python.

    .venv/bin/python -m bench.cli_bench [--mentions 1000000] [--clients 200] [--runs 5]
                                         [--tree DIR] [--db PATH]

Builds (once, cached under /tmp/douse-bench/) an agency with bulk inserts (bench.desk_bench's
builder), then runs each command in a fresh process several times and reads the CPU time
(user + system) of that child from resource.getrusage(RUSAGE_CHILDREN):

* `python -c pass`, `douse --help` and `douse --version`: start-up cost;
* `douse clients`, `douse incidents --overdue` and `douse mentions --client SLUG`, each against
  a bare Python process that runs exactly the SQL that command ran (captured once, from
  SQLAlchemy's cursor hook or core.db.connect's driver reader) with the sqlite3 module and
  fetches every row.

The best of --runs is reported (the shared machine's load only ever adds time) with the median
beside it. Each command runs once unmeasured first, which also writes the tree's bytecode cache
(PYTHONDONTWRITEBYTECODE is dropped for the children), as installing douse would. --tree runs
another checkout of douse (e.g. an older commit unpacked with `git archive`) against the same
database, for before/after figures.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
NOW = "2026-11-23T10:00:00Z"  # bench.desk_bench.NOW: incidents fall due around it

CAPTURE = """
import contextlib, io, json, sys
from sqlalchemy import event
from sqlalchemy.engine import Engine
statements = []
def grab(conn, cursor, statement, parameters, context, executemany):
    statements.append([statement, list(parameters) if parameters is not None else []])
event.listen(Engine, "before_cursor_execute", grab)
# Read commands run their SQL on the bare driver (core.db.connect) when they can.
try:
    from douse.core.db import connect
except ImportError:  # a tree from before core.db.connect
    connect = None
if connect is not None:
    bare_execute = connect.DriverReader.execute
    def grab_bare(self, statement, parameters):
        statements.append([statement, parameters])
        return bare_execute(self, statement, parameters)
    connect.DriverReader.execute = grab_bare
from douse.tui.cli.main import main
with contextlib.redirect_stdout(io.StringIO()):
    code = main(json.loads(sys.argv[2]))
assert code == 0, code
with open(sys.argv[1], "w") as out:
    json.dump(statements, out, default=str)
"""

REPLAY = """
import json, sqlite3, sys
with open(sys.argv[2]) as f:
    statements = json.load(f)
connection = sqlite3.connect(sys.argv[1])
for statement, parameters in statements:
    connection.execute(statement, parameters).fetchall()
"""


def cpu_seconds(command: list[str], *, cwd: Path, env: dict[str, str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(
            command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        times.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
    return times


def ensure_database(path: Path, clients: int, mentions: int) -> None:
    from datetime import datetime

    from bench.desk_bench import build
    from douse.core.clock import FrozenClock
    from douse.core.services import build_services
    from douse.core.settings import Settings

    path.parent.mkdir(parents=True, exist_ok=True)
    settings = Settings(
        database_url=f"sqlite:///{path}",
        config_path=path.parent / "none.toml",
        log_dir=path.parent / "logs",
    )
    services = build_services(
        settings, clock=FrozenClock(datetime.fromisoformat(NOW.replace("Z", "+00:00")))
    )
    started = time.perf_counter()
    build(services, clients, mentions)
    with services.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    services.close()
    print(f"database {path}: ready in {time.perf_counter() - started:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--mentions", type=int, default=1_000_000)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--tree", type=Path, default=REPO, help="the douse checkout to run")
    parser.add_argument(
        "--db", type=Path, help="default: /tmp/douse-bench/cli-CLIENTS-MENTIONS-SCHEMA.db"
    )
    args = parser.parse_args()
    # The unreleased schema is regenerated in place (same revision id): the cached database is
    # keyed by the migration's content, so a changed schema builds a new one.
    schema = hashlib.sha256(
        b"".join(
            p.read_bytes() for p in sorted((REPO / "core/db/migrations/versions").glob("*.py"))
        )
    ).hexdigest()[:8]
    db = args.db or Path(f"/tmp/douse-bench/cli-{args.clients}-{args.mentions}-{schema}.db")
    ensure_database(db, args.clients, args.mentions)
    tree = args.tree.resolve()
    work = Path(tempfile.mkdtemp(prefix="douse-cli-bench-"))
    env = {
        **os.environ,
        "PYTHONPATH": str(tree),
        "DOUSE_NOW": NOW,
        "DOUSE_LOG_DIR": str(work / "logs"),
        "DOUSE_CONFIG": str(work / "none.toml"),
        "DOUSE_DATABASE_URL": f"sqlite:///{db}",
    }
    env.pop("DOUSE_ME", None)
    # An installed douse has its modules compiled; a run that compiled every module it imports
    # would measure the compiler. The first (unmeasured) run of each command writes the cache.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    python = sys.executable
    runs = max(1, args.runs)
    print(f"tree {tree}, {args.mentions:,} mentions, {args.clients} clients, best of {runs} runs")

    def show(label: str, times: list[float], against: float | None = None) -> float:
        best = min(times)
        ratio = f"  {best / against:5.1f}x" if against else ""
        print(f"  {label:<44} {best:6.3f} s CPU (median {statistics.median(times):6.3f}){ratio}")
        return best

    bare = show("python -c pass", cpu_seconds([python, "-c", "pass"], cwd=tree, env=env, runs=runs))
    for flag in ("--help", "--version"):
        cpu_seconds([python, "-m", "douse.tui", flag], cwd=tree, env=env, runs=1)  # compiles
        best = show(
            f"douse {flag}",
            cpu_seconds([python, "-m", "douse.tui", flag], cwd=tree, env=env, runs=runs),
        )
        print(f"  {'':<44} {best - bare:6.3f} s above a bare python")
    slug = "brand-007"
    for command in (["clients"], ["incidents", "--overdue"], ["mentions", "--client", slug]):
        captured = work / "statements.json"
        subprocess.run(
            [python, "-c", CAPTURE, str(captured), json.dumps(command)],
            cwd=tree,
            env=env,
            check=True,
        )
        statements = len(json.loads(captured.read_text()))
        douse = [python, "-m", "douse.tui", *command]
        raw = [python, "-c", REPLAY, str(db), str(captured)]
        cpu_seconds(douse, cwd=tree, env=env, runs=1)  # warm the page cache for both
        raw_best = show(
            f"bare python + sqlite3: {statements} statements",
            cpu_seconds(raw, cwd=tree, env=env, runs=runs),
        )
        show(
            "douse " + " ".join(command), cpu_seconds(douse, cwd=tree, env=env, runs=runs), raw_best
        )


if __name__ == "__main__":
    main()
