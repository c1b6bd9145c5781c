"""`douse log ID --kind KIND --by STAFF`: append one entry to an incident's outreach log.

The entry passes the client's reply policy (core.policy.gate): a blocked one is refused with one
line per finding (exit 2) unless `--override "why"` records it with who overrode it and why.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from douse.core.clock import parse_instant
from douse.core.db.models import Activity
from douse.core.incidents import (
    LOGGABLE_KINDS,
    OFFER_TYPES,
    ActionResult,
    drafts,
    log_activity,
    write_incident,
)
from douse.core.policy import PolicyBlocked, policy_note
from douse.tui.cli.context import Context

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

EXIT_USER_ERROR = 2


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
    parser.add_argument(
        "--override",
        metavar="REASON",
        help="record it even though the reply policy blocks it; who and why are kept",
    )
    parser.set_defaults(run=run)


def run(ctx: Context) -> int:
    args = ctx.args
    services = ctx.services

    # Logging what was said to the customer is what the desk's draft was for: it goes, as when
    # the desk logs it. A note to colleagues leaves the reply being drafted alone.
    write = log_activity if args.kind == "internal_note" else drafts.log_and_discard

    def change(session: Session) -> tuple[ActionResult, str | None]:
        result = write(
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
            at=at,
            override=args.override,
        )
        entry = session.get(Activity, result.activity_id) if result.activity_id else None
        return result, policy_note(entry.details) if entry is not None else None

    at = parse_instant(args.at) if args.at else None
    try:
        result, overridden = write_incident(
            services.sessions, change, pinned=args.expect_version is not None, incident_id=args.id
        )
    except PolicyBlocked as exc:
        for line in exc.lines():
            print(f"douse: {line}", file=sys.stderr)
        print(
            'douse: nothing was recorded; fix the text, or record it anyway with --override "why"',
            file=sys.stderr,
        )
        return EXIT_USER_ERROR
    ctx.out(
        f"logged #{result.activity_id} on incident #{result.incident_id}: "
        f"{result.status}, version {result.version}"
    )
    if overridden:
        print(f"douse: recorded over the reply policy: {overridden}", file=sys.stderr)
    elif args.override:
        print(
            "douse: note: the reply policy blocked nothing, so no override was recorded",
            file=sys.stderr,
        )
    return 0
