"""The command palette (`:`): opens on every screen, shows each command's key literally, and
lists what is useful (this screen's actions, the desk's, the clients) before list movements."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import update
from textual.command import CommandList, CommandPalette
from textual.pilot import Pilot

from douse.core.db.models import Client
from douse.core.services import Services
from douse.tui.app import DouseApp
from douse.tui.screens.client import ClientScreen
from tests.factories import World, desk_world
from tests.helpers import SIZE, T0, make_app, open_incident, settle, sync, type_text


@pytest.fixture
def world(sqlite_services: Services) -> World:
    with sqlite_services.sessions.begin() as s:
        return desk_world(s, T0)


async def palette_lines(pilot: Pilot[None], app: DouseApp, query: str = "") -> list[str]:
    """Open the palette, optionally type, and return the first line of every listed command."""
    await pilot.press("colon")
    await settle(pilot)
    assert isinstance(app.screen, CommandPalette)
    if query:
        await type_text(pilot, query)
    await settle(pilot)  # the palette gathers its hits in a worker
    options = app.screen.query_one(CommandList).options
    lines = [str(o.prompt).split("\n")[0] for o in options]
    await pilot.press("escape")
    await settle(pilot)
    return lines


@sync
async def test_palette_opens_on_dashboard_with_literal_key_hints(
    sqlite_services: Services, world: World, tmp_path: Path
) -> None:
    app = make_app(sqlite_services, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        lines = await palette_lines(pilot, app)
        assert app.is_running
        assert "Filter  [/]" in lines
        assert "Help  [?]" in lines and "Refresh  [^r]" in lines
        # The dashboard's own actions first, list movements after the clients, at the end.
        assert lines[:2] == ["Filter  [/]", "Help  [?]"]
        down = lines.index("Down  [j]")
        assert down > lines.index("Client: Cobalt Bank (cobalt)")
        assert lines[down:] == ["Down  [j]", "Up  [k]", "Top  [g]", "Bottom  [G]"]


@sync
async def test_palette_on_client_and_incident_views_shows_every_hint(
    sqlite_services: Services, world: World, tmp_path: Path
) -> None:
    app = make_app(sqlite_services, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_client(world.acme)
        await settle(pilot)
        assert isinstance(app.screen, ClientScreen)
        lines = await palette_lines(pilot, app)
        assert app.is_running and isinstance(app.screen, ClientScreen)
        assert "Filter  [/]" in lines and "Status  [f]" in lines
        assert lines[:2] == ["Status  [f]", "Severity  [v]"]  # the incidents tab's own

        await open_incident(pilot, app, world.overdue_incident)
        lines = await palette_lines(pilot, app)
        assert app.is_running
        # Single-letter keys looked like markup tags ("[a]") and vanished.
        for hint in ("Ack  [a]", "Assign  [A]", "Log  [l]", "Merge  [M]", "Split  [S]"):
            assert hint in lines


@sync
async def test_palette_search_highlights_without_parsing_markup(
    sqlite_services: Services, world: World, tmp_path: Path
) -> None:
    with sqlite_services.sessions.begin() as s:  # a name from clients.toml is not markup
        s.execute(update(Client).where(Client.id == world.bistro).values(name="[b]Bistro[/] Nova"))
    app = make_app(sqlite_services, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "Client: [b]Bistro[/] Nova (bistro)" in await palette_lines(pilot, app)
        lines = await palette_lines(pilot, app, "filt")
        assert app.is_running
        assert lines[0] == "Filter  [/]"
        lines = await palette_lines(pilot, app, "cobalt")
        assert lines[0] == "Client: Cobalt Bank (cobalt)"
