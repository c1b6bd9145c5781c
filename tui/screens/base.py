"""The base of every desk screen: reload on news, only when visible, and report worker failures."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual import on
from textual.screen import Screen

from douse.tui.widgets.base import DataChanged, DeskWrites, WorkerFailures

if TYPE_CHECKING:
    from douse.tui.app import DouseApp


class DeskScreen(DeskWrites, WorkerFailures, Screen[None]):
    _stale = False

    @property
    def desk(self) -> DouseApp:
        return cast("DouseApp", self.app)

    def reload(self) -> None:
        """Start the workers that fetch this screen's data."""

    def help_scopes(self) -> list[str]:
        """The action scopes (tui.actions) of this screen, listed first by `?`."""
        return []

    @on(DataChanged)
    def _data_changed(self) -> None:
        if self.is_current:
            self.reload()
        else:
            # A hidden screen catches up when it is shown again instead of querying now.
            self._stale = True

    def on_screen_resume(self) -> None:
        if self._stale:
            self._stale = False
            self.reload()
