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
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from itertools import islice
from pathlib import Path
from types import SimpleNamespace
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from jinja2 import BaseLoader, Environment, StrictUndefined, Template, TemplateNotFound
from markupsafe import Markup
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


@dataclass(frozen=True)
class _Line:
    """One row of an incident's log table, in words."""

    when: str
    what: str
    who: str
    detail: str
    outcome: str | None
    amount: str | None
    flag: str | None  # an over-limit offer, or anything recorded over the reply policy


def _lines(activities: tuple[ActivityRecord, ...], tz: ZoneInfo, internal: bool) -> list[_Line]:
    return [
        _Line(
            when=short_time(a.at, tz),
            what=line.what,
            who=a.staff or "—",
            detail=one_line(line.detail, 300),
            outcome=one_line(a.outcome, 160) if a.outcome else None,
            amount=f"{a.amount} {a.currency or ''}" if a.amount is not None else None,
            flag=policy_note(a.details) or None,
        )
        for a, line in log_lines(activities, internal)
    ]


_OUTCOME_CLASSES = {"met": "met", "missed": "missed", "pending": "pending"}


def _incident_view(
    i: IncidentRecord,
    client: ClientRecord,
    now: datetime,
    cal: BusinessCalendar,
    tz: ZoneInfo,
    internal: bool,
) -> SimpleNamespace:
    """What the template shows of one incident, as plain strings."""
    title = one_line(incident_title(i.title, i.kind, tz), 200)
    if i.merged_into_id is not None:
        return SimpleNamespace(
            id=i.id,
            merged_into=i.merged_into_id,
            title=title,
            opened=local_time(i.opened_at, tz),
            mentions=plural(i.mention_count, "mention"),
            lines=_lines(i.activities, tz, internal) if internal else [],
        )
    took = business_response_minutes(i, cal)
    response = local_time(i.first_response_at, tz)
    if took is not None:
        response += f" · {format_minutes(took)} in business hours"
    outcome = first_response_outcome(i, now)
    resolved = None
    if i.resolved_at is not None or i.resolution:
        resolved = f"{local_time(i.resolved_at, tz)} — {i.resolution or ''}".rstrip(" —")
    return SimpleNamespace(
        id=i.id,
        merged_into=None,
        title=title,
        severity=i.severity,
        status=label(i.status, STATUS_LABELS),
        kind=label(i.kind),
        opened=local_time(i.opened_at, tz),
        owner=i.owner or "unassigned",
        first_mention_url=i.first_mention_url,
        first_mention_text=one_line(i.first_mention_url, 120) if i.first_mention_url else "",
        people=(
            f"{number(i.distinct_authors)} distinct "
            f"author{'s' if i.distinct_authors != 1 else ''}, "
            f"{number(i.mention_count)} mention{'s' if i.mention_count != 1 else ''}"
        ),
        response=response,
        target=format_minutes(client.first_response_target(i.severity)),
        outcome=outcome,
        outcome_class=_OUTCOME_CLASSES.get(outcome, "none"),
        resolved=resolved,
        repair=label(i.repair_status) if i.repair_status else None,
        quotes=[
            SimpleNamespace(
                who=q.author_handle + " on " if q.author_handle is not None else "",
                platform=q.platform,
                text=one_line(q.text or q.title, 300),
            )
            for q in i.quotes[:2]
        ],
        lines=_lines(i.activities, tz, internal),
    )


class _Counted:
    """The incidents as the template reads them, counting how many it wrote."""

    def __init__(self, views: Iterator[SimpleNamespace]) -> None:
        self.views = views
        self.count = 0

    def __iter__(self) -> Iterator[SimpleNamespace]:
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
        _incident_view(i, client, now, cal, tz, internal)
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
