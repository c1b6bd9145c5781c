"""`douse lint --client SLUG [--platform P]`: check a draft reply on stdin against the policy.

Exit 1 when a blocking rule fails, so scripts and editors can gate on it.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from sqlalchemy import select

from core.db.models import Client
from core.errors import DouseError, NotFound
from core.incidents import inert
from core.policy import ReplyPolicy, check_reply, has_blocking
from tui.cli.context import Context


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "lint", help="check a draft reply (stdin) against a client's reply policy"
    )
    parser.add_argument("--client", required=True, metavar="SLUG", help="client slug")
    parser.add_argument("--platform", help="where it will be posted (length limits)")
    parser.add_argument(
        "--private", action="store_true", help="a private message: private data is allowed"
    )
    parser.set_defaults(run=run)


def run(ctx: Context) -> int:
    with ctx.services.sessions() as session:
        client = session.scalar(select(Client).where(Client.slug == ctx.args.client))
        if client is None:
            raise NotFound(f"no client {ctx.args.client!r}")
        policy = ReplyPolicy.from_dict(client.reply_policy)
    platform = ctx.args.platform
    if platform is not None and policy.limit_for(platform) is None:
        known = ", ".join(policy.platforms())
        raise DouseError(f"unknown platform {platform!r}; known platforms: {known}")
    draft = sys.stdin.read()
    if draft.endswith("\n"):
        draft = draft[:-1]
    findings = check_reply(policy, draft, platform=platform, public=not ctx.args.private)
    for f in findings:
        excerpt = inert(draft[f.start : f.end], 60)
        ctx.out(f"{f.severity:<5} {f.start}-{f.end} {f.rule}: {f.message}  «{excerpt}»")
    blocking = has_blocking(findings)
    ctx.out(
        "blocked: fix the findings above before posting"
        if blocking
        else ("ok" if not findings else "ok, with warnings")
    )
    return 1 if blocking else 0
