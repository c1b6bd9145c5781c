"""The client-ready HTML report: one self-contained file (inline CSS and SVG, no script, nothing
fetched), summary first, then the incident log streamed row by row. Prints cleanly on A4.

Every string from the database goes through `html.escape`: a mention's markup is shown as text.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from html import escape
from typing import TextIO
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from core import __version__
from core.export.period import Period, client_zone
from core.export.records import ClientRecord, IncidentRecord, iter_incidents
from core.export.response import (
    business_response_minutes,
    client_calendar,
    first_response_outcome,
    format_minutes,
)
from core.export.summary import Brief, Summary, summarise
from core.export.svg_chart import COLOURS, LINE, volume_chart
from core.export.text import (
    ACTIVITY_LABELS,
    SEVERITY_ORDER,
    STATUS_LABELS,
    label,
    local_date,
    local_time,
    one_line,
    percent,
    plural,
)
from core.incidents.business_time import BusinessCalendar

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
h3 { font-size: 15px; margin: 0 0 6px; }
.period { color: var(--muted); margin: 0; }
.kpis { display: grid; grid-template-columns: repeat(4, 1fr); gap: 12px; }
.kpi { background: var(--bg); border: 1px solid var(--line); border-radius: 8px;
  padding: 12px 14px; }
.kpi b { display: block; font-size: 24px; line-height: 1.2; }
.kpi span { color: var(--muted); font-size: 12px; }
table { width: 100%; border-collapse: collapse; font-size: 13px; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line);
  vertical-align: top; }
th { color: var(--muted); font-weight: 600; font-size: 12px; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
.sev { display: inline-block; padding: 1px 8px; border-radius: 10px; color: #fff; font-size: 11px;
  font-weight: 600; text-transform: uppercase; letter-spacing: .04em; }
.sev-critical { background: var(--critical); } .sev-high { background: var(--high); }
.sev-medium { background: var(--medium); } .sev-low { background: var(--low); }
.met { color: var(--ok); font-weight: 600; } .missed { color: var(--high); font-weight: 600; }
.pending, .none { color: var(--muted); }
.chart { width: 100%; height: auto; }
.legend { color: var(--muted); font-size: 12px; margin: 4px 0 0; }
.legend i { display: inline-block; width: 10px; height: 10px; border-radius: 2px;
  margin: 0 4px 0 12px; vertical-align: -1px; }
.incident { border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; margin: 0 0 12px;
  break-inside: avoid; }
.incident .meta { color: var(--muted); font-size: 12px; margin: 0 0 8px; }
.incident dl { display: grid; grid-template-columns: 150px 1fr; gap: 2px 12px; margin: 0; }
.incident dt { color: var(--muted); } .incident dd { margin: 0; overflow-wrap: anywhere; }
.quote { border-left: 3px solid var(--line); margin: 8px 0; padding: 2px 10px; color: #38424e; }
.acts { margin-top: 8px; }
.empty { color: var(--muted); font-style: italic; }
footer { margin-top: 40px; color: var(--muted); font-size: 11px; border-top: 1px solid var(--line);
  padding-top: 8px; }
@page { size: A4; margin: 14mm 12mm; }
@media print { body { padding: 0; max-width: none; font-size: 12px; }
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
        (str(s.total), "incidents opened in the period"),
        (format_minutes(r.median_minutes), f"median first response (target {target})"),
        (format_minutes(r.p90_minutes), "90th-percentile first response"),
        (percent(r.share_met), f"answered within target ({r.met} of {r.met + r.missed})"),
    ]
    body = "".join(f'<div class="kpi"><b>{e(v)}</b><span>{e(t)}</span></div>' for v, t in tiles)
    return f'<section class="kpis">{body}</section>'


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
            f'<td class="n">{s.by_severity_status.get((sev, k), 0) or "·"}</td>' for k in statuses
        )
        rows.append(
            f'<tr><td>{_sev(sev)}</td>{cells}<td class="n"><b>{s.by_severity[sev]}</b></td></tr>'
        )
    totals = "".join(f'<td class="n"><b>{s.by_status[k]}</b></td>' for k in statuses)
    return (
        f'<table><thead><tr><th>Severity</th>{head}<th class="n">Total</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody><tfoot><tr><td><b>All</b></td>{totals}"
        f'<td class="n"><b>{s.total}</b></td></tr></tfoot></table>'
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
        + f". {r.met} met, {r.missed} missed, {r.pending} awaiting a first reply within target"
        + (f", {r.no_target} without a response clock" if r.no_target else "")
        + "."
    )
    return f"<p>{e(text)}</p>"


def _chart(s: Summary) -> str:
    legend = "".join(
        f'<i style="background:{COLOURS[k]}"></i>{k}' for k in ("negative", "neutral", "positive")
    )
    legend += (
        f'<i style="background:{LINE};height:3px;vertical-align:3px"></i>mean sentiment (−1…+1)'
    )
    if not any(b.total for b in s.buckets):
        return '<p class="empty">No mentions were recorded in this period.</p>'
    return (
        volume_chart(s.buckets, s.bucket_unit)
        + f'<p class="legend">Mentions per {e(s.bucket_unit)}:{legend}</p>'
    )


def _brief_rows(items: tuple[Brief, ...], tz: ZoneInfo, now: datetime | None = None) -> str:
    """Patterns show their reach; open items (given `now`) their next deadline."""
    rows = []
    for b in items:
        if now is None:
            when = e(f"{b.distinct_authors} / {b.mention_count}")
        else:
            when = e(local_time(b.due_at, tz))
            if b.due_at is not None and b.due_at <= now:
                when += ' <span class="missed">overdue</span>'
        rows.append(
            f"<tr><td>#{b.id}</td><td>{e(one_line(b.title, 140))}</td><td>{_sev(b.severity)}</td>"
            f"<td>{e(label(b.status, STATUS_LABELS))}</td><td>{e(b.owner or 'unassigned')}</td>"
            f"<td>{when}</td></tr>"
        )
    last = "Authors / mentions" if now is None else "Next deadline"
    return (
        "<table><thead><tr><th>#</th><th>Incident</th><th>Severity</th><th>Status</th>"
        f"<th>Owner</th><th>{last}</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _incident(i: IncidentRecord, client: ClientRecord, now: datetime, cal: BusinessCalendar) -> str:
    tz = client_zone(client.timezone)
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
                f"{plural(i.distinct_authors, 'distinct author')}, "
                f"{plural(i.mention_count, 'mention')}"
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
    acts = ""
    if i.activities:
        lines = "".join(
            f"<tr><td>{e(local_time(a.at, tz))}</td><td>{e(label(a.kind, ACTIVITY_LABELS))}</td>"
            f"<td>{e(a.staff or '—')}</td><td>{e(one_line(a.body, 300))}"
            + (f" — <i>{e(one_line(a.outcome, 160))}</i>" if a.outcome else "")
            + (f" ({e(a.amount)} {e(a.currency or '')})" if a.amount is not None else "")
            + "</td></tr>"
            for a in i.activities
        )
        acts = (
            '<table class="acts"><thead><tr><th>When</th><th>What</th><th>Who</th><th>Detail</th>'
            f"</tr></thead><tbody>{lines}</tbody></table>"
        )
    dl = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows)
    return (
        f'<article class="incident" id="i{i.id}"><h3>#{i.id} · {e(one_line(i.title, 200))}</h3>'
        f'<p class="meta">{_sev(i.severity)} {e(label(i.status, STATUS_LABELS))} · '
        f"{e(label(i.kind))}</p><dl>{dl}</dl>{quotes}{acts}</article>\n"
    )


def write_html(
    session: Session, client: ClientRecord, period: Period, out: TextIO, now: datetime
) -> int:
    tz = client_zone(client.timezone)
    s = summarise(session, client, period, now)
    since = local_date(period.since or s.chart_start, tz)
    # `until` is exclusive: a report "to 30 Nov" ends at midnight starting 1 Dec.
    until = local_date(period.until - timedelta(microseconds=1), tz)
    out.write(
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{e(client.name)} — reputation report {e(since)} to {e(until)}</title>"
        f"<style>{STYLE}</style></head><body>\n"
        f'<header><p class="eyebrow">Reputation report</p><h1>{e(client.name)}</h1>'
        f'<p class="period">{e(since)} – {e(until)} · times in {e(client.timezone)}</p></header>\n'
    )
    out.write(_kpis(client, s))
    out.write("<h2>Incidents by severity and status</h2>" + _matrix(s))
    out.write(_response_note(client, s))
    out.write("<h2>Mentions and sentiment</h2>" + _chart(s) + "\n")
    out.write("<h2>Biggest patterns and spikes</h2>")
    out.write(
        _brief_rows(s.patterns, tz)
        if s.patterns
        else '<p class="empty">No pattern or spike was detected in this period.</p>'
    )
    out.write(f"<h2>Open items ({s.open_count})</h2>")
    if s.open_items:
        out.write(_brief_rows(s.open_items, tz, now))
        if s.open_count > len(s.open_items):
            out.write(f'<p class="empty">and {s.open_count - len(s.open_items)} more.</p>')
    else:
        out.write('<p class="empty">Nothing is open.</p>')
    out.write("\n<h2>Incident log</h2>\n")
    cal = client_calendar(client)
    count = 0
    for incident in iter_incidents(session, client.id, period, mentions="full", activities=True):
        out.write(_incident(incident, client, now, cal))
        count += 1
    if not count:
        out.write('<p class="empty">No incidents in this period.</p>')
    out.write(
        f"<footer>Prepared {e(local_time(now, tz))} by douse {e(__version__)}. "
        "Nothing in this log is ever edited or erased; corrections appear as new entries."
        "</footer>\n</body></html>\n"
    )
    return count
