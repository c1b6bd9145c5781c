"""`douse watch`: poll every source on its schedule until SIGINT/SIGTERM, then stop cleanly."""

from __future__ import annotations

import argparse
import signal
import threading
from types import FrameType
from typing import Any

from douse.core.jobs.housekeeping import IncidentJobsResult, format_jobs
from douse.core.jobs.poll import SourceOutcome, format_outcome
from douse.core.jobs.scheduler import IngestScheduler
from douse.core.wording import plural
from douse.tui.cli.context import Context
from douse.tui.cli.logs import setup_logging
from douse.tui.cli.numbers import between
from douse.tui.cli.output import inert


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "watch",
        help="poll sources on their schedules until stopped (a headless worker)",
        description="Run headless, polling every enabled source on its interval. Several "
        "workers may share one PostgreSQL database; each source is polled by one at a time. "
        "Every minute it also records breached response targets, posts new notifications to "
        "the webhook in DOUSE_WEBHOOK_URL (if set) and re-checks posts whose authors were "
        "asked to update them; every five minutes it learns again from the labels staff "
        "gave, once 50 new ones have come in (see `douse learn`). Stops cleanly on Ctrl-C or "
        "SIGTERM.",
    )
    parser.add_argument("--client", metavar="SLUG", help="only this client's sources")
    parser.add_argument(
        "--workers", type=between(1, 64), default=4, metavar="N", help="parallel polls (default 4)"
    )
    parser.add_argument("--name", help="worker name in heartbeats and leases (default host:pid)")
    parser.add_argument("--quiet", action="store_true", help="print only failures, not every poll")
    parser.set_defaults(run=run_watch)


def run_watch(ctx: Context) -> int:
    setup_logging(ctx.settings.log_dir)
    stop = threading.Event()
    print_lock = threading.Lock()

    def report(outcome: SourceOutcome) -> None:
        if ctx.args.quiet and not outcome.error:
            return
        with print_lock:
            ctx.out(inert(format_outcome(outcome)))
            ctx.stdout.flush()

    def report_jobs(result: IncidentJobsResult) -> None:
        line = format_jobs(result)
        if line is None or (ctx.args.quiet and not result.failed):
            return
        with print_lock:
            ctx.out(inert(line))
            ctx.stdout.flush()

    def report_learning(outcomes: list[Any]) -> None:
        with print_lock:
            for outcome in outcomes:
                for line in outcome.lines():
                    ctx.out(inert(f"learning: {line.strip()}"))
            ctx.stdout.flush()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        stop.set()

    scheduler = IngestScheduler(
        ctx.services,
        on_outcome=report,
        on_incident_jobs=report_jobs,
        on_learned=report_learning,
        workers=max(1, ctx.args.workers),
        heartbeat=True,
        client_slug=ctx.args.client,
        name=ctx.args.name,
    )
    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        scheduler.start()
        ctx.out(f"douse watch: {scheduler.name} polling {plural(scheduler.job_count(), 'source')}")
        ctx.stdout.flush()
        while not stop.wait(1.0):
            pass
        ctx.out("douse watch: stopping after polls in progress")
        ctx.stdout.flush()
    finally:
        scheduler.shutdown(wait=True)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    ctx.out("douse watch: stopped")
    return 0
