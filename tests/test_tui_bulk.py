"""Multi-select in the incident lists and acting on the selection: each incident written on its
own, a conflict on one reported while the rest are done, a canned reply checked per incident."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from textual.widgets import Static

from douse.core.db.models import Activity, Client, Incident
from douse.core.incidents import change_status
from douse.core.services import Services
from douse.tui.app import DouseApp
from douse.tui.dialogs.confirm import ConfirmDialog
from douse.tui.screens.client import ClientScreen
from douse.tui.screens.queue import QueueScreen
from douse.tui.widgets.table import DeskTable
from tests import factories
from tests.factories import World, desk_world
from tests.helpers import T0, make_app, settle, sync, type_text

SIZES = [(80, 24), (160, 50)]


@pytest.fixture
def world(sqlite_services: Services) -> World:
    with sqlite_services.sessions.begin() as s:
        w = desk_world(s, T0)
        acme = s.get(Client, w.acme)
        assert acme is not None
        # Three more complaints, due one after the other, one of them from a "Sue".
        for n, name in enumerate(("Kim Lee", "Sue Marsh", "Raj Patel"), start=1):
            who = factories.author(s, display_name=name, handle=f"@p{n}@example.social")
            m = factories.mention(
                s, acme, T0 - timedelta(minutes=30), author_id=who.id, text=f"complaint {n}"
            )
            factories.incident(
                s,
                acme,
                T0 - timedelta(minutes=30),
                [m],
                title=f"Complaint {n}",
                due_at=T0 + timedelta(hours=n),
                first_response_due_at=T0 + timedelta(hours=n),
            )
        return w


def notes(app: DouseApp) -> list[str]:
    return [f"{n.title}: {n.message}" for n in app._notifications]


def statuses(services: Services) -> dict[str, str]:
    with services.sessions() as s:
        return {i.title: i.status for i in s.scalars(select(Incident))}


async def incidents_tab(pilot, app: DouseApp, client_id: int) -> DeskTable:  # type: ignore[no-untyped-def]
    app.open_client(client_id)
    await settle(pilot)
    assert isinstance(app.screen, ClientScreen)
    return app.screen.query_one("#pane-incidents DeskTable", DeskTable)


def bar(app: DouseApp) -> str:
    return str(app.screen.query_one("#pane-incidents .pane-bar", Static).render())


@pytest.mark.parametrize("size", SIZES)
@sync
async def test_select_and_acknowledge_each(
    sqlite_services: Services, world: World, tmp_path: Path, size: tuple[int, int]
) -> None:
    app = make_app(sqlite_services, tmp_path)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        table = await incidents_tab(pilot, app, world.acme)
        titles = [table.get_cell(k, "title").plain for k in table.rows]
        assert titles[:4] == [
            "Mould in rented flat, no call back",
            "Complaint 1",
            "Complaint 2",
            "Complaint 3",
        ]
        assert "Space selects" in bar(app)
        await pilot.press("down", "space", "shift+down")  # Complaint 1 and 2
        await settle(pilot)
        assert [table.get_cell(k, "title").plain for k in table.selected_keys] == [
            "Complaint 1",
            "Complaint 2",
        ]
        assert "2 selected" in bar(app)
        await pilot.press("a")
        await settle(pilot)
        got = statuses(sqlite_services)
        assert got["Complaint 1"] == got["Complaint 2"] == "acknowledged"
        assert got["Complaint 3"] == "new" and got["Mould in rented flat, no call back"] == "new"
        assert any("Acknowledged 2" in n for n in notes(app))
        assert table.selected_keys == []  # all done: nothing left selected

        # Every one undone at once, each as its own appended correction.
        await pilot.press("space", "shift+up")
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        got = statuses(sqlite_services)
        assert got["Complaint 1"] == got["Complaint 2"] == "new"


@sync
async def test_a_conflict_on_one_is_reported_the_rest_done(
    sqlite_services: Services, world: World, tmp_path: Path
) -> None:
    app = make_app(sqlite_services, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = await incidents_tab(pilot, app, world.acme)
        await pilot.press("asterisk")  # every incident shown
        await settle(pilot)
        assert len(table.selected_keys) == table.row_count == 5
        with sqlite_services.sessions.begin() as s:  # bob edits Complaint 2 meanwhile
            found = s.scalar(select(Incident).where(Incident.title == "Complaint 2"))
            assert found is not None
            found.title = "Complaint 2 (bob)"
        await pilot.press("A", *"carol", "enter")
        await settle(pilot)
        with sqlite_services.sessions() as s:
            owners = {i.title: i.owner_id for i in s.scalars(select(Incident))}
        assert owners["Complaint 1"] == owners["Complaint 3"] == world.carol
        assert owners["Complaint 2 (bob)"] is None
        shown = " ".join(notes(app))
        assert "Assigned to carol 4" in shown and "was changed by" in shown
        # What did not go stays selected, for a second look.
        assert [table.get_cell(k, "title").plain for k in table.selected_keys] == [
            "Complaint 2 (bob)"
        ]
        await pilot.press("escape")  # clears the selection, stays on the list
        await settle(pilot)
        assert table.selected_keys == [] and isinstance(app.screen, ClientScreen)
        await pilot.press("escape")  # and then leaves
        await settle(pilot)
        assert not isinstance(app.screen, ClientScreen)


@sync
async def test_one_canned_reply_each_checked_on_its_own(
    sqlite_services: Services, world: World, tmp_path: Path
) -> None:
    app = make_app(sqlite_services, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = await incidents_tab(pilot, app, world.acme)
        await pilot.press("down", "space", "shift+down", "shift+down")  # Complaints 1-3
        await pilot.press("r")
        await settle(pilot)
        await type_text(pilot, "apol")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        with sqlite_services.sessions() as s:
            replies = {
                i.title: a.body
                for a, i in s.execute(
                    select(Activity, Incident)
                    .join(Incident, Incident.id == Activity.incident_id)
                    .where(Activity.kind == "public_reply", Incident.title.like("Complaint%"))
                )
            }
        # Filled with each customer's name (not their handle), and "sue" is a banned phrase.
        assert replies == {
            "Complaint 1": "Hi Kim Lee, we are sorry about this. Could you DM us? — Acme Rentals",
            "Complaint 3": "Hi Raj Patel, we are sorry about this. Could you DM us? — Acme Rentals",
        }
        shown = " ".join(notes(app))
        assert "Replied 'apology' 2" in shown and "policy blocks it" in shown
        assert [table.get_cell(k, "title").plain for k in table.selected_keys] == ["Complaint 2"]


@sync
async def test_merge_the_selected_into_one(
    sqlite_services: Services, world: World, tmp_path: Path
) -> None:
    app = make_app(sqlite_services, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await incidents_tab(pilot, app, world.acme)
        await pilot.press("M")
        await settle(pilot)
        assert any("two or more" in n for n in notes(app))
        await pilot.press("down", "space", "shift+down", "M")
        await settle(pilot)
        await type_text(pilot, "Complaint 2")
        await pilot.press("enter")
        await settle(pilot)
        with sqlite_services.sessions() as s:
            merged = {i.title: i.merged_into_id for i in s.scalars(select(Incident))}
            into = s.scalar(select(Incident.id).where(Incident.title == "Complaint 2"))
        assert merged["Complaint 1"] == into and merged["Complaint 2"] is None


@pytest.mark.parametrize("size", SIZES)
@sync
async def test_the_deadline_queue_selects_too(
    sqlite_services: Services, world: World, tmp_path: Path, size: tuple[int, int]
) -> None:
    app = make_app(sqlite_services, tmp_path)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        table = app.screen.query_one(DeskTable)
        # The title stays on screen, even at 80 columns.
        assert "Title" in [c.label.plain for c in table.columns]
        assert app.screen.region.width >= sum(table._widths[:-1])
        await pilot.press("space", "shift+down")
        await settle(pilot)
        assert "2 selected" in str(app.screen.query_one("#queue-bar", Static).render())
        await pilot.press("s", *"in progress", "enter")
        await settle(pilot)
        got = statuses(sqlite_services)
        assert got["Mould in rented flat, no call back"] == "in_progress"
        assert got["Account freeze thread going viral"] == "in_progress"
        await pilot.press("space", "escape")  # clears the selection, stays on the queue
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen) and table.selected_keys == []
        await pilot.press("escape")  # and then closes it
        await settle(pilot)
        assert not isinstance(app.screen, QueueScreen)


@sync
async def test_bulk_undo_takes_back_only_my_changes(
    sqlite_services: Services, world: World, tmp_path: Path
) -> None:
    with sqlite_services.sessions.begin() as s:
        ids = {i.title: i.id for i in s.scalars(select(Incident))}
        change_status(s, ids["Complaint 1"], "acknowledged", by="alice", now=T0)
        change_status(s, ids["Complaint 2"], "acknowledged", by="bob", now=T0)
    app = make_app(sqlite_services, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await incidents_tab(pilot, app, world.acme)
        await pilot.press("down", "space", "shift+down", "u", "y")
        await settle(pilot)
        got = statuses(sqlite_services)
        assert got["Complaint 1"] == "new" and got["Complaint 2"] == "acknowledged"
        assert any("is bob's, not yours" in n for n in notes(app))
