"""A DataTable with vi keys and a row cursor; its rows are keyed by the record's id."""

from __future__ import annotations

from contextlib import suppress

from rich.text import Text
from textual.widgets import DataTable
from textual.widgets.data_table import CellDoesNotExist, RowDoesNotExist

from tui.actions import bindings

# When the cursor comes this close to the last loaded row, the owner loads the next page.
NEAR_END_ROWS = 5


class DeskTable(DataTable[object]):
    BINDINGS = bindings("table")

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes, cursor_type="row", zebra_stripes=True)

    def action_scroll_top(self) -> None:
        if self.row_count:
            self.move_cursor(row=0)

    def action_scroll_bottom(self) -> None:
        if self.row_count:
            self.move_cursor(row=self.row_count - 1)

    @property
    def near_end(self) -> bool:
        return self.row_count > 0 and self.cursor_row >= self.row_count - NEAR_END_ROWS

    @property
    def selected_key(self) -> str | None:
        """The key of the row under the cursor, or None for an empty table."""
        if not self.row_count:
            return None
        return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value

    def refresh_cell(self, row_key: str, column_key: str, value: Text) -> None:
        """Update a cell only when what it shows changed.

        Any update_cell throws away the table's rendered-line cache, so a countdown ticking
        every second on two hundred rows would make every key repaint the whole table; most
        countdowns ("5d 13h") change once an hour.
        """
        with suppress(RowDoesNotExist, CellDoesNotExist):
            if self.get_cell(row_key, column_key) != value:
                self.update_cell(row_key, column_key, value)

    def keep_cursor(self, key: str | None) -> None:
        """After a reload, put the cursor back on the same record if it is still listed."""
        if key is None:
            return
        # If the record left this list, the cursor stays where it was.
        with suppress(RowDoesNotExist):
            self.move_cursor(row=self.get_row_index(key), scroll=True)
