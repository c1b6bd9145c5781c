"""Each adapter turns a real recorded payload into platform-neutral mentions (no network)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from douse.core.ingest.adapters import (
    ADAPTERS,
    adapter_for,
    bluesky,
    hackernews,
    mastodon,
    reddit,
    rss,
)
from douse.core.ingest.fetch import BadSource, InvalidPayload
from douse.core.ingest.match import KeywordMatcher
from douse.core.ingest.types import SourceSpec

DATA = Path(__file__).parent / "data" / "ingest"


def load(name: str) -> bytes:
    return (DATA / name).read_bytes()


def load_json(name: str) -> Any:
    return json.loads(load(name))


def test_every_configurable_kind_has_an_adapter() -> None:
    assert set(ADAPTERS) == {"rss", "mastodon", "bluesky", "hackernews", "reddit", "import"}
    with pytest.raises(BadSource, match="unknown source kind 'myspace'"):
        adapter_for("myspace")


def test_google_alerts_links_are_unwrapped_and_highlighting_stripped() -> None:
    items = rss.parse(load("google_alerts_atom_slack.xml"))
    assert len(items) == 20
    first = items[0]
    assert first.title.startswith("Report offers Prediction of Automotive Slack Market")
    assert "<b>" not in first.title and "<b>" not in first.text
    assert "\xa0" not in first.text
    assert first.url is not None and first.url.startswith("https://www.aglobalmarketresearch.com/")
    assert all("google.com/url" not in (m.url or "") for m in items)
    assert first.external_id == "tag:google.com,2013:googlealerts/feed:8974135267215335962"
    assert first.published_at == datetime(2019, 7, 10, 11, 53, 37, tzinfo=UTC)
    assert first.author is None  # Google leaves the author empty


def test_keyword_exclusions_drop_the_false_positives_of_a_google_alert() -> None:
    items = rss.parse(load("google_alerts_atom_slack.xml"))
    matcher = KeywordMatcher(["Slack"], ["automotive", "slack adjuster", "slack season"])
    kept = [m for m in items if matcher.matches(f"{m.title}\n{m.text}")]
    assert 0 < len(kept) < len(items)
    assert not any("Automotive" in m.title for m in kept)


def test_reddit_atom_feed_keeps_poster_and_fullname() -> None:
    items = rss.parse(load("ollama_at_79f6d64f9cea.xml"))
    assert len(items) == 25
    first = items[0]
    assert first.platform == "reddit"
    assert first.external_id == "t3_1ue6p85"
    assert first.author is not None and first.author.handle == "codehamr"
    assert "<" not in first.text


def test_relative_links_resolve_against_the_feed() -> None:
    items = rss.parse(load("SamRuby.xml"))
    assert items[0].url == "http://intertwingly.net/blog/2013/01/30/Plex"


def test_json_feed_is_read() -> None:
    items = rss.parse(load("json_feed.json"))
    assert len(items) == 20
    assert items[0].title == "James Dempsey and the Breakpoints Benefit App Camp for Girls"
    assert items[0].author is not None and items[0].author.display_name == "Brent Simmons"


def test_mastodon_feed_link_gives_the_author() -> None:
    feed = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>#acme</title>
    <item><guid>https://mastodon.social/@ana/113</guid><link>https://mastodon.social/@ana/113</link>
    <description>&lt;p&gt;&lt;a href="x"&gt;#acme&lt;/a&gt; broke again&lt;/p&gt;</description>
    <pubDate>Mon, 23 Nov 2026 09:00:00 +0000</pubDate></item></channel></rss>"""
    (item,) = rss.parse(feed)
    assert item.platform == "mastodon"
    assert item.author is not None and item.author.handle == "ana@mastodon.social"
    assert item.text == "#acme broke again"


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"<html><body><h1>Sign in</h1></body></html>", r"not a feed"),
        (b"\x00\x01garbage", r"not a feed"),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": 3}', r"without items"),
        (b'{"items": [', r"invalid JSON"),
        (b'{"hello": "world"}', r"not a feed"),
        (b"<rss><channel><item>&&&<<", r"^invalid XML: not well-formed"),
    ],
)
def test_what_is_not_a_feed_is_refused_clearly(payload: bytes, message: str) -> None:
    with pytest.raises(InvalidPayload, match=message):
        rss.parse(payload, content_type="text/html")


def test_a_feed_cut_short_keeps_only_the_complete_entries() -> None:
    whole = load("google_alerts_atom_slack.xml")
    cut = whole[: whole.index(b"</entry>", 4000) + 200]
    items = rss.parse(cut)
    assert 0 < len(items) < 20
    assert [m.external_id for m in items] == [m.external_id for m in rss.parse(whole)][: len(items)]


def test_a_feed_in_the_wrong_declared_encoding_still_parses() -> None:
    feed = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
        "<item><title>Très déçu par Horizon</title><link>http://e.com/1</link></item>"
        "</channel></rss>"
    ).encode("latin-1")
    (item,) = rss.parse(feed)
    assert "Horizon" in item.title
    # A wrong declared encoding is a harmless bozo reason, not broken XML: no warning.
    assert rss.parse_leniently(feed)[1] is None


def test_broken_xml_that_still_yields_posts_keeps_them_with_a_warning() -> None:
    feed = (
        b'<rss version="2.0"><channel><item><guid>1</guid><title>Acme one</title></item>'
        b"<item><guid>2</guid><title>Acme & two</title></item></channel></rss>"
    )
    items, warning = rss.parse_leniently(feed)
    assert [m.external_id for m in items] == ["1", "2"]
    assert warning is not None and warning.startswith("invalid XML read leniently")
    assert "2 posts kept" in warning


def test_mastodon_tag_timeline() -> None:
    (item,) = mastodon.parse(load_json("test_hashtag_tl__02__api_v1_timelines_tag_hoot.json"))
    assert item.platform == "mastodon"
    assert item.external_id == (
        "http://localhost:3000/ap/users/117020566092212359/statuses/117020593741189701"
    )
    assert item.text == "#hoot (hashtag toot)"
    assert item.author is not None and item.author.handle == "mastodonpy_test_2@localhost"
    assert item.language == "ja"


def test_mastodon_status_keeps_reach_and_followers_and_unboosts() -> None:
    status = load_json("Status_entity_example_mastodon_social.json")
    (item,) = mastodon.parse([status])
    assert (item.likes, item.shares, item.replies) == (11, 6, 5)
    assert item.author is not None and item.author.followers == 322930
    assert item.author.handle == "Gargron@mastodon.social"
    assert item.text.startswith('"I lost my inheritance with one wrong digit')
    assert "https://www.theguardian.com/money/2019/dec/07/i-lost-my" in item.text
    boost = {"id": "999", "uri": "https://other/boost/999", "reblog": status, "account": {}}
    (unboosted,) = mastodon.parse([boost])
    assert unboosted.external_id == item.external_id
    assert unboosted.raw["id"] == "999"


def test_bluesky_search_posts() -> None:
    items = bluesky.parse(load_json("bskyr_f_search__00__app.bsky.feed.searchPosts.json"))
    assert len(items) == 25
    first = items[0]
    assert first.external_id is not None and first.external_id.startswith("at://did:plc:")
    assert first.url == ("https://bsky.app/profile/socpaperbot.bsky.social/post/3lpk2u6qo222m")
    assert first.author is not None and first.author.handle == "socpaperbot.bsky.social"
    assert first.published_at == datetime(2025, 5, 19, 17, 10, 9, 561858, tzinfo=UTC)
    assert all(m.platform == "bluesky" for m in items)


def test_bluesky_counts_and_shortened_links() -> None:
    text = "Acme broke my order, see acme.example/ord… for proof"
    start = text.encode().index(b"acme.example")
    end = text.encode().index(b" for proof")
    post = {
        "uri": "at://did:plc:abc/app.bsky.feed.post/3xyz",
        "author": {"did": "did:plc:abc", "handle": "ana.bsky.social", "followersCount": 1200},
        "record": {
            "text": text,
            "createdAt": "2026-11-23T09:00:00.000Z",
            "langs": ["en"],
            "facets": [
                {
                    "index": {"byteStart": start, "byteEnd": end},
                    "features": [
                        {
                            "$type": "app.bsky.richtext.facet#link",
                            "uri": "https://acme.example/orders/77",
                        }
                    ],
                }
            ],
        },
        "likeCount": 40,
        "repostCount": 7,
        "quoteCount": 3,
        "replyCount": 9,
        "indexedAt": "2026-11-23T09:00:01.000Z",
    }
    (item,) = bluesky.parse({"posts": [post]})
    assert item.text == "Acme broke my order, see https://acme.example/orders/77 for proof"
    assert (item.likes, item.shares, item.replies) == (40, 10, 9)
    assert item.author is not None and item.author.followers == 1200
    assert item.language == "en"


def test_hackernews_stories_and_comments() -> None:
    story, ask, comment = hackernews.parse(load_json("hn_search_by_date.json"))
    assert story.external_id == "hn:41230001"
    assert story.canonical_url == "https://news.example.com/2026/11/horizon-realty-sues"
    assert (story.likes, story.replies) == (342, 87)
    assert story.raw["discussion_url"] == "https://news.ycombinator.com/item?id=41230001"
    assert ask.url == "https://news.ycombinator.com/item?id=41230002"
    assert (
        ask.text == "Has anyone dealt with Horizon Realty's support?\n\n"
        "They ignored my mold report for six weeks."
    )
    assert comment.title == "Horizon Realty sues tenants over one-star reviews"
    assert comment.text == "I rented from them. The lease had a non-disparagement clause."
    assert comment.likes == 0
    assert comment.author is not None and comment.author.handle == "tqbf2"


def test_reddit_search_listing() -> None:
    items = reddit.parse(load_json("TestSubreddit.test_search__01.json"))
    assert len(items) == 6
    first = items[0]
    assert first.external_id == "t3_3gpbiu"
    assert first.canonical_url == (
        "https://www.reddit.com/r/redditdev/comments/3gpbiu/"
        "prawoauth2util_problem_using_get_banned_raise/"
    )
    assert first.replies == 21
    assert first.published_at == datetime.fromtimestamp(1439370514, UTC)
    assert first.author is not None and first.author.handle == "dClauzel"
    assert first.text.startswith("solved\n\nProblem solved with this")
    assert "&#39;" not in first.text and "<p>" not in first.text


def test_reddit_subreddit_results_are_not_mentions() -> None:
    assert reddit.parse(load_json("TestSubreddits.test_search__01.json")) == []


@pytest.mark.parametrize("adapter", [mastodon.parse, bluesky.parse, hackernews.parse, reddit.parse])
@pytest.mark.parametrize("payload", [None, 42, "text", {"unexpected": True}])
def test_unexpected_json_shapes_are_refused_clearly(adapter: Any, payload: Any) -> None:
    with pytest.raises(InvalidPayload):
        adapter(payload)


@pytest.mark.parametrize("adapter", [mastodon.parse, bluesky.parse, hackernews.parse, reddit.parse])
def test_junk_items_inside_a_valid_shape_are_skipped(adapter: Any) -> None:
    junk: list[Any] = [None, 1, "x", {}, {"uri": 5, "objectID": None}]
    wrapped = {
        mastodon.parse: junk,
        bluesky.parse: {"posts": junk},
        hackernews.parse: {"hits": junk},
        reddit.parse: {"data": {"children": [*junk, {"kind": "t3", "data": None}]}},
    }[adapter]
    assert adapter(wrapped) == []


def test_hostile_text_from_any_platform_arrives_inert() -> None:
    evil = "Acme \x1b[2J\x1b]0;pwned\x07 [red]sucks[/red]\u202e"
    (item,) = bluesky.parse(
        {"posts": [{"uri": "at://x/app.bsky.feed.post/1", "author": {"handle": "h"},
                    "record": {"text": evil}}]}
    )  # fmt: skip
    assert item.text == "Acme [red]sucks[/red]"


def test_source_spec_is_a_plain_value() -> None:
    spec = SourceSpec(kind="rss", target="https://example.com/feed")
    assert spec.params == {} and spec.token_env is None
