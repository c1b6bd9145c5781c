"""`douse incident ID` shows one incident; `douse merge` and `douse split` regroup incidents."""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import Any

from douse.core.errors import DouseError
from douse.core.incidents import clock_state, inert, merge_incidents, split_incident, write_incident
from douse.core.queries.detail import incident_detail
from douse.core.queries.rows import IncidentDetail
from douse.core.text import mention_ref
from douse.core.wording import plural
from douse.tui.cli.context import Context
from douse.tui.cli.numbers import count
from douse.tui.cli.output import mention_arg


def register(sub: Any) -> None:
    show: argparse.ArgumentParser = sub.add_parser(
        "incident", help="show one incident with its mentions and timeline"
    )
    show.add_argument("id", type=int, help="incident number")
    show.add_argument(
        "--mentions", type=count, default=20, metavar="N", help="newest mentions to show (20)"
    )
    show.set_defaults(run=run_show)

    merge: argparse.ArgumentParser = sub.add_parser(
        "merge", help="merge incidents into one (the others close as merged)"
    )
    merge.add_argument("target", type=int, help="the incident that stays")
    merge.add_argument("sources", type=int, nargs="+", help="incidents merged into it")
    merge.add_argument("--by", metavar="STAFF", help="who does it (default: --as / DOUSE_ME)")
    merge.add_argument(
        "--expect-version",
        action="append",
        default=[],
        metavar="[ID=]N",
        help="fail if the target (N) or incident ID (ID=N) changed since; repeatable",
    )
    merge.set_defaults(run=run_merge)

    split: argparse.ArgumentParser = sub.add_parser(
        "split", help="move some mentions of an incident to a new incident"
    )
    split.add_argument("id", type=int, help="incident number")
    split.add_argument(
        "mentions", type=mention_arg, nargs="+", metavar="MENTION", help="mentions to move (m777)"
    )
    split.add_argument("--by", metavar="STAFF", help="who does it (default: --as / DOUSE_ME)")
    split.add_argument(
        "--expect-version", type=int, metavar="N", help="fail if the incident changed since"
    )
    split.set_defaults(run=run_split)


def _t(instant: datetime | None) -> str:
    return f"{instant:%Y-%m-%d %H:%M} UTC" if instant else "-"


def _post_text(title: str, text: str) -> str:
    """Title and text, but the title only when the text does not already begin with it (Reddit
    and Hacker News posts often repeat their title as the first words of the text)."""
    head = " ".join(title.split()).rstrip("….").strip().casefold()
    if not head or " ".join(text.split()).casefold().startswith(head):
        return text or title
    return f"{title} {text}"


def _versions(target: int, values: list[str]) -> dict[int, int]:
    """`--expect-version N` (the target) and `--expect-version ID=N` (any incident named)."""
    versions: dict[int, int] = {}
    for value in values:
        key, _, number = value.rpartition("=")
        try:
            versions[int(key) if key else target] = int(number)
        except ValueError:
            raise DouseError(f"--expect-version takes N or ID=N (numbers), got {value!r}") from None
    return versions


def render(c: IncidentDetail, now: datetime) -> list[str]:
    clock = clock_state(c, now)
    lines = [
        f"#{c.id}  {c.client.slug}  {c.severity}  {c.kind}  {c.status}  "
        f"owner {c.owner or 'nobody'}  version {c.version}",
        f"  {inert(c.row.title, 200)}",
        f"  clock: {clock.label}" + (f" (due {_t(clock.due_at)})" if clock.due_at else ""),
    ]
    if c.breached_at:
        missed = sum(a.details.get("event") == "breach" for a in c.activities)
        also = f" ({missed} missed deadlines in all, see the timeline)" if missed > 1 else ""
        lines.append(f"  first breach: {c.breach_kind} at {_t(c.breached_at)}{also}")
    lines.append(f"  severity: {c.severity} because " + "; ".join(c.severity_reasons or ("-",)))
    # Words are "shared" only where several people wrote: one person's post has its own text.
    shared = c.terms[:10] if c.terms and c.row.distinct_authors > 1 else []
    lines.append(
        f"  {plural(c.row.distinct_authors, 'person', 'people')}, "
        f"{plural(c.row.mention_count, 'mention')}"
        + (f"; shared terms: {', '.join(shared)}" if shared else "")
    )
    if c.row.category:
        category = c.row.category
        lines.append(f"  category: {inert(c.category_title or category, 60)} ({category})")
    if c.row.problem_id:
        lines.append(f"  one person's case under problem #{c.row.problem_id}")
        if c.placed:
            lines.append(f"    placed there by triage: {c.placed}")
    if c.cases:
        lines.append(f"  cases under it ({len(c.cases)}):")
        for case in c.cases:
            due = f"due {_t(case.due_at)}" if case.due_at else "no deadline"
            lines.append(
                f"    #{case.id}  @{inert(case.author_handle or '?', 40)}  {case.status}  {due}  "
                f"{plural(case.mention_count, 'mention')}"
            )
    lines.append(f"  opened {_t(c.row.opened_at)}; first response {_t(c.first_response_at)}")
    if c.resolution:
        when = f" ({_t(c.resolved_at)})" if c.resolved_at and c.status == "resolved" else ""
        lines.append(f"  resolution{when}: {inert(c.resolution, 300)}")
    if c.repair_status:
        lines.append(f"  repair: {c.repair_status}")
    if c.merged_into_id:
        lines.append(f"  merged into #{c.merged_into_id}")
    lines.append(f"  last changed {_t(c.updated_at)} by {c.updated_by or 'douse'}")
    lines.append("mentions:")
    for m in (entry.mention for entry in c.mentions):
        flags = "".join(
            f" [{f}]" for f, on in (("troll", m.author_is_troll), ("vip", m.author_is_vip)) if on
        )
        score = f"{m.compound:+.2f}" if m.compound is not None else "  n/a"
        lines.append(
            f"  {mention_ref(m.id):>8}  {_t(m.published_at)}  {m.platform:<10} "
            f"@{inert(m.author or '?', 40)}{flags}  {score}  shares {m.shares}"
        )
        lines.append(f"            {inert(_post_text(m.title, m.text), 160)}")
        if m.url:
            lines.append(f"            {inert(m.url, 160)}")
    if c.more_mentions:
        lines.append(f"  ... and {c.more_mentions} older (use --mentions N)")
    lines.append("timeline:")
    for a in c.activities:
        extra = []
        if a.channel:
            extra.append(f"via {inert(a.channel, 40)}")
        if a.details.get("offer"):
            extra.append(str(a.details["offer"]))
        if a.money:
            extra.append(a.money)
        if a.corrects_id:
            extra.append(f"corrects #{a.corrects_id}")
        if a.outcome:
            extra.append(f"outcome: {inert(a.outcome, 80)}")
        lines.append(
            f"  {a.id:>6}  {_t(a.at)}  {a.kind:<18} {a.staff or 'douse':<10} "
            + " ".join([*extra, inert(a.body, 200)]).strip()
        )
        if a.policy_note:
            lines.append(f"          ! {a.policy_note}")
        if a.sent_note:
            lines.append(f"          → {a.sent_note}")
    if not c.activities:
        lines.append("  (nothing yet)")
    return lines


def run_show(ctx: Context) -> int:
    services = ctx.services
    with services.sessions() as session:
        detail = incident_detail(session, ctx.args.id, mention_limit=max(ctx.args.mentions, 0))
    for line in render(detail, services.clock.now()):
        ctx.out(line)
    return 0


def run_merge(ctx: Context) -> int:
    services = ctx.services
    result = write_incident(
        services.sessions,
        lambda session: merge_incidents(
            session,
            ctx.args.target,
            ctx.args.sources,
            by=ctx.args.by or ctx.settings.me or "",
            now=services.clock.now(),
            expected_versions=_versions(ctx.args.target, ctx.args.expect_version),
        ),
        pinned=bool(ctx.args.expect_version),
        incident_id=ctx.args.target,
    )
    ctx.out(f"merged into #{result.incident_id} (version {result.version})")
    return 0


def run_split(ctx: Context) -> int:
    services = ctx.services
    result = write_incident(
        services.sessions,
        lambda session: split_incident(
            session,
            ctx.args.id,
            ctx.args.mentions,
            by=ctx.args.by or ctx.settings.me or "",
            now=services.clock.now(),
            expected_version=ctx.args.expect_version,
        ),
        pinned=ctx.args.expect_version is not None,
        incident_id=ctx.args.id,
    )
    ctx.out(f"split off as #{result.incident_id}")
    return 0
