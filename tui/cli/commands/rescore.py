"""`douse rescore --client SLUG [--since DATE]`: judge stored posts again with what is in use."""

from __future__ import annotations

import argparse
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from core.db.models import Client
from core.errors import NotFound
from core.export.period import parse_bound
from core.learning.rescore import rescore_client
from core.sentiment import Analyzer
from tui.cli.context import Context


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
    if ctx.args.since:
        since = parse_bound(ctx.args.since, ZoneInfo(zone), end=False)
    report = rescore_client(services.sessions, Analyzer(), ctx.args.client, since=since)
    for line in report.lines():
        ctx.out(line)
    return 0
