"""Property tests (hypothesis): real payloads from ../shared/fixtures, mutated at random, and
import files with hostile rows among valid ones.

What must hold: a payload is ingested, or it is a source error (a DouseError, which the poller
records on the source); never any other exception. Every post a parse returns is accounted for
by storing (new, duplicate or dropped as off-topic), and every valid row of an import is stored.
Examples are bounded (max_examples) so the suite stays a few minutes on a loaded CI machine; the
figures are in docs/reliability.md.
"""

from __future__ import annotations

import csv
import io
import json
import math
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from douse.core.clock import FrozenClock
from douse.core.db.models import Client, Mention
from douse.core.errors import DouseError
from douse.core.ingest import importer
from douse.core.ingest.adapters import mastodon, rss
from douse.core.ingest.importer import import_file_batched
from douse.core.ingest.pipeline import ClientRules, store_mentions
from douse.core.ingest.types import RawMention
from douse.core.services import Services, build_services
from douse.core.settings import Settings
from tests.helpers import FEED, SHARED, T0

FIXTURES = SHARED / "fixtures"
EXAMPLES = 40
PROPERTY = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,  # the same cases on every CI run; a failure replays as it was seen
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

HOSTILE_SNIPPETS = [
    b"\x00",
    b"\x1b[31m",
    b"\x07",
    b"\xff\xfe",
    b"\xc3\x28",  # invalid UTF-8
    b"&&&<<",
    b"]]>",
    b"<![CDATA[",
    b"99999999999999999999999999",
    b"1e999",
    b"NaN",
    b"-1",
    b'"',
    b"{",
    b"\xe2\x80\xae",  # right-to-left override
    b"0001-01-01T00:00:00Z",
    b"9999-12-31T23:59:59Z",
]


def _feed_payloads() -> list[bytes]:
    folder = FIXTURES / "feeds"
    found = sorted(folder.glob("*.xml")) + sorted(folder.glob("*.json")) if folder.is_dir() else []
    payloads = [path.read_bytes() for path in found]
    return payloads or [FEED]  # without the shared fixtures: a small feed written here


def _mastodon_payloads() -> list[Any]:
    folder = FIXTURES / "mastodon" / "bodies"
    payloads: list[Any] = []
    if folder.is_dir():
        for path in sorted(folder.glob("*timelines*.json")) + sorted(folder.glob("*search*.json")):
            payloads.append(json.loads(path.read_text()))
    if not payloads:
        payloads.append(
            [
                {
                    "id": "1",
                    "uri": "https://example.social/users/a/statuses/1",
                    "created_at": "2026-11-23T09:00:00Z",
                    "content": "<p>Acme lost my parcel</p>",
                    "account": {"acct": "a", "url": "https://example.social/@a"},
                    "favourites_count": 3,
                }
            ]
        )
    return payloads


FEEDS = _feed_payloads()
STATUSES = _mastodon_payloads()


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[list[RawMention]], int]]:
    """Stores items in a real SQLite database, each call rolled back; returns what it accounted
    for (new + duplicate + near duplicate + dropped)."""
    folder = tmp_path_factory.mktemp("properties")
    services = build_services(
        Settings(f"sqlite:///{folder / 'p.db'}", folder / "c.toml", folder / "logs"),
        clock=FrozenClock(T0),
    )
    with services.sessions.begin() as session:
        client = Client(slug="acme", name="Acme", keywords=["a"], created_at=T0, updated_at=T0)
        session.add(client)
        session.flush()
        client_id = client.id
    scorer = services.analyzer()

    def run(items: list[RawMention]) -> int:
        with services.sessions() as session:
            result = store_mentions(
                session,
                ClientRules(client_id=client_id, matcher=None),
                items,
                now=T0,
                scorer=scorer,
            )
            session.flush()
            session.rollback()
        return result.new + result.duplicate + result.near_duplicate + result.dropped

    yield run
    services.close()


@st.composite
def mutated_bytes(draw: st.DrawFn, payloads: list[bytes]) -> bytes:
    data = bytearray(draw(st.sampled_from(payloads)))
    for _ in range(draw(st.integers(1, 4))):
        where = draw(st.integers(0, max(0, len(data))))
        action = draw(st.sampled_from(["insert", "cut", "flip", "truncate", "repeat"]))
        if action == "insert":
            data[where:where] = draw(st.sampled_from(HOSTILE_SNIPPETS))
        elif action == "cut":
            del data[where : where + draw(st.integers(1, 200))]
        elif action == "flip" and data:
            data[min(where, len(data) - 1)] ^= draw(st.integers(1, 255))
        elif action == "truncate":
            del data[where:]
        else:
            data[where:where] = data[where : where + draw(st.integers(1, 400))]
    return bytes(data)


@PROPERTY
@given(payload=mutated_bytes(FEEDS))
def test_a_mutated_feed_is_ingested_or_a_source_error(
    payload: bytes, store: Callable[[list[RawMention]], int]
) -> None:
    try:
        items, _warning = rss.parse_leniently(payload, base_url="https://example.org/feed")
    except DouseError:
        return  # recorded on the source by the poller, as the fault tests show
    assert store(items) == len(items)


HOSTILE_VALUES = st.one_of(
    st.sampled_from(
        [
            2**70,
            -(2**70),
            1e300,
            math.inf,
            -math.inf,
            math.nan,
            "",
            "\x00\x1b[2J\x07",
            "0001-01-01T00:00:00Z",
            "not a date",
            None,
            True,
            [],
            {},
            [[[[[]]]]],
        ]
    ),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
)
STATUS_FIELDS = [
    "id",
    "uri",
    "url",
    "created_at",
    "content",
    "spoiler_text",
    "language",
    "favourites_count",
    "reblogs_count",
    "replies_count",
    "account",
    "reblog",
]


def _statuses(payload: Any) -> list[Any]:
    body = payload.get("body", payload) if isinstance(payload, dict) else payload
    if isinstance(body, dict):
        body = body.get("statuses", [])
    return body if isinstance(body, list) else []


@PROPERTY
@given(
    index=st.integers(0, len(STATUSES) - 1),
    changes=st.lists(
        st.tuples(st.integers(0, 40), st.sampled_from(STATUS_FIELDS), HOSTILE_VALUES),
        min_size=1,
        max_size=6,
    ),
)
def test_a_mutated_mastodon_page_is_ingested_or_a_source_error(
    index: int, changes: list[tuple[int, str, Any]], store: Callable[[list[RawMention]], int]
) -> None:
    statuses = json.loads(json.dumps(_statuses(STATUSES[index])))  # a deep copy
    for position, field, value in changes:
        if statuses:
            target = statuses[position % len(statuses)]
            if isinstance(target, dict):
                target[field] = value
    # Through JSON and back, as the fetcher would hand it over (NaN and inf survive Python's
    # json, as they would a lenient server's).
    page = json.loads(json.dumps(statuses))
    try:
        items = mastodon.parse(page, instance="https://example.social")
    except DouseError:
        return
    assert store(items) == len(items)


ROW_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"]), min_size=0, max_size=60
).map(lambda s: s.replace("\r", " "))


@st.composite
def import_rows(draw: st.DrawFn) -> list[dict[str, str]]:
    rows = []
    for n in range(draw(st.integers(1, 12))):
        valid = n == 0 or draw(st.booleans())  # at least one: a file without text is refused
        text = f"Acme valid row {n}" if valid else draw(ROW_TEXT)
        likes = draw(st.sampled_from(["", "3", str(2**70), "1e300", "NaN", "inf", "-5", "x"]))
        published = draw(
            st.sampled_from(
                ["2026-11-01T10:00:00Z", "0001-01-01T00:00:00Z", "2999-01-01T00:00:00Z", ""]
            )
        )
        rows.append({"id": f"r{n}", "text": text, "likes": likes, "published": published})
    return rows


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(rows=import_rows(), encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
def test_an_import_with_hostile_rows_keeps_every_valid_row(
    rows: list[dict[str, str]],
    encoding: str,
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    _sqlite_template: Path,
) -> None:
    # Nothing else writes to this database: the import's 0.11 s pause between transactions
    # (it lets the desk in, tests/reliability/test_import_contention.py) would only be waited
    # out, twice per example.
    monkeypatch.setattr(importer, "SQLITE_YIELD_S", 0.0)
    folder = tmp_path_factory.mktemp("import")
    shutil.copy(_sqlite_template, folder / "i.db")  # a fresh, migrated database per example
    services: Services = build_services(
        Settings(f"sqlite:///{folder / 'i.db'}", folder / "c.toml", folder / "logs"),
        clock=FrozenClock(T0),
    )
    try:
        with services.sessions.begin() as session:
            session.add(
                Client(slug="acme", name="Acme", keywords=["Acme"], created_at=T0, updated_at=T0)
            )
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=["id", "text", "likes", "published"])
        writer.writeheader()
        writer.writerows(rows)
        path = Path(folder / "rows.csv")
        path.write_bytes(buffer.getvalue().encode(encoding, errors="replace"))
        try:
            import_file_batched(services.sessions, "acme", path, now=T0, scorer=services.analyzer())
        except DouseError as exc:
            pytest.fail(f"a file of storable rows was refused: {exc}")
        with services.sessions() as session:
            stored = set(session.scalars(select(Mention.text)))
        valid = {row["text"] for row in rows if row["text"].startswith("Acme valid row")}
        assert valid <= stored
    finally:
        services.close()
