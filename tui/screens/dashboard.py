"""The agency dashboard: one row per client, most urgent first; Enter opens the client."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import Input, Static

from douse.core.queries.dashboard import approvals_waiting, dashboard
from douse.core.queries.rows import DashboardRow
from douse.core.wording import plural
from douse.tui.actions import bindings
from douse.tui.screens.base import DeskScreen
from douse.tui.widgets.footer import DeskFooter
from douse.tui.widgets.header import DeskHeader
from douse.tui.widgets.table import DeskTable, RowSpec
from douse.tui.widgets.text import (
    DUE_WIDTH,
    SEVERITY_STYLE,
    count,
    countdown,
    safe,
    sparkline,
)

log = logging.getLogger(__name__)

SEVERITY_LETTERS = (("critical", "C"), ("high", "H"), ("medium", "M"), ("low", "L"))


def open_cell(row: DashboardRow) -> Text:
    """Open incidents by severity, most severe first: "1C 2H · 3L"."""
    low, medium, high, critical = row.open_by_severity
    values = {"critical": critical, "high": high, "medium": medium, "low": low}
    text = Text()
    for name, letter in SEVERITY_LETTERS:
        if text:
            text.append(" ")
        n = values[name]
        if n:
            text.append(f"{n}{letter}", style=SEVERITY_STYLE[name])
        else:
            text.append("·", style="dim")
    return text


def sources_cell(row: DashboardRow) -> Text:
    if not (row.failing_sources or row.silent_sources):
        return Text("ok", style="green")
    text = Text()
    if row.failing_sources:
        text.append(f"{row.failing_sources} fail", style="bold red")
    if row.silent_sources:
        if text:
            text.append(" ")
        text.append(f"{row.silent_sources} quiet", style="yellow")
    return text


LEGEND = "Open CHML: critical high medium low · Over: overdue · Unown: unowned accounts"
"""What the columns' short names mean, under the table."""

NARROW = 100
"""Terminals narrower than this get the compact dashboard."""


class DashboardScreen(DeskScreen):
    CSS_PATH = "dashboard.tcss"
    BINDINGS: ClassVar = bindings("dashboard")
    # Keys typed while the desk starts go to the list, never to the hidden filter (which is
    # disabled until `/` shows it): a filter nobody sees must never hide clients.
    AUTO_FOCUS = "#clients"

    @dataclass
    class Loaded(Message):
        rows: list[DashboardRow]
        seconds: float
        waiting: int = 0
        """Replies waiting for an approver."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[DashboardRow] = []
        self.waiting = 0
        self.loaded_once = False
        self.narrow = False

    def compose(self) -> ComposeResult:
        yield DeskHeader("Agency dashboard")
        yield Input(
            placeholder="filter clients (name or slug) — Esc clears", id="filter", disabled=True
        )
        yield DeskTable(id="clients")
        yield Static("Loading clients…", id="status")
        yield DeskFooter()

    def on_mount(self) -> None:
        table = self.query_one(DeskTable)
        self.add_columns(table)
        table.focus()
        self.set_interval(1.0, self.tick)
        self.reload()

    def help_scopes(self) -> list[str]:
        return ["dashboard", "table"]

    def on_resize(self) -> None:
        self.fit_width()

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        self.fit_width()  # the terminal may have been resized while another screen was up

    def fit_width(self) -> None:
        if (self.app.size.width < NARROW) != self.narrow:
            self.add_columns(self.query_one(DeskTable))
            self.render_rows()

    def add_columns(self, table: DeskTable) -> None:
        # Below 100 columns the sparkline goes (the 24 h count stays) so that everything that
        # matters fits a plain 80x24 terminal without scrolling sideways.
        self.narrow = self.app.size.width < NARROW
        table.clear(columns=True)
        table.add_column("Client", key="client", width=16 if self.narrow else 22)
        table.add_column("Open CHML", key="open")
        table.add_column("Over", key="overdue")
        table.add_column("Next due", key="due", width=DUE_WIDTH)
        table.add_column("Neg 24h" if not self.narrow else "Neg", key="neg")
        if not self.narrow:
            table.add_column("7 days", key="spark")
        table.add_column("Unown", key="unowned")
        table.add_column("Sources", key="sources")

    def reload(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="dashboard")
    def load(self) -> None:
        started = time.perf_counter()
        with self.desk.services.sessions() as session:
            rows = dashboard(session, self.desk.now())
            waiting = approvals_waiting(session)
        self.post_message(self.Loaded(rows, time.perf_counter() - started, waiting))

    @on(Loaded)
    def _loaded(self, event: Loaded) -> None:
        self.rows = event.rows
        self.waiting = event.waiting
        if not self.loaded_once:
            self.call_after_refresh(self.desk.warm_up)
        self.loaded_once = True
        # Logged, not shown: a number that changes every load would only be noise on screen.
        log.debug("dashboard: %d clients in %.0f ms", len(event.rows), event.seconds * 1000)
        self.render_rows()
        self.show_status()

    def show_status(self) -> None:
        overdue = sum(r.overdue for r in self.rows)
        critical = sum(r.open_by_severity[3] for r in self.rows)
        status = Text()
        if not self.rows:
            # A first start: say how to get an agency in, rather than show an empty table.
            status.append(
                "No clients yet: `douse sync` writes your clients.toml (see clients.example.toml); "
                "`douse demo` builds a demo agency.",
                style="bold",
            )
            self.query_one("#status", Static).update(status)
            return
        status.append_text(self.shown_text())
        status.append("  ·  ")
        status.append(f"{overdue} overdue", style="bold red" if overdue else "")
        status.append("  ·  ")
        status.append(f"{critical} critical open", style="bold red" if critical else "")
        if self.waiting:
            status.append("  ·  ")
            status.append(
                f"{plural(self.waiting, 'reply', 'replies')} waiting for approval (y)",
                style="bold yellow",
            )
        status.append(f"\n{LEGEND}", style="dim")
        self.query_one("#status", Static).update(status)

    def shown_text(self) -> Text:
        """ "14 clients", or "5 of 14 clients (filter 'ac', Esc clears)" while filtered."""
        needle = self.query_one("#filter", Input).value.strip()
        if not needle:
            return Text(plural(len(self.rows), "client"))
        shown = self.query_one(DeskTable).row_count
        text = Text(f"{shown} of {plural(len(self.rows), 'client')}", style="bold")
        text.append(" (filter ")
        text.append(repr(needle), style="bold")
        text.append(", Esc clears)")
        return text

    def render_rows(self) -> None:
        table = self.query_one(DeskTable)
        keep = table.selected_key
        needle = self.query_one("#filter", Input).value.strip().lower()
        now = self.desk.now()
        table.clear()
        new_rows: list[RowSpec] = []
        for row in self.rows:
            if needle and needle not in row.name.lower() and needle not in row.slug.lower():
                continue
            cells = [
                safe(row.name, "bold" if row.overdue else "", limit=16 if self.narrow else 22),
                open_cell(row),
                count(row.overdue, "bold white on dark_red"),
                countdown(row.next_due_at, now),
                count(row.negative_24h, "red"),
                sparkline(row.negative_daily),
                count(row.unowned_accounts, "yellow"),
                sources_cell(row),
            ]
            if self.narrow:
                del cells[5]
            new_rows.append((str(row.client_id), cells))
        table.add_rows(new_rows)
        table.keep_cursor(keep)

    def tick(self) -> None:
        """Countdowns move every second from the loaded deadlines; no query per tick."""
        table = self.query_one(DeskTable)
        now = self.desk.now()
        for row in self.rows:
            if row.next_due_at is not None and str(row.client_id) in table.rows:
                table.refresh_cell(str(row.client_id), "due", countdown(row.next_due_at, now))

    def action_open_client(self) -> None:
        key = self.query_one(DeskTable).selected_key
        if key is not None:
            self.desk.open_client(int(key))

    @on(DeskTable.RowSelected)
    def _row_selected(self, event: DeskTable.RowSelected) -> None:
        event.stop()
        self.desk.open_client(int(event.row_key))

    def action_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.disabled = False
        box.add_class("shown")
        box.focus()

    @on(Input.Changed, "#filter")
    def _filter_changed(self) -> None:
        self.render_rows()
        self.show_status()

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        self.query_one(DeskTable).focus()

    def key_escape(self) -> None:
        box = self.query_one("#filter", Input)
        if box.has_focus or box.value:
            box.value = ""
            box.remove_class("shown")
            box.disabled = True
            self.query_one(DeskTable).focus()
