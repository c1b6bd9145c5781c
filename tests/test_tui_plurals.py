"""Counts of one read as one: "1 client", "1 source needs attention", never "1 clients"."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from douse.core.services import Services
from douse.core.wording import plural
from douse.tui.screens.client import ClientScreen
from tests import factories
from tests.helpers import SIZE, T0, make_app, rendered, settle, sync


def test_plural() -> None:
    assert plural(1, "mention") == "1 mention"
    assert plural(0, "mention") == "0 mentions"
    assert plural(2, "person", "people") == "2 people"
    assert plural(1, "person", "people") == "1 person"


@sync
async def test_one_of_everything_is_singular(sqlite_services: Services, tmp_path: Path) -> None:
    with sqlite_services.sessions.begin() as s:
        solo = factories.client(s, T0, slug="solo", name="Solo Ltd")
        factories.account(s, solo)
        factories.source(s, solo, consecutive_failures=2, last_error="HTTP 503")
        writer = factories.author(s)
        factories.mention(s, solo, T0 - timedelta(hours=1), author_id=writer.id)
        solo_id = solo.id
    app = make_app(sqlite_services, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert rendered(app, "#status").startswith("1 client  ·")
        app.open_client(solo_id)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ClientScreen)
        bars = {}
        for key, tab in (("3", "accounts"), ("4", "sources"), ("5", "authors")):
            await pilot.press(key)
            await settle(pilot)
            bars[tab] = str(screen.active_pane.query_one(".pane-bar").render())
        assert bars["accounts"].startswith("1 account")
        assert bars["sources"] == "1 source  ·  1 needs attention"
        assert bars["authors"].startswith("1 author,")
