"""The Sources tab says what the last poll of each source left to look at: its last error, and
its last warning (a poll that worked but not quite: broken XML read leniently, a number
clamped), in the list and in full under it, as inert text."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, update

from douse.core.db.models import Client, Source
from douse.core.services import Services
from douse.tui.widgets.table import DeskTable
from tests.factories import World, desk_world
from tests.helpers import SIZE, T0, client_tab, make_app, screen_text, settle, sync
from tests.httpserver import LocalHTTPServer

BROKEN = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>alerts</title>
<item><title>Acme Rentals ignored my complaint</title><link>https://blog.example/acme-1</link>
<guid>acme-1</guid></item>
<item><title>Acme && the boiler</title><link>https://blog.example/acme-2</link>
<guid>acme-2</guid></item>
</channel></rss>"""


@pytest.fixture
def world(sqlite_services: Services) -> World:
    with sqlite_services.sessions.begin() as s:
        return desk_world(s, T0)


def source_id(services: Services, name: str) -> int:
    with services.sessions() as s:
        found = s.scalar(select(Source.id).where(Source.name == name))
        assert found is not None
        return found


@sync
async def test_a_warning_left_by_a_poll_from_the_desk_is_shown_on_the_sources_tab(
    sqlite_services: Services, world: World, tmp_path: Path
) -> None:
    alerts = source_id(sqlite_services, "acme-alerts")
    with LocalHTTPServer() as server:
        server.route("/alerts.xml", body=BROKEN, content_type="application/rss+xml")
        with sqlite_services.sessions.begin() as s:
            s.execute(update(Client).where(Client.id == world.acme).values(keywords=["Acme"]))
            s.execute(
                update(Source)
                .where(Source.id == alerts)
                .values(target=server.url("/alerts.xml"), next_poll_at=T0)
            )
        app = make_app(sqlite_services, tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            pane = await client_tab(pilot, app, world.acme, "4")
            table = pane.query_one(DeskTable)
            table.move_cursor(row=table.get_row_index(str(alerts)))
            await settle(pilot)
            assert "last warning" not in screen_text(app)
            await pilot.press("p")
            await settle(pilot)
            assert server.hits("/alerts.xml") == 1
            shown = screen_text(app)
    # In the list, clipped to the column ...
    [row] = [line for line in shown.splitlines() if line.lstrip().startswith("acme-alerts  ")]
    assert "warning: invalid XML read" in row
    # ... and in full under it, with when it was seen.
    assert "last warning just now: invalid XML read leniently" in shown
    assert "2 posts kept" in shown


@sync
async def test_a_warning_and_an_error_are_shown_as_the_feed_worded_them_never_as_markup(
    sqlite_services: Services, world: World, tmp_path: Path
) -> None:
    reddit = source_id(sqlite_services, "acme-reddit")
    with sqlite_services.sessions.begin() as s:
        s.execute(
            update(Source)
            .where(Source.id == reddit)
            .values(
                last_warning="count [bold red]2**70[/] clamped \x1b[2J\x1b]0;owned\x07here",
                last_warning_at=T0,
            )
        )
    app = make_app(sqlite_services, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = await client_tab(pilot, app, world.acme, "4")
        table = pane.query_one(DeskTable)
        table.move_cursor(row=table.get_row_index(str(reddit)))
        await settle(pilot)
        shown = screen_text(app)
    # The error still leads the list's column; the detail has both, the markup as typed and
    # the terminal's control sequences gone.
    [row] = [line for line in shown.splitlines() if line.lstrip().startswith("acme-reddit  ")]
    assert "HTTP 503 from reddit.com" in row
    assert "last error 2m ago: HTTP 503 from reddit.com" in shown
    assert "last warning just now: count [bold red]2**70[/] clamped here" in shown
    assert "\x1b" not in shown and "owned" not in shown
