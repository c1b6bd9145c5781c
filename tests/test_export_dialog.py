"""The desk's export dialog: fits an 80x24 terminal, takes the CLI's dates and CSV options."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Checkbox, Input, Label, Select

from douse.core.services import Services
from douse.tui.dialogs.export import HINT, ExportDialog
from tests.factories import World, desk_world
from tests.helpers import T0, make_app, settle, sync

SMALL = (80, 24)


@pytest.fixture
def world(sqlite_services: Services) -> World:
    with sqlite_services.sessions.begin() as s:
        return desk_world(s, T0)


async def _open(app, pilot) -> ExportDialog:  # type: ignore[no-untyped-def]
    await settle(pilot)
    await pilot.press("x")
    await settle(pilot)
    assert isinstance(app.screen, ExportDialog)
    return app.screen


@sync
async def test_dialog_fits_a_small_terminal(
    sqlite_services: Services,
    world: World,
    tmp_path: Path,
) -> None:
    app = make_app(sqlite_services, tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        dialog = await _open(app, pilot)
        box = dialog.query_one(".dialog").region
        assert box.bottom <= SMALL[1] and box.right <= SMALL[0]
        hint = dialog.query_one(".dialog-hint", Label)
        assert hint.region.width >= len(HINT)  # not cut ("appears wh")
        for widget in dialog.query("Select, Input, Checkbox, Button, Label"):
            region = widget.region
            assert box.contains_region(region), (widget, region, box)


@sync
async def test_custom_dates_and_csv_options(
    sqlite_services: Services,
    world: World,
    tmp_path: Path,
) -> None:
    app = make_app(sqlite_services, tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        app.open_client(world.acme)
        dialog = await _open(app, pilot)
        dialog.query_one("#format", Select).value = "csv"
        await pilot.pause()  # its Changed message handled
        assert not dialog.query_one("#activities", Checkbox).disabled
        assert dialog.query_one("#internal", Checkbox).disabled  # md/html only
        dialog.query_one("#since", Input).value = "2026-11-1"  # the CLI's lenient date
        dialog.query_one("#until", Input).value = "2026-11-23"
        await pilot.pause()
        assert dialog.query_one("#period", Select).value == -1  # typing a date chose "dates"
        dialog.query_one("#activities", Checkbox).value = True
        dialog.query_one("#bom", Checkbox).value = True
        await pilot.press("ctrl+s")
        await settle(pilot)
    files = list((tmp_path / "exports").glob("acme-activities-2026-11-23.csv"))
    assert len(files) == 1
    assert files[0].read_bytes().startswith(b"\xef\xbb\xbfincident_id,incident_title,activity_id")


@sync
async def test_a_bad_period_is_refused_in_the_dialog(
    sqlite_services: Services,
    world: World,
    tmp_path: Path,
) -> None:
    app = make_app(sqlite_services, tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        app.open_client(world.acme)
        dialog = await _open(app, pilot)
        dialog.query_one("#since", Input).value = "2026-12-01"
        dialog.query_one("#until", Input).value = "2026-11-30"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is dialog  # still open, nothing written
        messages = [str(n.message) for n in app._notifications]
        assert "since 2026-12-01 is not before until 2026-11-30" in messages
        dialog.query_one("#since", Input).value = "first of May"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is dialog and app.focused is dialog.query_one("#since", Input)
    assert not (tmp_path / "exports").exists() or not list((tmp_path / "exports").iterdir())
