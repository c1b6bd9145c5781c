"""One hostile number must not stop a source (issue 15, finding 3): a Mastodon status saying
`"favourites_count": 2**70` or `"replies_count": 1e300`, a rating of NaN or inf, a post published
in the year 1. The post is kept with the number clamped (or the date replaced), the valid posts
beside it are stored, and the source keeps a note saying what was changed."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from douse.core.db.models import Client, Mention, Source
from douse.core.ingest.fetch import Fetcher, FetchLimits
from douse.core.ingest.tame import LARGEST_COUNT
from douse.core.jobs.poll import Poller
from douse.core.services import Services
from douse.tui.cli.main import main
from tests.helpers import REPO, SHARED, T0
from tests.httpserver import LocalHTTPServer

pytestmark = pytest.mark.network

STATUS_EXAMPLE = SHARED / "fixtures" / "mastodon" / "docs_examples"
STATUS_EXAMPLE = STATUS_EXAMPLE / "Status_entity_example_mastodon_social.json"
FAST = FetchLimits(connect_timeout=1.0, read_timeout=1.0, total_timeout=3.0, attempts=1)


def _status(n: int, text: str) -> dict[str, Any]:
    """A real status from the shared fixtures when present, else a minimal one of our own."""
    if STATUS_EXAMPLE.exists():
        status = copy.deepcopy(json.loads(STATUS_EXAMPLE.read_text()))
        status["reblog"] = None
    else:
        status = {
            "created_at": "2026-11-23T09:00:00.000Z",
            "account": {"acct": "someone", "url": "https://example.social/@someone"},
            "replies_count": 0,
            "reblogs_count": 0,
            "favourites_count": 0,
        }
    status.update(
        id=str(1000 + n),
        uri=f"https://example.social/users/x/statuses/{1000 + n}",
        url=f"https://example.social/@x/{1000 + n}",
        content=f"<p>{text}</p>",
        spoiler_text="",
        created_at="2026-11-23T09:00:00.000Z",
    )
    return status


def _mastodon_source(services: Services, base: str) -> int:
    with services.sessions.begin() as session:
        client = Client(slug="acme", name="Acme", keywords=["Acme"], created_at=T0, updated_at=T0)
        session.add(client)
        session.flush()
        source = Source(
            client_id=client.id, name="tag", kind="mastodon", target=base, params={"tag": "acme"}
        )
        session.add(source)
        session.flush()
        return source.id


@pytest.mark.parametrize(
    ("field", "hostile"),
    [("favourites_count", "1180591620717411303424"), ("replies_count", "1e300")],
    ids=["2**70 favourites", "1e300 replies"],
)
def test_a_hostile_count_is_clamped_and_the_page_stored(
    services: Services, server: LocalHTTPServer, field: str, hostile: str
) -> None:
    bad = _status(1, "Acme lost my bags")
    good = _status(2, "Acme lost my bike too")
    marker = '"__HOSTILE__"'
    bad[field] = "__HOSTILE__"
    body = json.dumps([bad, good]).replace(marker, hostile).encode()
    server.route("/api/v1/timelines/tag/acme", body=body, content_type="application/json")
    source_id = _mastodon_source(services, server.base_url)
    with Fetcher(FAST, sleep=lambda _: None) as fetcher:
        outcome = Poller(services, fetcher=fetcher, on_stored=None, workers=1).poll_pass()[0]
    assert outcome.error is None, outcome.error
    assert outcome.new == 2
    assert outcome.warning and "clamped to 2,147,483,647" in outcome.warning
    with services.sessions() as session:
        counts = session.execute(
            select(Mention.text, Mention.likes, Mention.replies).order_by(Mention.text)
        ).all()
        source = session.get(Source, source_id)
        assert source is not None
        assert source.last_error is None and source.last_warning == outcome.warning
    hostile_column = {"favourites_count": 1, "replies_count": 2}[field]
    hostile_row, good_row = (row[hostile_column] for row in counts)
    assert hostile_row == LARGEST_COUNT and good_row < LARGEST_COUNT


def test_hostile_numbers_and_dates_in_an_import_keep_every_row(
    services: Services, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = services.settings.database_url
    assert main(["--db", url, "--config", str(REPO / "clients.example.toml"), "sync"]) == 0
    rows = [
        "text,author,published,likes,rating",
        "Northwind Air is fine,a,2026-11-01T10:00:00Z,5,4",
        "Northwind Air broke,b,0001-01-01T00:00:00Z,3,2",
        f"Northwind Air huge,c,2026-11-02T10:00:00Z,{2**70},3",
        "Northwind Air nan,d,2026-11-02T11:00:00Z,1,NaN",
        "Northwind Air inf,e,2026-11-02T12:00:00Z,1e300,inf",
    ]
    csv = tmp_path / "hostile.csv"
    csv.write_text("\n".join(rows) + "\n")
    capsys.readouterr()
    assert main(["--db", url, "import", str(csv), "--client", "northwind-air"]) == 0
    captured = capsys.readouterr()
    assert "imported 5 new" in captured.out
    assert "note: 4 post(s) kept with out-of-range numbers or dates" in captured.err
    assert "Traceback" not in captured.err and "internal error" not in captured.err
    with services.sessions() as session:
        likes = dict(session.execute(select(Mention.text, Mention.likes)).all())
        year = session.scalar(
            select(Mention.published_at).where(Mention.text == "Northwind Air broke")
        )
    assert (
        likes["Northwind Air huge"] == LARGEST_COUNT and likes["Northwind Air inf"] == LARGEST_COUNT
    )
    assert year is not None and year.year >= 1990
