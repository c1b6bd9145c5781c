"""My queue / deadline queue: everything due or overdue across all clients, by deadline.

`m`: mine, due within a day or overdue. `o`: every open incident with a running deadline, anyone's,
overdue ones first (in red), then the soonest; `n` jumps past the overdue ones to the next to
breach. Several can be selected and acted on at once, as on a client's Incidents tab.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Static

from core.queries.incidents import queue, queue_counts
from core.queries.rows import IncidentRow, QueueCounts
from core.wording import plural
from tui.actions import bindings
from tui.screens.base import DeskScreen
from tui.widgets.bulk import BulkIncidents, selection_bar
from tui.widgets.footer import DeskFooter
from tui.widgets.header import DeskHeader
from tui.widgets.incidents_pane import severity_cell, status_cell, title_cell
from tui.widgets.table import DeskTable, RowSpec
from tui.widgets.text import DUE_WIDTH, NARROW, count, countdown, safe

# The first page only: building and measuring 200 rows cost more than the key's whole budget;
# the next page loads as the cursor nears the end, and the bar's counts come from one COUNT.
PAGE = 50
MINE_HORIZON = timedelta(hours=24)
SOON = timedelta(hours=1)


def queue_cells(r: IncidentRow, now: datetime, narrow: bool = False) -> list[Text]:
    """An overdue row stands out (red number, bold client and title), not only its deadline."""
    overdue = r.due_at is not None and r.due_at <= now
    cells = [
        countdown(r.due_at, now),
        safe(r.client_slug, "bold" if overdue else "", limit=12 if narrow else 18),
        Text(f"#{r.id}", style="bold red" if overdue else "dim"),
        severity_cell(r.severity, narrow),
        status_cell(r.status, narrow),
        safe(r.owner, limit=8 if narrow else 10) if r.owner else Text("unowned", style="yellow"),
        count(r.mention_count),
        title_cell(r, overdue),
    ]
    if narrow:
        del cells[6]  # the mention count: the title needs the room more
    return cells


class QueueScreen(BulkIncidents, DeskScreen):
    BINDINGS: ClassVar = [*bindings("queue"), *bindings("bulk")]
    DEFAULT_CSS = """
    QueueScreen #queue { height: 1fr; }
    QueueScreen #queue-bar { height: 1; padding: 0 1; background: $boost; }
    QueueScreen #queue-empty {
        display: none; height: auto; padding: 1 2; color: $text-muted;
        &.shown { display: block; }
    }
    """

    mine: reactive[bool] = reactive(True, init=False)
    """True: due within a day or overdue, owned by me. False: every running deadline, anybody's."""

    @dataclass
    class Loaded(Message):
        rows: list[IncidentRow]
        mine: bool
        offset: int
        counts: QueueCounts | None
        """Counted with the first page only."""
        jump: bool = False
        """Loaded to reach the next to breach: put the cursor there."""

    def __init__(self, *, mine: bool) -> None:
        super().__init__()
        self.set_reactive(QueueScreen.mine, mine)
        self.rows: list[IncidentRow] = []
        self.counts = QueueCounts(0, 0, 0)
        self.exhausted = False
        self.loading = False
        self.narrow = False

    def compose(self) -> ComposeResult:
        yield DeskHeader(self._title())
        yield Static(id="queue-bar")
        yield Static(id="queue-empty")
        yield DeskTable(id="queue", selectable=True)
        yield DeskFooter()

    def add_columns(self, table: DeskTable) -> None:
        # Title last: on a narrow terminal it is the one clipped, never the deadline or owner;
        # below NARROW columns the mention count goes and words shorten so the title stays.
        self.narrow = self.app.size.width < NARROW
        table.clear(columns=True)
        table.add_column("Due", key="due", width=DUE_WIDTH)
        table.add_column("Client", key="client")
        table.add_column("#", key="id")
        table.add_column("Sev", key="severity")
        table.add_column("Status", key="status")
        table.add_column("Owner", key="owner")
        if not self.narrow:
            table.add_column("Ment", key="mentions")
        table.add_column("Title", key="title")

    def on_resize(self) -> None:
        if (self.app.size.width < NARROW) != self.narrow:
            table = self.query_one(DeskTable)
            keep = table.selected_key
            self.add_columns(table)
            now = self.desk.now()
            table.add_rows([(str(r.id), queue_cells(r, now, self.narrow)) for r in self.rows])
            table.keep_cursor(keep)

    def help_scopes(self) -> list[str]:
        return ["queue", "select", "bulk", "table"]

    def _title(self) -> str:
        return "My queue" if self.mine else "All deadlines, overdue first"

    def on_mount(self) -> None:
        table = self.query_one(DeskTable)
        self.add_columns(table)
        table.focus()
        self.set_interval(1.0, self.tick)
        self.reload()

    def watch_mine(self) -> None:
        self.query_one(DeskHeader).set_where(self._title())
        self.rows = []  # another list: start again from its first page
        self.query_one(DeskTable).clear_selection()
        self.reload()

    def bulk_table(self) -> DeskTable:
        return self.query_one(DeskTable)

    def bulk_rows(self) -> dict[str, IncidentRow]:
        return {str(r.id): r for r in self.rows}

    @on(DeskTable.SelectionChanged)
    def _selection_changed(self, event: DeskTable.SelectionChanged) -> None:
        event.stop()
        self.query_one("#queue-bar", Static).update(self.bar())

    def key_escape(self, event: events.Key) -> None:
        # The selection first; left to bubble, Escape would also close the queue.
        event.stop()
        if not self.query_one(DeskTable).clear_selection():
            self.desk.go_back()

    def reload(self) -> None:
        # A reload keeps as many rows as were scrolled into view, so the cursor stays put.
        self.loading = True
        self.load(self.mine, 0, max(PAGE, len(self.rows)))

    @work(thread=True, exclusive=True, exit_on_error=False, group="queue")
    def load(self, mine: bool, offset: int, limit: int, jump: bool = False) -> None:
        now = self.desk.now()
        owner = self.desk.me if mine else None
        horizon = MINE_HORIZON if mine else None
        with self.desk.services.sessions() as session:
            rows = queue(session, now, owner=owner, horizon=horizon, limit=limit, offset=offset)
            counts = None
            if offset == 0:
                counts = queue_counts(session, now, owner=owner, horizon=horizon, soon=SOON)
        self.post_message(self.Loaded(rows, mine, offset, counts, jump))

    @on(Loaded)
    def _loaded(self, event: Loaded) -> None:
        if event.mine != self.mine:
            return  # an answer to a question no longer asked
        self.loading = False
        now = self.desk.now()
        table = self.query_one(DeskTable)
        keep = table.selected_key
        if event.offset == 0:
            self.rows = []
            table.clear()
        if event.counts is not None:
            self.counts = event.counts
        self.exhausted = len(self.rows) + len(event.rows) >= self.counts.total
        new_rows: list[RowSpec] = []
        for r in event.rows:
            if str(r.id) in table.rows:
                continue  # moved up the queue between two pages
            self.rows.append(r)
            new_rows.append((str(r.id), queue_cells(r, now, self.narrow)))
        table.add_rows(new_rows)
        if event.jump:
            self.action_next_due()
        elif event.offset == 0:
            table.keep_cursor(keep)
        if event.offset == 0:
            table.prune_selection()
        self.query_one("#queue-bar", Static).update(self.bar())
        empty = self.query_one("#queue-empty", Static)
        empty.set_class(not self.rows, "shown")
        if not self.rows:
            empty.update(
                "Nothing of yours is due in the next 24 hours, and nothing of yours is overdue. "
                "o shows every running deadline, anyone's."
                if self.mine
                else "No running deadlines: every open incident is answered, waiting on the "
                "customer, or in monitor."
            )

    def bar(self) -> Text:
        selected = selection_bar(self.query_one(DeskTable))
        if selected is not None:
            return selected
        total, overdue, soon = self.counts
        bar = Text(no_wrap=True, overflow="ellipsis")
        bar.append(plural(total, "incident"), style="bold")
        bar.append(f"  ·  {overdue} overdue", style="bold red" if overdue else "dim")
        bar.append(f"  ·  {soon} due within 1 h", style="bold yellow" if soon else "dim")
        if soon:
            bar.append(" (n)", style="dim")
        other = "o all deadlines" if self.mine else "m mine (due in 24 h)"
        bar.append(f"  ·  {other}", style="dim")
        return bar

    def tick(self) -> None:
        now = self.desk.now()
        table = self.query_one(DeskTable)
        for r in self.rows:
            table.refresh_cell(str(r.id), "due", countdown(r.due_at, now))

    def action_next_due(self) -> None:
        """The cursor to the first incident not yet overdue: the next to breach.

        The queue is ordered by deadline, so it is row `overdue` (counted with the first page);
        rows down to it load first when it is beyond what is loaded."""
        table = self.query_one(DeskTable)
        target = self.counts.overdue
        if target >= self.counts.total:
            self.notify("Nothing due that is not overdue already.", severity="warning")
            return
        if target < len(self.rows):
            table.move_cursor(row=target)
            return
        if not self.loading:
            self.loading = True
            self.load(self.mine, len(self.rows), target - len(self.rows) + PAGE, True)

    @on(DeskTable.RowHighlighted)
    def _highlighted(self, event: DeskTable.RowHighlighted) -> None:
        event.stop()
        table = self.query_one(DeskTable)
        if table.near_end and not self.exhausted and not self.loading:
            self.loading = True  # one page request at a time
            self.load(self.mine, len(self.rows), PAGE)

    @on(DeskTable.RowSelected)
    def _selected(self, event: DeskTable.RowSelected) -> None:
        event.stop()
        self.action_open_incident()

    def action_open_incident(self) -> None:
        key = self.query_one(DeskTable).selected_key
        if key is not None:
            self.desk.open_incident(int(key))
