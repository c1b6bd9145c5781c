"""`douse log ID --kind KIND --by STAFF`: append one entry to an incident's outreach log."""

from __future__ import annotations

import argparse
import sys
from decimal import Decimal, InvalidOperation
from typing import Any

from core.clock import parse_instant
from core.db.models import Client, Incident
from core.incidents import LOGGABLE_KINDS, OFFER_TYPES, log_activity
from core.policy import ReplyPolicy, check_reply
from tui.cli.context import Context


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "log", help="record outreach or a note on an incident (append-only)"
    )
    parser.add_argument("id", type=int, help="incident number")
    parser.add_argument(
        "--kind",
        required=True,
        choices=LOGGABLE_KINDS,
        metavar="KIND",
        help=f"one of: {', '.join(LOGGABLE_KINDS)}",
    )
    parser.add_argument("--by", metavar="STAFF", help="who did it (default: --as / DOUSE_ME)")
    parser.add_argument("--channel", help="where: x, email, phone, dm, ...")
    parser.add_argument("--text", default="", help="what was said or done")
    parser.add_argument("--outcome", help="how it went")
    parser.add_argument("--offer", choices=OFFER_TYPES, help="with --kind offer_made")
    parser.add_argument("--amount", help="offer amount, e.g. 25.00")
    parser.add_argument("--currency", help="3-letter code (default: the client's)")
    parser.add_argument("--corrects", type=int, metavar="ACTIVITY", help="entry this corrects")
    parser.add_argument("--at", help="when it happened (ISO time, default now)")
    parser.add_argument(
        "--expect-version", type=int, metavar="N", help="fail if the incident changed since"
    )
    parser.set_defaults(run=run)


def run(ctx: Context) -> int:
    args = ctx.args
    services = ctx.services
    with services.sessions.begin() as session:
        result = log_activity(
            session,
            args.id,
            args.kind,
            by=args.by or ctx.settings.me or "",
            now=services.clock.now(),
            expected_version=args.expect_version,
            channel=args.channel,
            body=args.text,
            outcome=args.outcome,
            amount=args.amount,
            currency=args.currency,
            offer=args.offer,
            corrects_id=args.corrects,
            at=parse_instant(args.at) if args.at else None,
        )
        over = _over_limit(session, args.id, args.amount, args.currency)
    ctx.out(
        f"logged #{result.activity_id} on incident #{result.incident_id}: "
        f"{result.status}, version {result.version}"
    )
    if over:
        # The log records what was done, so the entry stands; the policy breach is said loudly.
        print(f"douse: warning: {over} (client reply policy)", file=sys.stderr)
    return 0


def _over_limit(session: Any, incident_id: int, amount: str | None, currency: str | None) -> str:
    if not amount:
        return ""
    incident = session.get(Incident, incident_id)
    client = session.get(Client, incident.client_id) if incident else None
    if client is None:
        return ""
    policy = ReplyPolicy.from_dict(client.reply_policy)
    if currency and currency.upper() != policy.currency:
        return ""
    try:
        value = float(Decimal(amount))
    except InvalidOperation:
        return ""
    findings = check_reply(policy, "", offer_amount=value)
    return next((f.message for f in findings if f.rule == "offer"), "")
