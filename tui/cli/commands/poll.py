"""`douse poll [--client SLUG]`: one pass over the sources, with a summary line per source."""

from __future__ import annotations

import argparse
from typing import Any

from douse.core.jobs.poll import Poller, SourceOutcome, format_outcome, summarize
from douse.core.wording import plural
from douse.tui.cli.context import Context
from douse.tui.cli.logs import setup_logging
from douse.tui.cli.numbers import between
from douse.tui.cli.output import inert


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "poll",
        help="poll every source once and print what each brought",
        description="Poll every enabled source once (of one client with --client) and print "
        "new, duplicate and dropped mentions per source. Exit status: 0 when every source was "
        "polled (or skipped), 1 when any source failed (its error is printed and recorded in "
        "its health; the others are still polled and stored), 2 for a usage error such as an "
        "unknown client.",
    )
    parser.add_argument("--client", metavar="SLUG", help="only this client's sources")
    parser.add_argument(
        "--due", action="store_true", help="only sources that are due (respects backoff)"
    )
    parser.add_argument(
        "--workers",
        type=between(1, 64),
        default=8,
        metavar="N",
        help="parallel fetches (default 8)",
    )
    parser.set_defaults(run=run_poll)


def _progress(ctx: Context) -> Any:
    if not ctx.stderr.isatty():
        return None

    def show(done: int, total: int, outcome: SourceOutcome) -> None:
        label = inert(f"{outcome.client_slug}/{outcome.name}", 40)
        end = "\n" if done == total else ""
        ctx.stderr.write(f"\r\x1b[2Kpolling {done}/{total} {label}{end}")
        ctx.stderr.flush()

    return show


def run_poll(ctx: Context) -> int:
    setup_logging(ctx.settings.log_dir)
    services = ctx.services
    poller = Poller(services, workers=max(1, ctx.args.workers))
    outcomes = poller.poll_pass(
        client_slug=ctx.args.client, only_due=ctx.args.due, progress=_progress(ctx)
    )
    for outcome in outcomes:
        ctx.out(inert(format_outcome(outcome)))
    totals = summarize(outcomes)
    ctx.out(
        f"{plural(totals['sources'], 'source')}: {totals['new']} new, "
        f"{totals['duplicate']} duplicate, {totals['dropped']} dropped, "
        f"{totals['errors']} failed, {totals['skipped']} skipped"
    )
    return 1 if totals["errors"] else 0
