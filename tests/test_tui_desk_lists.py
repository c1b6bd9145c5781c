"""The dashboard's clients and an incident's mentions are lists like every other of the desk
(tui/widgets/records.py): the cursor stays on its record across reloads, the detail follows the
cursor, a filter over what is loaded hides rows without a query, and a failed load says why
where the list is, once, and goes when a load succeeds."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

import douse.tui.widgets.mentions_pane as mentions_pane
from douse.core.services import Services
from tests.factories import World, desk_world
from tests.helpers import SIZE, T0, client_tab, make_app, rendered, sync


@pytest.fixture
def world(sqlite_services: Services) -> World:
    with sqlite_services.sessions.begin() as s:
        return desk_world(s, T0)


def errors(app: object) -> list[str]:
    return [str(n.message) for n in app._notifications if n.severity == "error"]  # type: ignore[attr-defined]


@sync
async def test_a_client_tab_that_cannot_load_says_why_where_its_rows_would_be(
    sqlite_services: Services, world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def down(*_args: object, **_kw: object) -> object:
        raise OperationalError("SELECT", {}, Exception("database is locked"))

    monkeypatch.setattr(mentions_pane, "list_mentions", down)
    app = make_app(sqlite_services, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        pane = await client_tab(pilot, app, world.acme, "2")
        note = rendered(app, "#pane-mentions .pane-empty")
        assert note.startswith("Could not load this list: Database unreachable or busy: ")
        assert "database is locked. Ctrl+R tries again." in note
        assert pane.failure is not None and len(errors(app)) == 1, errors(app)
