"""`douse rescore --client SLUG [--since DATE]`: judge stored posts again with what is in use."""

from __future__ import annotations

import argparse
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from douse.core.db.models import Client, Mention
from douse.core.errors import NotFound
from douse.core.export.period import parse_bound
from douse.core.learning.rescore import rescore_client
from douse.core.sentiment import Analyzer
from douse.tui.cli.context import Context
from douse.tui.cli.progress import progress_bar, watching


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "rescore",
        help="judge a client's stored posts again (after `douse learn`)",
        description="Score a client's stored posts again with what is in use now: its learned "
        "model, else the agency's, else the rules. A page of 1,000 posts at a time, each "
        "committed. A label a person set is never changed. Prints how many labels changed.",
    )
    parser.add_argument("--client", required=True, metavar="SLUG")
    parser.add_argument(
        "--since",
        metavar="DATE",
        help="only posts published since (YYYY-MM-DD in the client's time zone, or an ISO time)",
    )
    parser.set_defaults(run=run)


def run(ctx: Context) -> int:
    services = ctx.services
    since = None
    with services.sessions() as session:
        client = session.scalars(select(Client).where(Client.slug == ctx.args.client)).first()
        if client is None:
            raise NotFound(f"no client {ctx.args.client!r}")
        zone = client.timezone
        client_id = client.id
    if ctx.args.since:
        since = parse_bound(ctx.args.since, ZoneInfo(zone), end=False)
    total = None
    if watching(ctx.stderr):
        # Only for the bar: how many posts there are to go through.
        with services.sessions() as session:
            query = select(func.count()).select_from(Mention).where(Mention.client_id == client_id)
            if since is not None:
                query = query.where(Mention.published_at >= since)
            total = session.scalar(query)
    with progress_bar(
        ctx.stderr, f"{ctx.args.client}: rescoring", total=total, unit="posts"
    ) as bar:
        report = rescore_client(
            services.sessions,
            Analyzer(),
            ctx.args.client,
            since=since,
            progress=None if bar is None else lambda r: bar(r.seen),
        )
    for line in report.lines():
        ctx.out(line)
    return 0
