"""The client switcher: one key, fuzzy search over names and slugs, recent clients first."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.fuzzy import Matcher
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from douse.core.queries.rows import ClientRef
from douse.tui.dialogs.base import Dialog
from douse.tui.widgets.text import clean

MAX_SHOWN = 50


class ClientSwitcher(Dialog[int]):
    """Dismisses with the chosen client's id, or None."""

    DEFAULT_CSS = """
    ClientSwitcher OptionList { height: auto; max-height: 14; }
    """

    def __init__(self, clients: Sequence[ClientRef], recent: set[int]) -> None:
        super().__init__()
        self.clients = list(clients)  # already ordered: recent first, then by name
        self.recent = recent

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Switch client", classes="dialog-title")
            yield Input(placeholder="three letters of a brand or slug", id="query")
            yield OptionList(id="clients")
            yield Label("↑↓ choose  Enter open  Esc cancel", classes="dialog-hint")

    def on_mount(self) -> None:
        self._fill("")
        self.query_one("#query", Input).focus()

    def _fill(self, query: str) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        if query.strip():
            matcher = Matcher(query.strip())
            scored = []
            for i, c in enumerate(self.clients):
                score = max(matcher.match(c.name), matcher.match(c.slug))
                if score > 0:
                    # Recent clients win ties, so "acm" after a visit to Acme lands on Acme.
                    scored.append((-score, i, c))
            ordered = [c for _s, _i, c in sorted(scored)]
        else:
            ordered = self.clients
        for c in ordered[:MAX_SHOWN]:
            text = Text(clean(c.name), style="bold")
            text.append(f"  {clean(c.slug)}", style="dim")
            if c.id in self.recent:
                text.append("  recent", style="italic cyan")
            options.add_option(Option(text, id=str(c.id)))
        if options.option_count:
            options.highlighted = 0

    @on(Input.Changed, "#query")
    def _changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted, "#query")
    def _submitted(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is not None:
            option_id = options.get_option_at_index(options.highlighted).id
            self.dismiss(int(option_id) if option_id else None)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option.id) if event.option.id else None)

    def key_down(self) -> None:
        self.query_one(OptionList).action_cursor_down()

    def key_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()
