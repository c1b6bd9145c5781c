"""The outreach dialog: every policy finding reachable, no verdict before the first check, and a
draft that survives a write refused because someone else changed the incident."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from textual.containers import VerticalScroll
from textual.pilot import Pilot
from textual.widgets import TextArea

from douse.core.db.models import Activity, Incident
from douse.core.incidents import workflow
from douse.core.services import Services
from douse.tui.app import DouseApp
from douse.tui.dialogs import outreach
from douse.tui.dialogs.outreach import LogOutreachDialog, OutreachDraft, ReplyValues
from tests.factories import World, desk_world
from tests.helpers import (
    SIZE,
    T0,
    make_app,
    open_incident,
    rendered,
    settle,
    sync,
    type_text,
    until,
)

VALUES = ReplyValues(author="@jo", brand="Acme", agent="Alice", platform="mastodon", url="")
BANNED = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf"]


@pytest.fixture
def world(sqlite_services: Services) -> World:
    with sqlite_services.sessions.begin() as s:
        return desk_world(s, T0)


async def open_dialog(
    pilot: Pilot[None], app: DouseApp, policy: dict[str, Any], **kw: Any
) -> LogOutreachDialog:
    dialog = LogOutreachDialog(1, policy, (), VALUES, **kw)
    app.push_screen(dialog)
    await settle(pilot)
    assert app.screen is dialog
    return dialog


@sync
async def test_every_finding_is_shown_and_the_box_scrolls(
    sqlite_services: Services, world: World, tmp_path: Path
) -> None:
    app = make_app(sqlite_services, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_dialog(pilot, app, {"banned_phrases": BANNED})
        await type_text(pilot, " ".join(BANNED))
        # The policy check runs once typing pauses.
        await until(pilot, lambda: "7 findings" in rendered(app, "#findings"))
        await settle(pilot)
        shown = rendered(app, "#findings")
        assert "7 findings, 7 blocking" in shown  # more than the box holds: say so
        for word in BANNED:
            assert f"banned phrase '{word}'" in shown  # and every one is there to scroll to
        box = app.screen.query_one("#findings-box", VerticalScroll)
        assert box.max_scroll_y > 0
        box.scroll_end(animate=False)
        await settle(pilot)
        assert box.scroll_y == box.max_scroll_y


@sync
async def test_no_verdict_before_the_first_check(
    sqlite_services: Services, world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    real = outreach.check_outreach

    started = threading.Event()

    def slow_check(*args: Any, **kw: Any) -> Any:
        started.set()
        release.wait(5)
        return real(*args, **kw)

    monkeypatch.setattr(outreach, "check_outreach", slow_check)
    app = make_app(sqlite_services, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(LogOutreachDialog(1, {"banned_phrases": ["sue"]}, (), VALUES))
        # Shown, and its first check started (held up above) but not finished.
        await until(pilot, lambda: isinstance(app.screen, LogOutreachDialog) and started.is_set())
        await pilot.pause()
        shown = rendered(app, "#findings")
        assert "no findings" not in shown and "checking" in shown
        release.set()
        await settle(pilot)
        assert "✓ policy: no findings" in rendered(app, "#findings")


@sync
async def test_a_conflicting_edit_keeps_the_dialog_and_the_draft(
    sqlite_services: Services, world: World, tmp_path: Path
) -> None:
    app = make_app(sqlite_services, tmp_path)
    incident_id = world.overdue_incident
    with sqlite_services.sessions() as s:
        version = s.get(Incident, incident_id).version  # type: ignore[union-attr]
    seen = {"version": version}

    def save(draft: OutreachDraft) -> None:
        """What the incident view does: write with the version it loaded."""
        with sqlite_services.sessions.begin() as s:
            workflow.log_activity(
                s,
                incident_id,
                draft.kind,
                by="alice",
                now=T0,
                expected_version=seen["version"],
                channel=draft.channel,
                body=draft.body,
            )

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        results: list[OutreachDraft | None] = []
        dialog = LogOutreachDialog(incident_id, {}, (), VALUES, save=save)
        app.push_screen(dialog, results.append)
        await settle(pilot)
        with sqlite_services.sessions.begin() as s:  # someone else, meanwhile
            s.get(Incident, incident_id).title = "Edited elsewhere"  # type: ignore[union-attr]
        text = "Sorry about the mould, we have sent you a DM"
        await type_text(pilot, text)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is dialog  # still open, nothing lost
        assert dialog.query_one("#body", TextArea).text == text
        errors = [str(n.message) for n in app._notifications if n.severity == "error"]
        assert any("was changed by" in m for m in errors)
        assert "draft is kept" in rendered(app, "#hint")
        assert results == []
        with sqlite_services.sessions() as s:
            logged = s.scalars(select(Activity).where(Activity.incident_id == incident_id)).all()
        assert logged == []

        # Having seen the change, the person saves again (the view reloaded the version).
        with sqlite_services.sessions() as s:
            seen["version"] = s.get(Incident, incident_id).version  # type: ignore[union-attr]
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is not dialog
        assert [r.body for r in results if r] == [text]
        with sqlite_services.sessions() as s:
            kinds = s.scalars(
                select(Activity.kind).where(Activity.incident_id == incident_id)
            ).all()
        assert "public_reply" in kinds


@sync
async def test_incident_view_keeps_the_draft_on_a_conflicting_edit(
    sqlite_services: Services, world: World, tmp_path: Path
) -> None:
    app = make_app(sqlite_services, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_incident(pilot, app, world.overdue_incident)
        assert "1 mention from 1 person" in rendered(app, "#summary")
        await pilot.press("l")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, LogOutreachDialog)
        with sqlite_services.sessions.begin() as s:  # someone else, meanwhile
            s.get(Incident, world.overdue_incident).title = "Edited elsewhere"  # type: ignore[union-attr]
        text = "Sorry about the mould, we have sent you a DM"
        await type_text(pilot, text)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is dialog
        assert dialog.query_one("#body", TextArea).text == text
        assert any("was changed by" in str(n.message) for n in app._notifications)
        await pilot.press("ctrl+s")  # knowing of the edit, save again: it goes through
        await settle(pilot)
        assert app.screen is screen
        assert "Edited elsewhere" in rendered(app, "#summary")
        with sqlite_services.sessions() as s:
            kinds = s.scalars(
                select(Activity.kind).where(Activity.incident_id == world.overdue_incident)
            ).all()
        assert "public_reply" in kinds
