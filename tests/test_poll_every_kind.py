"""`douse sync` then `douse poll` against a local server: every source kind ingests real payloads,
and a second poll adds nothing."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from douse.core.db.models import Mention, Source
from douse.core.services import Services, build_services
from douse.core.settings import Settings
from douse.tui.cli.main import main
from tests.helpers import T0
from tests.httpserver import LocalHTTPServer

pytestmark = pytest.mark.network
DATA = Path(__file__).parent / "data" / "ingest"


def _body(name: str) -> bytes:
    return json.dumps(json.loads((DATA / name).read_bytes())["body"]).encode()


@pytest.fixture
def server() -> Iterator[LocalHTTPServer]:
    with LocalHTTPServer() as s:
        s.route(
            "/alerts.xml",
            body=(DATA / "google_alerts_atom_slack.xml").read_bytes(),
            content_type="application/atom+xml",
            etag='"alerts-1"',
        )
        status = json.loads((DATA / "Status_entity_example_mastodon_social.json").read_bytes())
        s.route("/api/v1/timelines/tag/acme", body=json.dumps([status]).encode())
        s.route(
            "/xrpc/app.bsky.feed.searchPosts",
            body=_body("bskyr_f_search__00__app.bsky.feed.searchPosts.json"),
        )
        s.route("/api/v1/search_by_date", body=(DATA / "hn_search_by_date.json").read_bytes())
        s.route("/search.json", body=_body("TestSubreddit.test_search__01.json"))
        yield s


def _config(server: LocalHTTPServer, tmp_path: Path) -> Path:
    base = server.base_url
    path = tmp_path / "clients.toml"
    # No keywords: every item counts, so the test sees each adapter's whole payload stored.
    path.write_text(
        f"""
[[staff]]
handle = "ana"
name = "Ana"

[[clients]]
slug = "acme"
name = "Acme"
default_owner = "ana"

[[clients.sources]]
name = "alerts"
kind = "rss"
url = "{server.url("/alerts.xml")}"

[[clients.sources]]
name = "toots"
kind = "mastodon"
url = "{base}"
params = {{ tag = "acme" }}

[[clients.sources]]
name = "skeets"
kind = "bluesky"
query = "acme"
params = {{ base_url = "{base}", max_pages = 1 }}

[[clients.sources]]
name = "hn"
kind = "hackernews"
query = "acme"
params = {{ base_url = "{base}", max_pages = 1 }}

[[clients.sources]]
name = "reddit"
kind = "reddit"
query = "acme"
params = {{ base_url = "{base}" }}
"""
    )
    return path


def _per_source(db: str) -> dict[str, int]:
    services: Services = build_services(
        Settings(database_url=db, config_path=Path("unused"), log_dir=Path("unused"))
    )
    try:
        with services.sessions() as session:
            rows = session.execute(
                select(Source.kind, func.count(Mention.id))
                .outerjoin(Mention, Mention.source_id == Source.id)
                .group_by(Source.kind)
            ).all()
    finally:
        services.close()
    return {kind: count for kind, count in rows}


def test_poll_ingests_every_kind_once(
    server: LocalHTTPServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DOUSE_NOW", T0.isoformat())
    db = f"sqlite:///{tmp_path / 'poll.db'}"
    config = _config(server, tmp_path)
    assert main(["--db", db, "--config", str(config), "sync"]) == 0
    assert main(["--db", db, "poll"]) == 0
    first = capsys.readouterr().out
    stored = _per_source(db)
    assert set(stored) == {"rss", "mastodon", "bluesky", "hackernews", "reddit"}
    assert all(count > 0 for count in stored.values()), stored

    assert main(["--db", db, "poll"]) == 0
    second = capsys.readouterr().out
    assert _per_source(db) == stored, "a second poll must add nothing"
    for name in ("alerts", "toots", "skeets", "hn", "reddit"):
        line = next(line for line in second.splitlines() if name in line)
        assert re.search(r"\bnew 0,", line), line
    assert "error" not in first.lower() and "error" not in second.lower()
