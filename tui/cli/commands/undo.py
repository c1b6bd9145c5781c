"""`douse undo ID`: take back an incident's last change while nobody has changed it since."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from douse.core.incidents import write_incident
from douse.core.incidents.undo import last_change, undo
from douse.tui.cli.context import Context

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "undo",
        help="take back an incident's last change (status, assignment, severity, merge, split, "
        "troll flag)",
        description="Take back the last change made to an incident, as long as the incident has "
        "not changed since. The change stays on the timeline; the undo is a new correction "
        "pointing at it. Undoing a troll flag's move to monitor unflags the author, which "
        "restores every incident the flag moved.",
    )
    parser.add_argument("id", type=int, help="incident number")
    parser.add_argument("--by", metavar="STAFF", help="who does it (default: --as / DOUSE_ME)")
    parser.add_argument(
        "--expect-version", type=int, metavar="N", help="fail if the incident changed since"
    )
    parser.add_argument(
        "--show", action="store_true", help="only say what the last change was and if it can go"
    )
    parser.set_defaults(run=run_undo)


def run_undo(ctx: Context) -> int:
    services = ctx.services
    if ctx.args.show:
        with services.sessions() as session:
            change = last_change(session, ctx.args.id)
        if change is None:
            ctx.out(f"#{ctx.args.id}: no change to undo")
            return 1
        who = change.by or "douse"
        line = f"#{ctx.args.id}: last change {change.what} by {who} at {change.at:%Y-%m-%d %H:%M}"
        ctx.out(line + ("; can be undone" if change.possible else f"; cannot: {change.why_not}"))
        return 0 if change.possible else 1

    def take_back(session: Session) -> tuple[Any, Any]:
        change = last_change(session, ctx.args.id)
        result = undo(
            session,
            ctx.args.id,
            by=ctx.args.by or ctx.settings.me or "",
            now=services.clock.now(),
            expected_version=ctx.args.expect_version,
        )
        return change, result

    change, result = write_incident(
        services.sessions,
        take_back,
        pinned=ctx.args.expect_version is not None,
        incident_id=ctx.args.id,
    )
    what = change.what if change else "the last change"
    ctx.out(
        f"#{result.incident_id}: undone {what}; now {result.status.replace('_', ' ')} "
        f"(version {result.version})"
    )
    return 0
