"""The agency dashboard: one row per client, most urgent first; Enter opens the client."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import Input, Static

from douse.core.queries.dashboard import approvals_waiting, dashboard
from douse.core.queries.rows import DashboardRow
from douse.core.wording import plural
from douse.tui.actions import bindings
from douse.tui.screens.base import DeskScreen
from douse.tui.widgets.footer import DeskFooter
from douse.tui.widgets.header import DeskHeader
from douse.tui.widgets.records import Fetch, FetchAside, Records
from douse.tui.widgets.table import DeskTable
from douse.tui.widgets.text import (
    DUE_WIDTH,
    SEVERITY_STYLE,
    count,
    countdown,
    safe,
    sparkline,
)

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


class DashboardScreen(Records[DashboardRow, int], DeskScreen):
    """The clients (every one, a few hundred at most: no pages), with the replies waiting for
    an approver loaded beside them; `/` filters what is loaded, without a query."""

    CSS_PATH = "dashboard.tcss"
    BINDINGS: ClassVar = bindings("dashboard")
    # Keys typed while the desk starts go to the list, never to the hidden filter (which is
    # disabled until `/` shows it): a filter nobody sees must never hide clients.
    AUTO_FOCUS = "#clients"

    def __init__(self) -> None:
        super().__init__()
        self.waiting = 0
        """Replies waiting for an approver."""
        self.narrow = False
        self._needle = ""
        self._warmed = False

    @property
    def table(self) -> DeskTable:
        return self.query_one(DeskTable)

    def compose(self) -> ComposeResult:
        yield DeskHeader("Agency dashboard")
        yield Input(
            placeholder="filter clients (name or slug) — Esc clears", id="filter", disabled=True
        )
        yield DeskTable(id="clients")
        yield Static("Loading clients…", id="status")
        yield DeskFooter()

    def on_mount(self) -> None:
        self.start_listing()
        self.set_interval(1.0, self.tick)

    def help_scopes(self) -> list[str]:
        return ["dashboard", "table"]

    def on_resize(self) -> None:
        self.fit_width()

    def on_screen_resume(self) -> None:
        # DeskScreen's own handler runs too: Textual calls each class's in the MRO.
        self.fit_width()  # the terminal may have been resized while another screen was up

    def fit_width(self) -> None:
        if (self.app.size.width < NARROW) != self.narrow:
            self.redraw()

    def columns(self, table: DeskTable) -> None:
        # Below 100 columns the sparkline goes (the 24 h count stays) so that everything that
        # matters fits a plain 80x24 terminal without scrolling sideways.
        self.narrow = self.app.size.width < NARROW
        table.add_column("Client", key="client", width=16 if self.narrow else 22)
        table.add_column("Open CHML", key="open")
        table.add_column("Over", key="overdue")
        table.add_column("Next due", key="due", width=DUE_WIDTH)
        table.add_column("Neg 24h" if not self.narrow else "Neg", key="neg")
        if not self.narrow:
            table.add_column("7 days", key="spark")
        table.add_column("Unown", key="unowned")
        table.add_column("Sources", key="sources")

    def fetcher(self) -> Fetch[DashboardRow]:
        now = self.desk.now()
        return lambda session, window: dashboard(session, now)

    def aside_fetcher(self) -> FetchAside[DashboardRow, int]:
        return lambda session, rows: approvals_waiting(session)

    def took_aside(self, aside: int | None) -> None:
        self.waiting = aside or 0

    def key(self, row: DashboardRow) -> str:
        return str(row.client_id)

    def shows(self, row: DashboardRow) -> bool:
        needle = self._needle
        return not needle or needle in row.name.lower() or needle in row.slug.lower()

    def cells(self, row: DashboardRow, now: datetime) -> list[Text]:
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
        return cells

    def show_state(self) -> None:
        if not self._warmed:
            # The desk is up: what it warms up in the background may start.
            self._warmed = True
            self.call_after_refresh(self.desk.warm_up)
        self.show_status()

    def show_status(self) -> None:
        rows = self.rows.values()
        status = self.failure_text("the clients") or Text()
        if not self.rows:
            if not status:
                # A first start: say how to get an agency in, rather than show an empty table.
                status.append(
                    "No clients yet: `douse sync` writes your clients.toml (see "
                    "clients.example.toml); `douse demo` builds a demo agency.",
                    style="bold",
                )
            self.query_one("#status", Static).update(status)
            return
        if status:
            status.append("\n")
        overdue = sum(r.overdue for r in rows)
        critical = sum(r.open_by_severity[3] for r in rows)
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
        shown = self.table.row_count
        text = Text(f"{shown} of {plural(len(self.rows), 'client')}", style="bold")
        text.append(" (filter ")
        text.append(repr(needle), style="bold")
        text.append(", Esc clears)")
        return text

    def tick(self) -> None:
        """Countdowns move every second from the loaded deadlines; no query per tick."""
        table = self.table
        now = self.desk.now()
        for key, row in self.rows.items():
            if row.next_due_at is not None and key in table.rows:
                table.refresh_cell(key, "due", countdown(row.next_due_at, now))

    def action_open_client(self) -> None:
        row = self.selected
        if row is not None:
            self.desk.open_client(row.client_id)

    @on(DeskTable.RowSelected)
    def _row_selected(self, event: DeskTable.RowSelected) -> None:
        event.stop()
        self.action_open_client()

    def action_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.disabled = False
        box.add_class("shown")
        box.focus()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self._needle = event.value.strip().lower()
        self.redraw()
        self.show_status()

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        self.table.focus()

    def key_escape(self) -> None:
        box = self.query_one("#filter", Input)
        if box.has_focus or box.value:
            box.value = ""
            box.remove_class("shown")
            box.disabled = True
            self.table.focus()
