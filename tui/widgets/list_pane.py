"""A client-view tab that lists records: every list of the client view is one of these.

The loading, paging and cursor keeping are `Records`' (tui/widgets/records.py), shared with the
desk's full-screen lists; a pane adds the client, the search line, the bar and why it is empty.
"""

from __future__ import annotations

from typing import Generic

from rich.text import Text

from douse.tui.widgets.pane import Pane
from douse.tui.widgets.records import AsideT, Fetch, FetchAside, Records, RowsLoaded, RowT, Window
from douse.tui.widgets.table import DeskTable

__all__ = ["Fetch", "FetchAside", "ListPane", "RowsLoaded", "Window"]


class ListPane(Records[RowT, AsideT], Pane, Generic[RowT, AsideT]):
    """A Pane of records of type RowT, with optional data of type AsideT loaded beside them."""

    def why_empty(self) -> Text:
        """Under an empty list: why it is empty and what to do (see `empty_because`)."""
        raise NotImplementedError

    def setup_table(self, table: DeskTable) -> None:
        self.columns(table)

    def show_state(self) -> None:
        self.show_bar()
        why = self.failure_text()
        if why is None and not self.rows:
            why = self.why_empty()
        self.show_empty(why)
