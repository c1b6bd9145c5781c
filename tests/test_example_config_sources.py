"""Every source in clients.example.toml is one its adapter accepts, so a broken example can't ship.

Each source is fetched once as `douse poll` would after `douse sync` (kind, target, params and
token_env from the file), through an in-process HTTP transport: no network. The adapter must build
its request without refusing the configuration, and the request must go where the file says.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from douse.core.config import load_config
from douse.core.config.schema import SourceConfig
from douse.core.ingest.adapters import ADAPTERS, fetch_source
from douse.core.ingest.adapters.files import ALIASES, parse_column_map, source_column_map
from douse.core.ingest.fetch import Fetcher, FetchLimits
from douse.core.ingest.types import SourceSpec, SourceState
from tests.helpers import REPO

EXAMPLE = REPO / "clients.example.toml"
SOURCES = [
    pytest.param(client.slug, source, id=f"{client.slug}/{source.name}")
    for client in load_config(EXAMPLE).clients
    for source in client.sources
]
# An empty but well-formed answer of each API, so the adapter reads it back without complaint.
EMPTY: dict[str, bytes] = {
    "rss": b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>',
    "mastodon": b"[]",
    "bluesky": json.dumps({"posts": []}).encode(),
    "hackernews": json.dumps({"hits": []}).encode(),
    "reddit": json.dumps({"kind": "Listing", "data": {"children": []}}).encode(),
}
CONTENT_TYPE = {"rss": "application/rss+xml"}


def test_the_example_has_a_source_of_every_kind_an_adapter_polls() -> None:
    kinds = {source.kind for _, source in (p.values for p in SOURCES)}
    assert kinds == set(ADAPTERS)


@pytest.mark.parametrize(("slug", "source"), SOURCES)
def test_each_example_source_is_accepted_by_its_adapter(
    slug: str, source: SourceConfig, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    requests: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        headers = {"Content-Type": CONTENT_TYPE.get(source.kind, "application/json")}
        return httpx.Response(200, content=EMPTY[source.kind], headers=headers)

    if source.token_env:
        monkeypatch.setenv(source.token_env, "example-token")
    mapping: dict[str, str] = {}
    row: dict[str, str] = {}
    if source.kind == "import":
        # The export the example points at, under a home of our own, with the columns its map
        # names, plus a decoy under each field's usual name: a map that is not read shows.
        monkeypatch.setenv("HOME", str(tmp_path))
        mapping = parse_column_map(source_column_map(source.params))
        for field, column in mapping.items():
            row[column] = {"published": "2026-11-20", "url": "https://reviews.example/1"}.get(
                field, f"Copper Kettle {column}"
            )
            row.setdefault(ALIASES[field][0], "decoy")
        path = Path(source.target).expanduser()
        assert path.is_relative_to(tmp_path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(",".join(row) + "\n" + ",".join(row.values()) + "\n")

    spec = SourceSpec(
        kind=source.kind,
        target=source.target,
        params=dict(source.params),
        token_env=source.token_env,
    )
    limits = FetchLimits(attempts=1)
    with Fetcher(limits, sleep=lambda _s: None, transport=httpx.MockTransport(answer)) as fetcher:
        page = fetch_source(fetcher, spec, SourceState())

    if source.kind == "import":
        assert requests == []
        (item,) = page.items
        assert page.warning is None
        assert item.text == row[mapping["text"]]
        if "author" in mapping:
            assert item.author is not None and item.author.handle == row[mapping["author"]]
        if "id" in mapping:
            assert item.external_id is not None and item.external_id.endswith(row[mapping["id"]])
        return
    assert requests, f"{slug}/{source.name} sent no request"
    assert page.items == [] and page.warning is None
    sent = urlsplit(str(requests[0].url))
    if source.kind in {"rss", "mastodon"}:
        assert sent.hostname == urlsplit(source.target).hostname
    if source.kind == "mastodon":
        assert sent.path.startswith(("/api/v1/timelines/tag/", "/api/v2/search"))
    if source.token_env:
        assert requests[0].headers["authorization"] == "Bearer example-token"
