"""A tab of the client view: a filter line, a table, and data loaded by its own workers."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.timer import Timer
from textual.widgets import Input, Static

from douse.core.queries.rows import ClientRef
from douse.tui.widgets.base import DeskWrites, WorkerFailures
from douse.tui.widgets.table import DeskTable

if TYPE_CHECKING:
    from douse.tui.app import DouseApp

SEARCH_DEBOUNCE_S = 0.3


class Pane(DeskWrites, WorkerFailures, Vertical):
    DEFAULT_CSS = """
    Pane {
        height: 1fr;
        & > .pane-bar {
            height: 1;
            padding: 0 1;
            background: $boost;
        }
        & > Input.pane-filter {
            display: none;
            &.shown { display: block; }
        }
        & > .pane-empty {
            display: none;
            height: auto;
            padding: 1 2;
            color: $text-muted;
            &.shown { display: block; }
        }
        & > DeskTable { height: 1fr; }
    }
    """
    PLACEHOLDER: ClassVar[str] = "search — Enter keeps it, Esc clears"

    def __init__(self, client: ClientRef, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.client = client
        self.loaded = False
        self._debounce: Timer | None = None

    @property
    def desk(self) -> DouseApp:
        return cast("DouseApp", self.app)

    @property
    def table(self) -> DeskTable:
        return self.query_one(DeskTable)

    @property
    def search(self) -> str:
        return self.query_one(".pane-filter", Input).value.strip()

    def compose(self) -> ComposeResult:
        yield Static(classes="pane-bar")
        yield Input(placeholder=self.PLACEHOLDER, classes="pane-filter")
        yield Static(classes="pane-empty")
        yield self.compose_table()

    def compose_table(self) -> DeskTable:
        return DeskTable()

    def clear_selection(self) -> bool:
        """Escape's second job, after the search: forget a multi-selection (False: none)."""
        return False

    def on_mount(self) -> None:
        # Panes are mounted when their tab is first shown: load and take focus at once.
        self.setup_table(self.table)
        self.show_bar()
        self.reload()
        self.focus_table()

    def switch_client(self, client: ClientRef) -> None:
        """Show another client: forget this one's rows and search; the next show reloads."""
        self.client = client
        self.loaded = False
        box = self.query_one(".pane-filter", Input)
        with box.prevent(Input.Changed):
            box.value = ""
        box.remove_class("shown")
        self.forget_rows()
        self.table.clear()
        self.show_bar()

    def forget_rows(self) -> None:
        """Drop the loaded records (each pane keeps its own)."""

    def setup_table(self, table: DeskTable) -> None:
        """Add the columns."""

    def reload(self) -> None:
        """Start the worker that loads the first page."""

    def refilter(self) -> None:
        """The search (or another filter) changed: load what it shows now."""
        self.reload()

    def bar(self) -> Text:
        return Text()

    def show_empty(self, why: Text | None) -> None:
        """Under an empty list: why it is empty and what to do about it (None hides it)."""
        note = self.query_one(".pane-empty", Static)
        note.set_class(why is not None, "shown")
        if why is not None:
            note.update(why)

    def filtered(self) -> list[str]:
        """The filters in force on this list, in words ("search 'mould'"), for an empty list."""
        return [f"search {self.search!r}"] if self.search else []

    def empty_because(self, subject: str, nothing: str) -> Text:
        """Why a list is empty: "No incidents match status closed, search 'x'." and how to
        widen it while filters are on; else `nothing`, which says what to do."""
        filters = self.filtered()
        if not filters:
            return Text(nothing)
        text = Text(f"No {subject} match {', '.join(filters)}.", style="bold")
        text.append(" Esc clears the search; the keys below change the other filters.")
        return text

    def show_bar(self) -> None:
        text = self.bar()
        if self.search:
            text.append("  search: ", style="dim")
            text.append(self.search, style="bold")
        self.query_one(".pane-bar", Static).update(text)

    def focus_table(self) -> None:
        self.table.focus()

    def action_filter(self) -> None:
        box = self.query_one(".pane-filter", Input)
        box.add_class("shown")
        box.focus()

    @on(Input.Changed, ".pane-filter")
    def _search_changed(self) -> None:
        # Searching hits the database: wait until the typing pauses.
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(SEARCH_DEBOUNCE_S, self._search_now)

    def _search_now(self) -> None:
        self.show_bar()
        self.refilter()

    @on(Input.Submitted, ".pane-filter")
    def _search_submitted(self) -> None:
        box = self.query_one(".pane-filter", Input)
        if not box.value:
            box.remove_class("shown")
        self.focus_table()

    def clear_search(self) -> bool:
        box = self.query_one(".pane-filter", Input)
        if not (box.has_focus or box.value):
            return False
        had = bool(box.value)
        # Searched again right here: a debounced search still to come would run after the
        # view may have closed (Esc, Esc, quit) and find its widgets gone.
        if self._debounce is not None:
            self._debounce.stop()
        with box.prevent(Input.Changed):
            box.value = ""
        box.remove_class("shown")
        self.focus_table()
        if had:
            self._search_now()
        return True
