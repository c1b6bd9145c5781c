"""Read-only listings: `douse clients`, `douse mentions`, `douse incidents`."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from douse.core.errors import DouseError
from douse.core.queries.clients import client_overview
from douse.core.queries.incidents import list_incidents
from douse.core.queries.mentions import cursor_at, list_mentions
from douse.core.queries.rows import IncidentFilter, IncidentRow, MentionRow
from douse.core.text import mention_ref
from douse.core.wording import duration as span
from douse.tui.cli.context import Context
from douse.tui.cli.numbers import count
from douse.tui.cli.output import inert, mention_arg, print_json, print_table, when

_SPAN = re.compile(r"^(\d+)\s*(m|h|d)$")
LONGEST_SPAN_DAYS = 36_500


def duration(text: str) -> timedelta:
    match = _SPAN.match(text.strip())
    if not match:
        raise DouseError(f"not a duration: {text!r} (use e.g. 30m, 2h, 1d)")
    amount, unit = int(match.group(1)), match.group(2)
    minutes = amount * {"m": 1, "h": 60, "d": 1440}[unit]
    # Far beyond any deadline, and `now + span` must still be a date a computer can hold.
    if minutes > LONGEST_SPAN_DAYS * 1440:
        raise DouseError(f"duration too long: {text.strip()} (at most {LONGEST_SPAN_DAYS}d)")
    return timedelta(minutes=minutes)


def register(sub: Any) -> None:
    clients = sub.add_parser(
        "clients", help="list clients with accounts, sources and open incidents"
    )
    clients.add_argument("--json", action="store_true", help="print JSON")
    clients.add_argument("--all", action="store_true", help="include archived clients")
    clients.set_defaults(run=run_clients)

    mentions = sub.add_parser("mentions", help="list mentions, newest first")
    mentions.add_argument("--client", metavar="SLUG")
    mentions.add_argument("--label", choices=["negative", "neutral", "positive", "unscored"])
    mentions.add_argument("--limit", type=count, default=50)
    mentions.add_argument(
        "--before", type=mention_arg, metavar="MENTION", help="page: mentions older than this one"
    )
    mentions.add_argument("--json", action="store_true", help="print JSON")
    mentions.set_defaults(run=run_mentions)

    incidents = sub.add_parser("incidents", help="list incidents, soonest deadline first")
    incidents.add_argument("--client", metavar="SLUG")
    incidents.add_argument(
        "--status",
        metavar="S",
        help="new, acknowledged, in_progress, waiting_customer, resolved, "
        "closed, monitor, or 'open'; comma-separated",
    )
    incidents.add_argument(
        "--severity", metavar="S", help="low, medium, high, critical; comma-separated"
    )
    incidents.add_argument("--mine", metavar="STAFF", help="only incidents owned by STAFF")
    incidents.add_argument(
        "--category", metavar="NAME", help="only one issue category (douse categories SLUG)"
    )
    incidents.add_argument(
        "--overdue", action="store_true", help="only open incidents past their deadline"
    )
    # Parsed in run_incidents, not by argparse: a bad span is a `douse: ...` line like any other.
    incidents.add_argument("--due-within", metavar="SPAN", help="e.g. 30m, 2h, 1d")
    incidents.add_argument("--limit", type=count, default=500)
    incidents.add_argument("--json", action="store_true", help="print JSON")
    incidents.set_defaults(run=run_incidents)


def run_clients(ctx: Context) -> int:
    with ctx.reading() as db:
        rows = client_overview(db, ctx.clock.now(), include_archived=ctx.args.all)
    if ctx.args.json:
        print_json(ctx, rows)
        return 0
    print_table(
        ctx,
        ["SLUG", "NAME", "OPEN", "OVERDUE", "ACCOUNTS", "UNOWNED", "SOURCES", "OWNER", "TZ"],
        [
            [
                r.slug + (" (archived)" if r.archived else ""),
                r.name,
                r.open_incidents,
                r.overdue_incidents,
                r.accounts,
                r.unowned_accounts,
                r.sources,
                r.default_owner or "-",
                r.timezone,
            ]
            for r in rows
        ],
    )
    return 0


def run_mentions(ctx: Context) -> int:
    with ctx.reading() as db:
        rows = list_mentions(
            db,
            client=ctx.args.client,
            label=ctx.args.label,
            limit=ctx.args.limit,
            after=cursor_at(db, ctx.args.before) if ctx.args.before is not None else None,
            with_duplicates=False,
        )
    if ctx.args.json:
        print_json(ctx, [mention_json(r) for r in rows])
        return 0
    print_table(
        ctx,
        ["ID", "PUBLISHED", "CLIENT", "LABEL", "SCORE", "AUTHOR", "TEXT"],
        [
            [
                mention_ref(r.id),
                when(r.published_at),
                r.client_slug,
                r.label,
                "-" if r.compound is None else f"{r.compound:+.2f}",
                inert(r.author, 20) or "-",
                inert(r.title or r.text, 70),
            ]
            for r in rows
        ],
    )
    return 0


def run_incidents(ctx: Context) -> int:
    args = ctx.args
    filters = IncidentFilter(
        client=args.client,
        status=args.status,
        include_merged=False,
        severity=args.severity,
        owner=args.mine,
        category=args.category,
        overdue=args.overdue,
        due_within=duration(args.due_within) if args.due_within is not None else None,
    )
    now = ctx.clock.now()
    with ctx.reading() as db:
        rows = list_incidents(db, now, filters, limit=args.limit, with_drafts=False)
    if args.json:
        print_json(ctx, [incident_json(r, now) for r in rows])
        return 0
    print_table(
        ctx,
        ["ID", "CLIENT", "SEVERITY", "STATUS", "OWNER", "DUE", "CATEGORY", "TITLE"],
        [
            [
                r.id,
                r.client_slug,
                r.severity + (" pattern" if r.is_pattern else ""),
                r.status,
                r.owner or "-",
                _due(r, now),
                r.category or "-",
                (f"↳ #{r.problem_id} " if r.problem_id else "") + inert(r.title, 60),
            ]
            for r in rows
        ],
    )
    return 0


def _due(r: IncidentRow, now: datetime) -> str:
    if r.due_at is None:
        return "-"
    if r.due_at < now:
        return f"overdue {span(now - r.due_at)}"
    return f"in {span(r.due_at - now)}"


def mention_json(r: MentionRow) -> dict[str, Any]:
    """What `douse mentions --json` prints for a mention (the link without tracking)."""
    return {
        "id": r.id,
        "client": r.client_slug,
        "platform": r.platform,
        "published_at": r.published_at,
        "author": r.author,
        "label": r.label,
        "compound": r.compound,
        "title": r.title,
        "text": r.text,
        "url": r.canonical_url or r.url,
        "likes": r.likes,
        "shares": r.shares,
        "replies": r.replies,
    }


def incident_json(r: IncidentRow, now: datetime) -> dict[str, Any]:
    """What `douse incidents --json` prints for an incident."""
    return {
        "id": r.id,
        "client": r.client_slug,
        "title": r.title,
        "kind": r.kind,
        "severity": r.severity,
        "status": r.status,
        "owner": r.owner,
        "opened_at": r.opened_at,
        "due_at": r.due_at,
        "overdue_by_minutes": r.overdue_by_minutes(now),
        "breached_at": r.breached_at,
        "distinct_authors": r.distinct_authors,
        "mention_count": r.mention_count,
        "is_pattern": r.is_pattern,
        "version": r.version,
        "category": r.category,
        "problem_id": r.problem_id,
    }
