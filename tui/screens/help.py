"""Help: every binding, generated from the action registry (the same one the footer uses)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from douse.tui.actions import SCOPES, key_label, scope


def help_table(first: Sequence[str] = ()) -> Table:
    """Every key by scope; the scopes in `first` (the screen help was opened on) at the top."""
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold cyan", justify="right")
    table.add_column()
    table.add_column(style="dim")
    order = [name for name in first if name in SCOPES]
    order += [name for name in SCOPES if name not in order]
    for n, name in enumerate(order):
        title = SCOPES[name]
        if n < len([f for f in first if f in SCOPES]):
            title += "  (this screen)"
        table.add_row(Text(""), Text(title, style="bold underline"), Text(""))
        for a in scope(name):
            table.add_row(Text(key_label(a.key)), Text(a.description), Text(a.help))
    return table


class HelpScreen(ModalScreen[None]):
    """Every key; the keys of the screen it was opened on first."""

    BINDINGS: ClassVar = [
        Binding("escape,q,question_mark", "dismiss", "Close", id="douse.help.close"),
        Binding("j", "scroll('down')", show=False),
        Binding("k", "scroll('up')", show=False),
    ]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; background: $background 60%; }
    HelpScreen VerticalScroll {
        width: 96; max-width: 100%; height: 90%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    """

    def __init__(self, first: Sequence[str] = ()) -> None:
        super().__init__()
        self.first = tuple(first)

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(Text("douse — keys, this screen's first  (Esc closes)", style="bold"))
            yield Static(help_table(self.first))

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()

    def action_scroll(self, direction: str) -> None:
        box = self.query_one(VerticalScroll)
        box.scroll_down() if direction == "down" else box.scroll_up()
