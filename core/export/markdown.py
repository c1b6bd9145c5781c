"""The Markdown incident log, for an email or a wiki page: a short summary, then each incident.

Text that came from a mention or from staff cannot inject links, images, HTML or formatting into
the client's wiki, but it is escaped only where Markdown would read it (`new -> in_progress`
stays as it is; `**bold**`, `[x](y)` and `<b>` do not). Times are in the client's own time zone.

Like the HTML report, this is the client's view: internal notes, assignments and re-checks are left
out and status changes are said in plain words unless `internal=True`. Incidents merged into
another are listed as "merged into #N" and counted only there.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import TextIO
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from douse.core.export.html_report import log_lines
from douse.core.export.period import Period, client_zone
from douse.core.export.records import ClientRecord, IncidentRecord, iter_incidents
from douse.core.export.response import (
    business_response_minutes,
    client_calendar,
    first_response_outcome,
    format_minutes,
)
from douse.core.export.summary import Summary, summarise
from douse.core.export.text import (
    SEVERITY_ORDER,
    STATUS_LABELS,
    incident_title,
    label,
    local_time,
    number,
    one_line,
    percent,
    period_text,
    short_time,
)
from douse.core.incidents.business_time import BusinessCalendar
from douse.core.policy import policy_note

# Anywhere in a line: escapes, code, emphasis, links and images (`![` needs the `[`), raw HTML
# and autolinks (`<`), table cells (`|`) and GFM strikethrough (`~`).
_INLINE = re.compile(r"[\\`*\[\]<|~]")
# `_` is emphasis only at a word's edge: `in_progress` is safe, `_this_` is not.
_UNDERSCORE = re.compile(r"(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")
# An entity (`&lt;`, `&#60;`) would be decoded by the renderer; a lone `&` is just text.
_ENTITY = re.compile(r"&(?=#?\w+;)")
# At the start of a line only: a heading, a quote, a list item, a numbered item.
_BLOCK_START = re.compile(r"^([#>]|[-+](?=\s))")
_NUMBERED = re.compile(r"^(\d+)([.)])(?=\s)")


def md(text: str | None, limit: int = 280, *, line_start: bool = False) -> str:
    """Inline-safe Markdown: one line, each character escaped where Markdown would read it.

    `line_start`: the text begins a line, where `#`, `>`, `- ` and `1. ` also mean something.
    Everything douse writes puts text after a marker (`- `, `| `, `## #12 — `), so by default
    those are left alone.
    """
    flat = one_line(text, limit)
    flat = _INLINE.sub(lambda m: "\\" + m[0], flat)
    flat = _UNDERSCORE.sub(r"\\_", flat)
    flat = _ENTITY.sub(r"\\&", flat)
    if line_start:
        flat = _NUMBERED.sub(r"\1\\\2", _BLOCK_START.sub(r"\\\1", flat))
    return flat


def md_link(url: str | None) -> str:
    if not url:
        return "—"
    # An autolink cannot carry a `javascript:` payload past most renderers; plain text elsewhere.
    if url.startswith(("http://", "https://")) and not any(c in url for c in "<> \n"):
        return f"<{url}>"
    return md(url, 500)


def _header(
    client: ClientRecord, period: Period, summary: Summary, now: datetime, internal: bool
) -> list[str]:
    tz = client_zone(client.timezone)
    r = summary.response
    when = period_text(period.since, period.until, tz, summary.chart_start)
    by_severity = ", ".join(
        f"{number(summary.by_severity[s])} {s}"
        for s in SEVERITY_ORDER
        if summary.by_severity.get(s)
    )
    lines = [
        f"# Incident log — {md(client.name)}",
        "",
    ]
    if internal:
        lines += ["**Internal version: includes the team's notes. Not for the client.**", ""]
    lines += [
        f"Period: {when} ({client.timezone}). Prepared {local_time(now, tz)}.",
        "",
        "## Summary",
        "",
        f"- Incidents: {number(summary.total)}" + (f" ({by_severity})" if summary.total else ""),
        f"- First response target: {format_minutes(client.first_response_minutes)} "
        "of business hours",
        f"- First response, median: {format_minutes(r.median_minutes)}; "
        f"90th percentile: {format_minutes(r.p90_minutes)}",
        f"- Answered within target: {percent(r.share_met)} "
        f"({number(r.met)} met, {number(r.missed)} missed, "
        f"{number(r.pending)} awaiting a first reply)",
        f"- Open as of {local_time(summary.as_of, tz)}: {number(summary.open_count)}",
        "",
        *_categories(summary),
        "Incidents merged into another are listed as such and counted once, as the incident "
        "they joined.",
        "",
    ]
    return lines


def _categories(summary: Summary) -> list[str]:
    if not summary.categories:
        return []
    lines = ["## Complaints by category", ""]
    for c in summary.categories:
        lines.append(
            f"- {md(c.title, 60)}: {number(c.complaints)} complaints from {number(c.people)} "
            f"{'person' if c.people == 1 else 'people'}, {number(c.waiting)} waiting"
        )
    return [*lines, ""]


def _activity_table(i: IncidentRecord, tz: ZoneInfo, internal: bool) -> list[str]:
    lines = log_lines(i.activities, internal)
    if not lines:
        return []
    out = ["", "| When | What | Who | Detail |", "|---|---|---|---|"]
    for a, line in lines:
        detail = " — ".join(md(t, 240) for t in (line.detail, a.outcome) if t)
        if a.amount is not None:
            detail = f"{detail} ({a.amount} {md(a.currency or '')})".strip()
        note = policy_note(a.details)
        if note:
            # An over-limit offer or any entry recorded over the reply policy is flagged.
            detail = f"{detail} — **⚠ {md(note, 300)}**".strip(" —")
        out.append(
            f"| {short_time(a.at, tz)} | {md(line.what)} | "
            f"{md(a.staff) if a.staff else '—'} | {detail or '—'} |"
        )
    return out


def _incident(
    i: IncidentRecord,
    client: ClientRecord,
    now: datetime,
    calendar: BusinessCalendar,
    internal: bool = False,
) -> str:
    tz = client_zone(client.timezone)
    # A heading's trailing `#`s would be read as its closing sequence and dropped.
    title = re.sub(r"(#+)$", r"\\\1", md(incident_title(i.title, i.kind, tz), 200))
    if i.merged_into_id is not None:
        lines = [
            f"## #{i.id} — {title} (merged into #{i.merged_into_id})",
            "",
            f"- Opened {local_time(i.opened_at, tz)}; merged into #{i.merged_into_id}, where its "
            f"{number(i.mention_count)} mention{'s' if i.mention_count != 1 else ''} "
            "are counted",
        ]
        if internal:
            lines += _activity_table(i, tz, internal)
        return "\n".join(lines) + "\n\n"
    outcome = first_response_outcome(i, now)
    took = business_response_minutes(i, calendar)
    lines = [
        f"## #{i.id} — {title}",
        "",
        f"- **{label(i.severity)}** · {label(i.status, STATUS_LABELS)} · "
        f"owner {md(i.owner) if i.owner else 'unassigned'}",
        f"- Opened {local_time(i.opened_at, tz)}; {number(i.distinct_authors)} distinct "
        f"author{'s' if i.distinct_authors != 1 else ''}, {number(i.mention_count)} "
        f"mention{'s' if i.mention_count != 1 else ''}",
        f"- First mention: {md_link(i.first_mention_url)}",
        f"- First response: {local_time(i.first_response_at, tz)}"
        + (f" after {format_minutes(took)} of business hours" if took is not None else "")
        + f" — target {format_minutes(client.first_response_target(i.severity))}: **{outcome}**",
    ]
    if i.resolved_at is not None or i.resolution:
        lines.append(f"- Resolved {local_time(i.resolved_at, tz)}: {md(i.resolution) or '—'}")
    if i.repair_status:
        lines.append(f"- Repair: {md(label(i.repair_status))}")
    for q in i.quotes[:3]:
        who = f"{md(q.author_handle, 80)} on " if q.author_handle is not None else ""
        lines.append(f"- > {who}{md(q.platform, 40)}: “{md(q.text or q.title, 240)}”")
    lines += _activity_table(i, tz, internal)
    return "\n".join(lines) + "\n\n"


def write_markdown(
    session: Session,
    client: ClientRecord,
    period: Period,
    out: TextIO,
    now: datetime,
    *,
    internal: bool = False,
) -> int:
    summary = summarise(session, client, period, now)
    out.write("\n".join(_header(client, period, summary, now, internal)) + "\n")
    calendar = client_calendar(client)
    count = 0
    for incident in iter_incidents(session, client.id, period, mentions="quotes", activities=True):
        out.write(_incident(incident, client, now, calendar, internal))
        count += 1
    if count == 0:
        out.write("No incidents in this period.\n")
    return count
