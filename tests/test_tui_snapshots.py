"""Snapshot tests of the main screens at 80x24, clock frozen at T0, data from desk_world.

Regenerate after a deliberate change with `pytest tests/test_tui_snapshots.py --snapshot-update`
and look at the SVGs in tests/__snapshots__/ before committing them.
"""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from douse.core.services import Services
from tests import factories
from tests.factories import World, desk_world
from tests.helpers import T0, PolicyChecks, make_app, settle, type_text

SIZE = (80, 24)
Compare = Callable[..., bool]


@pytest.fixture
def world(sqlite_services: Services, monkeypatch: pytest.MonkeyPatch) -> World:
    # The factories number default names and URLs from a process-wide counter: start it afresh
    # so the pictures do not depend on which tests ran before.
    monkeypatch.setattr(factories, "_seq", itertools.count(1))
    with sqlite_services.sessions.begin() as s:
        return desk_world(s, T0)


def steps(*keys: str, then: Callable[[Pilot[Any]], Any] | None = None) -> Callable[..., Any]:
    """Press keys one at a time, letting workers land after each, then stop cursors blinking."""

    async def run(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        if then is not None:
            result = then(pilot)
            if isinstance(result, Awaitable):
                await result
            await settle(pilot)
        for widget in pilot.app.screen.query("Input, TextArea"):
            if isinstance(widget, Input | TextArea):
                widget.cursor_blink = False
        await pilot.pause()

    return run


def test_dashboard(
    snap_compare: Compare, sqlite_services: Services, world: World, tmp_path: Path
) -> None:
    app = make_app(sqlite_services, tmp_path)
    assert snap_compare(app, terminal_size=SIZE, run_before=steps())


def test_client_incidents_tab(
    snap_compare: Compare, sqlite_services: Services, world: World, tmp_path: Path
) -> None:
    app = make_app(sqlite_services, tmp_path)
    assert snap_compare(app, terminal_size=SIZE, run_before=steps("enter"))


def test_incident_view(
    snap_compare: Compare, sqlite_services: Services, world: World, tmp_path: Path
) -> None:
    app = make_app(sqlite_services, tmp_path)
    assert snap_compare(app, terminal_size=SIZE, run_before=steps("enter", "enter"))


def test_outreach_dialog_with_policy_warning(
    snap_compare: Compare,
    sqlite_services: Services,
    world: World,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = make_app(sqlite_services, tmp_path)
    checks = PolicyChecks(monkeypatch)

    async def draft(pilot: Pilot[Any]) -> None:
        text = "Our lawyers say the flat is fine"
        await type_text(pilot, text)
        await checks.wait_for(pilot, text)  # the policy check waits for typing to pause
        # Whether a terminal draws the text cursor depends on focus timing: take it away.
        pilot.app.screen.set_focus(None)

    assert snap_compare(
        app, terminal_size=SIZE, run_before=steps("enter", "enter", "l", then=draft)
    )


def test_help(
    snap_compare: Compare, sqlite_services: Services, world: World, tmp_path: Path
) -> None:
    app = make_app(sqlite_services, tmp_path)
    assert snap_compare(app, terminal_size=SIZE, run_before=steps("question_mark"))


def test_deadline_queue_with_a_selection(
    snap_compare: Compare, sqlite_services: Services, world: World, tmp_path: Path
) -> None:
    app = make_app(sqlite_services, tmp_path)
    assert snap_compare(app, terminal_size=SIZE, run_before=steps("o", "space", "shift+down"))


def test_troll_flag_asks_first(
    snap_compare: Compare, sqlite_services: Services, world: World, tmp_path: Path
) -> None:
    app = make_app(sqlite_services, tmp_path)
    assert snap_compare(app, terminal_size=SIZE, run_before=steps("enter", "enter", "t"))
