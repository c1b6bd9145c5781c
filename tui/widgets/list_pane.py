"""A client-view tab that lists records: every list of the client view is one of these.

A list says what to load (`fetcher`, built on the UI thread from the filters in force, run in a
worker), what a record looks like (`cells`) and why the list may be empty (`why_empty`). Loading
off the UI thread, pages, dropping what a superseded load brings back, keeping the cursor on the
same record across reloads and `selected` are here, once.

Rows are keyed by their `id` (`key` says otherwise), so any read model's row type fits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar, Generic, Protocol, TypeVar

from rich.text import Text
from sqlalchemy.orm import Session
from textual import on, work
from textual.message import Message

from core.queries.rows import ClientRef
from tui.widgets.pane import Pane
from tui.widgets.table import DeskTable, RowSpec


class Keyed(Protocol):
    @property
    def id(self) -> int: ...


RowT = TypeVar("RowT", bound=Keyed)
AsideT = TypeVar("AsideT")


@dataclass(frozen=True)
class Window(Generic[RowT]):
    """Which rows a load asks for: from `offset` (0 starts the list afresh), at most `limit`
    (None: all of them), after `last` (the last row listed, for lists paged by key)."""

    offset: int
    limit: int | None
    last: RowT | None = None


Fetch = Callable[[Session, Window[RowT]], Sequence[RowT]]
"""Loads rows in a worker thread; built on the UI thread, so it holds the filters of that moment."""
FetchAside = Callable[[Session, Sequence[RowT]], AsideT | None]
"""Loads what a fresh list needs beside its rows (who can own an account, why it is empty)."""


@dataclass
class RowsLoaded(Message, Generic[RowT, AsideT]):
    rows: Sequence[RowT]
    window: Window[RowT]
    generation: int
    aside: AsideT | None


class ListPane(Pane, Generic[RowT, AsideT]):
    """A Pane of records of type RowT, with optional data of type AsideT loaded beside them."""

    PAGE: ClassVar[int | None] = None
    """Rows a load asks for at a time; None loads the whole list at once."""

    def __init__(self, client: ClientRef, *, id: str | None = None) -> None:
        super().__init__(client, id=id)
        self.rows: dict[str, RowT] = {}
        """The records listed, by key, in their order on screen."""
        self.exhausted = False
        """Every row there is has been loaded (no next page)."""
        # Bumped by each fresh load and each client switch: what an older load brings back
        # (another client's rows, a search typed over) is dropped when it lands.
        self._generation = 0
        self._fresh_pending = False

    # -- what a list says about itself ------------------------------------------------------

    def fetcher(self) -> Fetch[RowT]:
        """How to load the rows with the filters in force now."""
        raise NotImplementedError

    def aside_fetcher(self) -> FetchAside[RowT, AsideT] | None:
        """How to load what a fresh list needs beside its rows; None: nothing."""
        return None

    def took_aside(self, aside: AsideT | None) -> None:
        """A fresh list landed with what `aside_fetcher` loaded (None when it loaded nothing)."""

    def cells(self, row: RowT, now: datetime) -> Sequence[Text | str]:
        raise NotImplementedError

    def columns(self, table: DeskTable) -> None:
        """Add the columns."""
        raise NotImplementedError

    def why_empty(self) -> Text:
        """Under an empty list: why it is empty and what to do (see `empty_because`)."""
        raise NotImplementedError

    def key(self, row: RowT) -> str:
        return str(row.id)

    def highlighted(self) -> None:
        """The cursor moved onto another row."""

    # -- reading ----------------------------------------------------------------------------

    @property
    def selected(self) -> RowT | None:
        """The record under the cursor; None on an empty list."""
        key = self.table.selected_key
        return self.rows.get(key) if key is not None else None

    @property
    def last(self) -> RowT | None:
        return next(reversed(self.rows.values()), None)

    # -- loading ----------------------------------------------------------------------------

    def setup_table(self, table: DeskTable) -> None:
        self.columns(table)

    def forget_rows(self) -> None:
        self._generation += 1
        self._fresh_pending = False
        self.rows = {}
        self.exhausted = False

    def reload(self) -> None:
        """Load again with the same filters, as many rows as are listed (a page at least), so
        the cursor stays on its record however far down it was."""
        limit = None if self.PAGE is None else max(self.PAGE, len(self.rows))
        self._fresh(Window(0, limit))

    def refilter(self) -> None:
        """The filters changed: load the first page of what they show."""
        self._fresh(Window(0, self.PAGE))

    def more(self) -> None:
        """Load the next page, one request at a time."""
        last = self.last
        if self.PAGE is None or self.exhausted or not self.loaded or last is None:
            return
        if self._fresh_pending:
            return  # the next page of a list about to be replaced
        self.loaded = False
        self._load_page(self.fetcher(), Window(len(self.rows), self.PAGE, last), self._generation)

    def _fresh(self, window: Window[RowT]) -> None:
        self._generation += 1
        self._fresh_pending = True
        self._load_fresh(self.fetcher(), self.aside_fetcher(), window, self._generation)

    # One group: a fresh load cancels a page still loading (a thread already running cannot
    # be stopped; what it brings back is dropped when it lands). No page is asked for while a
    # fresh load is pending, so a page never cancels one.
    @work(thread=True, exclusive=True, exit_on_error=False, group="list")
    def _load_fresh(
        self,
        fetch: Fetch[RowT],
        fetch_aside: FetchAside[RowT, AsideT] | None,
        window: Window[RowT],
        generation: int,
    ) -> None:
        with self.desk.services.sessions() as session:
            rows = fetch(session, window)
            aside = fetch_aside(session, rows) if fetch_aside is not None else None
        self.post_message(RowsLoaded(rows, window, generation, aside))

    @work(thread=True, exclusive=True, exit_on_error=False, group="list")
    def _load_page(self, fetch: Fetch[RowT], window: Window[RowT], generation: int) -> None:
        with self.desk.services.sessions() as session:
            rows = fetch(session, window)
        self.post_message(RowsLoaded(rows, window, generation, None))

    @on(RowsLoaded)
    def _landed(self, event: RowsLoaded[RowT, AsideT]) -> None:
        event.stop()
        if event.generation != self._generation:
            return  # superseded: another client, other filters, a newer reload
        self.loaded = True
        table = self.table
        keep = table.selected_key
        fresh = event.window.offset == 0
        if fresh:
            self._fresh_pending = False
            self.rows = {}
            table.clear()
            self.took_aside(event.aside)
        limit = event.window.limit
        self.exhausted = limit is None or len(event.rows) < limit
        added = []
        for row in event.rows:
            key = self.key(row)
            if key not in self.rows:
                self.rows[key] = row
                added.append(row)
        table.add_rows(self._specs(added))
        if fresh:
            table.keep_cursor(keep)
            table.prune_selection()
        self.show_state()

    def _specs(self, rows: Iterable[RowT]) -> list[RowSpec]:
        now = self.desk.now()
        return [(self.key(row), self.cells(row, now)) for row in rows]

    # -- showing ----------------------------------------------------------------------------

    def show_state(self) -> None:
        """After rows landed: the bar, and why the list is empty when it is."""
        self.show_bar()
        self.show_empty(None if self.rows else self.why_empty())

    def redraw(self) -> None:
        """Lay the columns out again and draw every row (the terminal's width changed what
        fits), the cursor on the same record."""
        table = self.table
        keep = table.selected_key
        table.clear(columns=True)
        self.columns(table)
        table.add_rows(self._specs(self.rows.values()))
        table.keep_cursor(keep)

    @on(DeskTable.RowHighlighted)
    def _cursor_moved(self, event: DeskTable.RowHighlighted) -> None:
        event.stop()
        self.highlighted()
        if self.table.near_end:
            self.more()
