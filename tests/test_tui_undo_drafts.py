"""The incident view made safe to work fast in: undo, a troll flag that asks first and comes back,
resolve with a note, escalate to someone, and drafts that survive Escape and show to colleagues.
Each flow is driven by keys at 80x24 and 160x50, then checked in the database and on screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from textual.widgets import Input, TextArea

from douse.core.db.models import Activity, Author, Draft, Incident
from douse.core.incidents import log_activity
from douse.core.services import Services
from douse.tui.app import DouseApp
from douse.tui.dialogs.confirm import ConfirmDialog
from douse.tui.dialogs.outreach import LogOutreachDialog
from douse.tui.dialogs.prompt import PromptDialog
from douse.tui.screens.incident import IncidentScreen
from douse.tui.widgets.table import DeskTable
from tests.factories import World, desk_world
from tests.helpers import T0, make_app, open_incident, rendered, settle, sync, type_text, until

SIZES = [(80, 24), (160, 50)]


@pytest.fixture
def world(sqlite_services: Services) -> World:
    with sqlite_services.sessions.begin() as s:
        return desk_world(s, T0)


def incident(services: Services, incident_id: int) -> Incident:
    with services.sessions() as s:
        found = s.get(Incident, incident_id)
        assert found is not None
        return found


def notes(app: DouseApp) -> list[str]:
    return [f"{n.title}: {n.message}" for n in app._notifications]


def timeline(app: DouseApp) -> list[str]:
    table = app.screen.query_one("#timeline", DeskTable)
    return [" ".join(c.plain for c in table.get_row_at(i)) for i in range(table.row_count)]


@pytest.mark.parametrize("size", SIZES)
@sync
async def test_resolve_needs_a_note_and_u_takes_it_back(
    sqlite_services: Services, world: World, tmp_path: Path, size: tuple[int, int]
) -> None:
    app = make_app(sqlite_services, tmp_path)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await open_incident(pilot, app, world.critical_incident)
        await pilot.press("R", "enter")  # an empty note: refused, the dialog stays
        await settle(pilot)
        assert isinstance(app.screen, PromptDialog)
        assert any("resolution note is required" in n for n in notes(app))
        assert incident(sqlite_services, world.critical_incident).status == "new"
        await type_text(pilot, "refund issued")
        await pilot.press("enter")
        await settle(pilot)
        assert incident(sqlite_services, world.critical_incident).status == "resolved"
        # The note is on the desk, not only in the database.
        assert "resolution refund issued" in rendered(app, "#summary")

        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        back = incident(sqlite_services, world.critical_incident)
        assert back.status == "new" and back.resolution is None
        assert back.due_at == T0 + (back.due_at - T0)  # a deadline again
        rows = timeline(app)
        assert "status change" in rows[-2] and "undo" in rows[-1]
        assert "undone: status change new -> resolved" in rows[-1]
        assert "resolution" not in rendered(app, "#summary")
        # Once undone, there is nothing more to take back.
        await pilot.press("u")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmDialog)
        assert any("undone already" in n for n in notes(app))


@sync
async def test_no_undo_after_someone_else_changed_it(
    sqlite_services: Services, world: World, tmp_path: Path
) -> None:
    app = make_app(sqlite_services, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_incident(pilot, app, world.critical_incident)
        await pilot.press("a")
        await settle(pilot)
        with sqlite_services.sessions.begin() as s:  # bob, on his desk, meanwhile
            log_activity(s, world.critical_incident, "internal_note", by="bob", now=T0, body="hm")
        app.screen.reload()
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmDialog)
        assert any("changed since, by bob" in n for n in notes(app))
        assert incident(sqlite_services, world.critical_incident).status == "acknowledged"


@pytest.mark.parametrize("size", SIZES)
@sync
async def test_troll_flag_asks_first_and_comes_back(
    sqlite_services: Services, world: World, tmp_path: Path, size: tuple[int, int]
) -> None:
    app = make_app(sqlite_services, tmp_path)
    due = incident(sqlite_services, world.overdue_incident).due_at
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await open_incident(pilot, app, world.overdue_incident)
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        question = app.screen.query_one("#confirm-body Static").render()
        shown = str(question)
        assert f"#{world.overdue_incident} new  overdue 25m" in shown
        assert "go to monitor" in shown
        await pilot.press("n")  # changed my mind: nothing moves
        await settle(pilot)
        assert incident(sqlite_services, world.overdue_incident).status == "new"

        await pilot.press("t")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert incident(sqlite_services, world.overdue_incident).status == "monitor"
        assert any("to monitor: #" in n for n in notes(app))

        await pilot.press("t")  # the author is flagged now: t offers to unflag
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert "go back from monitor" in str(app.screen.query_one("#confirm-body Static").render())
        await pilot.press("y")
        await settle(pilot)
        back = incident(sqlite_services, world.overdue_incident)
        assert back.status == "new" and back.due_at == due
        with sqlite_services.sessions() as s:
            author = s.scalar(select(Author).where(Author.handle == "@jo@example.social"))
            assert author is not None and not author.is_troll
        assert "unflagged: back to new" in timeline(app)[-1]


@sync
async def test_escalate_picks_a_person(
    sqlite_services: Services, world: World, tmp_path: Path
) -> None:
    app = make_app(sqlite_services, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_incident(pilot, app, world.critical_incident)
        await pilot.press("e", *"bob", "enter")
        await settle(pilot)
        assert isinstance(app.screen, PromptDialog)
        await type_text(pilot, "press is calling")
        await pilot.press("enter")
        await settle(pilot)
        with sqlite_services.sessions() as s:
            entry = s.scalar(select(Activity).where(Activity.kind == "escalation"))
            assert entry is not None
            assert entry.body == "to bob: press is calling" and entry.details["to"] == "bob"


@pytest.mark.parametrize("size", SIZES)
@sync
async def test_a_draft_survives_escape_and_shows_to_colleagues(
    sqlite_services: Services, world: World, tmp_path: Path, size: tuple[int, int]
) -> None:
    app = make_app(sqlite_services, tmp_path)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await open_incident(pilot, app, world.overdue_incident)
        await pilot.press("l")
        await settle(pilot)
        await type_text(pilot, "Hello Jo, so sorry about the mould")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, IncidentScreen)
        assert any("Draft kept" in n for n in notes(app))
        with sqlite_services.sessions() as s:
            kept = s.scalars(select(Draft)).all()
        assert [(d.incident_id, d.body) for d in kept] == [
            (world.overdue_incident, "Hello Jo, so sorry about the mould")
        ]
        assert "alice is drafting public reply" in rendered(app, "#summary")
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, LogOutreachDialog)
        assert app.screen.query_one("#body", TextArea).text == "Hello Jo, so sorry about the mould"

    # Bob, on another desk, sees who is drafting before he answers the same customer.
    other = make_app(sqlite_services, tmp_path, me="bob")
    async with other.run_test(size=size) as pilot:
        await settle(pilot)
        other.open_client(world.acme)
        await settle(pilot)
        table = other.screen.query_one("#pane-incidents DeskTable", DeskTable)
        title = table.get_cell(str(world.overdue_incident), "title").plain
        assert title.startswith("✎alice ")
        await open_incident(pilot, other, world.overdue_incident)
        assert "alice is drafting" in rendered(other, "#summary")
        await pilot.press("l")
        await settle(pilot)
        assert "alice is drafting" in str(other.screen.query_one("#others").render())
        assert other.screen.query_one("#body", TextArea).text == ""  # his own, empty


@sync
async def test_logging_or_discarding_ends_the_draft(
    sqlite_services: Services, world: World, tmp_path: Path
) -> None:
    app = make_app(sqlite_services, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_incident(pilot, app, world.overdue_incident)
        await pilot.press("l")
        await settle(pilot)
        await type_text(pilot, "First thoughts")

        def kept() -> list[str]:
            with sqlite_services.sessions() as s:
                return [d.body for d in s.scalars(select(Draft))]

        # The typing pauses: the draft is kept without leaving.
        await until(pilot, lambda: kept() == ["First thoughts"])
        await settle(pilot)
        await pilot.press("ctrl+d")  # thrown away on purpose
        await settle(pilot)
        assert app.screen.query_one("#body", TextArea).text == ""
        with sqlite_services.sessions() as s:
            assert s.scalars(select(Draft)).all() == []
        await type_text(pilot, "We are on it, sorry for the wait")
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, IncidentScreen)
        with sqlite_services.sessions() as s:
            assert s.scalars(select(Draft)).all() == []
            replies = s.scalars(select(Activity.body).where(Activity.kind == "public_reply"))
            assert "We are on it, sorry for the wait" in list(replies)
        assert "drafting" not in rendered(app, "#summary")


@sync
async def test_email_and_call_take_their_own_channel(
    sqlite_services: Services, world: World, tmp_path: Path
) -> None:
    app = make_app(sqlite_services, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_incident(pilot, app, world.overdue_incident)
        await pilot.press("l")
        await settle(pilot)
        channel = app.screen.query_one("#channel", Input)
        assert channel.value == "mastodon"
        await pilot.press("ctrl+k")  # private message: still the platform
        await settle(pilot)
        assert channel.value == "mastodon"
        await pilot.press("ctrl+k")  # email
        await settle(pilot)
        assert channel.value == "email"
        await pilot.press("ctrl+k")  # phone call
        await settle(pilot)
        assert channel.value == "phone"
        channel.value = "+44 ward 7 desk"  # typed by hand: kept whatever the kind
        await pilot.press("ctrl+k")
        await settle(pilot)
        assert channel.value == "+44 ward 7 desk"


@sync
async def test_severity_by_judgement_then_undone(
    sqlite_services: Services, world: World, tmp_path: Path
) -> None:
    app = make_app(sqlite_services, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_incident(pilot, app, world.overdue_incident)
        await pilot.press("v", *"crit", "enter")
        await settle(pilot)
        await pilot.press("enter")  # no reason: refused, still asking
        await settle(pilot)
        assert isinstance(app.screen, PromptDialog)
        await type_text(pilot, "tenant is a journalist")
        await pilot.press("enter")
        await settle(pilot)
        assert incident(sqlite_services, world.overdue_incident).severity == "critical"
        await pilot.press("u", "y")
        await settle(pilot)
        back = incident(sqlite_services, world.overdue_incident)
        assert back.severity == "high"
        assert back.severity_reasons == ["negative -0.60", "complaint phrase"]
