"""`douse reply ID --text ... --send|--log-only`: answer an incident on its platform.

    douse reply 12 --text "Sorry, we are on it" --send          # posted through the API
    douse reply 12 --text "..." --private --send                  # a DM / direct message
    douse reply 12 --text "..." --email pat@example.com --send    # an email follow-up
    douse reply 12 --text "..." --log-only                        # you posted it by hand

`douse approvals`, `douse approve OUTBOX --by STAFF`, `douse return OUTBOX --by STAFF --note`
work the approval queue that clients.toml's approval rules fill.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from douse.core.policy import PolicyBlocked
from douse.core.send import (
    NoReplyApi,
    ReplyRequest,
    SendOutcome,
    approval_queue,
    approve,
    reply,
    return_reply,
)
from douse.tui.cli.context import Context
from douse.tui.cli.output import inert, mention_arg

EXIT_OK = 0
EXIT_USER_ERROR = 2
EXIT_NOT_SENT = 3
EXIT_AWAITING_APPROVAL = 4
EXIT_UNCONFIRMED = 5
EXIT_CODES = f"""exit status:
  {EXIT_OK}  sent (or logged as sent by hand)
  {EXIT_USER_ERROR}  refused before anything was sent: the reply policy blocks it, bad input,
     or the platform has no reply API (post it by hand, then --log-only)
  {EXIT_NOT_SENT}  the platform refused or could not be reached: nothing was posted; the draft
     is kept (the line says why: expired token, rate limit with the wait, post deleted...)
  {EXIT_AWAITING_APPROVAL}  the reply waits for an approver (douse approvals); nothing was sent
  {EXIT_UNCONFIRMED}  the platform did not confirm (timeout, 5xx): douse checks whether it was
     posted before any retry (douse watch, the desk at start); never posted twice
"""


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "reply",
        help="answer an incident on its platform (policy-checked, approved where needed)",
        description="Send a reply through the platform's API (--send) or record one you "
        "posted by hand (--log-only). The client's reply policy checks it first; clients.toml's "
        "approval rules may route it to an approver. A sent reply is logged with the new "
        "post's id and link, and moves the response clock.",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("id", type=int, help="incident number")
    parser.add_argument("--text", required=True, help="the reply")
    how = parser.add_mutually_exclusive_group(required=True)
    how.add_argument("--send", action="store_true", help="post it through the platform's API")
    how.add_argument("--log-only", action="store_true", help="record a reply you posted by hand")
    parser.add_argument("--private", action="store_true", help="a direct/private message")
    parser.add_argument("--email", metavar="ADDRESS", help="send an email to this address")
    parser.add_argument("--to", type=mention_arg, metavar="MENTION", help="the post to answer")
    parser.add_argument("--by", metavar="STAFF", help="who replies (default: --as / DOUSE_ME)")
    parser.add_argument(
        "--override", metavar="REASON", help="send although the reply policy blocks it; kept"
    )
    parser.add_argument(
        "--expect-version", type=int, metavar="N", help="fail if the incident changed since"
    )
    parser.set_defaults(run=run_reply)

    queue: argparse.ArgumentParser = sub.add_parser(
        "approvals", help="replies waiting for an approver, oldest first"
    )
    queue.add_argument("--client", metavar="SLUG", help="only this client's")
    queue.add_argument("--mine", action="store_true", help="only those I (--as) may approve")
    queue.add_argument("--json", action="store_true", help="one JSON object per line")
    queue.set_defaults(run=run_queue)

    yes: argparse.ArgumentParser = sub.add_parser(
        "approve",
        help="approve a waiting reply (an API reply is sent at once)",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    yes.add_argument("outbox", type=int, metavar="REPLY", help="the waiting reply's number")
    yes.add_argument("--by", metavar="STAFF", help="the approver (default: --as / DOUSE_ME)")
    yes.set_defaults(run=run_approve)

    back: argparse.ArgumentParser = sub.add_parser(
        "return", help="send a waiting reply back to its author with a note"
    )
    back.add_argument("outbox", type=int, metavar="REPLY", help="the waiting reply's number")
    back.add_argument("--by", metavar="STAFF", help="the approver (default: --as / DOUSE_ME)")
    back.add_argument("--note", required=True, help="what to change")
    back.set_defaults(run=run_return)


def _report(ctx: Context, outcome: SendOutcome) -> int:
    line = inert(outcome.line())
    if outcome.state in ("sent", "logged"):
        ctx.out(line)
        return EXIT_OK
    if outcome.state == "returned":
        ctx.out(f"returned reply #{outcome.outbox_id} to its author: {inert(outcome.reason)}")
        return EXIT_OK
    print(f"douse: {line}", file=sys.stderr)
    return {
        "awaiting_approval": EXIT_AWAITING_APPROVAL,
        "unconfirmed": EXIT_UNCONFIRMED,
    }.get(outcome.state, EXIT_NOT_SENT)


def run_reply(ctx: Context) -> int:
    args = ctx.args
    request = ReplyRequest(
        incident_id=args.id,
        text=args.text,
        by=args.by or ctx.settings.me or "",
        mode="send" if args.send else "log_only",
        private=args.private,
        override=args.override,
        mention_id=args.to,
        email=args.email,
        expected_version=args.expect_version,
    )
    try:
        outcome = reply(ctx.services, request)
    except PolicyBlocked as exc:
        for line in exc.lines():
            print(f"douse: {line}", file=sys.stderr)
        print(
            'douse: nothing was sent; fix the text, or send it anyway with --override "why"',
            file=sys.stderr,
        )
        return EXIT_USER_ERROR
    except NoReplyApi as exc:
        print(f"douse: {inert(str(exc))}", file=sys.stderr)
        print(f"douse: once posted: douse reply {args.id} --text ... --log-only", file=sys.stderr)
        return EXIT_USER_ERROR
    return _report(ctx, outcome)


def run_queue(ctx: Context) -> int:
    args = ctx.args
    with ctx.services.sessions() as session:
        rows = approval_queue(session, args.client, approver=ctx.settings.me if args.mine else None)
    if args.json:
        for row in rows:
            ctx.out(
                json.dumps(
                    {
                        "reply": row.outbox_id,
                        "incident": row.incident_id,
                        "client": row.client_slug,
                        "author": row.author,
                        "platform": row.platform,
                        "kind": row.kind,
                        "mode": row.mode,
                        "text": row.body,
                        "why": list(row.rules),
                        "approvers": list(row.approvers),
                        "asked_at": row.created_at.isoformat().replace("+00:00", "Z"),
                    },
                    ensure_ascii=False,
                )
            )
        return EXIT_OK
    if not rows:
        ctx.out("no replies wait for approval")
        return EXIT_OK
    for row in rows:
        ctx.out(
            f"#{row.outbox_id}  incident #{row.incident_id} ({row.client_slug}, {row.severity})  "
            f"{row.kind.replace('_', ' ')} on {row.platform} by {row.author}  "
            f"{row.created_at:%Y-%m-%d %H:%M}Z"
        )
        ctx.out(f"    why: {inert('; '.join(row.rules))}  approvers: {', '.join(row.approvers)}")
        ctx.out(f"    «{inert(row.body, 200)}»")
    return EXIT_OK


def run_approve(ctx: Context) -> int:
    outcome = approve(ctx.services, ctx.args.outbox, by=ctx.args.by or ctx.settings.me or "")
    return _report(ctx, outcome)


def run_return(ctx: Context) -> int:
    outcome = return_reply(
        ctx.services, ctx.args.outbox, by=ctx.args.by or ctx.settings.me or "", note=ctx.args.note
    )
    return _report(ctx, outcome)
