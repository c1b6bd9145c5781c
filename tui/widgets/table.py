"""The desk's list widget: a virtual table of records keyed by id, with a row cursor and vi keys.

Textual's DataTable renders and measures every cell on its own through Rich, and throws all of
that away on `clear()`; on the desk's lists (35 rows of 6-8 columns per page) that was 50-100 ms
per reload, half of a key's budget. Here a row is one Text rendered once per column layout, only
visible rows are drawn (the Line API), and moving the cursor repaints two lines.

A table made `selectable` (the incident lists) also keeps a multi-selection: Space toggles the
highlighted row, Shift+Up/Down extend, `*` selects every row shown (or clears when all are).
Selected rows carry a ✓ in their first column; the selection survives reloads for the rows still
listed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from douse.tui.actions import bindings
from douse.tui.widgets.text import clean

# When the cursor comes this close to the last loaded row, the owner loads the next page.
NEAR_END_ROWS = 5
# Blank columns either side of a cell's text.
PADDING = 1
# Line breaks and control characters (clean() removes them).
UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f]")


SELECT_ACTIONS = frozenset(("toggle_select", "extend_down", "extend_up", "select_all"))

RowSpec = tuple[str, Sequence[Text | str]]
"""A row to add: its key (the record's id) and its cells."""


@dataclass
class Column:
    key: str
    label: Text
    width: int | None
    """Fixed width in cells, or None to fit the widest cell so far."""
    content_width: int = 0

    @property
    def render_width(self) -> int:
        return (self.width if self.width is not None else self.content_width) + 2 * PADDING


@dataclass(frozen=True)
class _Styles:
    base: Style
    header: Style
    even: Style
    cursor: Style
    selected: Style


class RowNotFound(KeyError):
    """No row has that key."""


class Rows(Mapping[str, list[Text]]):
    """Read-only view of the rows by key (`key in table.rows`)."""

    def __init__(self, data: dict[str, list[Text]]) -> None:
        self._data = data

    def __getitem__(self, key: str) -> list[Text]:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)


def _one_line(value: Text | str) -> Text:
    # Cells hold text from the internet: a str is literal text, never markup, and a newline or
    # an escape sequence would break the one-line-per-row layout (callers pass `safe()` text;
    # this is the last line of defence).
    if isinstance(value, Text):
        if not UNSAFE.search(value.plain):
            return value
        return Text(clean(value.plain), style=value.style)
    return Text(clean(str(value)))


class DeskTable(ScrollView, can_focus=True):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Select", show=False),
        Binding("up", "cursor_up", "Up", show=False),
        Binding("down", "cursor_down", "Down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home,ctrl+home", "scroll_top", "Top", show=False),
        Binding("end,ctrl+end", "scroll_bottom", "Bottom", show=False),
        Binding("left", "scroll_left", "Left", show=False),
        Binding("right", "scroll_right", "Right", show=False),
        *bindings("table"),
        *bindings("select"),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "desk-table--header",
        "desk-table--even-row",
        "desk-table--cursor",
        "desk-table--selected",
    }
    DEFAULT_CSS = """
    DeskTable {
        background: $surface;
        color: $foreground;
        height: auto;
        max-height: 100%;
        /* Room for the scrollbar from the start: rows arriving never re-lay out the screen. */
        scrollbar-gutter: stable;
        &:focus {
            background-tint: $foreground 5%;
            & > .desk-table--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
        }
        & > .desk-table--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        &:ansi > .desk-table--header {
            background: ansi_bright_blue;
            color: ansi_default;
        }
        & > .desk-table--even-row { background: $surface-lighten-1 50%; }
        &:dark > .desk-table--even-row { background: $surface-darken-1 40%; }
        & > .desk-table--selected {
            background: $accent 30%;
            color: $text-accent;
            text-style: bold;
        }
        & > .desk-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
    }
    """

    class RowHighlighted(Message):
        """The cursor moved onto a row."""

        def __init__(self, table: DeskTable, cursor_row: int, row_key: str) -> None:
            super().__init__()
            self.table = table
            self.cursor_row = cursor_row
            self.row_key = row_key

        @property
        def control(self) -> DeskTable:
            return self.table

    class RowSelected(RowHighlighted):
        """Enter (or a click on the highlighted row) chose a row."""

    class SelectionChanged(Message):
        """Rows were added to or taken from the multi-selection."""

        def __init__(self, table: DeskTable, count: int) -> None:
            super().__init__()
            self.table = table
            self.count = count

        @property
        def control(self) -> DeskTable:
            return self.table

    def __init__(
        self, *, id: str | None = None, classes: str | None = None, selectable: bool = False
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.selectable = selectable
        self._selected: set[str] = set()
        self.columns: list[Column] = []
        self._keys: list[str] = []
        self._index: dict[str, int] = {}
        self._data: dict[str, list[Text]] = {}
        self._cursor = 0
        # A row rendered at the current column widths, without its background.
        self._rendered: dict[str, list[Segment]] = {}
        self._width = 0
        self._widths: list[int] = []
        """Each column's width on screen, padding included."""
        self._styles = _Styles(Style(), Style(), Style(), Style(), Style())

    # -- building ---------------------------------------------------------------------------

    def add_column(self, label: str, *, key: str | None = None, width: int | None = None) -> None:
        text = Text(label)
        self.columns.append(Column(key or label, text, width, text.cell_len))
        self._resize()

    def add_row(self, *cells: Text | str, key: str) -> str:
        self.add_rows([(key, cells)])
        return key

    def add_rows(self, rows: Iterable[RowSpec]) -> None:
        """Append rows (key, cells): the table is measured and laid out once for all of them."""
        first = not self._keys
        for key, cells in rows:
            if key in self._data:
                raise ValueError(f"a row with key {key!r} is already listed")
            row = [_one_line(cell) for cell in cells]
            row += [Text()] * (len(self.columns) - len(row))
            self._index[key] = len(self._keys)
            self._keys.append(key)
            self._data[key] = row
            self._fit(row)
        self._resize()
        self.refresh()
        if first and self._keys:
            self._post(self.RowHighlighted, 0)

    def clear(self, *, columns: bool = False) -> None:
        """Forget every row, and with `columns` the columns too."""
        if columns:
            self.columns.clear()
        self._keys.clear()
        self._index.clear()
        self._data.clear()
        self._rendered.clear()
        for column in self.columns:
            column.content_width = column.label.cell_len
        self._cursor = 0
        self.scroll_to(0, 0, animate=False, immediate=True)
        self._resize()
        self.refresh()

    def update_cell(self, row_key: str, column_key: str, value: Text | str) -> None:
        row = self.get_row(row_key)
        row[self._column_index(column_key)] = _one_line(value)
        self._rendered.pop(row_key, None)
        if self._fit(row):
            self._resize()
            self.refresh()
        else:
            self._refresh_row(self._index[row_key])

    def refresh_cell(self, row_key: str, column_key: str, value: Text) -> None:
        """Update a cell only when what it shows changed (a countdown ticks every second; most
        change once an hour), so a tick costs nothing on screen."""
        row = self._data.get(row_key)
        if row is not None and row[self._column_index(column_key)] != value:
            self.update_cell(row_key, column_key, value)

    # -- reading ----------------------------------------------------------------------------

    @property
    def rows(self) -> Rows:
        return Rows(self._data)

    @property
    def row_count(self) -> int:
        return len(self._keys)

    @property
    def cursor_row(self) -> int:
        return self._cursor

    @property
    def near_end(self) -> bool:
        return self.row_count > 0 and self._cursor >= self.row_count - NEAR_END_ROWS

    @property
    def selected_key(self) -> str | None:
        """The key of the row under the cursor, or None for an empty table."""
        return self._keys[self._cursor] if self._keys else None

    def get_row(self, row_key: str) -> list[Text]:
        try:
            return self._data[row_key]
        except KeyError:
            raise RowNotFound(row_key) from None

    def get_row_at(self, index: int) -> list[Text]:
        return self._data[self._keys[index]]

    def get_row_index(self, row_key: str) -> int:
        try:
            return self._index[row_key]
        except KeyError:
            raise RowNotFound(row_key) from None

    def get_cell(self, row_key: str, column_key: str) -> Text:
        return self.get_row(row_key)[self._column_index(column_key)]

    # -- the cursor -------------------------------------------------------------------------

    def move_cursor(self, *, row: int, scroll: bool = True) -> None:
        if not self._keys:
            return
        row = max(0, min(row, len(self._keys) - 1))
        if scroll:
            self._scroll_into_view(row)
        if row == self._cursor:
            return
        self._refresh_row(self._cursor)
        self._cursor = row
        self._refresh_row(row)
        self._post(self.RowHighlighted, row)

    def keep_cursor(self, key: str | None) -> None:
        """After a reload, put the cursor back on the same record if it is still listed."""
        if key is not None and key in self._index:
            self.move_cursor(row=self._index[key])

    def action_cursor_down(self) -> None:
        self.move_cursor(row=self._cursor + 1)

    def action_cursor_up(self) -> None:
        self.move_cursor(row=self._cursor - 1)

    def action_page_down(self) -> None:
        self.move_cursor(row=self._cursor + self._page())

    def action_page_up(self) -> None:
        self.move_cursor(row=self._cursor - self._page())

    def action_scroll_top(self) -> None:
        self.move_cursor(row=0)

    def action_scroll_bottom(self) -> None:
        self.move_cursor(row=self.row_count - 1)

    def action_select_cursor(self) -> None:
        if self._keys:
            self._post(self.RowSelected, self._cursor)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y == 0:
            return  # the header
        row = round(self.scroll_offset.y) + offset.y - 1
        if row >= self.row_count:
            return
        if row == self._cursor:
            self.action_select_cursor()
        else:
            self.move_cursor(row=row)

    # -- the multi-selection ----------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Selecting is neither shown nor run on a list without a selection.
        return self.selectable or action not in SELECT_ACTIONS

    @property
    def selected_keys(self) -> list[str]:
        """Selected rows still listed, in their order on screen."""
        return [key for key in self._keys if key in self._selected]

    def _selection_changed(self) -> None:
        self.refresh()
        self.post_message(self.SelectionChanged(self, len(self.selected_keys)))

    def set_selected(self, keys: Iterable[str]) -> None:
        self._selected = {key for key in keys if key in self._index}
        self._selection_changed()

    def clear_selection(self) -> bool:
        """Forget the selection; False when there was none."""
        had = bool(self.selected_keys)
        self._selected.clear()
        if had:
            self._selection_changed()
        return had

    def prune_selection(self) -> None:
        """After a reload: rows no longer listed leave the selection."""
        if self._selected - set(self._index):
            self._selected &= set(self._index)
            self._selection_changed()

    def action_toggle_select(self) -> None:
        key = self.selected_key
        if not self.selectable or key is None:
            return
        self._selected ^= {key}
        self._selection_changed()

    def _extend(self, step: int) -> None:
        key = self.selected_key
        if not self.selectable or key is None:
            return
        self._selected.add(key)
        self.move_cursor(row=self._cursor + step)
        key = self.selected_key
        if key is not None:
            self._selected.add(key)
        self._selection_changed()

    def action_extend_down(self) -> None:
        self._extend(1)

    def action_extend_up(self) -> None:
        self._extend(-1)

    def action_select_all(self) -> None:
        if not self.selectable or not self._keys:
            return
        if len(self.selected_keys) == len(self._keys):
            self._selected.clear()
        else:
            self._selected = set(self._keys)
        self._selection_changed()

    # -- drawing ----------------------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        # Styles come from CSS walked up the DOM: read them once a frame, not once a line.
        self._styles = _Styles(
            base=self.rich_style,
            header=self.get_component_rich_style("desk-table--header"),
            even=self.get_component_rich_style("desk-table--even-row"),
            cursor=self.get_component_rich_style("desk-table--cursor"),
            selected=self.get_component_rich_style("desk-table--selected"),
        )
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.size.width
        styles = self._styles
        if y == 0:
            style = styles.base + styles.header
            header = Segment.apply_style(self._segments(None), style)
            return Strip(header, self._width).crop_extend(scroll_x, scroll_x + width, style)
        index = scroll_y + y - 1
        if index >= len(self._keys):
            return Strip.blank(width, styles.base)
        style = styles.base + styles.even if index % 2 else styles.base
        key = self._keys[index]
        segments = self._rendered.get(key)
        if segments is None:
            segments = self._rendered[key] = self._segments(self._data[key])
        if key in self._selected:
            style += styles.selected
            segments = [Segment("✓"), *segments[1:]]
        if index == self._cursor:
            # As in Textual's DataTable: the cursor's text colour wins, a cell's own background
            # (an overdue deadline on red) stays.
            style += styles.cursor
            line = Segment.apply_style(segments, style, Style.from_color(styles.cursor.color))
        else:
            line = Segment.apply_style(segments, style)
        return Strip(line, self._width).crop_extend(scroll_x, scroll_x + width, style)

    def _segments(self, row: list[Text] | None) -> list[Segment]:
        """One line of cells at the columns' widths, without the row's background."""
        console = self.app.console
        pad = Segment(" " * PADDING)
        segments: list[Segment] = []
        for n, column in enumerate(self.columns):
            cell = column.label if row is None else row[n]
            width = self._widths[n] - 2 * PADDING
            segments.append(pad)
            if cell.cell_len > width:
                cell = cell.copy()
                cell.truncate(width, overflow="ellipsis")
            if cell.spans:
                segments.extend(cell.render(console))
            elif cell.plain:
                style = cell.style
                if isinstance(style, str):
                    style = console.get_style(style)
                segments.append(Segment(cell.plain, style))
            if width > cell.cell_len:
                segments.append(Segment(" " * (width - cell.cell_len)))
            segments.append(pad)
        return segments

    def _fit(self, row: list[Text]) -> bool:
        """Widen auto-width columns for this row; True when a width changed."""
        changed = False
        for column, cell in zip(self.columns, row, strict=False):
            if column.width is None and cell.cell_len > column.content_width:
                column.content_width = cell.cell_len
                changed = True
        return changed

    def _resize(self) -> None:
        widths = [column.render_width for column in self.columns]
        if widths and self.columns[-1].width is None:
            # The last column (a title, a text) takes the room left and is clipped there: the
            # whole text is one Enter or one detail box away, never a sideways scroll.
            room = self.scrollable_content_region.width - sum(widths[:-1])
            widths[-1] = max(self.columns[-1].label.cell_len + 2 * PADDING, room)
        if widths != self._widths:
            self._widths = widths
            self._rendered.clear()
        self._width = sum(widths)
        self.virtual_size = Size(self._width, len(self._keys) + 1)

    def on_resize(self) -> None:
        self._resize()
        self.refresh()

    def _refresh_row(self, index: int) -> None:
        y = index - round(self.scroll_offset.y) + 1
        if 1 <= y < self.size.height:
            self.refresh(Region(0, y, self.size.width, 1))

    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height - 2)

    def _scroll_into_view(self, row: int) -> None:
        visible = max(1, self.scrollable_content_region.height - 1)  # less the header
        top = round(self.scroll_offset.y)
        if row < top:
            self.scroll_to(y=row, animate=False, immediate=True)
        elif row >= top + visible:
            self.scroll_to(y=row - visible + 1, animate=False, immediate=True)

    def _column_index(self, column_key: str) -> int:
        for n, column in enumerate(self.columns):
            if column.key == column_key:
                return n
        raise KeyError(column_key)

    def _post(self, message: type[RowHighlighted], row: int) -> None:
        self.post_message(message(self, row, self._keys[row]))
