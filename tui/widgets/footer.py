"""The key line at the bottom: the active bindings of this screen, as one line of text.

Textual's Footer mounts a widget per key and recomposes them whenever bindings change (every
focus move), which cost most of a screen switch on a busy desk; one Static that re-renders a
Text is enough for a line of hints and takes well under a millisecond.
"""

from __future__ import annotations

from rich.text import Text
from textual.screen import Screen
from textual.widgets import Static

from douse.tui.actions import key_label


class DeskFooter(Static):
    DEFAULT_CSS = """
    DeskFooter {
        dock: bottom;
        height: 1;
        background: $panel;
        color: $foreground;
        padding: 0 1;
    }
    """

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self.call_after_refresh(self.show_keys)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if self.is_attached and screen is self.screen:
            self.show_keys()

    def on_resize(self) -> None:
        self.show_keys()

    def show_keys(self) -> None:
        """As many keys as fit, whole; when some do not, a last "… ? all keys" says so."""
        items: list[Text] = []
        seen: set[str] = set()
        for key, active in self.screen.active_bindings.items():
            binding = active.binding
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            style = "bold" if active.enabled else "dim"
            item = Text(key_label(key), style=f"{style} cyan")
            item.append(f" {binding.description}", style="" if active.enabled else "dim")
            items.append(item)
        room = self.size.width - 2 if self.size.width else 10_000  # less the padding
        text = Text(no_wrap=True, overflow="crop")
        for n, item in enumerate(items):
            gap = 2 if text else 0
            left = len(items) - n - 1
            need = gap + item.cell_len + (len(MORE) if left else 0)
            if text.cell_len + need > room:
                text.append(MORE if text else MORE.strip(), style="bold")
                break
            if gap:
                text.append("  ")
            text.append_text(item)
        self.update(text)


MORE = "  … ? all keys"
"""Ends the line when some keys did not fit: help lists every key of this screen first."""
