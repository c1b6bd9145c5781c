"""`douse demo`: build the demo agency into an empty database, print what it holds, open the
desk."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DatabaseError

from douse.core.db.engine import make_engine, sqlite_url
from douse.core.demo.agency import LEAD
from douse.core.demo.build import WINDOW, DemoOptions, build_demo
from douse.core.demo.summary import summarize
from douse.core.errors import DouseError, StorageError
from douse.core.jobs.demo_marker import DEMO_SUBJECT
from douse.core.settings import database_url_from, default_data_dir
from douse.tui.cli.context import Context


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "demo",
        help="build a believable demo agency (no network) and open the desk on it",
        description=(
            "Builds, deterministically from --seed and the clock (DOUSE_NOW), a month of an "
            "agency's work: clients, staff, accounts, mentions, incidents and outreach."
        ),
    )
    # SUPPRESS: when absent here, the global `douse --db X demo` value is left untouched.
    parser.add_argument(
        "--db", default=argparse.SUPPRESS, metavar="PATH", help="SQLite file or database URL"
    )
    parser.add_argument("--no-tui", action="store_true", help="print the summary and exit")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    parser.add_argument("--clients", type=int, default=14, help="number of clients (default 14)")
    parser.add_argument(
        "--mentions", type=int, default=6000, help="approximate number of mentions (default 6000)"
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace an earlier demo (never a database douse did not build as a demo)",
    )
    parser.set_defaults(run=run_demo)


def _contents(url: str) -> tuple[bool, bool]:
    """(holds data, douse demo built it), read without upgrading or changing anything."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            tables = set(inspect(connection).get_table_names()) - {"alembic_version"}
            has_data = False
            for table in sorted(tables):
                quoted = connection.dialect.identifier_preparer.quote(table)
                if connection.execute(text(f"SELECT 1 FROM {quoted} LIMIT 1")).first():
                    has_data = True
                    break
            is_demo = "audit_entries" in tables and (
                connection.execute(
                    text("SELECT 1 FROM audit_entries WHERE subject = :s LIMIT 1"),
                    {"s": DEMO_SUBJECT},
                ).first()
                is not None
            )
    except DatabaseError as exc:
        raise StorageError(f"cannot open database: {str(exc.orig).splitlines()[0]}") from None
    finally:
        engine.dispose()
    return has_data, is_demo


def _make_room(url: str, force: bool) -> None:
    """Never build over someone's data. --force replaces only a database douse itself built
    as a demo (and only a SQLite file): a real agency's database is never touched."""
    parsed = make_url(url)
    is_file = parsed.get_backend_name() == "sqlite" and parsed.database not in (
        None,
        "",
        ":memory:",
    )
    if is_file:
        path = Path(str(parsed.database))
        if not path.exists() or path.stat().st_size == 0:
            return
    has_data, is_demo = _contents(url)
    if not has_data:
        return
    where = str(path) if is_file else parsed.render_as_string(hide_password=True)
    if not is_demo:
        raise DouseError(
            f"{where} holds an agency's data, not a demo; douse demo never replaces it "
            "(not even with --force): choose another --db"
        )
    if not force:
        raise DouseError(
            f"{where} already holds data from an earlier demo; choose another --db, "
            "or pass --force to replace it"
        )
    if not is_file:
        raise DouseError(f"{where} already holds data; --force only replaces a SQLite file")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def demo_url(db: str | None) -> str:
    """Where the demo goes: --db when given, else demo.db beside (never instead of) the real
    database in douse's data directory. DOUSE_DATABASE_URL names the real one: not used."""
    return database_url_from(db) or sqlite_url(default_data_dir() / "demo.db")


class _Progress:
    """A single self-overwriting line on stderr, only when a person is watching."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.live = bool(getattr(stream, "isatty", lambda: False)())
        self.last = 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.live or time.monotonic() - self.last < 0.2:
            return
        self.last = time.monotonic()
        unit = "hours replayed" if stage == "incidents" else stage
        self.stream.write(f"\r  {stage:<10} {done:>10,} / {total:,} {unit}   ")
        self.stream.flush()

    def done(self) -> None:
        if self.live:
            self.stream.write("\r" + " " * 70 + "\r")
            self.stream.flush()


def run_demo(ctx: Context) -> int:
    args = ctx.args
    options = DemoOptions(seed=args.seed, clients=args.clients, mentions=args.mentions)
    options.check()
    url = demo_url(args.db)
    _make_room(url, args.force)
    # The demo's own database, whatever DOUSE_DATABASE_URL or the default would have opened.
    ctx.use_database(url)
    services = ctx.services
    now = services.clock.now()
    progress = _Progress(ctx.stderr)
    report = build_demo(
        services.sessions, now, options, analyzer=services.analyzer(), progress=progress
    )
    progress.done()
    with services.sessions() as session:
        summary = summarize(session, now)
    ctx.out(f"demo agency built in {report.seconds['total']:.1f}s at {now:%Y-%m-%d %H:%M} UTC")
    for line in summary.lines():
        ctx.out(f"  {line}")
    timings = ", ".join(f"{k} {v:.1f}s" for k, v in report.seconds.items() if k != "total")
    ctx.out(f"  timings     {timings}; {report.texts_scored:,} distinct texts scored")
    if report.replay_from > now - WINDOW:
        ctx.out(
            f"  note        at this size only mentions since {report.replay_from:%Y-%m-%d %H:%M} "
            "went through the incident engine"
        )
    if args.no_tui:
        return 0
    try:
        from douse.tui.app import run_desk
    except ImportError:
        ctx.out("the desk is not available in this build; run `douse incidents` to look around")
        return 0
    if not sys.stdout.isatty():
        ctx.out("not a terminal: skipping the desk (use --no-tui to silence this)")
        return 0
    # The demo's own staff: agency.me of the user's real clients.toml is nobody here.
    chosen = ctx.settings.me if ctx.settings.me_from in ("--as", "DOUSE_ME") else None
    run_desk(services, chosen or LEAD)
    return 0
