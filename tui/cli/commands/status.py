"""`douse status ID STATUS` moves an incident through its workflow; `douse severity` re-grades."""

from __future__ import annotations

import argparse
from typing import Any

from douse.core.db.models import INCIDENT_STATUSES, SEVERITIES
from douse.core.incidents import change_status, set_severity, write_incident
from douse.tui.cli.context import Context


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "status", help="change an incident's status (logged)"
    )
    parser.add_argument("id", type=int, help="incident number")
    parser.add_argument("status", choices=INCIDENT_STATUSES, help="new status")
    parser.add_argument("--by", metavar="STAFF", help="who does it (default: --as / DOUSE_ME)")
    parser.add_argument("--note", default="", help="why (kept in the log)")
    parser.add_argument("--resolution", help="how it was resolved")
    parser.add_argument(
        "--expect-version", type=int, metavar="N", help="fail if the incident changed since"
    )
    parser.set_defaults(run=run_status)

    sev: argparse.ArgumentParser = sub.add_parser(
        "severity", help="set an incident's severity by judgement (logged)"
    )
    sev.add_argument("id", type=int, help="incident number")
    sev.add_argument("severity", choices=SEVERITIES, help="new severity")
    sev.add_argument("--reason", required=True, help="why")
    sev.add_argument("--by", metavar="STAFF", help="who does it (default: --as / DOUSE_ME)")
    sev.add_argument(
        "--expect-version", type=int, metavar="N", help="fail if the incident changed since"
    )
    sev.set_defaults(run=run_severity)


def run_status(ctx: Context) -> int:
    services = ctx.services
    result = write_incident(
        services.sessions,
        lambda session: change_status(
            session,
            ctx.args.id,
            ctx.args.status,
            by=ctx.args.by or ctx.settings.me or "",
            now=services.clock.now(),
            expected_version=ctx.args.expect_version,
            note=ctx.args.note,
            resolution=ctx.args.resolution,
        ),
        pinned=ctx.args.expect_version is not None,
        incident_id=ctx.args.id,
    )
    ctx.out(f"#{result.incident_id} is {result.status} (version {result.version})")
    return 0


def run_severity(ctx: Context) -> int:
    services = ctx.services
    result = write_incident(
        services.sessions,
        lambda session: set_severity(
            session,
            ctx.args.id,
            ctx.args.severity,
            by=ctx.args.by or ctx.settings.me or "",
            now=services.clock.now(),
            expected_version=ctx.args.expect_version,
            reason=ctx.args.reason,
        ),
        pinned=ctx.args.expect_version is not None,
        incident_id=ctx.args.id,
    )
    ctx.out(f"#{result.incident_id} severity set (version {result.version})")
    return 0
