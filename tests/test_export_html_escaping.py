"""No field reaches the HTML report unescaped: every text a client, a post, its author or the team
can put in the database is written into a report, both the client's and the internal one, with
markup, ampersands, quotes, Rich markup, escape sequences and a bidi override in it."""

from __future__ import annotations

import html
import io
from datetime import timedelta
from decimal import Decimal
from html.parser import HTMLParser

import pytest

from douse.core.db.models import (
    Activity,
    Author,
    Client,
    Incident,
    IncidentMention,
    Mention,
    Staff,
)
from douse.core.export import export_to_stream
from douse.core.services import Services

# What an attacker would like a browser (or a terminal) to act on.
NASTY = (
    "<script>alert(1)</script> & \"double\" 'single' [bold red]rich[/] "
    "\x1b[31mred\x1b[0m \u202eevil"
)
# How it must appear: as text, escaped, the terminal controls gone.
SHOWN = (
    "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;double&quot; &#x27;single&#x27; "
    "[bold red]rich[/] red evil"
)
FIELDS = (
    "client",
    "owner",
    "title",
    "resolution",
    "text",
    "author",
    "platform",
    "body",
    "outcome",
    "currency",
    "staff",
)
# Every tag the report itself writes; a field's markup would add others (script, img ...).
TAGS = {
    "html", "head", "meta", "title", "style", "body", "header", "p", "span", "h1", "h2", "h3",
    "section", "div", "b", "table", "thead", "tbody", "tfoot", "tr", "th", "td", "article", "dl",
    "dt", "dd", "a", "i", "strong", "footer", "svg", "g", "rect", "line", "text", "path",
    "polyline", "circle",
}  # fmt: skip


def nasty(field: str) -> str:
    return f"{field.upper()}-FIELD {NASTY}"


class Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.links: list[str] = []
        self.handlers: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        for name, value in attrs:
            if name == "href":
                self.links.append(value or "")
            if name.startswith("on"):
                self.handlers.append(name)


@pytest.fixture
def hostile(sqlite_services: Services) -> Services:
    now = sqlite_services.clock.now()
    with sqlite_services.sessions.begin() as s:
        staff = Staff(handle=nasty("owner"), name="Owner")
        worker = Staff(handle=nasty("staff"), name="Worker")
        s.add_all([staff, worker])
        s.flush()
        client = Client(
            slug="acme",
            name=nasty("client"),
            created_at=now - timedelta(days=30),
            updated_at=now,
        )
        s.add(client)
        author = Author(platform="mastodon", handle=nasty("author"))
        s.add(author)
        s.flush()
        opened = now - timedelta(days=2)
        mention = Mention(
            client_id=client.id,
            author_id=author.id,
            platform=nasty("platform")[:32],
            dedupe_key="k1",
            url="javascript:alert(document.cookie)",
            title="",
            text=nasty("text"),
            published_at=opened,
            fetched_at=opened,
            sentiment_label="negative",
            sentiment_compound=-0.8,
        )
        s.add(mention)
        s.flush()
        incident = Incident(
            client_id=client.id,
            kind="mention",
            title=nasty("title"),
            severity="high",
            status="resolved",
            owner_id=staff.id,
            distinct_authors=1,
            mention_count=1,
            opened_at=opened,
            first_response_at=opened + timedelta(minutes=30),
            resolved_at=opened + timedelta(hours=3),
            resolution=nasty("resolution"),
            updated_at=opened,
        )
        s.add(incident)
        s.flush()
        s.add(IncidentMention(incident_id=incident.id, mention_id=mention.id, added_at=opened))
        s.add(
            Activity(
                incident_id=incident.id,
                kind="offer_made",
                staff_id=worker.id,
                at=opened + timedelta(minutes=30),
                body=nasty("body"),
                outcome=nasty("outcome"),
                amount=Decimal("25.00"),
                currency=nasty("currency")[:3],
                details={"offer": "refund"},
            )
        )
    return sqlite_services


@pytest.mark.parametrize("internal", [False, True])
def test_no_field_reaches_the_report_unescaped(hostile: Services, internal: bool) -> None:
    out = io.StringIO()
    with hostile.sessions() as s:
        export_to_stream(s, "acme", "html", None, None, out, hostile.clock.now(), internal=internal)
    page = out.getvalue()
    parsed = Page()
    parsed.feed(page)
    assert parsed.tags <= TAGS, parsed.tags - TAGS
    assert parsed.handlers == []
    assert all(link.startswith(("https://", "http://", "#")) for link in parsed.links)
    assert "javascript:alert(document.cookie)" in page  # shown as text, not linked
    for control in ("\x1b", "\u202e", "<script", "'single'", '"double"'):
        assert control not in page
    for field in FIELDS:
        if field in ("platform", "currency"):  # short columns: only their start is stored
            assert html.escape(nasty(field)[: 32 if field == "platform" else 3]) in page
            continue
        assert f"{field.upper()}-FIELD {SHOWN}" in page, field
