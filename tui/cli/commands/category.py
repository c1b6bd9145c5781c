"""`douse category ID NAME` files an incident under an issue category (triage learns from it);
`douse categories SLUG` lists a client's categories."""

from __future__ import annotations

import argparse
from typing import Any

from sqlalchemy import func, select

from douse.core.db.models import Incident, Mention
from douse.core.incidents import client_categories, set_category, write_incident
from douse.core.ingest.manual import active_client
from douse.core.wording import plural
from douse.tui.cli.context import Context
from douse.tui.cli.output import inert


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "category",
        help="file an incident under an issue category (triage learns from it)",
        description="File an incident and its posts under one of its client's issue categories "
        "(`douse categories SLUG` lists them). Logged on the timeline; the posts are remembered, "
        "so triage files posts like them the same way next time.",
    )
    parser.add_argument("id", type=int, help="incident number")
    parser.add_argument("category", help="category name, e.g. delays")
    parser.add_argument("--by", metavar="STAFF", help="who does it (default: --as / DOUSE_ME)")
    parser.add_argument(
        "--expect-version", type=int, metavar="N", help="fail if the incident changed since"
    )
    parser.set_defaults(run=run_category)

    listing: argparse.ArgumentParser = sub.add_parser(
        "categories", help="a client's issue categories, with how many posts each holds"
    )
    listing.add_argument("client", metavar="SLUG")
    listing.set_defaults(run=run_categories)


def run_category(ctx: Context) -> int:
    services = ctx.services
    result = write_incident(
        services.sessions,
        lambda session: set_category(
            session,
            ctx.args.id,
            ctx.args.category,
            by=ctx.args.by or ctx.settings.me or "",
            now=services.clock.now(),
            expected_version=ctx.args.expect_version,
        ),
        pinned=ctx.args.expect_version is not None,
        incident_id=ctx.args.id,
    )
    ctx.out(f"#{result.incident_id} filed under {ctx.args.category} (version {result.version})")
    return 0


def run_categories(ctx: Context) -> int:
    with ctx.services.sessions() as session:
        client = active_client(session, ctx.args.client)
        posts = dict(
            session.execute(
                select(Mention.category, func.count())
                .where(Mention.client_id == client.id, Mention.category.is_not(None))
                .group_by(Mention.category)
            ).all()
        )
        incidents = dict(
            session.execute(
                select(Incident.category, func.count())
                .where(Incident.client_id == client.id, Incident.category.is_not(None))
                .group_by(Incident.category)
            ).all()
        )
        titles = client_categories(client)
    industry = client.industry or "general"
    ctx.out(f"{inert(client.slug)} ({inert(industry)}): {len(titles)} categories")
    for name, title in titles.items():
        n_posts, n_incidents = posts.get(name, 0), incidents.get(name, 0)
        ctx.out(
            f"  {name:<16} {inert(title):<32} {n_posts:>7,} {_word(n_posts, 'post')} "
            f"{n_incidents:>6,} {_word(n_incidents, 'incident')}"
        )
    return 0


def _word(n: int, word: str) -> str:
    # The count stands in its own aligned column, so only the word agrees with it.
    return plural(n, word).split(" ", 1)[1].ljust(len(word) + 1)
