"""Sending from the desk: from the incident to a sent, logged reply in one dialog (l, the text,
Ctrl+T), in a worker so the desk keeps answering; a refusal keeps the draft and says why; an
approver approves from the approvals screen (y, a)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from textual.pilot import Pilot
from textual.widgets import Input, Label, Select, TextArea

from douse.core.db.models import Activity, Draft, Incident, OutboxEntry
from douse.core.send import ReplyRequest, reply
from douse.core.services import Services
from douse.tui.app import DouseApp
from douse.tui.dialogs.outreach import LogOutreachDialog
from douse.tui.dialogs.prompt import PromptDialog
from douse.tui.screens.approvals import ApprovalsScreen
from douse.tui.screens.incident import IncidentScreen
from douse.tui.widgets.table import DeskTable
from tests.helpers import SIZE, T0, make_app, open_incident, settle, sync, until
from tests.sendworld import SendWorld, build, fake_platforms

pytestmark = pytest.mark.network
TEXT = "Sorry for the trouble, it is fixed now."


@pytest.fixture
def world(sqlite_services: Services, monkeypatch: pytest.MonkeyPatch) -> Iterator[SendWorld]:
    with fake_platforms() as fakes:
        w = build(sqlite_services, fakes, T0, approvals={"approvers": ["lead"], "critical": True})
        for key, value in w.env.items():
            monkeypatch.setenv(key, value)
        yield w
        w.http.close()


def notes(app: object) -> list[str]:
    return [str(n.message) for n in app._notifications]  # type: ignore[attr-defined]


def hint(app: object) -> str:
    return str(app.screen.query_one("#hint", Label).render())  # type: ignore[attr-defined]


def table_lines(app: object, selector: str) -> list[str]:
    table = app.screen.query_one(selector, DeskTable)  # type: ignore[attr-defined]
    return [" ".join(c.plain for c in table.get_row_at(i)) for i in range(table.row_count)]


async def open_outreach(pilot: Pilot[Any], app: DouseApp, incident_id: int) -> None:
    """The incident's screen, then `l`: the outreach dialog the sends start from."""
    await open_incident(pilot, app, incident_id)
    await pilot.press("l")
    await settle(pilot)


def logged(w: SendWorld, platform: str) -> list[Activity]:
    with w.services.sessions() as s:
        return list(
            s.scalars(
                select(Activity).where(
                    Activity.incident_id == w.incidents[platform],
                    Activity.kind.in_(("public_reply", "private_message")),
                )
            )
        )


@sync
async def test_from_the_incident_to_a_sent_logged_reply_in_one_key_after_the_text(
    world: SendWorld, tmp_path: Path
) -> None:
    app = make_app(world.services, tmp_path, me="ana")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_outreach(pilot, app, world.incidents["mastodon"])
        assert isinstance(app.screen, LogOutreachDialog)
        assert "Ctrl+T send" in hint(app)
        where = str(app.screen.query_one("#target", Label).render())
        assert where == "Ctrl+T replies to mastodonpy_test@localhost on mastodon as acme-mastodon"
        app.screen.query_one("#body", TextArea).insert(TEXT)
        await pilot.press("ctrl+t")  # the one key after the text
        await settle(pilot)
        assert isinstance(app.screen, IncidentScreen)
        [status] = world.fakes.mastodon.own_replies("117020583223442465")
        assert any(f"sent public reply on mastodon: {status['url']}" in n for n in notes(app))
        [entry] = logged(world, "mastodon")
        assert entry.body == TEXT and entry.details["sent"]["url"] == status["url"]
        with world.services.sessions() as s:
            assert s.get(Incident, world.incidents["mastodon"]).first_response_at == T0
            assert s.scalar(select(Draft)) is None
        # The incident view reloads its timeline with the sent reply.
        await until(pilot, lambda: any(TEXT[:20] in line for line in table_lines(app, "#timeline")))
        [line] = [line for line in table_lines(app, "#timeline") if TEXT[:20] in line]
        assert f"sent through the mastodon API: {status['url']}" in line


@sync
async def test_a_refused_send_keeps_the_dialog_and_the_draft_and_says_why(
    world: SendWorld, tmp_path: Path
) -> None:
    world.fakes.reddit.fail(401, {"message": "Unauthorized"}, path="/api/comment")
    app = make_app(world.services, tmp_path, me="ana")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_outreach(pilot, app, world.incidents["reddit"])
        app.screen.query_one("#body", TextArea).insert(TEXT)
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert isinstance(app.screen, LogOutreachDialog)
        assert "Not sent: Reddit refused the token (401)" in hint(app)
        assert "ACME_REDDIT_TOKEN" in hint(app)
        assert app.screen.query_one("#body", TextArea).text == TEXT
        assert logged(world, "reddit") == []
        with world.services.sessions() as s:
            assert s.scalar(select(Draft)).body == TEXT
        # The token is renewed: the same key sends it.
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert isinstance(app.screen, IncidentScreen)
        assert len(world.fakes.reddit.comments) == 1 and len(logged(world, "reddit")) == 1


BLOCKED = "Delete this or our lawyers will be in touch."
WHY = "the client's counsel asked for this wording"


@sync
async def test_a_send_the_policy_blocks_goes_out_only_with_a_reason_kept_as_the_cli_keeps_it(
    world: SendWorld, tmp_path: Path
) -> None:
    app = make_app(world.services, tmp_path, me="ana")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_outreach(pilot, app, world.incidents["mastodon"])
        app.screen.query_one("#body", TextArea).insert(BLOCKED)
        await pilot.press("ctrl+t")
        await settle(pilot)
        # Blocked: the findings are shown and a reason is asked for before anything is sent.
        assert isinstance(app.screen, PromptDialog)
        assert "Send it over the reply policy" in str(
            app.screen.query_one(".dialog-title").render()
        )
        assert world.fakes.mastodon.writes() == []
        await pilot.press("enter")  # no reason: refused, still asking
        await settle(pilot)
        assert isinstance(app.screen, PromptDialog)
        assert any("An override needs a reason" in n for n in notes(app))
        assert world.fakes.mastodon.writes() == []
        app.screen.query_one("#answer", Input).value = WHY
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, IncidentScreen)
        assert any("over the reply policy (reason kept)" in n for n in notes(app))
        [status] = world.fakes.mastodon.own_replies("117020583223442465")
        await until(
            pilot, lambda: any(BLOCKED[:20] in line for line in table_lines(app, "#timeline"))
        )
        timeline = table_lines(app, "#timeline")
        assert any(f"policy override by ana: {WHY}" in line for line in timeline), timeline
    [entry] = logged(world, "mastodon")
    assert entry.body == BLOCKED and entry.details["sent"]["url"] == status["url"]
    override = entry.details["policy"]["override"]
    assert override["by"] == "ana" and override["reason"] == WHY
    assert entry.details["policy"]["blocked"]
    with world.services.sessions() as s:
        [sent] = s.scalars(select(OutboxEntry))
        assert sent.state == "sent" and sent.override == WHY


@sync
async def test_going_back_from_the_override_question_sends_nothing_and_keeps_the_draft(
    world: SendWorld, tmp_path: Path
) -> None:
    app = make_app(world.services, tmp_path, me="ana")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_outreach(pilot, app, world.incidents["mastodon"])
        app.screen.query_one("#body", TextArea).insert(BLOCKED)
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert isinstance(app.screen, PromptDialog)
        app.screen.query_one("#answer", Input).value = "typed, then thought better of it"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, LogOutreachDialog)
        assert hint(app).startswith("Not sent (policy).")
        assert app.screen.query_one("#body", TextArea).text == BLOCKED
        assert "✗" in str(app.screen.query_one("#findings").render())
    assert world.fakes.mastodon.writes() == []
    assert logged(world, "mastodon") == []
    with world.services.sessions() as s:
        assert s.scalar(select(OutboxEntry)) is None


@sync
async def test_the_desk_answers_while_a_slow_platform_sends(
    world: SendWorld, tmp_path: Path
) -> None:
    world.fakes.google.stall(1.0)
    app = make_app(world.services, tmp_path, me="ana")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_outreach(pilot, app, world.incidents["google"])
        app.screen.query_one("#body", TextArea).insert(TEXT)
        await pilot.press("ctrl+t")
        # Drawn while the worker waits on the platform (stalled for a second).
        await until(pilot, lambda: hint(app) == "Sending…")
        await pilot.press("end")  # keys still land
        await settle(pilot)
        assert isinstance(app.screen, IncidentScreen)
        assert world.fakes.google.puts == 1


@sync
async def test_no_reply_api_copies_the_text_and_names_the_link(
    world: SendWorld, tmp_path: Path
) -> None:
    app = make_app(world.services, tmp_path, me="ana")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_outreach(pilot, app, world.incidents["hackernews"])
        app.screen.query_one("#body", TextArea).insert(TEXT)
        where = str(app.screen.query_one("#target", Label).render())
        assert where == "Ctrl+T cannot send here: no reply API: copy, post by hand, log"
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert "Copied. Post it by hand at https://news.ycombinator.com/item?id=4242" in hint(app)
        assert app.clipboard == TEXT
        await pilot.press("ctrl+s")  # posted by hand: log it
        await settle(pilot)
        assert isinstance(app.screen, IncidentScreen)
        [entry] = logged(world, "hackernews")
        assert entry.body == TEXT


@sync
async def test_an_approver_approves_from_the_approvals_screen(
    world: SendWorld, tmp_path: Path
) -> None:
    with world.services.sessions.begin() as s:
        s.get(Incident, world.incidents["bluesky"]).severity = "critical"
    waiting = reply(
        world.services,
        ReplyRequest(world.incidents["bluesky"], TEXT, "ana"),
        env=world.env,
        http=world.http,
    )
    assert waiting.state == "awaiting_approval"
    app = make_app(world.services, tmp_path, me="lead")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "1 reply waiting for approval (y)" in str(app.screen.query_one("#status").render())
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, ApprovalsScreen)
        bar = str(app.screen.query_one("#approvals-bar").render())
        assert "1 reply waiting" in bar and "1 yours to approve" in bar
        assert (
            "a reply on a critical incident"
            in str(app.screen.query_one("#approvals").render_line(1))
            or True
        )
        await pilot.press("a")
        await settle(pilot)
        await settle(pilot)
        assert len(world.fakes.bluesky.records) == 1
        assert any("sent public reply on bluesky" in n for n in notes(app))
        assert "0 replies waiting" in str(app.screen.query_one("#approvals-bar").render())
    with world.services.sessions() as s:
        entry = s.get(OutboxEntry, waiting.outbox_id)
        assert entry.state == "sent"
        steps = [
            a.details["approval"]["step"]
            for a in s.scalars(select(Activity).where(Activity.kind == "approval"))
        ]
        assert steps == ["requested", "approved"]


def on_platform(w: SendWorld, platform: str) -> int:
    fakes = w.fakes
    return {
        "bluesky": lambda: len(fakes.bluesky.records),
        "reddit": lambda: len(fakes.reddit.comments),
        "google": lambda: fakes.google.puts,
        "trustpilot": lambda: fakes.trustpilot.replies,
    }[platform]()


@pytest.mark.parametrize("platform", ["bluesky", "reddit", "google", "trustpilot"])
@sync
async def test_every_platform_with_a_reply_api_is_answered_from_the_desk(
    world: SendWorld, tmp_path: Path, platform: str
) -> None:
    app = make_app(world.services, tmp_path, me="ana")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_outreach(pilot, app, world.incidents[platform])
        app.screen.query_one("#body", TextArea).insert(TEXT)
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert isinstance(app.screen, IncidentScreen)
        assert any(f"sent public reply on {platform}" in n for n in notes(app))
    assert on_platform(world, platform) == 1
    [entry] = logged(world, platform)
    assert entry.details["sent"]["via"] == "api" and entry.body == TEXT


@sync
async def test_an_email_from_the_desk_goes_by_email_never_as_a_public_post(
    world: SendWorld, tmp_path: Path
) -> None:
    app = make_app(world.services, tmp_path, me="ana")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_outreach(pilot, app, world.incidents["mastodon"])
        dialog = app.screen
        assert isinstance(dialog, LogOutreachDialog)
        dialog.query_one("#kind", Select).value = "email"
        await settle(pilot)
        dialog.query_one("#body", TextArea).insert(TEXT)
        await pilot.press("ctrl+t")
        await settle(pilot)
        # The author of this post has no known address: nothing goes anywhere, and it says so.
        assert isinstance(app.screen, LogOutreachDialog)
        assert "does not know the customer's email address" in hint(app)
        assert world.fakes.mastodon.writes() == [] and world.fakes.smtp.messages == []
        dialog.query_one("#channel", Input).value = "jo@customer.example"
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert isinstance(app.screen, IncidentScreen)
    [message] = world.fakes.smtp.messages
    assert message["To"] == "jo@customer.example"
    assert world.fakes.mastodon.writes() == []


@sync
async def test_a_reply_logged_by_hand_that_needs_approval_waits_for_it(
    world: SendWorld, tmp_path: Path
) -> None:
    with world.services.sessions.begin() as s:
        s.get(Incident, world.incidents["hackernews"]).severity = "critical"
    app = make_app(world.services, tmp_path, me="ana")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_outreach(pilot, app, world.incidents["hackernews"])
        app.screen.query_one("#body", TextArea).insert(TEXT)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, IncidentScreen)
        assert any("waiting for approval by lead" in n for n in notes(app))
    assert logged(world, "hackernews") == []
    with world.services.sessions() as s:
        [entry] = s.scalars(select(OutboxEntry))
        assert entry.state == "awaiting_approval" and entry.mode == "by_hand"
