"""Pick one of a few options (a status, a staff member, a label): type to narrow, Enter."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from douse.tui.dialogs.base import Dialog


class PickDialog(Dialog[str]):
    """Dismisses with the chosen option's value, or None."""

    DEFAULT_CSS = """
    PickDialog OptionList { height: auto; max-height: 16; }
    """

    def __init__(
        self, title: str, options: Sequence[tuple[str, str | Text]], *, note: str = ""
    ) -> None:
        super().__init__()
        self.title_text = title
        self.options = list(options)
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Text(self.title_text), classes="dialog-title")
            yield Input(placeholder="type to narrow", id="narrow")
            yield OptionList(id="options")
            if self.note:
                yield Label(Text(self.note), classes="dialog-hint")

    def on_mount(self) -> None:
        self._fill("")
        self.query_one("#narrow", Input).focus()

    def _fill(self, needle: str) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        needle = needle.lower()
        for value, shown in self.options:
            plain = shown.plain if isinstance(shown, Text) else shown
            if needle in plain.lower() or needle in value.lower():
                options.add_option(
                    Option(shown if isinstance(shown, Text) else Text(shown), id=value)
                )
        if options.option_count:
            options.highlighted = 0

    @on(Input.Changed, "#narrow")
    def _narrow(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted, "#narrow")
    def _submit(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is not None:
            self.dismiss(options.get_option_at_index(options.highlighted).id)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def key_down(self) -> None:
        self.query_one(OptionList).action_cursor_down()

    def key_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()
