"""Sending replies to local servers that speak each platform's API: what reaches the platform,
what the outreach log and the outbox say afterwards, and one clear reason for every refusal."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select

from douse.core.clock import FrozenClock
from douse.core.db.models import Activity, Draft, Incident, OutboxEntry
from douse.core.policy import PolicyBlocked
from douse.core.send import NoReplyApi, ReplyRequest, recover, reply
from douse.core.send.http import new_client
from douse.core.services import Services
from tests.helpers import T0, wait_for
from tests.platforms import FakeBluesky
from tests.sendworld import BSKY_POST, SendWorld, build, fake_platforms

pytestmark = pytest.mark.network


@pytest.fixture
def world(sqlite_services: Services) -> Iterator[SendWorld]:
    with fake_platforms() as fakes:
        w = build(sqlite_services, fakes, T0)
        yield w
        w.http.close()


def send(w: SendWorld, platform: str, text: str, **kw: object):
    req = ReplyRequest(w.incidents[platform], text, "ana", **kw)  # type: ignore[arg-type]
    return reply(w.services, req, env=w.env, http=w.http)


def activities(w: SendWorld, platform: str) -> list[Activity]:
    with w.services.sessions() as s:
        return list(
            s.scalars(
                select(Activity).where(
                    Activity.incident_id == w.incidents[platform],
                    Activity.kind.in_(("public_reply", "private_message", "email")),
                )
            )
        )


def outbox(w: SendWorld) -> list[OutboxEntry]:
    with w.services.sessions() as s:
        return list(s.scalars(select(OutboxEntry).order_by(OutboxEntry.id)))


def test_mastodon_public_reply_is_posted_once_logged_and_moves_the_clock(world: SendWorld) -> None:
    fake = world.fakes.mastodon
    out = send(world, "mastodon", "Sorry about this, we are on it.")
    assert out.state == "sent", out
    replies = fake.own_replies("117020583223442465")
    assert len(replies) == 1 and replies[0]["visibility"] == "public"
    post = next(r for r in fake.writes() if r.path == "/api/v1/statuses")
    entry = outbox(world)[0]
    assert post.headers["idempotency-key"] == entry.key
    assert post.json()["in_reply_to_id"] == "117020583223442465"
    assert entry.state == "sent" and entry.post_id == replies[0]["id"]
    assert out.url == replies[0]["url"]
    [logged] = activities(world, "mastodon")
    assert logged.kind == "public_reply" and logged.id == entry.activity_id
    assert logged.details["sent"]["url"] == replies[0]["url"]
    assert logged.details["sent"]["post_id"] == replies[0]["id"]
    with world.services.sessions() as s:
        incident = s.get(Incident, world.incidents["mastodon"])
        assert incident.first_response_at == T0 and incident.status == "in_progress"
        assert s.scalar(select(Draft)) is None


def test_mastodon_private_reply_is_direct_and_addressed(world: SendWorld) -> None:
    out = send(world, "mastodon", "Could you send us your order number?", private=True)
    assert out.state == "sent"
    [status] = world.fakes.mastodon.own_replies("117020583223442465")
    assert status["visibility"] == "direct"
    assert status["content"].startswith("<p>@mastodonpy_test ")
    assert activities(world, "mastodon")[0].kind == "private_message"


def test_bluesky_reply_has_root_and_parent_and_uses_the_app_password(world: SendWorld) -> None:
    fake = world.fakes.bluesky
    out = send(world, "bluesky", "We hear you, and we are fixing it.")
    assert out.state == "sent", out
    [record] = fake.records.values()
    cid = fake.posts[BSKY_POST]["cid"]
    reply_ref = record["value"]["reply"]
    assert reply_ref["parent"] == {"uri": BSKY_POST, "cid": cid}
    assert reply_ref["root"] == {"uri": BSKY_POST, "cid": cid}
    login = next(r for r in fake.requests if r.path.endswith("createSession"))
    assert login.json() == {"identifier": FakeBluesky.HANDLE, "password": FakeBluesky.PASSWORD}
    rkey = record["uri"].rsplit("/", 1)[-1]
    assert out.url == f"https://bsky.app/profile/{FakeBluesky.HANDLE}/post/{rkey}"
    assert len(rkey) == 13


def test_bluesky_reply_to_a_reply_keeps_the_thread_root(world: SendWorld) -> None:
    fake = world.fakes.bluesky
    parent = dict(fake.posts[BSKY_POST])
    root = {"uri": "at://did:plc:root/app.bsky.feed.post/3kroot", "cid": "bafyroot"}
    parent["record"] = {**parent["record"], "reply": {"root": root, "parent": root}}
    fake.posts[BSKY_POST] = parent
    assert send(world, "bluesky", "Thanks for flagging this.").state == "sent"
    [record] = fake.records.values()
    assert record["value"]["reply"]["root"] == root
    assert record["value"]["reply"]["parent"]["uri"] == BSKY_POST


def test_bluesky_direct_message_and_closed_inbox(world: SendWorld) -> None:
    fake = world.fakes.bluesky
    out = send(world, "bluesky", "Sending you a DM about the refund.", private=True)
    assert out.state == "sent" and fake.messages[0]["text"].startswith("Sending you")
    fake.closed_dms.add("did:plc:ic6zqvuw5ulmfpjiwnhsr2ns")
    refused = send(world, "bluesky", "One more thing about the refund.", private=True)
    assert refused.state == "failed" and refused.reason_code == "forbidden"
    assert "disabled incoming messages" in (refused.reason or "")


def test_reddit_comment_and_private_message(world: SendWorld) -> None:
    fake = world.fakes.reddit
    out = send(world, "reddit", "Hi, Acme support here: this is fixed now.")
    assert out.state == "sent"
    [comment] = fake.comments
    assert comment["parent_id"] == "t3_3gpbiu" and out.post_id == comment["name"]
    assert out.url == "https://www.reddit.com" + comment["permalink"]
    form = next(r for r in fake.writes() if r.path == "/api/comment").form()
    assert form["api_type"] == "json" and form["thing_id"] == "t3_3gpbiu"
    pm = send(world, "reddit", "Could you send us the order number?", private=True)
    assert pm.state == "sent" and fake.sent[0]["dest"] == "dClauzel"
    assert pm.post_id == fake.sent[0]["name"]


def test_google_and_trustpilot_review_replies(world: SendWorld) -> None:
    out = send(world, "google", "Thank you for telling us; we have spoken to the team.")
    assert out.state == "sent"
    review = world.fakes.google.reviews["accounts/111/locations/222/reviews/rev-1"]
    assert review["reviewReply"]["comment"].startswith("Thank you")
    put = next(iter(world.fakes.google.writes()))
    assert put.method == "PUT" and put.path.endswith("/reviews/rev-1/reply")
    out = send(world, "trustpilot", "We are sorry the parcel did not arrive.")
    assert out.state == "sent"
    body = world.fakes.trustpilot.writes()[0].json()
    assert body == {
        "authorBusinessUserId": "bu-1",
        "message": "We are sorry the parcel did not arrive.",
    }
    assert world.fakes.trustpilot.reviews["tp-77"]["companyReply"]["text"] == body["message"]


def test_email_follow_up_is_threaded_with_the_customers_message(world: SendWorld) -> None:
    out = send(world, "email", "Dear Pat, your refund is on its way.")
    assert out.state == "sent", out
    [message] = world.fakes.smtp.messages
    assert message["To"] == "pat@customer.example"
    assert message["In-Reply-To"] == "<order-42@customer.example>"
    assert message["Subject"] == "Re: My order never came"
    assert message["Message-ID"] == out.post_id
    assert activities(world, "email")[0].kind == "email"


def test_a_platform_without_a_reply_api_is_answered_by_hand(world: SendWorld) -> None:
    with pytest.raises(NoReplyApi) as refused:
        send(world, "hackernews", "Acme here: we fixed the outage.")
    assert "Hacker News has no reply API" in str(refused.value)
    assert "https://news.ycombinator.com/item?id=4242" in str(refused.value)
    assert activities(world, "hackernews") == []
    out = send(world, "hackernews", "Acme here: we fixed the outage.", mode="log_only")
    assert out.state == "logged"
    [logged] = activities(world, "hackernews")
    assert logged.details["sent"]["via"] == "by_hand"


def test_what_the_policy_blocks_is_never_sent_without_an_override(world: SendWorld) -> None:
    with pytest.raises(PolicyBlocked):
        send(world, "mastodon", "Delete this or our lawyers will be in touch.")
    assert world.fakes.mastodon.writes() == [] and outbox(world) == []
    out = send(
        world,
        "mastodon",
        "Delete this or our lawyers will be in touch.",
        override="the client's counsel asked for this wording",
    )
    assert out.state == "sent"
    [logged] = activities(world, "mastodon")
    assert logged.details["policy"]["override"]["by"] == "ana"


# --- refusals ---------------------------------------------------------------------------------
WRITE_PATH = {
    "mastodon": ("/api/v1/statuses", "POST"),
    "bluesky": ("createRecord", "POST"),
    "reddit": ("/api/comment", "POST"),
    "google": ("/reply", "PUT"),
    "trustpilot": ("/reply", "POST"),
}
REFUSALS = [
    (401, {"error": "The access token is invalid"}, {}, "expired_token", "refused the token (401)"),
    (403, {"error": "This action is not allowed"}, {}, "forbidden", "(403)"),
    (404, {"error": "Record not found"}, {}, "gone", "the post is gone"),
    (422, {"error": "Validation failed: Text is too long"}, {}, "too_long", "refused the text"),
    (
        429,
        {"error": "Too many requests"},
        {"Retry-After": "120"},
        "rate_limited",
        "try again in 2 min",
    ),
]


@pytest.mark.parametrize("platform", list(WRITE_PATH))
@pytest.mark.parametrize(("status", "body", "headers", "code", "says"), REFUSALS)
def test_a_refusal_is_one_clear_reason_nothing_is_logged_and_the_draft_is_kept(
    world: SendWorld, platform: str, status: int, body: dict, headers: dict, code: str, says: str
) -> None:
    fake = getattr(world.fakes, platform)
    path, method = WRITE_PATH[platform]
    fake.fail(status, body, headers, path=path, method=method)
    out = send(world, platform, "We are sorry; we are looking into it.")
    assert out.state == "failed" and out.reason_code == code, out
    assert says in (out.reason or "")
    assert "\n" not in (out.reason or "")
    if status == 429:
        assert out.retry_after == 120
    assert activities(world, platform) == []
    [entry] = outbox(world)
    assert entry.state == "failed" and entry.reason == out.reason
    with world.services.sessions() as s:
        draft = s.scalar(select(Draft))
        assert draft is not None and draft.body == "We are sorry; we are looking into it."


def test_the_platforms_own_limits_are_refusals_too(world: SendWorld) -> None:
    out = send(world, "bluesky", "x " * 200, override="testing the platform limit")
    assert out.state == "failed" and out.reason_code == "too_long"
    reddit = world.fakes.reddit
    reddit.fail(
        200,
        {
            "json": {
                "errors": [
                    [
                        "RATELIMIT",
                        "you are doing that too much. try again in 9 minutes.",
                        "ratelimit",
                    ]
                ]
            }
        },
        path="/api/comment",
    )
    out = send(world, "reddit", "Sorry, we are on it.")
    assert out.reason_code == "rate_limited" and out.retry_after == 540
    assert "try again in 9 min" in (out.reason or "")


@pytest.mark.parametrize("platform", list(WRITE_PATH))
def test_a_server_error_is_checked_on_the_platform_before_any_retry(
    world: SendWorld, platform: str
) -> None:
    fake = getattr(world.fakes, platform)
    path, method = WRITE_PATH[platform]
    fake.fail(503, {"error": "upstream unavailable"}, path=path, method=method)
    out = send(world, platform, "We are sorry; we are looking into it.")
    assert out.state == "unconfirmed" and out.reason_code == "server"
    assert "(503)" in (out.reason or "")
    assert activities(world, platform) == []
    # Too soon: the send may still be under way somewhere; nothing is touched.
    assert (
        recover(world.services, now=T0 + timedelta(seconds=30), env=world.env, http=world.http)
        == []
    )
    [done] = recover(world.services, now=T0 + timedelta(minutes=3), env=world.env, http=world.http)
    assert done.outcome == "resent"
    assert [e.state for e in outbox(world)] == ["sent"]
    assert len(activities(world, platform)) == 1


def test_a_timeout_after_the_post_was_made_is_found_not_posted_again(world: SendWorld) -> None:
    fake = world.fakes.mastodon
    fake.stall(60)  # the post is made after the client gave up waiting
    quick = new_client(httpx.Timeout(1.5, connect=2.0))
    services = world.services
    try:
        out = reply(
            services,
            ReplyRequest(world.incidents["mastodon"], "Sorry, on it.", "ana"),
            env=world.env,
            http=quick,
        )
    finally:
        quick.close()
    assert out.state == "unconfirmed" and out.reason_code == "timeout"
    # The fake finishes the stalled request (as a real server would).
    fake.release_stalled()

    assert wait_for(lambda: len(fake.own_replies("117020583223442465")) == 1)
    [done] = recover(services, now=T0 + timedelta(minutes=3), env=world.env, http=world.http)
    assert done.outcome == "found"
    assert len(fake.own_replies("117020583223442465")) == 1
    [logged] = activities(world, "mastodon")
    assert logged.details["sent"]["recovered"] is True and logged.at == T0


def test_cannot_connect_is_a_failure_that_sent_nothing(world: SendWorld) -> None:
    world.fakes.mastodon.stop()
    out = send(world, "mastodon", "Sorry, on it.")
    assert out.state == "failed" and out.reason_code in ("network", "timeout")
    assert "could not connect" in (out.reason or "")


def test_a_missing_token_variable_is_named(world: SendWorld) -> None:
    env = {k: v for k, v in world.env.items() if k != "ACME_REDDIT_TOKEN"}
    out = reply(
        world.services,
        ReplyRequest(world.incidents["reddit"], "Sorry, on it.", "ana"),
        env=env,
        http=world.http,
    )
    assert out.state == "failed" and out.reason_code == "config"
    assert "ACME_REDDIT_TOKEN is not set" in (out.reason or "")
    assert world.fakes.reddit.requests == []


def test_unfinished_send_blocks_a_second_reply_until_checked(world: SendWorld) -> None:
    world.fakes.mastodon.fail(502, path="/api/v1/statuses")
    assert send(world, "mastodon", "Sorry, on it.").state == "unconfirmed"
    from douse.core.errors import DouseError

    with pytest.raises(DouseError, match="not confirmed yet"):
        send(world, "mastodon", "Sorry, on it (again).")
    later = Services(
        world.services.settings,
        world.services.engine,
        world.services.sessions,
        FrozenClock(T0 + timedelta(minutes=5)),
    )
    out = reply(
        later,
        ReplyRequest(world.incidents["mastodon"], "A second, different reply.", "ana"),
        env=world.env,
        http=world.http,
    )
    assert out.state == "sent"
    # The first was settled (sent again with its key, once) before the second went out.
    assert len(world.fakes.mastodon.own_replies("117020583223442465")) == 2
    assert [e.state for e in outbox(world)] == ["sent", "sent"]


def test_send_and_recover_on_both_backends(services: Services) -> None:
    """The outbox claims and completions hold on PostgreSQL as on SQLite."""
    with fake_platforms() as fakes:
        w = build(services, fakes, T0)
        try:
            assert send(w, "mastodon", "Sorry about this, we are on it.").state == "sent"
            fakes.reddit.fail(503, path="/api/comment")
            assert send(w, "reddit", "Sorry, on it.").state == "unconfirmed"
            [done] = recover(services, now=T0 + timedelta(minutes=3), env=w.env, http=w.http)
            assert done.outcome == "resent" and len(fakes.reddit.comments) == 1
            assert [e.state for e in outbox(w)] == ["sent", "sent"]
        finally:
            w.http.close()


def test_an_answer_in_an_unexpected_shape_is_one_line_not_a_crash(world: SendWorld) -> None:
    world.fakes.bluesky.fail(200, {"posts": [{"uri": BSKY_POST}]}, path="getPosts", method="GET")
    out = send(world, "bluesky", "Sorry, on it.")
    assert out.state == "failed" and "not understood (KeyError)" in (out.reason or "")
    assert world.fakes.bluesky.records == {}
    world.fakes.mastodon.fail(200, {"unexpected": True}, path="/api/v1/statuses")
    out = send(world, "mastodon", "Sorry, on it.")
    assert out.state == "unconfirmed" and "without the new post's id" in (out.reason or "")


EMPTY = "server sent an empty answer (HTTP {status}, no body) where JSON was expected"


@pytest.mark.parametrize("platform", ["mastodon", "bluesky", "reddit"])
def test_an_empty_answer_to_a_send_says_so_with_its_status_and_is_checked_before_a_retry(
    world: SendWorld, platform: str
) -> None:
    fake = getattr(world.fakes, platform)
    path, method = WRITE_PATH[platform]
    fake.fail(200, None, path=path, method=method)
    out = send(world, platform, "Sorry about this, we are on it.")
    assert out.state == "unconfirmed" and out.reason_code == "server", out
    reason = out.reason or ""
    assert EMPTY.format(status=200) in reason and "\n" not in reason
    assert "JSON" in reason and "Expecting value" not in reason
    assert "douse checks whether it was posted before any retry" in reason
    assert activities(world, platform) == []
    [done] = recover(world.services, now=T0 + timedelta(minutes=3), env=world.env, http=world.http)
    assert done.outcome == "resent" and [e.state for e in outbox(world)] == ["sent"]


def test_an_empty_answer_before_anything_was_sent_is_a_plain_failure(world: SendWorld) -> None:
    fake = world.fakes.mastodon
    fake.fail(200, None, path="/api/v2/search", method="GET")
    out = send(world, "mastodon", "Sorry about this, we are on it.")
    assert out.state == "failed" and out.reason_code == "server", out
    assert (
        out.reason == "Mastodon's server sent an empty answer (HTTP 200, no body) where JSON "
        "was expected"
    )
    assert fake.writes() == []
    fake.fail(204, None, path="/api/v1/statuses", method="POST")
    out = send(world, "mastodon", "Sorry about this, we are on it.")
    assert out.state == "unconfirmed" and EMPTY.format(status=204) in (out.reason or "")


def test_an_email_to_a_given_address_follows_up_a_social_post(world: SendWorld) -> None:
    out = send(world, "reddit", "Dear customer, your refund is on its way.", email="dc@example.org")
    assert out.state == "sent" and out.kind == "email"
    [message] = world.fakes.smtp.messages
    assert message["To"] == "dc@example.org" and message["In-Reply-To"] is None
    assert message["Subject"] == "Re: Problem using OAuth2Util"
    assert world.fakes.reddit.writes() == []
    from douse.core.errors import DouseError

    with pytest.raises(DouseError, match="is not an email address"):
        send(world, "reddit", "Hello", email="not-an-address")


def test_a_colleagues_change_during_the_send_still_logs_the_reply(
    world: SendWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    from douse.core.errors import ConflictError
    from douse.core.send import outbox as module

    real = module.complete
    calls: list[int] = []

    def changed_meanwhile(*args: object, **kw: object) -> object:
        calls.append(1)
        if len(calls) == 1:
            raise ConflictError("incident 1 was changed by lead; reload and try again")
        return real(*args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(module, "complete", changed_meanwhile)
    out = send(world, "mastodon", "Sorry about this, we are on it.")
    assert out.state == "sent" and len(calls) == 2
    assert len(activities(world, "mastodon")) == 1
    assert len(world.fakes.mastodon.own_replies("117020583223442465")) == 1
