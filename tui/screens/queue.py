"""My queue / deadline queue: everything due or overdue across all clients, by deadline.

`m`: mine, due within a day or overdue. `o`: every open incident with a running deadline, anyone's,
overdue ones first (in red), then the soonest; `n` jumps past the overdue ones to the next to
breach. Several can be selected and acted on at once, as on a client's Incidents tab.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import ClassVar

from rich.text import Text
from sqlalchemy.orm import Session
from textual import events, on
from textual.app import ComposeResult
from textual.reactive import reactive
from textual.widgets import Static

from douse.core.queries.incidents import queue, queue_counts
from douse.core.queries.rows import IncidentRow, QueueCounts
from douse.core.wording import plural
from douse.tui.actions import bindings
from douse.tui.screens.base import DeskScreen
from douse.tui.widgets.bulk import BulkIncidents, selection_bar
from douse.tui.widgets.footer import DeskFooter
from douse.tui.widgets.header import DeskHeader
from douse.tui.widgets.incidents_pane import severity_cell, status_cell, title_cell
from douse.tui.widgets.records import Fetch, FetchAside, Records, Window
from douse.tui.widgets.table import DeskTable
from douse.tui.widgets.text import DUE_WIDTH, NARROW, count, countdown, safe

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


class QueueScreen(Records[IncidentRow, QueueCounts], BulkIncidents, DeskScreen):
    BINDINGS: ClassVar = [*bindings("queue"), *bindings("bulk")]
    DEFAULT_CSS = """
    QueueScreen #queue { height: 1fr; }
    QueueScreen #queue-bar { height: 1; padding: 0 1; background: $boost; }
    QueueScreen #queue-empty {
        display: none; height: auto; padding: 1 2; color: $text-muted;
        &.shown { display: block; }
    }
    """
    PAGE = PAGE

    mine: reactive[bool] = reactive(True, init=False)
    """True: due within a day or overdue, owned by me. False: every running deadline, anybody's."""

    def __init__(self, *, mine: bool) -> None:
        super().__init__()
        self.set_reactive(QueueScreen.mine, mine)
        self.counts = QueueCounts(0, 0, 0)
        self.narrow = False

    @property
    def table(self) -> DeskTable:
        return self.query_one(DeskTable)

    def compose(self) -> ComposeResult:
        yield DeskHeader(self._title())
        yield Static(id="queue-bar")
        yield Static(id="queue-empty")
        yield DeskTable(id="queue", selectable=True)
        yield DeskFooter()

    def columns(self, table: DeskTable) -> None:
        # Title last: on a narrow terminal it is the one clipped, never the deadline or owner;
        # below NARROW columns the mention count goes and words shorten so the title stays.
        self.narrow = self.app.size.width < NARROW
        table.add_column("Due", key="due", width=DUE_WIDTH)
        table.add_column("Client", key="client")
        table.add_column("#", key="id")
        table.add_column("Sev", key="severity")
        table.add_column("Status", key="status")
        table.add_column("Owner", key="owner")
        if not self.narrow:
            table.add_column("Ment", key="mentions")
        table.add_column("Title", key="title")

    def cells(self, row: IncidentRow, now: datetime) -> list[Text]:
        return queue_cells(row, now, self.narrow)

    def on_resize(self) -> None:
        if (self.app.size.width < NARROW) != self.narrow:
            self.redraw()

    def help_scopes(self) -> list[str]:
        return ["queue", "select", "bulk", "table"]

    def _title(self) -> str:
        return "My queue" if self.mine else "All deadlines, overdue first"

    def on_mount(self) -> None:
        self.start_listing()
        self.set_interval(1.0, self.tick)

    def watch_mine(self) -> None:
        self.query_one(DeskHeader).set_where(self._title())
        self.forget_rows()  # another list: start again from its first page
        self.table.clear_selection()
        self.refilter()

    def bulk_table(self) -> DeskTable:
        return self.table

    def bulk_rows(self) -> dict[str, IncidentRow]:
        return self.rows

    @on(DeskTable.SelectionChanged)
    def _selection_changed(self, event: DeskTable.SelectionChanged) -> None:
        event.stop()
        self.query_one("#queue-bar", Static).update(self.bar())

    def key_escape(self, event: events.Key) -> None:
        # The selection first; left to bubble, Escape would also close the queue.
        event.stop()
        if not self.table.clear_selection():
            self.desk.go_back()

    def fetcher(self) -> Fetch[IncidentRow]:
        now = self.desk.now()
        owner = self.desk.me if self.mine else None
        horizon = MINE_HORIZON if self.mine else None

        def fetch(session: Session, window: Window[IncidentRow]) -> list[IncidentRow]:
            return queue(
                session,
                now,
                owner=owner,
                horizon=horizon,
                limit=window.limit or PAGE,
                offset=window.offset,
            )

        return fetch

    def aside_fetcher(self) -> FetchAside[IncidentRow, QueueCounts]:
        # Counted with the first page only: the bar's figures, and where `n` jumps to.
        now = self.desk.now()
        owner = self.desk.me if self.mine else None
        horizon = MINE_HORIZON if self.mine else None
        return lambda session, rows: queue_counts(
            session, now, owner=owner, horizon=horizon, soon=SOON
        )

    def took_aside(self, aside: QueueCounts | None) -> None:
        if aside is not None:
            self.counts = aside

    def show_state(self) -> None:
        self.query_one("#queue-bar", Static).update(self.bar())
        empty = self.query_one("#queue-empty", Static)
        why = self.failure_text("the queue")
        if why is None and not self.rows:
            why = Text(
                "Nothing of yours is due in the next 24 hours, and nothing of yours is overdue. "
                "o shows every running deadline, anyone's."
                if self.mine
                else "No running deadlines: every open incident is answered, waiting on the "
                "customer, or in monitor."
            )
        empty.set_class(why is not None, "shown")
        if why is not None:
            empty.update(why)

    def bar(self) -> Text:
        selected = selection_bar(self.table)
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
        table = self.table
        for key, r in self.rows.items():
            table.refresh_cell(key, "due", countdown(r.due_at, now))

    def action_next_due(self) -> None:
        """The cursor to the first incident not yet overdue: the next to breach.

        The queue is ordered by deadline, so it is row `overdue` (counted with the first page);
        rows down to it load first when it is beyond what is loaded."""
        target = self.counts.overdue
        if target >= self.counts.total:
            self.notify("Nothing due that is not overdue already.", severity="warning")
            return
        if target < len(self.rows):
            self.table.move_cursor(row=target)
            return
        self.more(target - len(self.rows) + 1, then=self.action_next_due)

    @on(DeskTable.RowSelected)
    def _selected(self, event: DeskTable.RowSelected) -> None:
        event.stop()
        self.action_open_incident()

    def action_open_incident(self) -> None:
        row = self.selected
        if row is not None:
            self.desk.open_incident(row.id)
