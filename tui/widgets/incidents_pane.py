"""Incidents tab: a client's incidents by deadline, filtered by status, severity, owner, text;
several can be selected and acted on at once (tui.widgets.bulk)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import ClassVar

from rich.text import Text
from sqlalchemy.orm import Session
from textual import on, work

from douse.core.db.models import INCIDENT_STATUSES, SEVERITIES
from douse.core.queries.detail import category_counts
from douse.core.queries.incidents import list_incidents
from douse.core.queries.rows import ClientRef, IncidentFilter, IncidentRow
from douse.tui.actions import bindings
from douse.tui.dialogs.pick import PickDialog
from douse.tui.widgets.bulk import BulkIncidents, selection_bar, selection_hint
from douse.tui.widgets.list_pane import Fetch, ListPane, Window
from douse.tui.widgets.table import DeskTable
from douse.tui.widgets.text import DUE_WIDTH, NARROW, count, countdown, safe, severity

PAGE = 100
STATUS_CYCLE = ("open", "all", *INCIDENT_STATUSES)
SEVERITY_CYCLE = (None, *reversed(SEVERITIES))
STATUS_SHORT = {
    "in_progress": "in progress",
    "waiting_customer": "waiting",
    "acknowledged": "ack'd",
}
NARROW_STATUS = {**STATUS_SHORT, "in_progress": "in prog", "monitor": "monitor"}
NARROW_SEVERITY = {"critical": "crit", "medium": "med"}


def status_cell(status: str, narrow: bool) -> Text:
    return Text((NARROW_STATUS if narrow else STATUS_SHORT).get(status, status))


def severity_cell(value: str, narrow: bool) -> Text:
    text = severity(value)
    if narrow:
        text.plain = NARROW_SEVERITY.get(value, value)
    return text


def title_cell(row: IncidentRow, overdue: bool) -> Text:
    """The title, after who is drafting a reply on it ("✎ana"), so nobody answers twice; a
    person's case under a problem says which ("↳#12")."""
    text = Text()
    if row.problem_id is not None:
        text.append(f"↳#{row.problem_id} ", style="cyan")
    if row.drafting:
        text.append(f"✎{row.drafting[0]}", style="bold yellow")
        if len(row.drafting) > 1:
            text.append(f"+{len(row.drafting) - 1}", style="yellow")
        text.append(" ")
    text.append_text(safe(row.title, "bold" if overdue else "", limit=60))
    return text


def incident_cells(row: IncidentRow, now: datetime, narrow: bool = False) -> list[Text]:
    """The deadline first and the title last: on a narrow terminal only the title is clipped."""
    overdue = row.due_at is not None and row.due_at <= now
    cells = [
        countdown(row.due_at, now),
        Text(f"#{row.id}", style="bold red" if overdue else "dim"),
        severity_cell(row.severity, narrow),
        status_cell(row.status, narrow),
        safe(row.owner, limit=8 if narrow else 10)
        if row.owner
        else Text("unowned", style="yellow"),
        count(row.mention_count),
        category_cell(row.category, narrow),
        title_cell(row, overdue),
    ]
    if narrow:
        del cells[5:7]
    return cells


def category_cell(category: str | None, narrow: bool = False) -> Text:
    """An issue category's name, short ("cancellations" -> "cancellat."), or a dash."""
    if not category:
        return Text("-", style="dim")
    name = category.replace("_", " ")
    return Text(name if len(name) <= 10 else name[:9] + ".", style="dim" if narrow else "")


class IncidentsPane(BulkIncidents, ListPane[IncidentRow, None]):
    BINDINGS: ClassVar = [*bindings("incidents"), *bindings("bulk")]
    PLACEHOLDER = "text in the title — Enter keeps it, Esc clears"
    PAGE = PAGE

    def __init__(self, client: ClientRef, *, id: str | None = None) -> None:
        super().__init__(client, id=id)
        self.filters = IncidentFilter()
        self.narrow = False

    def forget_rows(self) -> None:
        super().forget_rows()
        self.table.clear_selection()

    def compose_table(self) -> DeskTable:
        return DeskTable(selectable=True)

    def bulk_table(self) -> DeskTable:
        return self.table

    def bulk_rows(self) -> dict[str, IncidentRow]:
        return self.rows

    @on(DeskTable.SelectionChanged)
    def _selection_changed(self, event: DeskTable.SelectionChanged) -> None:
        event.stop()
        self.show_bar()

    def clear_selection(self) -> bool:
        return self.table.clear_selection()

    def setup_table(self, table: DeskTable) -> None:
        self.columns(table)
        self.set_interval(1.0, self.tick)

    def columns(self, table: DeskTable) -> None:
        self.narrow = self.app.size.width < NARROW
        table.add_column("Due", key="due", width=DUE_WIDTH)
        table.add_column("#", key="id")
        table.add_column("Sev", key="severity")
        table.add_column("Status", key="status")
        table.add_column("Owner", key="owner")
        if not self.narrow:
            table.add_column("Ment", key="mentions")
            table.add_column("Category", key="category")
        table.add_column("Title", key="title")

    def on_resize(self) -> None:
        if (self.app.size.width < NARROW) != self.narrow:
            self.redraw()

    def bar(self) -> Text:
        selected = selection_bar(self.table)
        if selected is not None:
            return selected
        f = self.filters
        text = Text()
        text.append("status ", style="dim")
        text.append(f.status or "all", style="bold")
        text.append("  severity ", style="dim")
        text.append(f.severity or "any", style="bold")
        text.append("  owner ", style="dim")
        text.append({None: "anyone", "-": "unowned"}.get(f.owner, f.owner or ""), style="bold")
        text.append("  category ", style="dim")
        text.append((f.category or "any").replace("_", " "), style="bold")
        text.append(f"  ·  {len(self.rows)}{'' if self.exhausted else '+'} shown", style="dim")
        text.append_text(selection_hint(self.table))
        return text

    def fetcher(self) -> Fetch[IncidentRow]:
        self.filters = replace(self.filters, text=self.search)
        client_id, filters, now = self.client.id, self.filters, self.desk.now()

        def fetch(session: Session, window: Window[IncidentRow]) -> list[IncidentRow]:
            return list_incidents(
                session,
                now,
                filters,
                client_id=client_id,
                limit=window.limit or PAGE,
                offset=window.offset,
            )

        return fetch

    def cells(self, row: IncidentRow, now: datetime) -> list[Text]:
        return incident_cells(row, now, self.narrow)

    def why_empty(self) -> Text:
        return self.empty_because(
            "incidents",
            f"No open incidents for {self.client.name}: nothing negative is waiting for an "
            "answer. f shows all of them, resolved and closed too.",
        )

    def filtered(self) -> list[str]:
        f = self.filters
        found = [f"status {f.status}"] if f.status != "open" else []
        if f.severity:
            found.append(f"severity {f.severity}")
        if f.owner:
            found.append("unowned" if f.owner == "-" else f"owner {f.owner}")
        if f.category:
            found.append(f"category {f.category.replace('_', ' ')}")
        return found + super().filtered()

    def tick(self) -> None:
        if not self.display or not self.rows:
            return
        now = self.desk.now()
        table = self.table
        for key, row in self.rows.items():
            if row.due_at is not None:
                table.refresh_cell(key, "due", countdown(row.due_at, now))

    @on(DeskTable.RowSelected)
    def _selected(self, event: DeskTable.RowSelected) -> None:
        event.stop()
        self.action_open_incident()

    def action_open_incident(self) -> None:
        row = self.selected
        if row is not None:
            self.desk.open_incident(row.id)

    def _set(self, filters: IncidentFilter) -> None:
        self.filters = filters
        self.show_bar()
        self.refilter()

    def action_cycle_status(self) -> None:
        i = STATUS_CYCLE.index(self.filters.status)
        self._set(replace(self.filters, status=STATUS_CYCLE[(i + 1) % len(STATUS_CYCLE)]))

    def action_cycle_severity(self) -> None:
        i = SEVERITY_CYCLE.index(self.filters.severity)
        self._set(replace(self.filters, severity=SEVERITY_CYCLE[(i + 1) % len(SEVERITY_CYCLE)]))

    def action_pick_category(self) -> None:
        """Show one issue category's incidents (or any): a list of the client's categories."""
        self.choose_category()

    @work(thread=True, exclusive=True, exit_on_error=False, group="categories")
    def choose_category(self) -> None:
        with self.desk.services.sessions() as session:
            found = category_counts(session, self.client.id)
        self.app.call_from_thread(self._pick_category, found)

    def _pick_category(self, found: list[tuple[str, str, int]]) -> None:
        options: list[tuple[str, str | Text]] = [("", "any category")]
        options += [(name, f"{title}  ({n} open)") for name, title, n in found]

        def chosen(name: str | None) -> None:
            if name is not None:
                self._set(replace(self.filters, category=name or None))

        self.app.push_screen(PickDialog("Show incidents about", options), chosen)

    def action_cycle_owner(self) -> None:
        me = self.desk.me
        cycle = [None, *([me] if me else []), "-"]
        current = self.filters.owner if self.filters.owner in cycle else None
        self._set(replace(self.filters, owner=cycle[(cycle.index(current) + 1) % len(cycle)]))
