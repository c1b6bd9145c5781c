"""The base of every dialog: a centred box that Escape always closes with None."""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

from textual.binding import Binding
from textual.screen import ModalScreen

from douse.tui.widgets.base import WorkerFailures

T = TypeVar("T")


class Dialog(WorkerFailures, ModalScreen[T]):
    BINDINGS: ClassVar = [Binding("escape", "cancel", "Cancel", id="douse.dialog.cancel")]
    DEFAULT_CSS = """
    Dialog {
        align: center middle;
        background: $background 60%;
        & > .dialog {
            width: 76;
            max-width: 100%;
            height: auto;
            max-height: 100%;
            border: thick $primary;
            background: $surface;
            padding: 0 1;
        }
        & .dialog-title { text-style: bold; padding-bottom: 1; }
        & .dialog-hint { color: $text-muted; }
    }
    """

    def action_cancel(self) -> None:
        self.dismiss(None)

    def dismiss_value(self, value: Any) -> None:
        self.dismiss(value)
