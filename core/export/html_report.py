"""The client-ready HTML report: one self-contained file (inline CSS and SVG, no script, nothing
fetched), summary first, then the incident log streamed row by row. Prints cleanly on A4: a long
incident breaks across pages (its header stays with its first lines, a table's header repeats),
so a page is never left nearly empty for want of room for the next whole incident.

The report is for the client: internal notes, assignments and the desk's own re-checks are left
out, and status changes are said in plain words ("Marked resolved"), unless `internal=True`
(`douse export --internal`), which shows the whole log as the team sees it.

Every string from the database goes through `html.escape`: a mention's markup is shown as text.
"""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import TextIO
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from core import __version__
from core.export.period import Period, client_zone
from core.export.records import ActivityRecord, ClientRecord, IncidentRecord, iter_incidents
from core.export.response import (
    business_response_minutes,
    client_calendar,
    first_response_outcome,
    format_minutes,
)
from core.export.summary import Brief, Summary, summarise
from core.export.svg_chart import COLOURS, LINE, segments_used, volume_chart
from core.export.text import (
    ACTIVITY_LABELS,
    SEVERITY_ORDER,
    STATUS_LABELS,
    LogLine,
    client_log_line,
    incident_title,
    label,
    local_time,
    number,
    one_line,
    percent,
    period_text,
    plural,
    short_time,
)
from core.incidents.business_time import BusinessCalendar
from core.policy import policy_note

STYLE = """
:root { --ink:#1d2733; --muted:#5b6573; --line:#e3e7ec; --accent:#1f3a5f; --bg:#f6f8fa;
  --critical:#8e1b1b; --high:#c0392b; --medium:#c77c0e; --low:#5b6573; --ok:#2e7d4f; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0 auto; max-width: 900px; padding: 40px 32px 64px; color: var(--ink);
  font: 14px/1.5 "Segoe UI", system-ui, -apple-system, "Helvetica Neue", Arial, sans-serif; }
header { border-bottom: 3px solid var(--accent); padding-bottom: 14px; margin-bottom: 24px; }
.eyebrow { text-transform: uppercase; letter-spacing: .12em; font-size: 11px; color: var(--muted);
  margin: 0; }
h1 { font-size: 28px; margin: 4px 0 2px; }
h2 { font-size: 18px; margin: 32px 0 10px; color: var(--accent); break-after: avoid; }
h3 { font-size: 15px; margin: 0 0 6px; break-after: avoid; }
.internal { color: var(--high); font-weight: 600; }
.period { color: var(--muted); margin: 0; }
.kpis { display: grid; grid-template-columns: repeat(4, 1fr); gap: 12px; break-inside: avoid; }
.kpi { background: var(--bg); border: 1px solid var(--line); border-radius: 8px;
  padding: 12px 14px; }
.kpi b { display: block; font-size: 24px; line-height: 1.2; }
.kpi span { color: var(--muted); font-size: 12px; }
table { width: 100%; border-collapse: collapse; font-size: 13px; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line);
  vertical-align: top; }
th { color: var(--muted); font-weight: 600; font-size: 12px; }
thead { display: table-header-group; } /* repeated on each printed page the table spans */
tr { break-inside: avoid; }
td.when { white-space: nowrap; }
.acts th:nth-child(1) { width: 9em; } .acts th:nth-child(2) { width: 12.5em; }
.acts th:nth-child(3) { width: 5.5em; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
.sev { display: inline-block; padding: 1px 8px; border-radius: 10px; color: #fff; font-size: 11px;
  font-weight: 600; text-transform: uppercase; letter-spacing: .04em; }
.sev-critical { background: var(--critical); } .sev-high { background: var(--high); }
.sev-medium { background: var(--medium); } .sev-low { background: var(--low); }
.met { color: var(--ok); font-weight: 600; } .missed { color: var(--high); font-weight: 600; }
.pending, .none { color: var(--muted); }
.chart { width: 100%; height: auto; break-inside: avoid; }
.legend { color: var(--muted); font-size: 12px; margin: 4px 0 0; }
.legend i { display: inline-block; width: 10px; height: 10px; border-radius: 2px;
  margin: 0 4px 0 12px; vertical-align: -1px; }
.incident { border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; margin: 0 0 12px;
  -webkit-box-decoration-break: clone; box-decoration-break: clone; }
.incident .head { break-inside: avoid; } /* title, badges and facts stay together */
.incident .meta { color: var(--muted); font-size: 12px; margin: 0 0 8px; break-after: avoid; }
.incident.merged { padding: 8px 16px; }
.incident.merged h3 { color: var(--muted); }
p, dd, .quote { orphans: 3; widows: 3; }
.incident dl { display: grid; grid-template-columns: 150px 1fr; gap: 2px 12px; margin: 0; }
.incident dt { color: var(--muted); } .incident dd { margin: 0; overflow-wrap: anywhere; }
.quote { border-left: 3px solid var(--line); margin: 8px 0; padding: 2px 10px; color: #38424e;
  break-inside: avoid; }
.acts { margin-top: 8px; }
.flag { color: #a3261b; font-weight: 600; }
.empty { color: var(--muted); font-style: italic; }
footer { margin-top: 40px; color: var(--muted); font-size: 11px; border-top: 1px solid var(--line);
  padding-top: 8px; }
@page { size: A4; margin: 14mm 12mm; }
@media print { body { padding: 0; max-width: none; font-size: 12px; }
  h2 { margin-top: 22px; } .incident { margin-bottom: 10px; }
  th, td { padding: 3px 6px; } .quote { margin: 5px 0; }
  .kpi, .incident { background: none; } a { color: inherit; text-decoration: none; } }
"""


def e(value: object) -> str:
    return escape("" if value is None else str(value), quote=True)


def _sev(severity: str) -> str:
    return f'<span class="sev sev-{e(severity)}">{e(severity)}</span>'


def _outcome(outcome: str) -> str:
    css = {"met": "met", "missed": "missed", "pending": "pending"}.get(outcome, "none")
    return f'<span class="{css}">{e(outcome)}</span>'


def _link(url: str | None) -> str:
    if not url:
        return "—"
    # Only web links become clickable; anything else (javascript:, data:) stays visible text.
    if url.startswith(("http://", "https://")):
        return f'<a href="{e(url)}" rel="noopener noreferrer">{e(one_line(url, 120))}</a>'
    return e(one_line(url, 120))


def _kpis(client: ClientRecord, s: Summary) -> str:
    r = s.response
    target = format_minutes(client.first_response_minutes)
    tiles = [
        (number(s.total), "incidents opened in the period"),
        (format_minutes(r.median_minutes), f"median first response (target {target})"),
        (format_minutes(r.p90_minutes), "90th-percentile first response"),
        (
            percent(r.share_met),
            f"answered within target ({number(r.met)} of {number(r.met + r.missed)})",
        ),
    ]
    body = "".join(f'<div class="kpi"><b>{e(v)}</b><span>{e(t)}</span></div>' for v, t in tiles)
    return f'<section class="kpis">{body}</section>'


def _count(value: int) -> str:
    return number(value) if value else "·"


def _matrix(s: Summary) -> str:
    statuses = [k for k in STATUS_LABELS if s.by_status.get(k)]
    if not s.total:
        return '<p class="empty">No incidents were opened in this period.</p>'
    head = "".join(f'<th class="n">{e(STATUS_LABELS[k])}</th>' for k in statuses)
    rows = []
    for sev in SEVERITY_ORDER:
        if not s.by_severity.get(sev):
            continue
        cells = "".join(
            f'<td class="n">{_count(s.by_severity_status.get((sev, k), 0))}</td>' for k in statuses
        )
        rows.append(
            f'<tr><td>{_sev(sev)}</td>{cells}<td class="n"><b>{number(s.by_severity[sev])}</b>'
            "</td></tr>"
        )
    totals = "".join(f'<td class="n"><b>{number(s.by_status[k])}</b></td>' for k in statuses)
    return (
        f'<table><thead><tr><th>Severity</th>{head}<th class="n">Total</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody><tfoot><tr><td><b>All</b></td>{totals}"
        f'<td class="n"><b>{number(s.total)}</b></td></tr></tfoot></table>'
    )


def _response_note(client: ClientRecord, s: Summary) -> str:
    r = s.response
    overrides = ", ".join(
        f"{sev} {format_minutes(v.get('first_response'))}"
        for sev, v in sorted(client.targets_by_severity.items())
        if isinstance(v, dict) and v.get("first_response") is not None
    )
    text = (
        f"First-response times are counted in business hours ({client.timezone}) against a "
        f"target of {format_minutes(client.first_response_minutes)}"
        + (f" ({overrides})" if overrides else "")
        + f". {number(r.met)} met, {number(r.missed)} missed, {number(r.pending)} awaiting a "
        "first reply within target"
        + (f", {number(r.no_target)} without a response clock" if r.no_target else "")
        + ". Incidents merged into another are counted once, as the incident they joined."
    )
    return f"<p>{e(text)}</p>"


def _chart(s: Summary) -> str:
    if not any(b.total for b in s.buckets):
        return '<p class="empty">No mentions were recorded in this period.</p>'
    legend = "".join(
        f'<i style="background:{COLOURS[k]}"></i>{k}' for k in segments_used(s.buckets)
    )
    legend += (
        f'<i style="background:{LINE};height:3px;vertical-align:3px"></i>mean sentiment '
        "(right axis, −1 negative … +1 positive)"
    )
    return (
        volume_chart(s.buckets, s.bucket_unit)
        + f'<p class="legend">Mentions per {e(s.bucket_unit)}:{legend}</p>'
    )


def _brief_rows(items: tuple[Brief, ...], tz: ZoneInfo, now: datetime | None = None) -> str:
    """Patterns show their reach; open items (given `now`) their next deadline."""
    rows = []
    for b in items:
        if now is None:
            when = e(f"{number(b.distinct_authors)} / {number(b.mention_count)}")
        else:
            when = e(local_time(b.due_at, tz))
            if b.due_at is not None and b.due_at <= now:
                when += ' <span class="missed">overdue</span>'
        title = incident_title(b.title, b.kind, tz)
        rows.append(
            f"<tr><td>#{b.id}</td><td>{e(one_line(title, 140))}</td><td>{_sev(b.severity)}</td>"
            f"<td>{e(label(b.status, STATUS_LABELS))}</td><td>{e(b.owner or 'unassigned')}</td>"
            f"<td>{when}</td></tr>"
        )
    last = "Authors / mentions" if now is None else "Next deadline"
    return (
        "<table><thead><tr><th>#</th><th>Incident</th><th>Severity</th><th>Status</th>"
        f"<th>Owner</th><th>{last}</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def log_lines(
    activities: tuple[ActivityRecord, ...], internal: bool
) -> list[tuple[ActivityRecord, LogLine]]:
    """The activities to show: all of them as recorded, or the client's view of them."""
    if internal:
        return [(a, LogLine(label(a.kind, ACTIVITY_LABELS), a.body)) for a in activities]
    shown: list[tuple[ActivityRecord, LogLine]] = []
    hidden: set[int] = set()
    for a in activities:
        line = client_log_line(a.kind, a.body, a.details)
        # A correction of something the client does not see is not theirs to see either.
        if line is None or (a.corrects_id is not None and a.corrects_id in hidden):
            hidden.add(a.id)
            continue
        shown.append((a, line))
    return shown


def _policy_flag(a: ActivityRecord) -> str:
    """An over-limit offer, or anything recorded over the reply policy, is flagged."""
    note = policy_note(a.details)
    return f' <strong class="flag">⚠ {e(note)}</strong>' if note else ""


def _activities(i: IncidentRecord, tz: ZoneInfo, internal: bool) -> str:
    lines = log_lines(i.activities, internal)
    if not lines:
        return ""
    rows = "".join(
        f'<tr><td class="when">{e(short_time(a.at, tz))}</td><td>{e(line.what)}</td>'
        f"<td>{e(a.staff or '—')}</td><td>{e(one_line(line.detail, 300)) or '—'}"
        + (f" — <i>{e(one_line(a.outcome, 160))}</i>" if a.outcome else "")
        + (f" ({e(a.amount)} {e(a.currency or '')})" if a.amount is not None else "")
        + _policy_flag(a)
        + "</td></tr>"
        for a, line in lines
    )
    return (
        '<table class="acts"><thead><tr><th>When</th><th>What</th><th>Who</th><th>Detail</th>'
        f"</tr></thead><tbody>{rows}</tbody></table>"
    )


def _merged(i: IncidentRecord, tz: ZoneInfo, internal: bool) -> str:
    """An incident merged into another: listed, linked to where it went, counted there."""
    into = f'<a href="#i{i.merged_into_id}">#{i.merged_into_id}</a>'
    title = incident_title(i.title, i.kind, tz)
    return (
        f'<article class="incident merged" id="i{i.id}"><div class="head">'
        f"<h3>#{i.id} · {e(one_line(title, 200))}</h3>"
        f'<p class="meta">Merged into {into} · opened {e(local_time(i.opened_at, tz))} · '
        f"{e(plural(i.mention_count, 'mention'))}, counted under {into}, not on its own.</p>"
        f"</div>{_activities(i, tz, internal) if internal else ''}</article>\n"
    )


def _incident(
    i: IncidentRecord,
    client: ClientRecord,
    now: datetime,
    cal: BusinessCalendar,
    internal: bool = False,
) -> str:
    tz = client_zone(client.timezone)
    if i.merged_into_id is not None:
        return _merged(i, tz, internal)
    took = business_response_minutes(i, cal)
    target = format_minutes(client.first_response_target(i.severity))
    response = local_time(i.first_response_at, tz)
    if took is not None:
        response += f" · {format_minutes(took)} in business hours"
    rows = [
        ("Opened", e(local_time(i.opened_at, tz))),
        ("Owner", e(i.owner or "unassigned")),
        ("First mention", _link(i.first_mention_url)),
        (
            "People involved",
            e(
                f"{number(i.distinct_authors)} distinct "
                f"author{'s' if i.distinct_authors != 1 else ''}, "
                f"{number(i.mention_count)} mention{'s' if i.mention_count != 1 else ''}"
            ),
        ),
        (
            "First response",
            f"{e(response)} (target {e(target)}) — {_outcome(first_response_outcome(i, now))}",
        ),
    ]
    if i.resolved_at is not None or i.resolution:
        rows.append(
            ("Resolved", e(f"{local_time(i.resolved_at, tz)} — {i.resolution or ''}".rstrip(" —")))
        )
    if i.repair_status:
        rows.append(("Repair", e(label(i.repair_status))))
    quotes = "".join(
        f'<p class="quote">{e(m.author.handle + " on " if m.author else "")}{e(m.platform)}: '
        f"“{e(one_line(m.text or m.title, 300))}”</p>"
        for m in i.mentions[:2]
    )
    dl = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows)
    title = incident_title(i.title, i.kind, tz)
    return (
        f'<article class="incident" id="i{i.id}"><div class="head">'
        f"<h3>#{i.id} · {e(one_line(title, 200))}</h3>"
        f'<p class="meta">{_sev(i.severity)} {e(label(i.status, STATUS_LABELS))} · '
        f"{e(label(i.kind))}</p><dl>{dl}</dl></div>{quotes}{_activities(i, tz, internal)}"
        "</article>\n"
    )


def _categories(s: Summary) -> str:
    rows = "".join(
        f'<tr><td>{e(c.title)}</td><td class="n">{number(c.complaints)}</td>'
        f'<td class="n">{number(c.people)}</td><td class="n">{number(c.waiting)}</td></tr>'
        for c in s.categories
    )
    return (
        '<table><thead><tr><th>Category</th><th class="n">Complaints</th>'
        '<th class="n">People</th><th class="n">Waiting for an answer</th></tr></thead>'
        f"<tbody>{rows}</tbody></table>\n"
    )


def write_html(
    session: Session,
    client: ClientRecord,
    period: Period,
    out: TextIO,
    now: datetime,
    *,
    internal: bool = False,
) -> int:
    tz = client_zone(client.timezone)
    s = summarise(session, client, period, now)
    when = period_text(period.since, period.until, tz, s.chart_start)
    eyebrow = (
        '<span class="internal">Internal report — includes the team\'s notes; '
        "not for the client</span>"
        if internal
        else "Reputation report"
    )
    out.write(
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{e(client.name)} — {'internal' if internal else 'reputation'} report "
        f"{e(when)}</title>"
        f"<style>{STYLE}</style></head><body>\n"
        f'<header><p class="eyebrow">{eyebrow}</p><h1>{e(client.name)}</h1>'
        f'<p class="period">{e(when)} · times in {e(client.timezone)}</p></header>\n'
    )
    out.write(_kpis(client, s))
    out.write("<h2>Incidents by severity and status</h2>" + _matrix(s))
    out.write(_response_note(client, s))
    out.write("<h2>Mentions and sentiment</h2>" + _chart(s) + "\n")
    if s.categories:
        out.write("<h2>Complaints by category</h2>" + _categories(s))
    out.write("<h2>Biggest patterns and spikes</h2>")
    out.write(
        _brief_rows(s.patterns, tz)
        if s.patterns
        else '<p class="empty">No pattern or spike was detected in this period.</p>'
    )
    out.write(f"<h2>Open items as of {e(local_time(s.as_of, tz))} ({number(s.open_count)})</h2>")
    if s.open_items:
        out.write(_brief_rows(s.open_items, tz, now))
        if s.open_count > len(s.open_items):
            out.write(f'<p class="empty">and {number(s.open_count - len(s.open_items))} more.</p>')
    else:
        out.write('<p class="empty">Nothing is open.</p>')
    out.write("\n<h2>Incident log</h2>\n")
    cal = client_calendar(client)
    count = 0
    for incident in iter_incidents(session, client.id, period, mentions="full", activities=True):
        out.write(_incident(incident, client, now, cal, internal))
        count += 1
    if not count:
        out.write('<p class="empty">No incidents in this period.</p>')
    scope = (
        "This internal version shows every entry as recorded."
        if internal
        else "Entries for the team only (internal notes, assignments) are not shown."
    )
    out.write(
        f"<footer>Prepared {e(local_time(now, tz))} by douse {e(__version__)}. "
        "Nothing in this log is ever edited or erased; corrections appear as new entries. "
        f"{scope}</footer>\n</body></html>\n"
    )
    return count
