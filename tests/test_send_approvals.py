"""Approvals: clients.toml says which replies need an approver; such a reply waits in a queue,
is approved (then sent) or returned with a note, and every step is on the timeline and in the
exports."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from douse.core.config import parse_config
from douse.core.db.models import Activity, Draft, Incident, OutboxEntry
from douse.core.errors import ConfigError, DouseError
from douse.core.send import ReplyRequest, approval_queue, approve, reply, return_reply
from douse.core.services import Services
from douse.tui.cli.main import main
from tests.helpers import T0
from tests.sendworld import SendWorld, build, fake_platforms

pytestmark = pytest.mark.network

RULES = {"approvers": ["lead"], "critical": True, "offer_above": 50, "new_staff": True}


@pytest.fixture
def world(sqlite_services: Services) -> Iterator[SendWorld]:
    with fake_platforms() as fakes:
        w = build(sqlite_services, fakes, T0, approvals=RULES)
        with sqlite_services.sessions.begin() as s:
            s.get(Incident, w.incidents["mastodon"]).severity = "critical"
        yield w
        w.http.close()


def ask(w: SendWorld, platform: str, text: str, by: str = "ana", **kw: object):
    req = ReplyRequest(w.incidents[platform], text, by, **kw)  # type: ignore[arg-type]
    return reply(w.services, req, env=w.env, http=w.http)


def timeline(w: SendWorld, platform: str) -> list[Activity]:
    with w.services.sessions() as s:
        return list(
            s.scalars(
                select(Activity)
                .where(Activity.incident_id == w.incidents[platform])
                .order_by(Activity.id)
            )
        )


def test_a_reply_on_a_critical_incident_waits_then_is_sent_when_approved(world: SendWorld) -> None:
    waiting = ask(world, "mastodon", "We are so sorry; our team is on it now.")
    assert waiting.state == "awaiting_approval"
    assert waiting.approvers == ("lead",) and "a reply on a critical incident" in waiting.rules
    assert world.fakes.mastodon.requests == []  # nothing reaches the platform
    with world.services.sessions() as s:
        [row] = approval_queue(s)
        assert row.outbox_id == waiting.outbox_id and row.author == "ana"
        assert approval_queue(s, "acme", approver="tom") == []
        assert s.scalar(select(Draft)).body.startswith("We are so sorry")
        assert s.get(Incident, world.incidents["mastodon"]).first_response_at is None
    with pytest.raises(DouseError, match="someone other than its author"):
        approve(world.services, waiting.outbox_id, by="ana", env=world.env, http=world.http)
    with pytest.raises(DouseError, match="tom does not approve replies"):
        approve(world.services, waiting.outbox_id, by="tom", env=world.env, http=world.http)
    sent = approve(world.services, waiting.outbox_id, by="lead", env=world.env, http=world.http)
    assert sent.state == "sent"
    assert len(world.fakes.mastodon.own_replies("117020583223442465")) == 1
    steps = [
        (a.kind, a.details.get("approval", {}).get("step"), a.staff_id is not None)
        for a in timeline(world, "mastodon")
        if a.kind in ("approval", "public_reply")
    ]
    assert steps == [
        ("approval", "requested", True),
        ("approval", "approved", True),
        ("public_reply", None, True),
    ]
    reply_entry = next(a for a in timeline(world, "mastodon") if a.kind == "public_reply")
    assert reply_entry.details["sent"]["approved_by"] == "lead"
    with world.services.sessions() as s:
        assert s.get(Incident, world.incidents["mastodon"]).first_response_at == T0
        assert approval_queue(s) == []


def test_a_returned_reply_keeps_its_note_and_the_authors_draft(world: SendWorld) -> None:
    waiting = ask(world, "reddit", "Here is a £80 voucher for the trouble.")
    assert waiting.state == "awaiting_approval" and "above 50" in waiting.rules[0]
    with pytest.raises(DouseError, match="needs a note"):
        return_reply(world.services, waiting.outbox_id, by="lead", note="  ")
    back = return_reply(world.services, waiting.outbox_id, by="lead", note="Offer £40 max, please")
    assert back.state == "returned"
    [step] = [
        a
        for a in timeline(world, "reddit")
        if a.details.get("approval", {}).get("step") == "returned"
    ]
    assert (
        "Offer £40 max" in step.body and step.details["approval"]["note"] == "Offer £40 max, please"
    )
    with world.services.sessions() as s:
        assert s.get(OutboxEntry, waiting.outbox_id).note == "Offer £40 max, please"
        assert s.scalar(select(Draft)).body.startswith("Here is a £80 voucher")
    assert world.fakes.reddit.writes() == []
    with pytest.raises(DouseError, match="returned, not waiting"):
        approve(world.services, waiting.outbox_id, by="lead", env=world.env, http=world.http)
    # Reworked under the threshold, it needs no approval.
    assert ask(world, "reddit", "Here is a £40 voucher for the trouble.").state == "sent"


def test_new_staff_replies_are_approved_and_by_hand_replies_are_logged_on_approval(
    world: SendWorld,
) -> None:
    waiting = ask(world, "hackernews", "Acme here: fixed.", by="tom", mode="log_only")
    assert waiting.state == "awaiting_approval" and "new staff (tom)" in waiting.rules[0]
    done = approve(world.services, waiting.outbox_id, by="lead", env=world.env, http=world.http)
    assert done.state == "logged"
    [logged] = [a for a in timeline(world, "hackernews") if a.kind == "public_reply"]
    assert (
        logged.details["sent"]["via"] == "by_hand"
        and logged.details["sent"]["approved_by"] == "lead"
    )


def test_cli_queue_approve_and_incident_timeline(
    world: SendWorld, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for k, v in world.env.items():
        monkeypatch.setenv(k, v)
    db = world.services.settings.database_url
    iid = str(world.incidents["mastodon"])
    assert (
        main(["--db", db, "reply", iid, "--text", "Sorry, we are on it.", "--send", "--by", "ana"])
        == 4
    )
    assert "waiting for approval by lead" in capsys.readouterr().err
    assert main(["--db", db, "approvals", "--client", "acme"]) == 0
    out = capsys.readouterr().out
    assert f"incident #{iid} (acme, critical)" in out and "a reply on a critical incident" in out
    assert main(["--db", db, "approvals", "--json"]) == 0
    [row] = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert row["incident"] == int(iid) and row["approvers"] == ["lead"]
    assert main(["--db", db, "approve", str(row["reply"]), "--by", "ana"]) == 2
    assert "someone other than its author" in capsys.readouterr().err
    assert main(["--db", db, "approve", str(row["reply"]), "--by", "lead"]) == 0
    assert "sent public reply on mastodon" in capsys.readouterr().out
    assert main(["--db", db, "incident", iid]) == 0
    shown = capsys.readouterr().out
    assert "asked for approval" in shown and "approved the reply" in shown
    assert "sent through the mastodon API" in shown and "approved by lead" in shown
    assert main(["--db", db, "export", "acme", "--format", "json", "-o", "-"]) == 0
    exported = capsys.readouterr().out
    assert '"kind":"approval"' in exported.replace(" ", "")
    assert '"step":"approved"' in exported.replace(" ", "")
    assert main(["--db", db, "export", "acme", "--format", "md", "-o", "-"]) == 0
    report = capsys.readouterr().out
    assert "Approval" in report and "approved the reply" in report
    assert "sent through the mastodon API" in report and "approved by lead" in report


HN_ACCOUNT = """
[[clients.accounts]]
platform = "hackernews"
handle = "acme"
owner = "ana"
[clients.accounts.send]
token_env = "X"
"""


def test_config_check_validates_approvals_and_send_setup() -> None:
    good = """
[[staff]]
handle = "ana"
name = "Ana"
new = true
[[staff]]
handle = "lead"
name = "Lead"
[agency.approvals]
approvers = ["lead"]
critical = true
[[clients]]
slug = "acme"
name = "Acme"
keywords = ["Acme"]
[clients.approvals]
every_reply = true
[[clients.accounts]]
platform = "mastodon"
handle = "@acme@mastodon.social"
owner = "ana"
[clients.accounts.send]
token_env = "ACME_MASTODON_TOKEN"
"""
    config = parse_config(good)
    [client] = config.clients
    assert client.approvals == {"approvers": ["lead"], "critical": True, "every_reply": True}
    assert client.accounts[0].send == {"token_env": "ACME_MASTODON_TOKEN"}
    assert config.staff[0].new is True
    bad = (
        good.replace('approvers = ["lead"]', 'approvers = ["nobody"]')
        .replace('token_env = "ACME_MASTODON_TOKEN"', 'token_env = "xoxb-secret-token"\nfoo = 1')
        .replace('platform = "mastodon"', 'platform = "mastodon"\n')
    )
    with pytest.raises(ConfigError) as failed:
        parse_config(bad + HN_ACCOUNT)
    text = "\n".join(failed.value.findings)
    assert "approver 'nobody' is not on the staff list" in text
    assert "token_env names an environment variable" in text
    assert "unknown key 'foo'" in text
    assert "douse cannot send on 'hackernews'" in text
