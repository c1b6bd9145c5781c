"""A list of records on a DeskTable, loaded off the UI thread: every list of the desk is one.

A list says what to load (`fetcher`, built on the UI thread from the filters in force, run in a
worker), what a record looks like (`cells`), and how it shows what landed (`show_state`: a bar,
why it is empty, why the last load failed). Loading, pages, dropping what a superseded load brings
back, keeping the cursor on the same record across reloads, `selected`, a filter over what is
loaded (`shows`) and the failure of a load (`failure`) are here, once, for the client view's tabs
(tui/widgets/list_pane.py) and the desk's screens that list (the dashboard, the queues, approvals,
an incident's mentions) alike.

`Records` is mixed in first, before the Textual class it rides on (`class X(Records[...], Pane)`),
so its `__init__` runs; its handlers go by Textual's naming convention because Textual collects
`@on` decorators only from its own classes. The host provides `desk` and `table`.

Rows are keyed by their `id` (`key` says otherwise), so any read model's row type fits.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Protocol, TypeVar, cast

from rich.text import Text
from sqlalchemy.orm import Session
from textual import work
from textual.message import Message
from textual.worker import Worker, WorkerState

from douse.tui.widgets.table import DeskTable, RowSpec
from douse.tui.widgets.text import clean

if TYPE_CHECKING:
    from douse.tui.app import DouseApp

log = logging.getLogger(__name__)


class Keyed(Protocol):
    @property
    def id(self) -> int: ...


RowT = TypeVar("RowT")
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
"""Loads what a fresh list needs beside its rows (counts, who can own an account, why it is
empty)."""


@dataclass
class RowsLoaded(Message, Generic[RowT, AsideT]):
    rows: Sequence[RowT]
    window: Window[RowT]
    generation: int
    aside: AsideT | None
    seconds: float
    """How long the worker took (logged, not shown: a figure changing every load is noise)."""


class Records(Generic[RowT, AsideT]):
    """Records of type RowT on `table`, with optional data of type AsideT loaded beside them."""

    PAGE: ClassVar[int | None] = None
    """Rows a load asks for at a time; None loads the whole list at once."""

    # Provided by the widget or screen this is mixed into (declared for the type checker only:
    # at run time a definition here would hide the host's, which comes later in the MRO).
    if TYPE_CHECKING:
        post_message: Callable[[Message], bool]
        run_worker: Callable[..., Any]

        @property
        def desk(self) -> DouseApp: ...

        @property
        def table(self) -> DeskTable: ...

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows: dict[str, RowT] = {}
        """The records loaded, by key, in their order; those `shows` keeps are on screen."""
        self.loaded = False
        """No load is pending (False until the first lands, and while a page loads)."""
        self.exhausted = False
        """Every row there is has been loaded (no next page)."""
        self.failure: str | None = None
        """Why the last load failed, in one line; None once a load lands."""
        # Bumped by each fresh load and each switch of what is listed: what an older load
        # brings back (another client's rows, a search typed over) is dropped when it lands.
        self._generation = 0
        self._fresh_pending = False
        self._after_page: Callable[[], None] | None = None

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

    def show_state(self) -> None:
        """After rows landed: the bar, and why the list is empty when it is."""

    def key(self, row: RowT) -> str:
        return str(cast(Keyed, row).id)

    def shows(self, row: RowT) -> bool:
        """Whether a loaded record is on screen: a filter over what is loaded, without a query
        (`redraw` applies a change of it). Every loaded record is in `rows` either way."""
        return True

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

    def failure_text(self, what: str = "this list") -> Text | None:
        """Why the last load failed and what to do, for where the list says it is empty; None
        when it did not fail."""
        if self.failure is None:
            return None
        text = Text(f"Could not load {what}: ", style="bold red")
        text.append(clean(self.failure, limit=300).rstrip(".") + ".")
        text.append(" Ctrl+R tries again.", style="dim")
        return text

    # -- loading ----------------------------------------------------------------------------

    def start_listing(self) -> None:
        """Once mounted: lay out the columns, take the focus, start the first load."""
        table = self.table
        self.columns(table)
        table.focus()
        self.reload()

    def forget_rows(self) -> None:
        """Another list (another client, another filter): what is loaded is no longer it."""
        self._generation += 1
        self._fresh_pending = False
        self._after_page = None
        self.rows = {}
        self.exhausted = False
        self.failure = None

    def reload(self) -> None:
        """Load again with the same filters, as many rows as are listed (a page at least), so
        the cursor stays on its record however far down it was."""
        limit = None if self.PAGE is None else max(self.PAGE, len(self.rows))
        self._fresh(Window(0, limit))

    def refilter(self) -> None:
        """The filters changed: load the first page of what they show."""
        self._fresh(Window(0, self.PAGE))

    def more(self, at_least: int | None = None, then: Callable[[], None] | None = None) -> bool:
        """Load the next page (at least `at_least` rows), one request at a time; `then` runs
        once it has landed. False when nothing was asked for."""
        last = self.last
        if self.PAGE is None or self.exhausted or not self.loaded or last is None:
            return False
        if self._fresh_pending:
            return False  # the next page of a list about to be replaced
        self.loaded = False
        self._after_page = then
        limit = max(self.PAGE, at_least or 0)
        self._load_page(self.fetcher(), Window(len(self.rows), limit, last), self._generation)
        return True

    def _fresh(self, window: Window[RowT]) -> None:
        self._generation += 1
        self._fresh_pending = True
        self._after_page = None
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
        started = time.perf_counter()
        with self.desk.services.sessions() as session:
            rows = fetch(session, window)
            aside = fetch_aside(session, rows) if fetch_aside is not None else None
        seconds = time.perf_counter() - started
        self.post_message(RowsLoaded(rows, window, generation, aside, seconds))

    @work(thread=True, exclusive=True, exit_on_error=False, group="list")
    def _load_page(self, fetch: Fetch[RowT], window: Window[RowT], generation: int) -> None:
        started = time.perf_counter()
        with self.desk.services.sessions() as session:
            rows = fetch(session, window)
        seconds = time.perf_counter() - started
        self.post_message(RowsLoaded(rows, window, generation, None, seconds))

    def on_rows_loaded(self, event: RowsLoaded[RowT, AsideT]) -> None:
        event.stop()
        if event.generation != self._generation:
            return  # superseded: another client, other filters, a newer reload
        log.debug(
            "%s: %d rows in %.0f ms", type(self).__name__, len(event.rows), event.seconds * 1000
        )
        self.loaded = True
        self.failure = None
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
            if key not in self.rows:  # moved up the list between two pages
                self.rows[key] = row
                added.append(row)
        table.add_rows(self._specs(added))
        if fresh:
            table.keep_cursor(keep)
            table.prune_selection()
        self.show_state()
        then, self._after_page = self._after_page, None
        if then is not None and not fresh:
            then()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # Not stopped: WorkerFailures, later in the MRO, also turns it into a notification.
        if event.worker.group != "list" or event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        self.failure = self.desk.failure_line(error) if error is not None else "unknown error"
        # Nothing is pending any more: the next reload (or page) may be asked for.
        self.loaded = True
        self._fresh_pending = False
        self._after_page = None
        self.show_state()

    def _specs(self, rows: Iterable[RowT]) -> list[RowSpec]:
        now = self.desk.now()
        return [(self.key(row), self.cells(row, now)) for row in rows if self.shows(row)]

    # -- showing ----------------------------------------------------------------------------

    def redraw(self) -> None:
        """Lay the columns out again and draw every row shown (the terminal's width changed
        what fits, or what `shows`), the cursor on the same record."""
        table = self.table
        keep = table.selected_key
        table.clear(columns=True)
        self.columns(table)
        table.add_rows(self._specs(self.rows.values()))
        table.keep_cursor(keep)

    def on_desk_table_row_highlighted(self, event: DeskTable.RowHighlighted) -> None:
        if event.table is not self.table:
            return  # another table of the same screen (an incident's timeline)
        event.stop()
        self.highlighted()
        if self.table.near_end:
            self.more()
