"""The client view's lists: pages load as the cursor nears the end, and a reload keeps every row
listed and the cursor on its record however far down."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from douse.core.db.models import Client, Incident, Mention
from douse.core.services import Services
from douse.tui.widgets.table import DeskTable
from tests.factories import World, desk_world
from tests.factories import incident as make_incident
from tests.factories import mention as make_mention
from tests.helpers import SIZE, T0, client_tab, make_app, settle, sync

EXTRA = 130  # more than one page of 100, less than two


@pytest.fixture
def world(sqlite_services: Services) -> World:
    with sqlite_services.sessions.begin() as s:
        return desk_world(s, T0)


@sync
async def test_mentions_page_in_and_a_reload_keeps_the_cursor_past_the_first_page(
    sqlite_services: Services, world: World, tmp_path: Path
) -> None:
    with sqlite_services.sessions.begin() as s:
        acme = s.get(Client, world.acme)
        assert acme is not None
        for i in range(EXTRA):
            make_mention(s, acme, T0 - timedelta(days=2, minutes=i))
        total = s.scalar(select(func.count()).where(Mention.client_id == world.acme))
    app = make_app(sqlite_services, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        pane = await client_tab(pilot, app, world.acme, "2")
        table = pane.query_one(DeskTable)
        assert table.row_count == 100
        await pilot.press("G")  # the bottom: the next page loads
        await settle(pilot)
        assert table.row_count == total
        table.move_cursor(row=total - 3)
        await settle(pilot)
        kept = table.selected_key
        app.broadcast_change()  # something was written: the list reloads
        await settle(pilot)
        assert table.row_count == total
        assert table.selected_key == kept


@sync
async def test_incidents_page_in_and_a_reload_knows_when_it_has_them_all(
    sqlite_services: Services, world: World, tmp_path: Path
) -> None:
    with sqlite_services.sessions.begin() as s:
        acme = s.get(Client, world.acme)
        assert acme is not None
        for i in range(EXTRA):
            make_incident(s, acme, T0 - timedelta(hours=3), title=f"late {i}", severity="high")
        open_count = s.scalar(
            select(func.count()).where(
                Incident.client_id == world.acme, Incident.status.not_in(("resolved", "closed"))
            )
        )
    assert open_count is not None and 100 < open_count < 200
    app = make_app(sqlite_services, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        pane = await client_tab(pilot, app, world.acme, "1")
        table = pane.query_one(DeskTable)
        assert table.row_count == 100
        bar = pane.query_one(".pane-bar")
        assert "100+ shown" in str(bar.render())
        await pilot.press("G")
        await settle(pilot)
        assert table.row_count == open_count
        assert f"{open_count} shown" in str(bar.render())
        assert len(set(table.rows)) == open_count
        with sqlite_services.sessions.begin() as s:
            s.execute(
                update(Incident)
                .where(Incident.title.in_([f"late {i}" for i in range(10)]))
                .values(status="closed")
            )
        app.broadcast_change()
        await settle(pilot)
        # Reloaded whole, less the ten closed, and known to be whole: no "+" promising more.
        assert table.row_count == open_count - 10
        assert f"{open_count - 10} shown" in str(bar.render())
