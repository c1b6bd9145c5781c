"""`douse lint --client SLUG [--platform P] [--private] [--jsonl]`: check draft replies on stdin.

One draft (all of stdin): a line per finding, then a verdict; exit 1 when a blocking rule fails,
so scripts and editors can gate on it.

`--jsonl`: one JSON object per line in (`{"text": ..., "platform": "x", "private": false}`;
`platform` and `private` default to the options, an `"id"` is echoed back), one per line out, in
order: `{"blocked": true|false, "findings": [{"rule", "severity", "message", "start", "end"}]}`.
A line that cannot be checked gets `{"error": ...}` in its place (and a line on stderr), and the
exit code is then 2; otherwise 0, blocked drafts or not (the answer is in the output).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, BinaryIO

from sqlalchemy import select

from douse.core.db.models import Client
from douse.core.errors import DouseError, NotFound
from douse.core.incidents import inert
from douse.core.policy import Finding, ReplyPolicy, check_reply, has_blocking
from douse.tui.cli.commands.score import dumps
from douse.tui.cli.context import Context

EXIT_SOME_LINES_FAILED = 2


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "lint", help="check draft replies (stdin) against a client's reply policy"
    )
    parser.add_argument("--client", required=True, metavar="SLUG", help="client slug")
    parser.add_argument("--platform", help="where it will be posted (length limits)")
    parser.add_argument(
        "--private", action="store_true", help="a private message: private data is allowed"
    )
    parser.add_argument(
        "--jsonl",
        action="store_true",
        help='one JSON object per line in ({"text", "platform", "private"}), one per line out',
    )
    parser.set_defaults(run=run)


def _check_platform(policy: ReplyPolicy, platform: str | None) -> None:
    if platform is not None and policy.limit_for(platform) is None:
        known = ", ".join(policy.platforms())
        raise DouseError(f"unknown platform {platform!r}; known platforms: {known}")


def run(ctx: Context) -> int:
    with ctx.services.sessions() as session:
        client = session.scalar(select(Client).where(Client.slug == ctx.args.client))
        if client is None:
            raise NotFound(f"no client {ctx.args.client!r}")
        policy = ReplyPolicy.from_dict(client.reply_policy)
    platform = ctx.args.platform
    _check_platform(policy, platform)
    if ctx.args.jsonl:
        return lint_stream(policy, sys.stdin.buffer, ctx, platform, ctx.args.private)
    draft = sys.stdin.read()
    if draft.endswith("\n"):
        draft = draft[:-1]
    findings = check_reply(policy, draft, platform=platform, public=not ctx.args.private)
    for f in findings:
        excerpt = f"  «{inert(draft[f.start : f.end], 60)}»" if f.end > f.start else ""
        ctx.out(f"{f.severity:<5} {f.start}-{f.end} {f.rule}: {f.message}{excerpt}")
    blocking = has_blocking(findings)
    warned = any(f.severity == "warn" for f in findings)
    ctx.out(
        "blocked: fix the findings above before posting"
        if blocking
        else ("ok, with warnings" if warned else "ok")
    )
    return 1 if blocking else 0


def finding_object(f: Finding) -> dict[str, Any]:
    return {
        "rule": f.rule,
        "severity": f.severity,
        "message": f.message,
        "start": f.start,
        "end": f.end,
    }


def _parse(line: str, policy: ReplyPolicy, platform: str | None, private: bool) -> dict[str, Any]:
    """The line's draft and options; ValueError says what is wrong with it."""
    if not line.strip():
        raise ValueError("empty line")
    try:
        value = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(value, dict):
        raise ValueError("not a JSON object")
    text = value.get("text")
    if not isinstance(text, str):
        raise ValueError('no string "text"')
    where = value.get("platform", platform)
    if where is not None and not isinstance(where, str):
        raise ValueError('"platform" must be a string')
    if where is not None and policy.limit_for(where) is None:
        raise ValueError(f"unknown platform {where!r}; known: {', '.join(policy.platforms())}")
    is_private = value.get("private", private)
    if not isinstance(is_private, bool):
        raise ValueError('"private" must be true or false')
    return {"text": text, "platform": where, "private": is_private, "id": value.get("id")}


def lint_stream(
    policy: ReplyPolicy, source: BinaryIO, ctx: Context, platform: str | None, private: bool
) -> int:
    failed = 0
    for number, raw in enumerate(source, 1):
        # Bytes that are not UTF-8 become U+FFFD rather than stopping the whole stream.
        line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
        try:
            item = _parse(line, policy, platform, private)
        except ValueError as exc:
            failed += 1
            print(f"douse: line {number}: {exc}", file=ctx.stderr)
            out: dict[str, Any] = {"error": f"line {number}: {exc}"}
        else:
            findings = check_reply(
                policy, item["text"], platform=item["platform"], public=not item["private"]
            )
            out = {
                "blocked": has_blocking(findings),
                "findings": [finding_object(f) for f in findings],
            }
            if item["id"] is not None:
                out = {"id": item["id"], **out}
        ctx.stdout.write(dumps(out) + "\n")
        ctx.stdout.flush()
    if failed:
        print(f"douse: {failed} line(s) could not be checked", file=ctx.stderr)
        return EXIT_SOME_LINES_FAILED
    return 0
