"""The dashboard's clients and an incident's mentions are lists like every other of the desk
(tui/widgets/records.py): the cursor stays on its record across reloads, the detail follows the
cursor, a filter over what is loaded hides rows without a query, and a failed load says why
where the list is, once, and goes when a load succeeds."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

import douse.tui.screens.dashboard as dashboard_screen
import douse.tui.widgets.mentions_pane as mentions_pane
from douse.core.db.models import Client, Incident, IncidentMention, Mention
from douse.core.queries.dashboard import dashboard
from douse.core.services import Services
from douse.tui.screens.dashboard import DashboardScreen
from douse.tui.screens.incident import MENTIONS_PAGE, IncidentScreen
from douse.tui.widgets.mentions_pane import MentionsPane
from douse.tui.widgets.table import DeskTable
from tests.factories import World, desk_world
from tests.factories import incident as make_incident
from tests.factories import mention as make_mention
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


@pytest.fixture
def world(sqlite_services: Services) -> World:
    with sqlite_services.sessions.begin() as s:
        return desk_world(s, T0)


def errors(app: object) -> list[str]:
    return [str(n.message) for n in app._notifications if n.severity == "error"]  # type: ignore[attr-defined]


@sync
async def test_dashboard_keeps_the_cursor_on_its_client_when_the_order_changes(
    sqlite_services: Services, world: World, tmp_path: Path
) -> None:
    app = make_app(sqlite_services, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        table = screen.query_one("#clients", DeskTable)
        # Acme (overdue) leads, then Cobalt (critical, due in 30 min), then Bistro.
        assert list(table.rows) == [str(world.acme), str(world.cobalt), str(world.bistro)]
        await pilot.press("down", "down")
        assert screen.selected is not None and screen.selected.slug == "bistro"
        with sqlite_services.sessions.begin() as s:  # Bistro now has the most overdue
            bistro = s.get(Client, world.bistro)
            assert bistro is not None
            for n in range(2):
                make_incident(
                    s,
                    bistro,
                    T0 - timedelta(hours=2),
                    title=f"Late {n}",
                    due_at=T0 - timedelta(hours=1),
                )
        app.broadcast_change()
        await settle(pilot)
        assert table.selected_key == str(world.bistro)
        assert table.cursor_row == 0
        await pilot.press("enter")
        await settle(pilot)
        assert app.current_client is not None and app.current_client.id == world.bistro


@sync
async def test_dashboard_filter_hides_loaded_clients_and_survives_a_reload(
    sqlite_services: Services, world: World, tmp_path: Path
) -> None:
    app = make_app(sqlite_services, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#clients", DeskTable)
        await pilot.press("slash")
        await type_text(pilot, "nova")
        await pilot.press("enter")
        await settle(pilot)
        assert list(table.rows) == [str(world.bistro)]
        app.broadcast_change()
        await settle(pilot)
        # Every client is loaded; the filter still shows only Bistro, and says so.
        assert isinstance(app.screen, DashboardScreen) and len(app.screen.rows) == 3
        assert list(table.rows) == [str(world.bistro)]
        assert rendered(app, "#status").startswith("1 of 3 clients (filter 'nova', Esc clears)")
        await pilot.press("escape")
        assert len(table.rows) == 3
        assert table.selected_key == str(world.bistro)  # the cursor stays on the client it was on


@sync
async def test_dashboard_that_cannot_load_says_so_until_it_can(
    sqlite_services: Services, world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    down = True

    def flaky(*args: object, **kw: object) -> object:
        if down:
            raise OperationalError("SELECT", {}, Exception("could not connect to server"))
        return dashboard(*args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(dashboard_screen, "dashboard", flaky)
    app = make_app(sqlite_services, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: bool(errors(app)))
        await settle(pilot)  # and nothing more comes of it
        status = rendered(app, "#status")
        # Not "Loading clients…" for ever, nor "No clients yet" (there are three).
        assert status.startswith("Could not load the clients: Database unreachable or busy")
        assert "could not connect to server. Ctrl+R tries again." in status
        assert "No clients yet" not in status
        # And one notification, whichever screen is up.
        assert len(errors(app)) == 1, errors(app)
        assert errors(app)[0].startswith("Database unreachable or busy: could not connect")
        assert app.is_running
        down = False
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert rendered(app, "#status").startswith("3 clients")
        assert app.screen.query_one("#clients", DeskTable).row_count == 3


@sync
async def test_incident_mentions_keep_the_cursor_and_the_detail_follows_it(
    sqlite_services: Services, world: World, tmp_path: Path
) -> None:
    with sqlite_services.sessions.begin() as s:
        acme = s.get(Client, world.acme)
        assert acme is not None
        posts = [
            make_mention(s, acme, T0 - timedelta(minutes=10 * (n + 1)), text=f"boiler post {n}")
            for n in range(3)
        ]
        inc = make_incident(s, acme, T0 - timedelta(hours=1), posts, title="Boilers")
        incident_id, second = inc.id, posts[1].id
    app = make_app(sqlite_services, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_incident(pilot, app, incident_id)
        mentions = screen.query_one("#mentions", DeskTable)
        assert mentions.row_count == 3
        assert "boiler post 0" in rendered(app, "#mention-detail")
        await pilot.press("down")
        assert mentions.selected_key == str(second)
        assert "boiler post 1" in rendered(app, "#mention-detail")
        with sqlite_services.sessions.begin() as s:  # a newer post joins the incident
            acme = s.get(Client, world.acme)
            assert acme is not None
            newer = make_mention(s, acme, T0 - timedelta(minutes=1), text="boiler post new")
            s.add(IncidentMention(incident_id=incident_id, mention_id=newer.id, added_at=T0))
            row = s.get(Incident, incident_id)
            assert row is not None
            row.mention_count = 4
        app.broadcast_change()
        await settle(pilot)
        assert mentions.row_count == 4
        assert mentions.selected_key == str(second)
        assert mentions.cursor_row == 2
        assert "boiler post 1" in rendered(app, "#mention-detail")
        assert "4 mentions" in rendered(app, "#summary")
        # Moving along the timeline is not moving along the mentions.
        screen.query_one("#timeline", DeskTable).focus()
        await pilot.press("up")
        await settle(pilot)
        assert screen.selected is not None and screen.selected.mention.id == second
        assert "boiler post 1" in rendered(app, "#mention-detail")


@sync
async def test_an_incident_of_many_mentions_is_browsable_to_its_oldest(
    sqlite_services: Services, world: World, tmp_path: Path
) -> None:
    with sqlite_services.sessions.begin() as s:
        acme = s.get(Client, world.acme)
        assert acme is not None
        # Three posts a minute: the first page ends inside a tie (posts 48-50).
        posts = [
            make_mention(s, acme, T0 - timedelta(minutes=1 + n // 3), text=f"lift post {n}")
            for n in range(130)
        ]
        incident_id = make_incident(s, acme, T0 - timedelta(hours=3), posts, title="Lifts").id
    with sqlite_services.sessions() as s:
        expected = [
            str(i)
            for i in s.scalars(
                select(Mention.id)
                .join(IncidentMention, IncidentMention.mention_id == Mention.id)
                .where(IncidentMention.incident_id == incident_id)
                .order_by(Mention.published_at.desc(), Mention.id.desc())
            )
        ]
        oldest = s.get(Mention, int(expected[-1]))
        assert oldest is not None
        oldest_text = oldest.text
    app = make_app(sqlite_services, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_incident(pilot, app, incident_id)
        mentions = screen.query_one("#mentions", DeskTable)
        assert list(mentions.rows) == expected[:MENTIONS_PAGE]
        assert "130 mentions" in rendered(app, "#summary")
        assert "newest 50 listed, 80 more: End loads older" in rendered(app, "#summary")
        await pilot.press("end")  # onto the last listed: the next page loads
        await settle(pilot)
        assert list(mentions.rows) == expected[:100]
        assert mentions.cursor_row == 49
        assert "newest 100 listed, 30 more: End loads older" in rendered(app, "#summary")
        await pilot.press("end")
        await settle(pilot)
        assert list(mentions.rows) == expected
        assert "more" not in rendered(app, "#summary")
        await pilot.press("end")
        await settle(pilot)
        assert mentions.selected_key == expected[-1]
        assert oldest_text in rendered(app, "#mention-detail")
        # A reload keeps every page listed and the cursor on the oldest.
        app.broadcast_change()
        await settle(pilot)
        assert list(mentions.rows) == expected
        assert mentions.selected_key == expected[-1]


@sync
async def test_an_incident_that_cannot_be_loaded_says_why_once(
    sqlite_services: Services, world: World, tmp_path: Path
) -> None:
    app = make_app(sqlite_services, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_incident(999_999)
        await until(pilot, lambda: bool(errors(app)))
        await settle(pilot)  # and nothing more comes of it
        assert isinstance(app.screen, IncidentScreen)
        summary = rendered(app, "#summary")
        assert summary.startswith("Could not load incident #999999:"), summary
        assert "Loading" not in summary
        assert len(errors(app)) == 1, errors(app)


@sync
async def test_a_client_tab_that_cannot_load_says_why_where_its_rows_would_be(
    sqlite_services: Services, world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def down(*_args: object, **_kw: object) -> object:
        raise OperationalError("SELECT", {}, Exception("database is locked"))

    monkeypatch.setattr(mentions_pane, "list_mentions", down)
    app = make_app(sqlite_services, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_client(world.acme)
        await settle(pilot)
        await pilot.press("2")
        await until(pilot, lambda: bool(errors(app)))
        await settle(pilot)  # and nothing more comes of it
        pane = app.screen.query_one("#pane-mentions", MentionsPane)
        note = rendered(app, "#pane-mentions .pane-empty")
        assert note.startswith("Could not load this list: Database unreachable or busy: ")
        assert "database is locked. Ctrl+R tries again." in note
        assert pane.failure is not None and len(errors(app)) == 1, errors(app)
