"""The desk's header: where you are, which client, who you are, and the clock."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual.widgets import Static

from douse.tui.widgets.text import clean

if TYPE_CHECKING:
    from douse.tui.app import DouseApp


class DeskHeader(Static):
    DEFAULT_CSS = """
    DeskHeader {
        dock: top;
        height: 1;
        background: $panel;
        color: $foreground;
        padding: 0 1;
    }
    """

    def __init__(self, where: str) -> None:
        super().__init__()
        self.where = where
        self._shown: Text | None = None

    def on_mount(self) -> None:
        self.watch(self.app, "current_client", lambda _client: self.update_text(), init=True)
        self.set_interval(1.0, self.update_text)

    def set_where(self, where: str) -> None:
        self.where = where
        self.update_text()

    def update_text(self) -> None:
        app = cast("DouseApp", self.app)
        text = Text()
        text.append(" douse ", style="bold reverse")
        text.append(" ")
        text.append(clean(self.where), style="bold")
        narrow = self.size.width < 100
        text.append("  │  " if narrow else "  │  client: ", style="dim")
        client = app.current_client
        if client is None:
            text.append("no client" if narrow else "none (c to pick)", style="dim")
        else:
            text.append(clean(client.name), style="bold cyan")
            if not narrow:
                text.append(f" ({clean(client.slug)})", style="cyan")
        text.append("  │  " if narrow else "  │  as ", style="dim")
        text.append(clean(app.me) if app.me else "nobody", style="bold" if app.me else "dim")
        text.append("  │  ", style="dim")
        # Minutes are enough here (the countdowns tick in seconds), and an unchanged header is
        # not re-laid out every second.
        text.append(app.now().strftime("%a %H:%M" if narrow else "%a %d %b %H:%M UTC"))
        if text != self._shown:
            self._shown = text
            self.update(text)
