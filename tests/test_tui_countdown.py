"""Countdowns say what they mean: 'in 29m', 'in 3h 05m', 'overdue 1h 22m' (the words of
`douse incidents`), never '−01:22', which read like an hour and 22 minutes."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from douse.core.db.models import Client
from douse.core.services import Services
from douse.tui.screens.client import ClientScreen
from douse.tui.screens.queue import QueueScreen
from douse.tui.widgets.table import DeskTable
from douse.tui.widgets.text import DUE_WIDTH, countdown
from tests.factories import World, desk_world
from tests.factories import incident as make_incident
from tests.helpers import T0, make_app, settle, sync, until


@pytest.fixture
def world(sqlite_services: Services) -> World:
    with sqlite_services.sessions.begin() as s:
        return desk_world(s, T0)


@pytest.mark.parametrize(
    ("offset", "shown"),
    [
        (timedelta(minutes=-82), "overdue 1h 22m"),
        (timedelta(minutes=-25), "overdue 25m"),
        (timedelta(seconds=-12), "overdue 12s"),
        (timedelta(0), "overdue 0s"),
        (timedelta(seconds=45), "in 45s"),
        (timedelta(minutes=29, seconds=59), "in 29m"),
        (timedelta(hours=3, minutes=5), "in 3h 05m"),
        (timedelta(hours=47, minutes=59), "in 47h 59m"),
        (timedelta(days=7, hours=12), "in 7d 12h"),
        (-timedelta(hours=47, minutes=59), "overdue 47h 59m"),
    ],
)
def test_countdown_words(offset: timedelta, shown: str) -> None:
    text = countdown(T0 + offset, T0)
    assert text.plain == shown
    assert len(text.plain) <= DUE_WIDTH
    assert ("dark_red" in str(text.style)) == (offset <= timedelta(0))


@sync
async def test_every_due_column_uses_the_words(
    sqlite_services: Services, world: World, tmp_path: Path
) -> None:
    with sqlite_services.sessions.begin() as s:
        acme = s.get(Client, world.acme)
        assert acme is not None
        make_incident(s, acme, T0, title="long one", due_at=T0 - timedelta(minutes=82))
    app = make_app(sqlite_services, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        dashboard = app.screen.query_one(DeskTable)
        due = {dashboard.get_row_at(i)[0].plain: dashboard.get_row_at(i)[3].plain for i in (0, 1)}
        assert due == {"Acme Rentals": "overdue 1h 22m", "Cobalt Bank": "in 30m"}
        assert dashboard.virtual_size.width <= dashboard.size.width  # still fits 80 columns

        # The clock moves: the cells tick without a reload.
        app.now = lambda: T0 + timedelta(seconds=61)  # type: ignore[method-assign]
        # The next tick (every second) redraws it; under load it may take a while.
        await until(pilot, lambda: dashboard.get_row_at(1)[3].plain == "in 28m")
        assert dashboard.get_row_at(0)[3].plain == "overdue 1h 23m"

        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ClientScreen)
        incidents = app.screen.active_pane.table
        assert [incidents.get_row_at(i)[0].plain for i in (0, 1)] == [
            "overdue 1h 23m",
            "overdue 26m",
        ]
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        queue = app.screen.query_one(DeskTable)
        assert [queue.get_row_at(i)[0].plain for i in range(3)] == [
            "overdue 1h 23m",
            "overdue 26m",
            "in 28m",
        ]
