"""The Markdown incident log, for an email or a wiki page: a short summary, then each incident.

Everything that came from a mention or from staff is escaped so a post cannot inject links,
images or HTML into the client's wiki; times are in the client's own time zone.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import TextIO

from sqlalchemy.orm import Session

from core.export.period import Period, client_zone
from core.export.records import ClientRecord, IncidentRecord, iter_incidents
from core.export.response import (
    business_response_minutes,
    client_calendar,
    first_response_outcome,
    format_minutes,
)
from core.export.summary import Summary, summarise
from core.export.text import (
    ACTIVITY_LABELS,
    SEVERITY_ORDER,
    STATUS_LABELS,
    label,
    local_date,
    local_time,
    one_line,
    percent,
)
from core.incidents.business_time import BusinessCalendar

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+!|~&-])")


def md(text: str | None, limit: int = 280) -> str:
    """Inline-safe Markdown: one line, every character with a Markdown meaning escaped."""
    return _MD_SPECIAL.sub(r"\\\1", one_line(text, limit))


def md_link(url: str | None) -> str:
    if not url:
        return "—"
    # An autolink cannot carry a `javascript:` payload past most renderers; plain text elsewhere.
    if url.startswith(("http://", "https://")) and not any(c in url for c in "<> \n"):
        return f"<{url}>"
    return md(url, 500)


def _header(client: ClientRecord, period: Period, summary: Summary, now: datetime) -> list[str]:
    tz = client_zone(client.timezone)
    since = local_date(period.since, tz) if period.since else "the beginning"
    r = summary.response
    lines = [
        f"# Incident log — {md(client.name)}",
        "",
        f"Period: {since} to {local_date(period.until - timedelta(microseconds=1), tz)} "
        f"({client.timezone}). "
        f"Prepared {local_time(now, tz)}.",
        "",
        "## Summary",
        "",
        f"- Incidents: {summary.total}"
        + (
            " ("
            + ", ".join(
                f"{summary.by_severity[s]} {s}"
                for s in SEVERITY_ORDER
                if summary.by_severity.get(s)
            )
            + ")"
            if summary.total
            else ""
        ),
        f"- First response target: {format_minutes(client.first_response_minutes)} "
        "of business hours",
        f"- First response, median: {format_minutes(r.median_minutes)}; "
        f"90th percentile: {format_minutes(r.p90_minutes)}",
        f"- Answered within target: {percent(r.share_met)} "
        f"({r.met} met, {r.missed} missed, {r.pending} awaiting a first reply)",
        f"- Open now: {summary.open_count}",
        "",
    ]
    return lines


def _incident(
    i: IncidentRecord, client: ClientRecord, now: datetime, calendar: BusinessCalendar
) -> str:
    tz = client_zone(client.timezone)
    outcome = first_response_outcome(i, now)
    took = business_response_minutes(i, calendar)
    lines = [
        f"## #{i.id} — {md(i.title, 200)}",
        "",
        f"- **{label(i.severity)}** · {label(i.status, STATUS_LABELS)} · "
        f"owner {md(i.owner) if i.owner else 'unassigned'}",
        f"- Opened {local_time(i.opened_at, tz)}; {i.distinct_authors} distinct "
        f"author{'s' if i.distinct_authors != 1 else ''}, {i.mention_count} "
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
    for m in i.mentions[:3]:
        who = f"{md(m.author.handle, 80)} on " if m.author else ""
        lines.append(f"- > {who}{md(m.platform, 40)}: “{md(m.text or m.title, 240)}”")
    if i.activities:
        lines += ["", "| When | What | Who | Detail |", "|---|---|---|---|"]
        for a in i.activities:
            detail = " — ".join(md(t, 240) for t in (a.body, a.outcome) if t)
            if a.amount is not None:
                detail = f"{detail} ({a.amount} {md(a.currency or '')})".strip()
            lines.append(
                f"| {local_time(a.at, tz)} | {label(a.kind, ACTIVITY_LABELS)} | "
                f"{md(a.staff) if a.staff else '—'} | {detail or '—'} |"
            )
    return "\n".join(lines) + "\n\n"


def write_markdown(
    session: Session, client: ClientRecord, period: Period, out: TextIO, now: datetime
) -> int:
    summary = summarise(session, client, period, now)
    out.write("\n".join(_header(client, period, summary, now)) + "\n")
    calendar = client_calendar(client)
    count = 0
    for incident in iter_incidents(session, client.id, period, mentions="full", activities=True):
        out.write(_incident(incident, client, now, calendar))
        count += 1
    if count == 0:
        out.write("No incidents in this period.\n")
    return count
