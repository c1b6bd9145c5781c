"""The storing half of ingestion: keyword filter, idempotent dedupe, near-duplicates, authors."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from douse.core.db.models import Author, Client, Mention
from douse.core.ingest.dedupe import dedupe_key, fingerprint
from douse.core.ingest.match import KeywordMatcher
from douse.core.ingest.pipeline import (
    MAX_RAW_BYTES,
    ClientRules,
    bounded_raw,
    store_mentions,
    upsert_authors,
)
from douse.core.ingest.types import RawAuthor, RawMention
from douse.core.sentiment.analyzer import Analyzer
from douse.core.services import Services
from tests.helpers import T0


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer()


def raw(n: int, text: str, **kw: Any) -> RawMention:
    values: dict[str, Any] = {
        "platform": "mastodon",
        "external_id": f"status-{n}",
        "url": f"https://social.example/@p/{n}?utm_source=x",
        "canonical_url": f"https://social.example/@p/{n}",
        "title": "",
        "text": text,
        "published_at": T0 - timedelta(minutes=n),
        "author": RawAuthor("mastodon", f"@user{n}@social.example", f"User {n}", None, 10 * n),
    }
    values.update(kw)
    return RawMention(**values)


def make_client(session: Session, slug: str = "acme", **kw: Any) -> Client:
    client = Client(
        slug=slug,
        name=slug.title(),
        keywords=kw.pop("keywords", ["Acme", "Acme Rentals"]),
        exclusions=kw.pop("exclusions", ["acme anvil"]),
        created_at=T0,
        updated_at=T0,
        **kw,
    )
    session.add(client)
    session.flush()
    return client


def rules_for(client: Client) -> ClientRules:
    return ClientRules(
        client.id,
        KeywordMatcher(client.keywords, client.exclusions),
        client.negative_threshold,
        client.positive_threshold,
    )


BATCH = [
    raw(1, "Acme Rentals lost my deposit and nobody answers the phone. Awful."),
    raw(2, "Loving my new flat from acme, great service!"),
    raw(3, "Pineapple pizza is the best"),  # no keyword: dropped
    raw(4, "Bought an acme anvil for the cartoon"),  # excluded: dropped
    raw(5, "   "),  # no text: dropped
]


def test_keeps_matching_mentions_scores_them_and_reingest_is_a_noop(
    services: Services, analyzer: Analyzer
) -> None:
    seen: list[list[int]] = []
    with services.sessions.begin() as session:
        rules = rules_for(make_client(session))
        first = store_mentions(
            session,
            rules,
            BATCH,
            now=T0,
            scorer=analyzer,
            on_stored=lambda s, ids, now: seen.append(ids),
        )
    assert (first.new, first.duplicate, first.near_duplicate, first.dropped) == (2, 0, 0, 3)
    assert seen == [first.new_ids]
    with services.sessions.begin() as session:
        again = store_mentions(session, rules, BATCH, now=T0 + timedelta(hours=1), scorer=analyzer)
    assert (again.new, again.duplicate, again.dropped, again.new_ids) == (0, 2, 3, [])
    with services.sessions() as session:
        rows = {m.external_id: m for m in session.scalars(select(Mention))}
        assert set(rows) == {"status-1", "status-2"}
        assert rows["status-1"].sentiment_label == "negative"
        assert rows["status-1"].model_label == "negative"
        assert rows["status-1"].sentiment_compound is not None
        assert rows["status-1"].sentiment_compound < 0
        assert rows["status-2"].sentiment_label == "positive"
        assert rows["status-1"].fetched_at == T0
        assert rows["status-1"].dedupe_key == "mastodon:id:status-1"
        assert rows["status-1"].author is not None
        assert rows["status-1"].author.handle == "user1@social.example"


def test_near_duplicate_copies_link_to_the_first_and_count(
    services: Services, analyzer: Analyzer
) -> None:
    article = "Tenants say Acme Rentals ignored mould complaints for months in three buildings"
    original = raw(10, article, platform="rss", external_id=None)
    retweet = raw(11, f"RT @news: {article} https://t.co/xyz", platform="mastodon")
    syndicated = raw(12, f"{article}.", platform="rss", external_id=None)
    with services.sessions.begin() as session:
        rules = rules_for(make_client(session))
        result = store_mentions(session, rules, [original], now=T0, scorer=analyzer)
        assert result.new == 1
    on_stored: list[list[int]] = []
    with services.sessions.begin() as session:
        result = store_mentions(
            session,
            rules,
            [retweet, syndicated],
            now=T0,
            scorer=analyzer,
            on_stored=lambda s, ids, now: on_stored.append(ids),
        )
    # Copies are stored and linked, but are not new incidents-to-be.
    assert (result.new, result.near_duplicate, on_stored) == (0, 2, [])
    with services.sessions.begin() as session:
        again = store_mentions(
            session, rules, [original, retweet, syndicated], now=T0, scorer=analyzer
        )
    assert (again.new, again.near_duplicate, again.duplicate) == (0, 0, 3)
    with services.sessions() as session:
        rows = {m.canonical_url: m for m in session.scalars(select(Mention))}
        first = rows["https://social.example/@p/10"]
        assert first.duplicate_of_id is None
        assert first.duplicate_count == 2
        for n in (11, 12):
            copy = rows[f"https://social.example/@p/{n}"]
            assert copy.duplicate_of_id == first.id
            assert copy.sentiment_label == first.sentiment_label


def test_copies_within_one_batch_and_across_batches(services: Services, analyzer: Analyzer) -> None:
    text = "Acme Rentals is raising every tenant's rent by forty percent next month"
    items = [raw(n, text if n % 2 else f"Acme post number {n}") for n in range(1, 11)]
    items.append(items[0])  # the very same item twice in one run
    with services.sessions.begin() as session:
        rules = rules_for(make_client(session))
        result = store_mentions(session, rules, items, now=T0, scorer=analyzer, batch_size=3)
    # Five copies of one text: one original and four linked copies; five distinct short posts.
    assert (result.new, result.near_duplicate, result.duplicate) == (6, 4, 1)
    with services.sessions() as session:
        original = session.scalars(select(Mention).where(Mention.external_id == "status-1")).one()
        assert original.duplicate_count == 4
        assert session.scalar(select(func.count()).select_from(Mention)) == 10


def test_short_identical_posts_from_different_people_are_not_copies() -> None:
    assert fingerprint("", "Acme is down again") is None
    long_text = "Acme is down again and I cannot pay my rent online today"
    assert fingerprint("", long_text) == fingerprint("", f"RT @bob: {long_text}!!")
    assert fingerprint("", long_text) != fingerprint("", long_text + " at all")


def test_authors_are_shared_across_clients_and_refreshed(
    services: Services, analyzer: Analyzer
) -> None:
    early = T0 - timedelta(days=3)
    author_v1 = RawAuthor("reddit", "Angry_Tenant", "Angry", None, 100)
    author_v2 = RawAuthor("reddit", "angry_tenant", "Angry Tenant", "https://r.example/u/a", 250)
    with services.sessions.begin() as session:
        acme = rules_for(make_client(session, "acme"))
        beta = rules_for(make_client(session, "beta", keywords=["Beta Bank"], exclusions=[]))
        store_mentions(
            session,
            acme,
            [raw(1, "acme again", author=author_v1, platform="reddit")],
            now=T0,
            scorer=analyzer,
        )
    with services.sessions.begin() as session:
        store_mentions(
            session,
            beta,
            [
                raw(2, "Beta Bank froze my card", author=author_v2, platform="reddit"),
                raw(
                    3,
                    "Beta Bank, a year ago",
                    author=author_v1,
                    platform="reddit",
                    published_at=early,
                ),
            ],
            now=T0,
            scorer=analyzer,
        )
    with services.sessions() as session:
        authors = list(session.scalars(select(Author)))
        assert len(authors) == 1
        person = authors[0]
        assert (person.platform, person.handle) == ("reddit", "angry_tenant")
        assert person.display_name == "Angry Tenant"
        assert person.followers == 250
        assert person.profile_url == "https://r.example/u/a"
        assert person.first_seen_at == early
        assert person.last_seen_at == T0 - timedelta(minutes=1)
        client_ids = set(
            session.scalars(select(Mention.client_id).where(Mention.author_id == person.id))
        )
        assert len(client_ids) == 2


def test_author_upsert_inserts_refreshes_and_leaves_unchanged_rows_alone(
    services: Services,
) -> None:
    ana = RawAuthor(platform="mastodon", handle="@Ana", display_name="Ana", followers=10)
    bob = RawAuthor(platform="mastodon", handle="bob", profile_url="https://m.example/@bob")
    with services.sessions.begin() as session:
        first = upsert_authors(session, [(ana, T0), (bob, T0), (ana, T0 - timedelta(hours=2))])
    assert set(first) == {("mastodon", "ana"), ("mastodon", "bob")}
    with services.sessions.begin() as session:
        # Nothing new about either: same ids back, rows untouched.
        again = upsert_authors(session, [(ana, T0 - timedelta(hours=1)), (bob, T0)])
        quiet = RawAuthor(platform="mastodon", handle="ANA")  # no name, no followers
        later = upsert_authors(session, [(quiet, T0 + timedelta(hours=3))])
    assert again == first and later == {("mastodon", "ana"): first[("mastodon", "ana")]}
    with services.sessions() as session:
        rows = {a.handle: a for a in session.scalars(select(Author))}
    assert rows["ana"].display_name == "Ana" and rows["ana"].followers == 10, "kept, not erased"
    assert rows["ana"].first_seen_at == T0 - timedelta(hours=2)
    assert rows["ana"].last_seen_at == T0 + timedelta(hours=3)
    assert rows["bob"].profile_url == "https://m.example/@bob" and rows["bob"].display_name is None
    assert rows["bob"].first_seen_at == rows["bob"].last_seen_at == T0


def test_oversized_and_hostile_values_are_bounded(services: Services, analyzer: Analyzer) -> None:
    huge_url = "https://x.example/" + "a" * 5000
    item = raw(
        1,
        "Acme " + "complaint " * 20_000,
        external_id="id-" + "9" * 3000,
        url=huge_url,
        canonical_url=huge_url,
        title="T" * 5000,
        author=RawAuthor("mastodon" * 10, "h" * 1000, "n" * 1000, "https://p/" + "p" * 3000, 5),
        language="x" * 50,
        published_at=T0 + timedelta(days=400),  # from the future: clamped to now
        raw={
            "access_token": "SECRET",
            "nested": {"Authorization": "Bearer SECRET", "ok": 1},
            "when": T0,
            "blob": "b" * 100_000,
        },
    )
    with services.sessions.begin() as session:
        rules = rules_for(make_client(session))
        assert store_mentions(session, rules, [item], now=T0, scorer=analyzer).new == 1
    with services.sessions.begin() as session:
        assert store_mentions(session, rules, [item], now=T0, scorer=analyzer).duplicate == 1
    with services.sessions() as session:
        stored = session.scalars(select(Mention)).one()
        assert stored.published_at == T0
        assert len(stored.dedupe_key) <= 1000
        assert "SECRET" not in repr(stored.raw)
        assert len(repr(stored.raw)) < MAX_RAW_BYTES * 2


def test_bounded_raw_drops_secrets_and_keeps_small_payloads() -> None:
    when = datetime(2026, 1, 1)
    assert bounded_raw({"id": 1, "api_key": "k", "tags": ["a", when]}) == {
        "id": 1,
        "tags": ["a", str(when)],
    }
    assert bounded_raw({}) is None
    big = bounded_raw({"x": "y" * (MAX_RAW_BYTES + 10)})
    assert big is not None and big["_truncated_from"] > MAX_RAW_BYTES


def test_dedupe_key_prefers_id_then_canonical_url_then_content() -> None:
    with_id = raw(1, "x")
    assert dedupe_key(with_id) == "mastodon:id:status-1"
    by_url = raw(1, "x", external_id=None)
    assert dedupe_key(by_url) == "url:https://social.example/@p/1"
    bare = raw(1, "same words", external_id=None, url=None, canonical_url=None)
    assert dedupe_key(bare).startswith("mastodon:content:")
    assert dedupe_key(bare) == dedupe_key(
        raw(1, "same   WORDS", external_id=None, url=None, canonical_url=None)
    )
    assert dedupe_key(bare) != dedupe_key(
        raw(1, "other words", external_id=None, url=None, canonical_url=None)
    )


def test_sqlite_insert_stores_what_sqlalchemys_insert_stores(
    sqlite_services: Services, analyzer: Analyzer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite's own mention INSERT (pipeline._insert_mentions_sqlite) against SQLAlchemy's: the
    same batch stored for two clients, every column the same but the client and the id."""
    from datetime import UTC, timezone

    from sqlalchemy import text

    from douse.core.ingest import pipeline

    article = "Acme Rentals: the lift is broken again — “third time”, 𝕏 ünïcode\n\tand\x00 more"
    batch = [
        raw(1, article, raw={"rating": 2.0, "nested": {"a": [1, None, "b"]}}),
        raw(2, f"RT {article} https://t.co/x", url=None, canonical_url=None, external_id=None),
        raw(
            3,
            "Acme late again",
            published_at=datetime(2026, 1, 1, 5, tzinfo=timezone(timedelta(hours=-8))),
        ),
        raw(4, "Acme", title="Acme review", author=None, shares=3, likes=None, raw=None),
        raw(5, "acme pas en anglais, merci beaucoup pour rien", published_at=T0.astimezone(UTC)),
    ]
    with sqlite_services.sessions.begin() as session:
        fast = rules_for(make_client(session, "fast"))
        plain = rules_for(make_client(session, "plain"))
    with sqlite_services.sessions.begin() as session:
        store_mentions(session, fast, batch, now=T0, scorer=analyzer)
    monkeypatch.setattr(pipeline, "_insert_mentions_sqlite", pipeline._insert_mentions_sqlalchemy)
    with sqlite_services.sessions.begin() as session:
        store_mentions(session, plain, batch, now=T0, scorer=analyzer)
    with sqlite_services.sessions() as session:
        stored = [
            [tuple(r[2:]) for r in session.execute(
                text("SELECT * FROM mentions WHERE client_id = :c ORDER BY id"), {"c": c}
            )]
            for c in (fast.client_id, plain.client_id)
        ]  # fmt: skip
    assert len(stored[0]) == len(batch)
    assert stored[0] == stored[1]
