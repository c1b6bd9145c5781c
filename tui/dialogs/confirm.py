"""Ask before a change that moves other things: say exactly what it will do, y or n."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Label, Static

from douse.tui.dialogs.base import Dialog


class ConfirmDialog(Dialog[bool]):
    """Dismisses with True (y or Enter) or None (n or Esc)."""

    BINDINGS: ClassVar = [
        *Dialog.BINDINGS,
        Binding("y,enter", "confirm", "Yes", id="douse.confirm.yes"),
        Binding("n", "cancel", "No", id="douse.confirm.no"),
    ]
    DEFAULT_CSS = """
    ConfirmDialog #confirm-body { height: auto; max-height: 14; }
    """

    def __init__(self, title: str, body: Text, *, yes: str = "y / Enter: yes") -> None:
        super().__init__()
        self.title_text = title
        self.body = body
        self.yes = yes

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Text(self.title_text), classes="dialog-title")
            with VerticalScroll(id="confirm-body"):
                yield Static(self.body)
            yield Label(Text(f"{self.yes} · n / Esc: no, change nothing"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#confirm-body").focus()

    def action_confirm(self) -> None:
        self.dismiss(True)
