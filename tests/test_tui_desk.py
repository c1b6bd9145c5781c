"""Pilot-driven flows of the desk, asserting on the database and on the screen."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from sqlalchemy import select
from textual.widgets import Static

from douse.core.db.models import Activity, Client, Incident
from douse.core.services import Services
from douse.tui.actions import ACTIONS, key_label
from douse.tui.screens.client import ClientScreen
from douse.tui.screens.dashboard import DashboardScreen
from douse.tui.screens.help import HelpScreen, help_table
from douse.tui.screens.incident import IncidentScreen
from douse.tui.screens.queue import PAGE, QueueScreen
from douse.tui.widgets import pane as pane_module
from douse.tui.widgets.list_pane import ListPane
from douse.tui.widgets.table import DeskTable
from tests import factories
from tests.factories import HOSTILE, World, desk_world
from tests.factories import incident as make_incident
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


def incident(services: Services, incident_id: int) -> Incident:
    with services.sessions() as s:
        found = s.get(Incident, incident_id)
        assert found is not None
        return found


@sync
async def test_dashboard_and_switch_client(
    sqlite_services: Services, world: World, tmp_path: Path
) -> None:
    app = make_app(sqlite_services, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        table = app.screen.query_one(DeskTable)
        assert [table.get_row_at(i)[0].plain for i in range(table.row_count)] == [
            "Acme Rentals",
            "Cobalt Bank",
            "Bistro Nova",
        ]
        await pilot.press("c", *"cob", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ClientScreen)
        assert app.screen.client.id == world.cobalt
        assert "Cobalt Bank" in str(app.screen.query_one("DeskHeader", Static).render())
        # Recent clients come first the next time.
        await pilot.press("h")
        await settle(pilot)
        await pilot.press("down", "enter")  # Cobalt is second by urgency
        await settle(pilot)
        assert app.recent_clients[0] == world.cobalt


@sync
async def test_open_incident_from_client_and_acknowledge(
    sqlite_services: Services, world: World, tmp_path: Path
) -> None:
    app = make_app(sqlite_services, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # Acme, the most urgent
        await settle(pilot)
        await pilot.press("enter")  # its overdue incident, first by deadline
        await settle(pilot)
        assert isinstance(app.screen, IncidentScreen)
        assert app.screen.incident_id == world.overdue_incident
        assert "overdue by 25m" in rendered(app, "#summary")
        await pilot.press("a")
        await settle(pilot)
        assert incident(sqlite_services, world.overdue_incident).status == "acknowledged"
        assert "acknowledged" in rendered(app, "#summary")


@sync
async def test_log_outreach_with_policy_warning(
    sqlite_services: Services, world: World, tmp_path: Path
) -> None:
    app = make_app(sqlite_services, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_incident(pilot, app, world.overdue_incident)
        await pilot.press("l")
        await settle(pilot)
        await type_text(pilot, "Our lawyers say no")
        # The policy check runs once typing pauses.
        await until(pilot, lambda: "our lawyers" in rendered(app, "#findings"))
        await pilot.press("ctrl+s")  # blocked: nothing written
        await settle(pilot)
        with sqlite_services.sessions() as s:
            assert (
                s.scalars(
                    select(Activity).where(Activity.incident_id == world.overdue_incident)
                ).all()
                == []
            )
        body = app.screen.query_one("#body")
        body.text = ""  # type: ignore[attr-defined]
        await type_text(pilot, "Sorry to hear this, we have sent you a DM")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, IncidentScreen)
        with sqlite_services.sessions() as s:
            logged = s.scalars(
                select(Activity).where(Activity.incident_id == world.overdue_incident)
            ).all()
        assert [a.kind for a in logged if a.kind == "public_reply"] == ["public_reply"]
        inc = incident(sqlite_services, world.overdue_incident)
        assert inc.first_response_at == T0
        timeline = app.screen.query_one("#timeline", DeskTable)
        assert any(
            "public reply" in str(timeline.get_row_at(i)[1]) for i in range(timeline.row_count)
        )


@sync
async def test_assign_and_resolve(sqlite_services: Services, world: World, tmp_path: Path) -> None:
    app = make_app(sqlite_services, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_incident(pilot, app, world.critical_incident)
        await pilot.press("A", *"bob", "enter")
        await settle(pilot)
        assert incident(sqlite_services, world.critical_incident).owner_id == world.bob
        assert "owner bob" in rendered(app, "#summary")
        await pilot.press("R", *"refund issued", "enter")
        await settle(pilot)
        inc = incident(sqlite_services, world.critical_incident)
        assert inc.status == "resolved"
        assert inc.resolution == "refund issued"


@sync
async def test_conflicting_edit_is_a_notification(
    sqlite_services: Services, world: World, tmp_path: Path
) -> None:
    app = make_app(sqlite_services, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_incident(pilot, app, world.critical_incident)
        with sqlite_services.sessions.begin() as s:  # someone else, meanwhile
            s.get(Incident, world.critical_incident).title = "Edited elsewhere"  # type: ignore[union-attr]
        await pilot.press("a")
        await settle(pilot)
        assert incident(sqlite_services, world.critical_incident).status == "new"
        assert any(n.severity == "error" for n in app._notifications)
        assert app.is_running
        assert "Edited elsewhere" in rendered(app, "#summary")  # reloaded to the truth


@sync
async def test_hostile_markup_renders_literally(
    sqlite_services: Services, world: World, tmp_path: Path
) -> None:
    app = make_app(sqlite_services, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_client(world.acme)
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        detail = rendered(app, "#mention-detail")
        assert "[bold red]pwned[/] [link=http://x]click[/link]" in detail
        assert "[@click=app.quit]q[/]" in detail
        assert "\x1b" not in detail
        table = app.screen.query_one("#pane-mentions DeskTable", DeskTable)
        cell = table.get_row_at(0)[5]
        assert cell.plain.startswith("[bold red]pwned[/]")
        assert app.is_running
        assert HOSTILE.startswith("[bold red]")


@sync
async def test_export_runs_in_background(
    sqlite_services: Services, world: World, tmp_path: Path
) -> None:
    app = make_app(sqlite_services, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_client(world.acme)
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        app.screen.query_one("#folder").focus()
        await pilot.press("enter")
        await settle(pilot)
        files = list((tmp_path / "exports").glob("acme-*.html"))
        assert len(files) == 1
        assert any(str(files[0]) in str(n.message) for n in app._notifications)


@sync
async def test_help_lists_every_registry_action(
    sqlite_services: Services, world: World, tmp_path: Path
) -> None:
    app = make_app(sqlite_services, tmp_path)
    async with app.run_test(size=(100, 200)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        console = Console(width=200, record=True, file=io.StringIO())
        console.print(help_table())
        shown = console.export_text()
        for a in ACTIONS:
            assert a.description in shown
            assert key_label(a.key) in shown
        await pilot.press("escape")
        assert isinstance(app.screen, DashboardScreen)


@sync
async def test_an_empty_agency_says_how_to_start(sqlite_services: Services, tmp_path: Path) -> None:
    app = make_app(sqlite_services, tmp_path, me=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        status = rendered(app, "#status")
        assert "No clients yet" in status and "douse sync" in status and "douse demo" in status


@sync
async def test_dashboard_fits_a_terminal_resized_to_80_columns(
    sqlite_services: Services, world: World, tmp_path: Path
) -> None:
    app = make_app(sqlite_services, tmp_path)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(DeskTable)
        assert [c.key for c in table.columns].count("spark") == 1
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        # The compact layout: no sparkline, every client still listed, nothing to scroll to.
        assert "spark" not in [c.key for c in table.columns]
        assert table.row_count == 3
        assert table.virtual_size.width <= table.size.width


@sync
async def test_overdue_queue_pages_by_deadline(
    sqlite_services: Services, world: World, tmp_path: Path
) -> None:
    # More overdue incidents than one page: the first page shows, the rest load on scroll,
    # the bar counts them all, and the order stays by deadline across pages.
    extra = PAGE + 20
    with sqlite_services.sessions.begin() as s:
        acme = s.get(Client, world.acme)
        assert acme is not None
        for i in range(extra):
            make_incident(
                s,
                acme,
                T0 - timedelta(hours=2),
                title=f"late {i}",
                due_at=T0 - timedelta(hours=i + 1),
            )
    app = make_app(sqlite_services, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, QueueScreen)
        table = screen.query_one(DeskTable)
        total = extra + 2  # and the world's own overdue incident and the one due in 30 min
        assert table.row_count == PAGE
        assert f"{total} incidents" in rendered(app, "#queue-bar")
        assert f"{extra + 1} overdue" in rendered(app, "#queue-bar")
        await pilot.press("G")
        await settle(pilot)
        await pilot.press("G")
        await settle(pilot)
        assert table.row_count == total
        dues = [r.due_at for r in screen.rows.values()]
        assert dues == sorted(dues) and len(set(r.id for r in screen.rows.values())) == total


@sync
async def test_escape_on_a_search_searches_once_and_leaves_nothing_to_come(
    sqlite_services: Services, world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A 1 ms typing pause: a search still to come would run within the settle below.
    monkeypatch.setattr(pane_module, "SEARCH_DEBOUNCE_S", 0.001)
    app = make_app(sqlite_services, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_client(world.acme)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ClientScreen)
        await pilot.press("2", "slash", *"bank")
        await until(pilot, lambda: "search: bank" in bar(screen))
        await settle(pilot)
        pane = screen.active_pane
        assert isinstance(pane, ListPane)
        reloads: list[str] = []
        real = pane.fetcher

        def counted() -> Any:
            reloads.append(pane.search)
            return real()

        # Every load asks the list what to fetch, with the search of that moment.
        monkeypatch.setattr(pane, "fetcher", counted)
        await pilot.press("escape")
        await settle(pilot)
        # The list is searched again once, unfiltered; clearing the box is not typing.
        assert reloads == [""]
        assert "search:" not in bar(screen)


def bar(screen: ClientScreen) -> str:
    return str(screen.active_pane.query_one(".pane-bar", Static).render())


@sync
async def test_escape_leaves_a_tab_search_first_and_the_client_view_second(
    sqlite_services: Services, world: World, tmp_path: Path
) -> None:
    app = make_app(sqlite_services, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # Acme
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ClientScreen)
        await pilot.press("2", "slash", *"bank")
        # The search runs once typing pauses, and names itself in the tab's bar.
        await until(pilot, lambda: "search: bank" in bar(screen))
        await settle(pilot)
        assert screen.active_pane.search == "bank"
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen  # still on the client view, search gone
        assert screen.active_pane.search == ""
        assert screen.active_pane.table.has_focus
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)

        # A kept search (Enter) is cleared by the first Escape too, from the list.
        await pilot.press("enter", "2", "slash", *"mould", "enter")
        await until(pilot, lambda: "search: mould" in bar(screen))
        await settle(pilot)
        assert app.screen is screen and screen.active_pane.search == "mould"
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen and screen.active_pane.search == ""
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)


@sync
async def test_help_says_acknowledging_does_not_stop_the_clock(
    sqlite_services: Services, world: World, tmp_path: Path
) -> None:
    app = make_app(sqlite_services, tmp_path)
    async with app.run_test(size=(120, 200)) as pilot:
        await settle(pilot)
        await open_incident(pilot, app, world.critical_incident)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        console = Console(width=120, record=True, file=io.StringIO())
        for box in app.screen.query(Static):
            console.print(box.content)
        shown = " ".join(console.export_text().split())
        assert "the clock sees a response" not in shown
        assert "mark it seen; the clock runs on until a reply or contact is logged" in shown
        await pilot.press("escape", "a")  # and so it is: acknowledged, the clock still runs
        await settle(pilot)
        inc = incident(sqlite_services, world.critical_incident)
        assert inc.status == "acknowledged" and inc.first_response_at is None
        assert "due in 30m" in rendered(app, "#summary")


@sync
async def test_dashboard_puts_the_soonest_deadline_above_severity(
    sqlite_services: Services, world: World, tmp_path: Path
) -> None:
    with sqlite_services.sessions.begin() as s:
        soon = factories.client(s, T0, slug="soon", name="Soon Ltd")
        make_incident(s, soon, T0, severity="low", due_at=T0 + timedelta(minutes=29))
        later = factories.client(s, T0, slug="later", name="Later Ltd")
        for _ in range(3):
            make_incident(s, later, T0, severity="high", due_at=T0 + timedelta(hours=8))
    app = make_app(sqlite_services, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one(DeskTable)
        names = [table.get_row_at(i)[0].plain for i in range(table.row_count)]
        assert names == ["Acme Rentals", "Soon Ltd", "Cobalt Bank", "Later Ltd", "Bistro Nova"]


@sync
async def test_deadline_queue_lists_every_running_deadline_and_finds_the_next_to_breach(
    sqlite_services: Services, world: World, tmp_path: Path
) -> None:
    # Overdue ones fill more than a page; the one about to breach comes after them.
    late = PAGE + 5
    with sqlite_services.sessions.begin() as s:
        acme = s.get(Client, world.acme)
        bistro = s.get(Client, world.bistro)
        assert acme is not None and bistro is not None
        for i in range(late):
            make_incident(s, acme, T0, title=f"late {i}", due_at=T0 - timedelta(hours=i + 1))
        far = make_incident(s, bistro, T0, title="next week", due_at=T0 + timedelta(days=6))
        paused = make_incident(
            s, bistro, T0, status="waiting_customer", due_at=T0 + timedelta(hours=2)
        )
        far_id, paused_id = far.id, paused.id
    app = make_app(sqlite_services, tmp_path, me=None)  # nobody's queue: no --as needed
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, QueueScreen)
        table = screen.query_one(DeskTable)
        bar = rendered(app, "#queue-bar")
        total = late + 3  # the world's overdue one, its critical one due in 30 min, next week's
        assert f"{total} incidents" in bar and f"{late + 1} overdue" in bar
        assert "1 due within 1 h" in bar
        # Most overdue on top, in red beyond its deadline cell.
        first = table.get_row_at(0)
        top = next(iter(screen.rows.values()))
        assert top.title == f"late {late - 1}" and "red" in str(first[2].style)
        # n: past every overdue one (loading the rows down to it) to the one about to breach.
        await pilot.press("n")
        await settle(pilot)
        assert table.selected_key == str(world.critical_incident)
        await pilot.press("G")
        await settle(pilot)
        await pilot.press("G")
        await settle(pilot)
        ids = [r.id for r in screen.rows.values()]
        assert len(ids) == total and ids[-1] == far_id and paused_id not in ids
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, IncidentScreen) and app.screen.incident_id == far_id
