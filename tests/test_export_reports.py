"""Markdown and HTML reports: readable, in the client's time zone, hostile text shown as text."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from sqlalchemy import select

from douse.core.db.models import Author, Source
from douse.core.export import export_client, export_to_stream
from douse.core.export.markdown import md
from douse.core.export.period import client_zone, make_period
from douse.core.export.records import iter_incidents, load_client
from douse.core.export.summary import percentile, summarise
from douse.core.export.svg_chart import nice_scale, volume_chart
from douse.core.export.text import incident_title, period_text
from douse.core.incidents.workflow import merge_incidents
from douse.core.services import Services
from tests.export_factory import (
    _incident,
    _mention,
    add_loose_mentions,
    add_team_entries,
    build_agency,
)


def _report(services: Services, fmt: str, **kw: object) -> str:
    out = io.StringIO()
    with services.sessions() as session:
        export_to_stream(session, "acme", fmt, None, None, out, services.clock.now(), **kw)  # type: ignore[arg-type]
    return out.getvalue()


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.hrefs: list[str] = []
        self.srcs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.hrefs += [v or "" for k, v in attrs if k == "href"]
        self.srcs += [v or "" for k, v in attrs if k == "src"]


def test_html_report_is_self_contained_and_escapes_mentions(services: Services) -> None:
    with services.sessions.begin() as session:
        build_agency(session, services.clock.now())
    html = _report(services, "html")
    tags = _Tags()
    tags.feed(html)
    assert "script" not in tags.tags and "img" not in tags.tags
    assert tags.srcs == []  # nothing fetched: one file, readable offline
    assert all(h.startswith("https://social.example/") for h in tags.hrefs)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<svg" in html and "<polyline" in html
    assert "Globex" not in html
    assert "Acme Coffee" in html
    # Friday 20 Nov 2026 10:00 UTC is 10:00 GMT in London.
    assert "Fri 20 Nov 2026, 10:00 GMT" in html
    assert "@page" in html


def test_html_summary_numbers(services: Services) -> None:
    now = services.clock.now()
    with services.sessions.begin() as session:
        agency = build_agency(session, now)
    with services.sessions() as session:
        client = load_client(session, "acme")
        s = summarise(session, client, make_period(None, None, client_zone("UTC"), now), now)
    assert s.total == 4
    assert s.by_severity == {"high": 1, "critical": 1, "medium": 1, "low": 1}
    assert (s.response.met, s.response.missed, s.response.pending) == (1, 2, 1)
    assert s.response.share_met == 1 / 3
    # Answered after 50 and 180 minutes; the client keeps no business hours, so it is 24/7.
    assert s.response.median_minutes == 115
    assert s.response.p90_minutes == 50 + 0.9 * 130
    assert s.open_count == 3
    assert [b.id for b in s.open_items] == [agency.met.id, agency.breached.id, agency.pending.id]
    assert [p.kind for p in s.patterns] == ["pattern"]
    # Duplicates are not counted twice: m1..m4 are four posts over the period.
    assert sum(b.total for b in s.buckets) == 4
    assert sum(b.positive for b in s.buckets) == 1


def test_percentile() -> None:
    assert percentile([], 0.5) is None
    assert percentile([7.0], 0.9) == 7.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 0.5) == 2.5
    assert percentile([float(v) for v in range(1, 11)], 0.9) == 9.1


def test_markdown_log_escapes_and_uses_local_time(services: Services, tmp_path: Path) -> None:
    now = services.clock.now()
    with services.sessions.begin() as session:
        agency = build_agency(session, now)
    result = export_client(services.sessions, "acme", "md", None, None, tmp_path / "log.md", now)
    assert result.path == tmp_path / "log.md" and result.rows == 4
    text = result.path.read_text()
    assert text.startswith("# Incident log — Acme Coffee\n")
    assert f"## #{agency.met.id} — " in text
    # Markdown from a mention cannot become a link, an image or HTML.
    for raw in ("[link](javascript", "<img", "<script", "**bold**", "<b>"):
        assert not re.search(r"(?<!\\)" + re.escape(raw), text), raw
    # ... but only what Markdown would read is escaped: no backslash before ( ) > - + & or =.
    assert r"\<script>alert(1)\</script>" in text
    assert "Answered within target: 33% (1 met, 2 missed, 1 awaiting a first reply)" in text
    assert "Globex" not in text
    assert re.search(r"Opened Fri 20 Nov 2026, 10:00 GMT", text)
    assert "| Offer made | alice | Refund offered \\<b>now\\</b> (12.50 GBP) |" in text
    assert "| Public reply | alice | +1 sorry, DM us — acknowledged |" in text


def test_merged_away_incidents_count_nowhere(services: Services) -> None:
    now = services.clock.now()
    with services.sessions.begin() as session:
        agency = build_agency(session, now)
        # The unanswered, breached one joins the one answered in time.
        merge_incidents(session, agency.met.id, [agency.breached.id], by="alice", now=now)
        met_id, gone_id = agency.met.id, agency.breached.id
    with services.sessions() as session:
        client = load_client(session, "acme")
        s = summarise(session, client, make_period(None, None, client_zone("UTC"), now), now)
    assert s.total == 3 and sum(s.by_status.values()) == 3
    assert "low" not in s.by_severity  # the merged-away one was the only low incident
    assert (s.response.met, s.response.missed, s.response.pending) == (1, 1, 1)
    assert gone_id not in [b.id for b in s.open_items]
    html = _report(services, "html")
    assert "answered within target (1 of 2)" in html
    assert "1 met, 1 missed, 1 awaiting" in html
    assert f'<article class="incident merged" id="i{gone_id}">' in html
    assert f'Merged into <a href="#i{met_id}">#{met_id}</a>' in html
    text = _report(services, "md")
    assert "- Incidents: 3 (" in text and " low)" not in text
    assert "(1 met, 1 missed, 1 awaiting a first reply)" in text
    assert f"## #{gone_id} — Ignored complaint (merged into #{met_id})" in text


def test_client_report_leaves_team_entries_out_unless_internal(services: Services) -> None:
    now = services.clock.now()
    with services.sessions.begin() as session:
        agency = build_agency(session, now)
        add_team_entries(session, agency)
    for fmt in ("html", "md"):
        client_view = _report(services, fmt)
        assert "Known troll account" not in client_view, fmt
        assert "alice -&gt; bob" not in client_view and "alice -> bob" not in client_view
        assert "in_progress" not in client_view and "-&gt; resolved" not in client_view
        assert "Marked in progress" in client_view and "Marked resolved" in client_view
        assert "refund confirmed" in client_view  # the reason a person gave stays
        assert "Internal" not in client_view
        internal = _report(services, fmt, internal=True)
        assert "Known troll account" in internal
        assert "in_progress" in internal and "Internal" in internal
    # The round-trip formats hold everything, whatever the option.
    assert "Known troll account" in _report(services, "json")
    assert "Known troll account" in _report(services, "csv", activities=True)


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("new -> in_progress: first response", "new -> in_progress: first response"),
        ("**bold** _em_ snake_case", r"\*\*bold\*\* \_em\_ snake_case"),
        ("[x](javascript:alert(1)) ![i](y)", r"\[x\](javascript:alert(1)) !\[i\](y)"),
        ("<b>hi</b> a > b & c &amp;", r"\<b>hi\</b> a > b & c \&amp;"),
        ("a|b `c` ~~d~~ back\\slash", r"a\|b \`c\` \~\~d\~\~ back\\slash"),
        ("1. - + # (fine) 5$ 2026-11-30", "1. - + # (fine) 5$ 2026-11-30"),
    ],
)
def test_markdown_escapes_only_what_markdown_reads(raw: str, escaped: str) -> None:
    assert md(raw) == escaped


def test_markdown_escapes_block_markers_at_a_line_start() -> None:
    assert md("# not a heading", line_start=True) == r"\# not a heading"
    assert md("1. not a list", line_start=True) == r"1\. not a list"
    assert md("- not a list", line_start=True) == r"\- not a list"


def test_print_lets_long_incidents_break_and_keeps_headers(services: Services) -> None:
    with services.sessions.begin() as session:
        build_agency(session, services.clock.now())
    html = _report(services, "html")
    style = html[html.index("<style>") : html.index("</style>")]
    card = style[style.index(".incident {") :]
    assert "break-inside: avoid" not in card[: card.index("}")]  # a tall card may break
    assert ".incident .head { break-inside: avoid; }" in style  # its header stays together
    assert "thead { display: table-header-group; }" in style  # repeated on each page
    assert "orphans: 3; widows: 3" in style
    assert '<div class="head"><h3>' in html


def test_open_items_say_when_they_were_read_and_numbers_are_grouped(services: Services) -> None:
    with services.sessions.begin() as session:
        build_agency(session, services.clock.now())
    html = _report(services, "html")
    assert "<h2>Open items as of Mon 23 Nov 2026, 10:00 GMT (3)</h2>" in html
    assert "- Open as of Mon 23 Nov 2026, 10:00 GMT: 3" in _report(services, "md")


def test_spike_titles_are_in_local_time() -> None:
    tz = client_zone("Australia/Sydney")
    title = "Spike in volume: 11 mentions from 2026-12-01 10:00 UTC"
    assert incident_title(title, "spike", tz) == (
        "Spike in volume: 11 mentions from Tue 1 Dec 2026, 21:00 AEDT"
    )
    assert incident_title("Posted 2026-12-01 10:00 UTC", "mention", tz).endswith("UTC")


def test_period_heading_is_the_exact_period() -> None:
    lisbon = client_zone("Europe/Lisbon")

    def utc(*a: int) -> datetime:
        return datetime(*a, tzinfo=UTC)

    # A weekly report, Monday 08:00 to Monday 08:00: seven days, said to the minute.
    assert period_text(utc(2026, 11, 23, 8), utc(2026, 11, 30, 8), lisbon, utc(2026, 1, 1)) == (
        "Mon 23 Nov, 08:00 – Mon 30 Nov 2026, 08:00"
    )
    # Whole days: the exclusive end is the last day included.
    assert period_text(utc(2026, 11, 1), utc(2026, 12, 1), lisbon, utc(2026, 1, 1)) == (
        "1 Nov – 30 Nov 2026"
    )
    assert period_text(utc(2026, 11, 30), utc(2026, 12, 1), lisbon, utc(2026, 1, 1)) == (
        "30 Nov 2026"
    )


def test_chart_scale_fits_and_legend_names_every_segment(services: Services) -> None:
    assert nice_scale(82) == (100, 20)  # not 200: the busiest day fills most of the height
    assert nice_scale(14) == (15, 5)
    assert nice_scale(101) == (125, 25)
    assert nice_scale(3) == (4, 1)
    now = services.clock.now()
    with services.sessions.begin() as session:
        agency = build_agency(session, now)
        add_loose_mentions(session, agency, now)
    html = _report(services, "html")
    legend = html[html.index('<p class="legend">') :].split("</p>")[0]
    assert "unscored" in legend and "negative" in legend
    assert "mean sentiment (right axis" in legend
    chart = html[html.index("<svg") : html.index("</svg>")]
    assert ">mean sentiment</text>" in chart and ">mentions</text>" in chart
    assert "sentiment 0 (neutral)" in chart


def test_weekly_report_chart_has_the_periods_own_days(services: Services) -> None:
    now = services.clock.now()
    with services.sessions.begin() as session:
        build_agency(session, now)
    start = datetime(2026, 11, 16, 8, tzinfo=UTC)  # Monday 08:00 in London
    with services.sessions() as session:
        client = load_client(session, "acme")
        period = make_period(start, datetime(2026, 11, 23, 8, tzinfo=UTC), client_zone("UTC"), now)
        s = summarise(session, client, period, now)
    assert len(s.buckets) == 7
    assert all((b.start.hour, b.end.hour) == (8, 8) for b in s.buckets)
    assert sum(b.total for b in s.buckets) == 4
    assert "<svg" in volume_chart(s.buckets, s.bucket_unit)


@pytest.mark.parametrize("stored_count", [1, 3, 4, 40])
def test_reports_quote_the_first_mentions_whatever_the_stored_count(
    services: Services, stored_count: int
) -> None:
    """md and html quote an incident's first mentions by time. Incidents whose count says they
    hold no more than are quoted are read by a plain join, the others ranked: a count that is
    behind or ahead of the links must not change which mentions are quoted."""
    now = services.clock.now()
    with services.sessions.begin() as session:
        agency = build_agency(session, now)
        source = session.scalars(select(Source).where(Source.client_id == agency.acme.id)).one()
        author = session.scalars(select(Author)).first()
        assert author is not None
        opened = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)
        # Inserted latest first, so that the ids run against the times.
        mentions = [
            _mention(session, agency.acme, source, author, f"q{n}", opened + timedelta(minutes=n))
            for n in (4, 3, 2, 1, 0)
        ]
        for m, n in zip(mentions, (4, 3, 2, 1, 0), strict=True):
            m.text = f"quoted words {n}"
        incident = _incident(
            session, agency.acme, None, "Five posts", opened, mentions=tuple(mentions)
        )
        incident.mention_count = stored_count
        incident_id = incident.id
    with services.sessions() as session:
        client = load_client(session, "acme")
        period = make_period(None, None, client_zone(client.timezone), now)
        (record,) = (
            i
            for i in iter_incidents(session, client.id, period, mentions="quotes")
            if i.id == incident_id
        )
    assert [q.text for q in record.quotes] == ["quoted words 0", "quoted words 1", "quoted words 2"]
    assert record.first_mention_url == mentions[-1].url
    assert "quoted words 2" in _report(services, "md")
    assert "quoted words 1" in _report(services, "html")
