"""The client view: Incidents, Mentions, Accounts & owners, Sources and Authors tabs (keys 1-5).

Built for speed at the desk: a tab's widgets are mounted the first time it is shown, and the
one ClientScreen is kept (installed on the app) and pointed at another client when you switch,
so changing client or tab never rebuilds what already exists.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.widgets import ContentSwitcher, Static

from douse.core.queries.rows import ClientRef
from douse.tui.actions import bindings
from douse.tui.screens.base import DeskScreen
from douse.tui.widgets.footer import DeskFooter
from douse.tui.widgets.header import DeskHeader
from douse.tui.widgets.incidents_pane import IncidentsPane
from douse.tui.widgets.mentions_pane import MentionsPane
from douse.tui.widgets.other_panes import AccountsPane, AuthorsPane, SourcesPane
from douse.tui.widgets.pane import Pane

TABS: tuple[tuple[str, str, type[Pane]], ...] = (
    ("incidents", "Incidents", IncidentsPane),
    ("mentions", "Mentions", MentionsPane),
    ("accounts", "Accounts", AccountsPane),
    ("sources", "Sources", SourcesPane),
    ("authors", "Authors", AuthorsPane),
)


def tab_bar(active: str) -> Text:
    text = Text(no_wrap=True, overflow="ellipsis")
    for i, (tab_id, title, _cls) in enumerate(TABS, start=1):
        if text:
            text.append("  ")
        chosen = tab_id == active
        text.append(f" {i} ", style="bold reverse cyan" if chosen else "bold cyan")
        text.append(f" {title} ", style="bold underline" if chosen else "")
    return text


class ClientScreen(DeskScreen):
    BINDINGS: ClassVar = bindings("client")
    DEFAULT_CSS = """
    ClientScreen #tabs { height: 1; padding: 0 1; background: $boost; }
    ClientScreen ContentSwitcher { height: 1fr; }
    """

    def __init__(self, client: ClientRef, tab: str = "incidents") -> None:
        super().__init__()
        self.client = client
        self.active = tab

    def compose(self) -> ComposeResult:
        yield DeskHeader("Client view")
        yield Static(tab_bar(self.active), id="tabs")
        yield ContentSwitcher()
        yield DeskFooter()

    def on_mount(self) -> None:
        self.action_tab(self.active)

    def help_scopes(self) -> list[str]:
        selecting = ["select", "bulk"] if self.active == "incidents" else []
        return [self.active, *selecting, "client", "table"]

    def on_screen_resume(self) -> None:
        self.desk.remember_client(self.client)
        super().on_screen_resume()
        pane = self.mounted_pane(self.active)
        if pane is not None:
            pane.focus_table()

    def show_client(self, client: ClientRef, tab: str = "incidents") -> None:
        """Point the (kept) screen at another client: mounted tabs empty and reload lazily."""
        if client.id != self.client.id:
            self.client = client
            for pane in self.query_one(ContentSwitcher).query_children(Pane):
                pane.switch_client(client)
        self._stale = False
        self.action_tab(tab)

    def mounted_pane(self, tab_id: str) -> Pane | None:
        found = self.query_one(ContentSwitcher).query_children(f"#pane-{tab_id}")
        return found.first(Pane) if found else None

    @property
    def active_pane(self) -> Pane:
        pane = self.mounted_pane(self.active)
        assert pane is not None, "the active tab is always mounted"
        return pane

    def pane(self, tab_id: str) -> Pane | None:
        return self.mounted_pane(tab_id)

    def reload(self) -> None:
        # Only the visible tab queries; the others reload when they are shown.
        for pane in self.query_one(ContentSwitcher).query_children(Pane):
            if pane.id != f"pane-{self.active}":
                pane.loaded = False
        self.active_pane.reload()

    def action_teach(self) -> None:
        from douse.tui.screens.review import ReviewScreen

        self.app.push_screen(ReviewScreen(self.client))

    def action_tab(self, tab_id: str) -> None:
        switcher = self.query_one(ContentSwitcher)
        pane = self.mounted_pane(tab_id)
        self.active = tab_id
        self.query_one("#tabs", Static).update(tab_bar(tab_id))
        if pane is None:
            # A new pane loads and takes focus from its own on_mount, once its widgets exist.
            cls = next(c for t, _title, c in TABS if t == tab_id)
            pane = cls(self.client, id=f"pane-{tab_id}")
            switcher.mount(pane)
            switcher.current = pane.id
            return
        switcher.current = pane.id
        if not pane.loaded:
            pane.reload()
        pane.focus_table()

    def action_filter(self) -> None:
        self.active_pane.action_filter()

    def key_escape(self, event: events.Key) -> None:
        # Handled here, entirely: left to bubble, the key would also reach the app's Escape
        # binding and close the view while it only meant to leave the search.
        event.stop()
        pane = self.active_pane
        if not pane.clear_search() and not pane.clear_selection():
            self.desk.go_back()
