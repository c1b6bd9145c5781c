"""`douse mention add`: record a mention staff received by phone, mail or screenshot.
`douse mention label ID LABEL`: a person's label for a post (kept, and learned from)."""

from __future__ import annotations

import argparse
from typing import Any

from douse.core.errors import DouseError
from douse.core.ingest.manual import add_manual_mention
from douse.core.jobs.poll import default_on_stored
from douse.core.mentions import CORRECTABLE_LABELS, label_mention, mention_outcome
from douse.core.text import mention_ref
from douse.tui.cli.context import Context


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "mention", help="record a mention by hand (a phone complaint, a screenshot)"
    )
    actions = parser.add_subparsers(dest="mention_action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="record a mention typed in by staff")
    add.add_argument("--client", required=True, metavar="SLUG")
    add.add_argument("--text", required=True, help="what the person said or wrote")
    add.add_argument("--author", help="who said it (name or handle)")
    add.add_argument("--url", help="where it was posted, if anywhere")
    add.add_argument("--title", default="", help="a short title")
    add.add_argument(
        "--platform",
        default="manual",
        help="where it came from: phone, email, ... (default manual)",
    )
    add.set_defaults(run=run_add)
    label = actions.add_parser(
        "label",
        help="set a post's label as a person judged it (douse learns from it)",
        description="Set the label of mention ID: it wins over the model, re-scoring never "
        "changes it, and `douse learn` learns from it. Giving the label it already has confirms "
        "it (and is learned from too).",
    )
    label.add_argument("mention_id", metavar="ID", help="the mention's number, e.g. 42 or m42")
    label.add_argument("label", metavar="LABEL", help=", ".join(CORRECTABLE_LABELS))
    label.set_defaults(run=run_label)


def _mention_id(value: str) -> int:
    digits = value.strip().lower().removeprefix("m").removeprefix("#")
    if not digits.isdigit():
        raise DouseError(f"mention id must be a number, not {value!r}")
    return int(digits)


def run_label(ctx: Context) -> int:
    services = ctx.services
    mention_id = _mention_id(ctx.args.mention_id)
    label = ctx.args.label.strip().lower()
    with services.sessions.begin() as session:
        done = label_mention(
            session,
            mention_id,
            label,
            by=ctx.settings.me or "",
            now=services.clock.now(),
            source="cli",
        )
    ref = mention_ref(done.mention_id)
    if done.before == done.label:
        ctx.out(f"mention {ref}: {done.label} confirmed by {done.by}")
    else:
        ctx.out(f"mention {ref}: {done.before} -> {done.label} by {done.by}")
    return 0


def run_add(ctx: Context) -> int:
    services = ctx.services
    with services.sessions.begin() as session:
        result = add_manual_mention(
            session,
            ctx.args.client,
            ctx.args.text,
            now=services.clock.now(),
            scorer=services.analyzer(),
            author=ctx.args.author,
            url=ctx.args.url,
            title=ctx.args.title,
            platform=ctx.args.platform,
            staff=ctx.settings.me,
            on_stored=default_on_stored(),
        )
    with services.sessions() as session:
        outcome = mention_outcome(session, result.mention_id)
    ref = mention_ref(result.mention_id)
    line = f"recorded mention {ref}" if result.created else f"already recorded as mention {ref}"
    line += f" ({outcome.label})"
    if outcome.incident_id is None and outcome.label == "unscored":
        line += "; no incident: it could not be scored (label it on the desk if it is a complaint)"
    elif outcome.incident_id is None:
        line += "; no incident (negative posts and critical terms open one)"
    else:
        how = "opened" if outcome.opened and result.created else "on"
        line += f"; {how} incident #{outcome.incident_id} ({outcome.status})"
    ctx.out(line)
    return 0
