"""The client-ready HTML report: one self-contained file (inline CSS and SVG, no script, nothing
fetched), summary first, then the incident log streamed row by row. Prints cleanly on A4: a long
incident breaks across pages (its header stays with its first lines, a table's header repeats),
so a page is never left nearly empty for want of room for the next whole incident.

The report is for the client: internal notes, assignments and the desk's own re-checks are left
out, and status changes are said in plain words ("Marked resolved"), unless `internal=True`
(`douse export --internal`), which shows the whole log as the team sees it.

The page is templates/report.html.j2 rendered by Jinja2 with autoescaping: this module decides
the words (plain strings), the template the markup, and every value reaching the page is escaped
on the way (`_escape`), so a mention's markup is shown as text and no field can be missed.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from functools import cache, lru_cache
from itertools import islice
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from jinja2 import BaseLoader, Environment, StrictUndefined, Template, TemplateNotFound
from markupsafe import Markup, escape
from sqlalchemy.orm import Session

from douse.core import __version__
from douse.core.export.period import Period, client_zone
from douse.core.export.records import ActivityRecord, ClientRecord, IncidentRecord, iter_incidents
from douse.core.export.response import (
    business_response_minutes,
    client_calendar,
    first_response_outcome,
    format_minutes,
)
from douse.core.export.summary import Summary, summarise
from douse.core.export.svg_chart import COLOURS, LINE, segments_used, volume_chart
from douse.core.export.text import (
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
    short_time,
)
from douse.core.incidents.business_time import BusinessCalendar
from douse.core.policy import policy_note
from douse.core.text import strip_controls
from douse.core.wording import plural

TEMPLATES = Path(__file__).with_name("templates")


def _printable(value: object) -> object:
    """Every `{{ value }}` passes here before autoescaping: None is written as nothing, and
    escape sequences, control characters and bidi overrides are removed from text, as on every
    other surface (core.text; one_line has already done it for the long texts)."""
    if value.__class__ is str:  # not Markup (a str too): douse's own markup is left alone
        return value if value.isprintable() else strip_controls(value)
    return "" if value is None else value


def _as_before(chunk: str) -> str:
    """markupsafe writes a quote as &#39; or &#34;, html.escape (the report's escaping before its
    templates) as &#x27; or &quot;: the same characters to any reader; the old spelling keeps a
    report byte for byte what it was. Text from the database cannot produce either entity here:
    its own `&` is escaped to &amp; first."""
    if "&#" in chunk:
        # str.replace, not Markup.replace (which would escape the replacement).
        return str.replace(str.replace(chunk, "&#39;", "&#x27;"), "&#34;", "&quot;")
    return chunk


class _Loader(BaseLoader):
    """The package's templates. An .html.j2 template is written one tag per line for people and
    loaded with its lines joined (each line's surrounding spaces dropped): the page carries no
    layout whitespace, and a newline in it is written {{ "\\n" }}. Other files load as they are."""

    def get_source(self, environment: Environment, template: str) -> tuple[str, str, Any]:
        path = TEMPLATES / template
        if not path.is_file():
            raise TemplateNotFound(template)
        source = path.read_text("utf-8")
        if template.endswith(".html.j2"):
            source = "".join(line.strip() for line in source.splitlines())
        mtime = path.stat().st_mtime
        return source, str(path), lambda: path.stat().st_mtime == mtime


@cache
def _template() -> Template:
    env = Environment(
        loader=_Loader(),
        autoescape=True,
        finalize=_printable,
        keep_trailing_newline=True,
        undefined=StrictUndefined,
    )
    env.globals.update(
        STATUS_LABELS=STATUS_LABELS,
        COLOURS=COLOURS,
        LINE=LINE,
        incident_title=incident_title,
        label=label,
        local_time=local_time,
        number=number,
        one_line=one_line,
        count=_count,
    )
    return env.get_template("report.html.j2")


def _count(value: int) -> str:
    return number(value) if value else "·"


def _kpis(client: ClientRecord, s: Summary) -> list[tuple[str, str]]:
    r = s.response
    target = format_minutes(client.first_response_minutes)
    return [
        (number(s.total), "incidents opened in the period"),
        (format_minutes(r.median_minutes), f"median first response (target {target})"),
        (format_minutes(r.p90_minutes), "90th-percentile first response"),
        (
            percent(r.share_met),
            f"answered within target ({number(r.met)} of {number(r.met + r.missed)})",
        ),
    ]


def _response_note(client: ClientRecord, s: Summary) -> str:
    r = s.response
    overrides = ", ".join(
        f"{sev} {format_minutes(v.get('first_response'))}"
        for sev, v in sorted(client.targets_by_severity.items())
        if isinstance(v, dict) and v.get("first_response") is not None
    )
    return (
        f"First-response times are counted in business hours ({client.timezone}) against a "
        f"target of {format_minutes(client.first_response_minutes)}"
        + (f" ({overrides})" if overrides else "")
        + f". {number(r.met)} met, {number(r.missed)} missed, {number(r.pending)} awaiting a "
        "first reply within target"
        + (f", {number(r.no_target)} without a response clock" if r.no_target else "")
        + ". Incidents merged into another are counted once, as the incident they joined."
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


@lru_cache(maxsize=64)
def _minutes_text(minutes: int) -> str:
    """A target's words: a client has a few targets, written once an incident."""
    return format_minutes(minutes)


_OUTCOME_CLASSES = {"met": "met", "missed": "missed", "pending": "pending"}

# The incident log's markup, the one part of the page written here rather than in the template:
# Jinja's escape, finalize and attribute lookup per {{ }} (about 27 an incident) cost a third of
# a report of a hundred thousand incidents. Each incident's values are made printable and
# escaped together, in one markupsafe call over their text joined by _HOLE, and every value
# goes through it: the markup below is constant text, and nothing reaches the page any other
# way. (_HOLE, a NUL, cannot be in a value once it is printable: strip_controls makes it a
# space.) The template still writes the page around the log with autoescaping.
_HOLE = "\x00"


# Joins an incident's values to check them all with one isprintable (a NUL would fail it): a
# printable character that escaping leaves alone, counted so that a value holding it is noticed.
_JOINT = "\u2400"


def _escaped(values: list[object]) -> list[str]:
    """Each value as the template's {{ value }} writes it (_printable, then escaped)."""
    texts = [v if v.__class__ is str else str(_printable(v)) for v in values]
    joined = _JOINT.join(texts)
    if joined.isprintable() and joined.count(_JOINT) == len(texts) - 1:
        # Every value is printable text already (the usual case): one check for all of them.
        return str.split(escape(joined), _JOINT)
    texts = [v if v.__class__ is str and v.isprintable() else str(_printable(v)) for v in values]
    return str.split(escape(_HOLE.join(texts)), _HOLE)


def _incident_html(
    i: IncidentRecord,
    client: ClientRecord,
    now: datetime,
    cal: BusinessCalendar,
    tz: ZoneInfo,
    internal: bool,
) -> Markup:
    """One incident's <article>: `markup` holds constant text with a {} per value."""
    title = one_line(incident_title(i.title, i.kind, tz), 200)
    markup: list[str]
    values: list[object]
    if i.merged_into_id is not None:
        # Merged into another: listed, linked to where it went, counted there.
        into = i.merged_into_id
        markup = [
            '<article class="incident merged" id="i{}"><div class="head"><h3>#{} · {}</h3>'
            '<p class="meta">Merged into <a href="#i{}">#{}</a> · opened {} · {}, counted under'
            ' <a href="#i{}">#{}</a>, not on its own.</p></div>'
        ]
        values = [
            i.id,
            i.id,
            title,
            into,
            into,
            local_time(i.opened_at, tz),
            plural(i.mention_count, "mention"),
            into,
            into,
        ]
        lines = log_lines(i.activities, internal) if internal else []
    else:
        took = business_response_minutes(i, cal)
        response = local_time(i.first_response_at, tz)
        if took is not None:
            response += f" · {format_minutes(took)} in business hours"
        outcome = first_response_outcome(i, now)
        markup = [
            '<article class="incident" id="i{}"><div class="head"><h3>#{} · {}</h3>'
            '<p class="meta"><span class="sev sev-{}">{}</span> {} · {}</p><dl>'
            "<dt>Opened</dt><dd>{}</dd><dt>Owner</dt><dd>{}</dd><dt>First mention</dt><dd>"
        ]
        values = [
            i.id,
            i.id,
            title,
            i.severity,
            i.severity,
            label(i.status, STATUS_LABELS),
            label(i.kind),
            local_time(i.opened_at, tz),
            i.owner or "unassigned",
        ]
        url = i.first_mention_url
        if not url:
            markup.append("—")
        elif url.startswith(("http://", "https://")):
            # Only web links become clickable; anything else (javascript:, data:) stays text.
            markup.append('<a href="{}" rel="noopener noreferrer">{}</a>')
            values += (url, one_line(url, 120))
        else:
            markup.append("{}")
            values.append(one_line(url, 120))
        markup.append(
            "</dd><dt>People involved</dt><dd>{}</dd><dt>First response</dt><dd>{} (target {})"
            ' — <span class="{}">{}</span></dd>'
        )
        values += (
            f"{number(i.distinct_authors)} distinct "
            f"author{'s' if i.distinct_authors != 1 else ''}, "
            f"{number(i.mention_count)} mention{'s' if i.mention_count != 1 else ''}",
            response,
            _minutes_text(client.first_response_target(i.severity)),
            _OUTCOME_CLASSES.get(outcome, "none"),
            outcome,
        )
        if i.resolved_at is not None or i.resolution:
            markup.append("<dt>Resolved</dt><dd>{}</dd>")
            values.append(f"{local_time(i.resolved_at, tz)} — {i.resolution or ''}".rstrip(" —"))
        if i.repair_status:
            markup.append("<dt>Repair</dt><dd>{}</dd>")
            values.append(label(i.repair_status))
        markup.append("</dl></div>")
        for q in i.quotes[:2]:
            markup.append('<p class="quote">{}{}: “{}”</p>')
            values += (
                q.author_handle + " on " if q.author_handle is not None else "",
                q.platform,
                one_line(q.text or q.title, 300),
            )
        lines = log_lines(i.activities, internal)
    if lines:
        markup.append(
            '<table class="acts"><thead><tr><th>When</th><th>What</th><th>Who</th>'
            "<th>Detail</th></tr></thead><tbody>"
        )
        for a, line in lines:
            markup.append('<tr><td class="when">{}</td><td>{}</td><td>{}</td><td>{}')
            values += (
                short_time(a.at, tz),
                line.what,
                a.staff or "—",
                one_line(line.detail, 300) or "—",
            )
            if a.outcome:
                markup.append(" — <i>{}</i>")
                values.append(one_line(a.outcome, 160))
            if a.amount is not None:
                markup.append(" ({})")
                values.append(f"{a.amount} {a.currency or ''}")
            # An over-limit offer, or anything recorded over the reply policy.
            flag = policy_note(a.details)
            if flag:
                markup.append(' <strong class="flag">⚠ {}</strong>')
                values.append(flag)
            markup.append("</td></tr>")
        markup.append("</tbody></table>")
    markup.append("</article>\n")
    return Markup("".join(markup).format(*_escaped(values)))


class _Counted:
    """The incidents as the template reads them, counting how many it wrote."""

    def __init__(self, views: Iterator[Markup]) -> None:
        self.views = views
        self.count = 0

    def __iter__(self) -> Iterator[Markup]:
        for view in self.views:
            self.count += 1
            yield view


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
    cal = client_calendar(client)
    incidents = _Counted(
        _incident_html(i, client, now, cal, tz, internal)
        for i in iter_incidents(session, client.id, period, mentions="quotes", activities=True)
    )
    chart = None
    if any(b.total for b in s.buckets):
        # douse's own drawing, from counts and dates: no text from the database is in it.
        chart = Markup(volume_chart(s.buckets, s.bucket_unit))
    page = _template().generate(
        client=client,
        s=s,
        tz=tz,
        now=now,
        internal=internal,
        when=period_text(period.since, period.until, tz, s.chart_start),
        kpis=_kpis(client, s),
        statuses=[k for k in STATUS_LABELS if s.by_status.get(k)],
        severities=[sev for sev in SEVERITY_ORDER if s.by_severity.get(sev)],
        response_note=_response_note(client, s),
        chart=chart,
        segments=segments_used(s.buckets) if chart is not None else [],
        incidents=incidents,
        version=__version__,
        scope=(
            "This internal version shows every entry as recorded."
            if internal
            else "Entries for the team only (internal notes, assignments) are not shown."
        ),
    )
    # Streamed: the template yields piece by piece as it reads the incidents; pieces are joined
    # a few hundred at a time (an entity is never split: each piece is whole).
    for batch in iter(lambda: "".join(islice(page, 512)), ""):
        out.write(_as_before(batch))
    return incidents.count
