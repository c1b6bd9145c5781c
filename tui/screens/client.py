"""The client view: Incidents, Mentions, Accounts & owners, Sources and Authors tabs (keys 1-5)."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.widgets import Footer, TabbedContent, TabPane

from core.queries.desk import ClientRef
from tui.actions import bindings
from tui.screens.base import DeskScreen
from tui.widgets.header import DeskHeader
from tui.widgets.incidents_pane import IncidentsPane
from tui.widgets.mentions_pane import MentionsPane
from tui.widgets.other_panes import AccountsPane, AuthorsPane, SourcesPane
from tui.widgets.pane import Pane

TABS = (
    ("incidents", "1 Incidents", IncidentsPane),
    ("mentions", "2 Mentions", MentionsPane),
    ("accounts", "3 Accounts & owners", AccountsPane),
    ("sources", "4 Sources", SourcesPane),
    ("authors", "5 Authors", AuthorsPane),
)


class ClientScreen(DeskScreen):
    BINDINGS: ClassVar = bindings("client")
    DEFAULT_CSS = """
    ClientScreen TabbedContent { height: 1fr; }
    ClientScreen TabPane { padding: 0; height: 1fr; }
    ClientScreen ContentSwitcher { height: 1fr; }
    """

    def __init__(self, client: ClientRef, tab: str = "incidents") -> None:
        super().__init__()
        self.client = client
        self.initial_tab = tab

    def compose(self) -> ComposeResult:
        yield DeskHeader("Client view")
        with TabbedContent(initial=self.initial_tab):
            for tab_id, title, pane in TABS:
                with TabPane(title, id=tab_id):
                    yield pane(self.client, id=f"pane-{tab_id}")
        yield Footer()

    def on_mount(self) -> None:
        self.active_pane.reload()
        self.active_pane.focus_table()

    def on_screen_resume(self) -> None:
        self.desk.remember_client(self.client)
        super().on_screen_resume()

    @property
    def active_pane(self) -> Pane:
        active = self.query_one(TabbedContent).active or self.initial_tab
        return self.query_one(f"#pane-{active}", Pane)

    def pane(self, tab_id: str) -> Pane:
        return self.query_one(f"#pane-{tab_id}", Pane)

    def reload(self) -> None:
        # Only the visible tab queries; the others reload when they are shown.
        for _tab_id, _title, _cls in TABS:
            pane = self.pane(_tab_id)
            if pane is not self.active_pane:
                pane.loaded = False
        self.active_pane.reload()

    @on(TabbedContent.TabActivated)
    def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        pane = self.active_pane
        if not pane.loaded:
            pane.reload()
        pane.focus_table()

    def action_tab(self, tab_id: str) -> None:
        self.query_one(TabbedContent).active = tab_id

    def action_filter(self) -> None:
        self.active_pane.action_filter()

    def key_escape(self) -> bool | None:
        if self.active_pane.clear_search():
            return True
        self.desk.action_back()
        return True
