"""The smaller things a daily user trips on (issue 13), each checked where the user sees it."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
from rich.console import Console
from textual.widgets import Input, Select, Static

from douse import tui
from douse.core import audit
from douse.core.export.period import Period
from douse.core.export.records import load_client
from douse.core.export.summary import summarise
from douse.core.jobs.demo_marker import DEMO_SUBJECT
from douse.core.services import Services
from douse.tui.app import DouseApp
from douse.tui.dialogs.export import EVERYTHING, ExportDialog
from douse.tui.dialogs.outreach import LogOutreachDialog
from douse.tui.screens.client import ClientScreen
from douse.tui.screens.help import HelpScreen, help_table
from douse.tui.screens.queue import QueueScreen
from douse.tui.widgets.footer import MORE, DeskFooter
from douse.tui.widgets.table import DeskTable
from tests import factories
from tests.factories import World, desk_world
from tests.helpers import T0, make_app, open_incident, rendered, settle, sync, type_text, until

SMALL = (80, 24)
LARGE = (160, 50)


@pytest.fixture
def world(sqlite_services: Services) -> World:
    with sqlite_services.sessions.begin() as s:
        return desk_world(s, T0)


def notes(app: DouseApp) -> list[str]:
    return [f"{n.title}: {n.message}" for n in app._notifications]


class EarlyKeys(DouseApp):
    """Keys typed while the desk is still starting (a fast typist, a slow database)."""

    CSS_PATH = str(Path(tui.app.__file__).with_name("app.tcss"))

    def on_mount(self) -> None:
        super().on_mount()
        for key in "zeb":  # no key of the dashboard: what a filter would take
            self.simulate_key(key)


@sync
async def test_keys_typed_at_start_never_filter_the_dashboard(
    sqlite_services: Services, world: World, tmp_path: Path
) -> None:
    app = EarlyKeys(sqlite_services, me="alice", watch_every=0, export_dir=tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        assert app.screen.query_one("#filter", Input).value == ""
        assert app.screen.query_one("#clients", DeskTable).row_count == 3
        assert rendered(app, "#status").startswith("3 clients")
        # A filter someone asked for is said in the status line, with how to clear it.
        await pilot.press("slash")
        await type_text(pilot, "cob")
        await settle(pilot)
        assert rendered(app, "#status").startswith("1 of 3 clients (filter 'cob', Esc clears)")
        assert "Open CHML: critical high medium low" in rendered(app, "#status")


@sync
async def test_canned_reply_greets_the_person_by_name(
    sqlite_services: Services, world: World, tmp_path: Path
) -> None:
    app = make_app(sqlite_services, tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await open_incident(pilot, app, world.overdue_incident)
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, LogOutreachDialog)
        app.screen.query_one("#canned", Select).value = "apology"
        await settle(pilot)
        body = app.screen.query_one("#body").text  # type: ignore[attr-defined]
        assert body.startswith("Hi Jo, we are sorry")  # the display name, not @jo@example.social


@sync
async def test_ctrl_c_says_how_to_quit_in_plain_words(
    sqlite_services: Services, world: World, tmp_path: Path
) -> None:
    app = make_app(sqlite_services, tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+c")
        await settle(pilot)
        assert app.is_running
        assert "Do you want to quit?: Press Ctrl+Q to quit douse." in notes(app)
        assert not any("[b]" in n for n in notes(app))


@pytest.mark.parametrize(
    ("where", "first"),
    [("incident", "Incident view"), ("queue", "Queues"), ("client", "Client view › Incidents")],
)
@sync
async def test_help_starts_at_this_screens_keys(
    sqlite_services: Services, world: World, tmp_path: Path, where: str, first: str
) -> None:
    app = make_app(sqlite_services, tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        if where == "incident":
            await open_incident(pilot, app, world.overdue_incident)
        elif where == "queue":
            await pilot.press("o")
        else:
            app.open_client(world.acme)
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        console = Console(width=120, record=True, file=io.StringIO())
        console.print(help_table(app.screen.first))
        lines = [line.strip() for line in console.export_text().splitlines() if line.strip()]
        assert lines[0] == f"{first}  (this screen)"


@pytest.mark.parametrize("size", [SMALL, LARGE])
@sync
async def test_the_desk_fits_80x24_and_160x50(
    sqlite_services: Services, world: World, tmp_path: Path, size: tuple[int, int]
) -> None:
    app = make_app(sqlite_services, tmp_path)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        # The deadline queue keeps a readable title column.
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        queue = app.screen.query_one(DeskTable)
        titles = [c.key for c in queue.columns]
        assert titles[-1] == "title"
        room = queue.scrollable_content_region.width - sum(queue._widths[:-1])
        assert room >= 16, room
        cell = queue.get_cell(str(world.overdue_incident), "title").plain
        assert cell.startswith("Mould in rented")

        # The incident view leaves the timeline room for several entries.
        await open_incident(pilot, app, world.overdue_incident)
        timeline = app.screen.query_one("#timeline", DeskTable)
        assert timeline.scrollable_content_region.height - 1 >= (5 if size == SMALL else 20)
        legend = str(app.screen.query_one("#mentions", DeskTable).border_title)
        assert "history: neg" in legend and "reach: f followers" in legend

        # The footer says when keys were left out, instead of cutting one in half.
        footer = str(app.screen.query_one(DeskFooter).render())
        if size == SMALL:
            assert footer.endswith(MORE.strip())
        assert len(footer) <= size[0] - 2


@sync
async def test_mention_ids_are_not_incident_ids(
    sqlite_services: Services, world: World, tmp_path: Path
) -> None:
    app = make_app(sqlite_services, tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await open_incident(pilot, app, world.overdue_incident)
        detail = rendered(app, "#mention-detail")
        assert detail.startswith(f"m{world.negative_mention} ")
        assert f"incident #{world.overdue_incident}" in detail


@sync
async def test_an_account_without_owner_is_not_ok(
    sqlite_services: Services, world: World, tmp_path: Path
) -> None:
    app = make_app(sqlite_services, tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        app.open_client(world.acme)
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        table = app.screen.query_one("#pane-accounts DeskTable", DeskTable)
        row = [c.plain for c in table.get_row(str(world.unowned_account))]
        assert row[2:] == ["—", "—", "NO OWNER"]


@sync
async def test_empty_lists_say_why_and_what_to_do(
    sqlite_services: Services, world: World, tmp_path: Path
) -> None:
    app = make_app(sqlite_services, tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        app.open_client(world.cobalt)  # no sources, one mention
        await settle(pilot)
        await pilot.press("2", "slash")
        await type_text(pilot, "zebra")
        # The search runs once typing pauses.
        await until(pilot, lambda: "zebra" in rendered(app, "#pane-mentions #mention-detail"))
        await settle(pilot)
        shown = rendered(app, "#pane-mentions #mention-detail")
        assert shown.startswith("No mentions match search 'zebra'.") and "Esc clears" in shown
        with sqlite_services.sessions.begin() as s:
            empty = factories.client(s, T0, slug="newco", name="Newco")
            empty_id = empty.id
        app.load_context()
        await settle(pilot)
        app.open_client(empty_id)
        await settle(pilot)
        assert isinstance(app.screen, ClientScreen)
        note = str(app.screen.query_one("#pane-incidents .pane-empty", Static).render())
        assert note.startswith("No open incidents for Newco")
        await pilot.press("2")
        await settle(pilot)
        shown = rendered(app, "#pane-mentions #mention-detail")
        assert shown.startswith("No mentions yet: Newco has no sources.")
        assert "douse sync" in shown


@sync
async def test_poll_now_on_a_demo_is_refused(
    sqlite_services: Services, world: World, tmp_path: Path
) -> None:
    with sqlite_services.sessions.begin() as s:
        audit.record(s, at=T0, staff_id=None, subject=DEMO_SUBJECT, subject_id=1, summary="demo")
    app = make_app(sqlite_services, tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        app.open_client(world.acme)
        await settle(pilot)
        await pilot.press("4", "p")
        await settle(pilot)
        assert any(n.startswith("Not polled: this is a demo database") for n in notes(app))
        table = app.screen.query_one("#pane-sources DeskTable", DeskTable)
        assert all("never" not in c.plain for c in table.get_row_at(0))


def test_a_report_covers_every_mention_it_counts(sqlite_services: Services) -> None:
    with sqlite_services.sessions.begin() as s:
        c = factories.client(s, T0, slug="fresh", name="Fresh")
        factories.mention(s, c, T0 - timedelta(days=3), sentiment_label="positive")
        bad = factories.mention(s, c, T0 - timedelta(days=1), sentiment_label="negative")
        factories.incident(s, c, T0 - timedelta(days=1), [bad])
    with sqlite_services.sessions() as s:
        summary = summarise(s, load_client(s, "fresh"), Period(None, T0), T0)
    assert summary.chart_start == T0 - timedelta(days=3)
    assert sum(b.positive for b in summary.buckets) == 1


@sync
async def test_the_export_dialog_defaults_like_the_cli(
    sqlite_services: Services, world: World, tmp_path: Path
) -> None:
    app = make_app(sqlite_services, tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        app.open_client(world.acme)
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, ExportDialog)
        # Everything (as `douse export` without --since), until the moment the export runs.
        assert app.screen.query_one("#period", Select).value == EVERYTHING
        assert app.screen._dates() == (None, None)
