"""Markdown and HTML reports: readable, in the client's time zone, hostile text shown as text."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from pathlib import Path

from core.export import export_client, export_to_stream
from core.export.period import client_zone, make_period
from core.export.records import load_client
from core.export.summary import percentile, summarise
from core.services import Services
from tests.export_factory import build_agency


def _report(services: Services, fmt: str) -> str:
    out = io.StringIO()
    with services.sessions() as session:
        export_to_stream(session, "acme", fmt, None, None, out, services.clock.now())
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
    assert r"\<script\>alert\(1\)\</script\>" in text
    assert "Answered within target: 33% (1 met, 2 missed, 1 awaiting a first reply)" in text
    assert "Globex" not in text
    assert re.search(r"Opened Fri 20 Nov 2026, 10:00 GMT", text)
    assert "| Offer made | alice | Refund offered \\<b\\>now\\</b\\> (12.50 GBP) |" in text
