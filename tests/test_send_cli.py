"""`douse reply`, and exactly once under kill -9: a subprocess sends against a local platform
that holds its answer; it is killed; the recovery finds or re-sends the reply, and the outreach
log agrees with what the platform holds."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from douse.core.db.models import Activity, OutboxEntry
from douse.core.send import recover
from douse.core.services import Services
from douse.tui.cli.main import main
from tests.helpers import REPO, T0, wait_for
from tests.sendworld import SendWorld, build, fake_platforms
from tests.warm_douse import WarmDouse, WarmProcess

pytestmark = pytest.mark.network


@pytest.fixture
def world(sqlite_services: Services) -> Iterator[SendWorld]:
    with fake_platforms() as fakes:
        w = build(sqlite_services, fakes, T0)
        yield w
        w.http.close()


def db_of(w: SendWorld) -> str:
    return w.services.settings.database_url


def replies_logged(w: SendWorld, platform: str) -> list[Activity]:
    with w.services.sessions() as s:
        return list(
            s.scalars(
                select(Activity).where(
                    Activity.incident_id == w.incidents[platform],
                    Activity.kind.in_(("public_reply", "private_message", "email")),
                )
            )
        )


def test_reply_send_prints_the_new_posts_link(
    world: SendWorld, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for k, v in world.env.items():
        monkeypatch.setenv(k, v)
    monkeypatch.setenv("DOUSE_NOW", T0.isoformat())
    iid = world.incidents["reddit"]
    code = main(
        [
            "--db",
            db_of(world),
            "reply",
            str(iid),
            "--text",
            "Fixed now, sorry!",
            "--send",
            "--by",
            "ana",
        ]
    )
    out = capsys.readouterr()
    assert code == 0, out.err
    [comment] = world.fakes.reddit.comments
    assert f"sent public reply on reddit: https://www.reddit.com{comment['permalink']}" in out.out


def test_reply_exit_codes(
    world: SendWorld, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for k, v in world.env.items():
        monkeypatch.setenv(k, v)
    db = db_of(world)
    m = str(world.incidents["mastodon"])
    # Blocked by the policy: 2, nothing sent.
    assert (
        main(
            ["--db", db, "reply", m, "--text", "Our lawyers will sue you", "--send", "--by", "ana"]
        )
        == 2
    )
    err = capsys.readouterr().err
    assert "blocked by the reply policy" in err and "nothing was sent" in err
    assert world.fakes.mastodon.writes() == []
    # Neither --send nor --log-only: a usage error.
    with pytest.raises(SystemExit) as usage:
        main(["--db", db, "reply", m, "--text", "hi", "--by", "ana"])
    assert usage.value.code == 2
    assert "one of the arguments --send --log-only is required" in capsys.readouterr().err
    # Refused by the platform: 3, with the reason, the draft kept.
    world.fakes.mastodon.fail(
        429, {"error": "Too many requests"}, {"Retry-After": "600"}, path="/api/v1/statuses"
    )
    assert main(["--db", db, "reply", m, "--text", "Sorry, on it", "--send", "--by", "ana"]) == 3
    err = capsys.readouterr().err
    assert "rate limiting" in err and "try again in 10 min" in err and "draft is kept" in err
    assert err.count("\n") == 1
    # Unconfirmed (5xx): 5.
    world.fakes.mastodon.fail(500, path="/api/v1/statuses")
    assert main(["--db", db, "reply", m, "--text", "Sorry, on it", "--send", "--by", "ana"]) == 5
    assert "checks whether it was posted" in capsys.readouterr().err
    # No reply API: 2 and the way to do it by hand; then --log-only records it.
    hn = str(world.incidents["hackernews"])
    assert (
        main(["--db", db, "reply", hn, "--text", "Acme here, fixed.", "--send", "--by", "ana"]) == 2
    )
    err = capsys.readouterr().err
    assert (
        "no reply API" in err and "news.ycombinator.com/item?id=4242" in err and "--log-only" in err
    )
    assert (
        main(["--db", db, "reply", hn, "--text", "Acme here, fixed.", "--log-only", "--by", "ana"])
        == 0
    )
    assert "as sent by hand" in capsys.readouterr().out
    assert len(replies_logged(world, "hackernews")) == 1


def _spawn(warm: WarmDouse, world: SendWorld, platform: str, tmp_path: Path) -> WarmProcess:
    """`douse reply --send` as its own process, started warm (tests/warm_douse.py)."""
    env = {
        **os.environ,
        **world.env,
        "DOUSE_NOW": T0.isoformat(),
        "DOUSE_LOG_DIR": str(tmp_path / "logs"),
        "PYTHONPATH": str(REPO),
    }
    argv = [
        "--db",
        db_of(world),
        "reply",
        str(world.incidents[platform]),
        "--text",
        "We are so sorry about this; it is fixed now.",
        "--send",
        "--by",
        "ana",
    ]
    return warm.spawn(argv, env=env, cwd=REPO, folder=tmp_path)


def _server_replies(world: SendWorld, platform: str) -> list[str]:
    fakes = world.fakes
    if platform == "mastodon":
        return [s["id"] for s in fakes.mastodon.own_replies("117020583223442465")]
    if platform == "bluesky":
        return list(fakes.bluesky.records)
    if platform == "reddit":
        return [c["name"] for c in fakes.reddit.comments]
    if platform == "google":
        return ["reply"] * fakes.google.puts
    if platform == "trustpilot":
        return ["reply"] * fakes.trustpilot.replies
    raise AssertionError(platform)


def _kill_when_seen(proc: WarmProcess, seen: object) -> None:
    assert wait_for(lambda: seen.is_set() or proc.poll() is not None, timeout=90), "no request"  # type: ignore[attr-defined]
    assert proc.poll() is None, proc.communicate()[1]
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)


def _settle(world: SendWorld, platform: str) -> None:
    with world.services.sessions() as s:
        [entry] = s.scalars(select(OutboxEntry))
        assert entry.state == "sending"  # the intent was on disk before the call
    results = recover(world.services, now=T0 + timedelta(minutes=3), env=world.env, http=world.http)
    assert len(results) == 1
    # A second run (another worker, the next minute) changes nothing.
    assert (
        recover(world.services, now=T0 + timedelta(minutes=6), env=world.env, http=world.http) == []
    )
    on_server = _server_replies(world, platform)
    logged = replies_logged(world, platform)
    assert len(on_server) == 1 and len(logged) == 1
    with world.services.sessions() as s:
        entry = s.scalar(select(OutboxEntry))
        assert entry.state == "sent" and entry.activity_id == logged[0].id
        assert s.scalar(select(func.count()).select_from(OutboxEntry)) == 1
    assert logged[0].details["sent"]["post_id"].endswith(on_server[0])


@pytest.mark.parametrize("platform", ["mastodon", "bluesky", "reddit", "google", "trustpilot"])
def test_kill_9_after_the_platform_posted_leaves_exactly_one_reply_logged_once(
    world: SendWorld, platform: str, tmp_path: Path, warm_douse: WarmDouse
) -> None:
    fake = getattr(world.fakes, platform)
    fake.hold_after_write = 60  # posted, but the answer never comes back before the kill
    proc = _spawn(warm_douse, world, platform, tmp_path)
    # Bluesky logs in with a POST first: wait for the post itself.
    target = {
        "mastodon": "/api/v1/statuses",
        "bluesky": "createRecord",
        "reddit": "/api/comment",
        "google": "/reply",
        "trustpilot": "/reply",
    }[platform]
    assert wait_for(
        lambda: any(target in r.path for r in fake.requests) or proc.poll() is not None, timeout=90
    )
    assert wait_for(lambda: len(_server_replies(world, platform)) == 1, timeout=10)
    _kill_when_seen(proc, fake.writes_seen)
    fake.hold_after_write = 0
    assert replies_logged(world, platform) == []  # killed before it could log
    _settle(world, platform)
    [found] = [r for r in replies_logged(world, platform)]
    assert found.details["sent"]["recovered"] is True


@pytest.mark.parametrize("platform", ["mastodon", "reddit", "trustpilot"])
def test_kill_9_before_the_platform_posted_sends_it_once_after_checking(
    world: SendWorld, platform: str, tmp_path: Path, warm_douse: WarmDouse
) -> None:
    fake = getattr(world.fakes, platform)
    fake.stall(60)  # the request is on its way; the platform has done nothing yet
    proc = _spawn(warm_douse, world, platform, tmp_path)
    _kill_when_seen(proc, fake.writes_seen)
    fake.abandon_stalled()  # ... and it never will: the request died with the process
    assert _server_replies(world, platform) == []
    _settle(world, platform)


def test_douse_watch_housekeeping_settles_a_killed_send(
    world: SendWorld, tmp_path: Path, warm_douse: WarmDouse
) -> None:
    """The minute jobs of `douse watch` (run_incident_jobs) do the settling, with the tokens
    from the environment as a real worker has them."""
    from douse.core.jobs.housekeeping import format_jobs, run_incident_jobs

    world.fakes.mastodon.hold_after_write = 60
    proc = _spawn(warm_douse, world, "mastodon", tmp_path)
    assert wait_for(
        lambda: len(_server_replies(world, "mastodon")) == 1 or proc.poll() is not None, timeout=90
    )
    _kill_when_seen(proc, world.fakes.mastodon.writes_seen)
    world.fakes.mastodon.hold_after_write = 0
    os.environ.update(world.env)
    try:
        result = run_incident_jobs(world.services, now=T0 + timedelta(minutes=3))
    finally:
        for key in world.env:
            os.environ.pop(key, None)
    line = format_jobs(result) or ""
    assert "reply #1 on #1: found" in line and not result.failed
    assert len(replies_logged(world, "mastodon")) == 1
    assert len(_server_replies(world, "mastodon")) == 1
