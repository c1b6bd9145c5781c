"""`douse assign ID STAFF` hands an incident over (logged); `douse unowned` lists gaps."""

from __future__ import annotations

import argparse
from typing import Any

from douse.core.incidents import assign, inert, unowned_accounts, write_incident
from douse.tui.cli.context import Context


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser("assign", help="give an incident to someone")
    parser.add_argument("id", type=int, help="incident number")
    parser.add_argument("to", metavar="STAFF", help="staff handle of the new owner")
    parser.add_argument("--by", metavar="STAFF", help="who does it (default: --as / DOUSE_ME)")
    parser.add_argument("--reason", default="", help="why (kept in the log)")
    parser.add_argument(
        "--expect-version", type=int, metavar="N", help="fail if the incident changed since"
    )
    parser.set_defaults(run=run_assign)
    sub.add_parser(
        "unowned", help="client accounts nobody is available to answer for"
    ).set_defaults(run=run_unowned)


def run_assign(ctx: Context) -> int:
    services = ctx.services
    result = write_incident(
        services.sessions,
        lambda session: assign(
            session,
            ctx.args.id,
            ctx.args.to,
            by=ctx.args.by or ctx.settings.me or "",
            now=services.clock.now(),
            expected_version=ctx.args.expect_version,
            reason=ctx.args.reason,
        ),
        pinned=ctx.args.expect_version is not None,
        incident_id=ctx.args.id,
    )
    ctx.out(f"#{result.incident_id} now owned by {result.owner_handle} (version {result.version})")
    return 0


def run_unowned(ctx: Context) -> int:
    with ctx.services.sessions() as session:
        rows = unowned_accounts(session)
    for row in rows:
        ctx.out(f"{row.client_slug}  {row.platform}  {inert(row.handle, 80)}  {row.problem}")
    if not rows:
        ctx.out("every account has an available owner")
    return 1 if rows else 0
