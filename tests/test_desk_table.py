"""The desk's list widget: rows by key, the cursor, paging keys, and text drawn as text."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult

from douse.tui.widgets.table import DeskTable
from tests.helpers import sync


class TableApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.highlighted: list[str] = []
        self.selected: list[str] = []

    def compose(self) -> ComposeResult:
        yield DeskTable(id="t")

    def on_mount(self) -> None:
        table = self.query_one(DeskTable)
        table.add_column("Id", key="id")
        table.add_column("Title", key="title", width=12)
        table.focus()

    def on_desk_table_row_highlighted(self, event: DeskTable.RowHighlighted) -> None:
        self.highlighted.append(event.row_key)

    def on_desk_table_row_selected(self, event: DeskTable.RowSelected) -> None:
        self.selected.append(event.row_key)


def screen_lines(app: App[None]) -> list[str]:
    table = app.query_one(DeskTable)
    return [table.render_line(y).text for y in range(table.size.height)]


@sync
async def test_keys_move_the_cursor_and_enter_selects() -> None:
    app = TableApp()
    async with app.run_test(size=(40, 8)) as pilot:
        table = app.query_one(DeskTable)
        table.add_rows((str(n), [Text(str(n)), Text(f"row {n}")]) for n in range(100))
        await pilot.pause()
        assert app.highlighted == ["0"]  # the first row is highlighted as it arrives
        await pilot.press("down", "j", "down")
        assert table.selected_key == "3"
        await pilot.press("pagedown")
        assert table.cursor_row > 3
        row = table.cursor_row
        # The cursor row is on screen: the view scrolled with it (the header is line 0).
        assert any(line.strip().startswith(str(row) + " ") for line in screen_lines(app)[1:])
        await pilot.press("G")
        assert table.selected_key == "99"
        assert table.near_end
        await pilot.press("g", "k")
        assert table.selected_key == "0"
        await pilot.press("enter")
        await pilot.pause()
        assert app.selected == ["0"]


@sync
async def test_rows_by_key_update_and_reload() -> None:
    app = TableApp()
    async with app.run_test(size=(40, 8)) as pilot:
        table = app.query_one(DeskTable)
        table.add_rows([("a", ["1", "first"]), ("b", ["2", "second"])])
        table.update_cell("b", "title", Text("changed"))
        await pilot.pause()
        assert table.get_cell("b", "title").plain == "changed"
        assert "b" in table.rows and table.get_row_index("b") == 1
        table.move_cursor(row=1)
        table.clear()
        table.add_rows([("b", ["2", "again"]), ("c", ["3", "third"])])
        table.keep_cursor("b")
        assert table.selected_key == "b"
        assert table.row_count == 2


@sync
async def test_internet_text_is_drawn_as_text() -> None:
    app = TableApp()
    async with app.run_test(size=(60, 6)) as pilot:
        table = app.query_one(DeskTable)
        table.add_rows(
            [
                ("x", ["[bold red]pwned[/]", "a\x1b[2Jb\nc"]),
                ("y", ["", Text("a title that is longer than its column")]),
            ]
        )
        await pilot.pause()
        lines = screen_lines(app)
        assert "[bold red]pwned[/]" in lines[1]  # markup in a str cell stays literal
        assert "\x1b" not in "".join(lines)
        assert "ab c" in lines[1]  # control sequence dropped, line break folded
        assert "a title tha…" in lines[2]  # clipped to its fixed width, with an ellipsis


@sync
async def test_last_column_fills_the_width_and_clips_instead_of_scrolling() -> None:
    app = TableApp()
    async with app.run_test(size=(40, 6)) as pilot:
        table = app.query_one(DeskTable)
        table.columns.clear()
        table.add_column("Id", key="id")
        table.add_column("Text", key="text")
        table.add_rows([("1", ["1", "word " * 30]), ("2", ["2", "short"])])
        await pilot.pause()
        lines = screen_lines(app)
        assert lines[1].rstrip().endswith("…")  # clipped at the edge, not pushed off screen
        assert table.virtual_size.width <= table.size.width  # nothing to scroll sideways to
        await pilot.resize_terminal(60, 6)
        await pilot.pause()
        assert len(screen_lines(app)[1].rstrip()) > 40  # a wider terminal shows more of it
