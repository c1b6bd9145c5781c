"""Ask for one line of text (a resolution note, an incident number, an author note)."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label

from douse.tui.dialogs.base import Dialog


class PromptDialog(Dialog[str]):
    def __init__(
        self,
        title: str,
        *,
        value: str = "",
        placeholder: str = "",
        hint: str = "",
        required: str = "",
    ) -> None:
        """required: when set, an empty answer is refused with this message and the dialog
        stays open."""
        super().__init__()
        self.title_text = title
        self.value = value
        self.placeholder = placeholder
        self.hint = hint or "Enter to save, Esc to cancel"
        self.required = required

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Text(self.title_text), classes="dialog-title")
            yield Input(value=self.value, placeholder=self.placeholder, id="answer")
            yield Label(Text(self.hint), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#answer", Input).focus()

    @on(Input.Submitted, "#answer")
    def _submitted(self, event: Input.Submitted) -> None:
        if self.required and not event.value.strip():
            self.notify(self.required, severity="warning")
            return
        self.dismiss(event.value)
