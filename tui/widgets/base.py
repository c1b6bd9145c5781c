"""What every worker-running node of the desk shares."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session
from textual import work
from textual.message import Message
from textual.worker import Worker, WorkerState

if TYPE_CHECKING:
    from douse.tui.app import DouseApp


WHO_AM_I = (
    "Actions are recorded by name: start the desk with --as STAFF, or set agency.me in "
    "clients.toml."
)


class WorkerFailures:
    """Turns a failed worker of this node into one notification through the app.

    Worker.StateChanged does not bubble, so each node that runs workers needs a handler; this
    mixin is that one handler (a naming-convention handler, because Textual only collects
    `@on` decorators from Textual classes, not from plain mixins).
    """

    app: Any

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            desk: DouseApp = self.app
            desk.report_failure(event.worker.error)


class DataChanged(Message):
    """The database has news (or the refresh interval passed): visible data should reload."""


class DeskWrites:
    """One core write per transaction, off the UI thread, for screens and panes alike.

    `change(session, me)` calls a core function and returns the line to show; the caller's
    ConflictError or DouseError becomes a notification through WorkerFailures, and success
    tells every screen to reload. (A naming-convention handler, like WorkerFailures.)
    """

    # Provided by the widget or screen this is mixed into.
    app: Any
    post_message: Callable[[Message], bool]

    @dataclass
    class Wrote(Message):
        title: str
        message: str

    @property
    def desk(self) -> DouseApp:
        return self.app

    def me(self) -> str | None:
        """The acting staff handle, or None (with a warning) on an anonymous desk."""
        if not self.desk.me:
            self.desk.notify(WHO_AM_I, severity="warning")
            return None
        return self.desk.me

    def write(self, title: str, change: Callable[[Session, str], str]) -> None:
        me = self.me()
        if me is not None:
            self._write(title, change, me)

    @work(thread=True, exclusive=False, exit_on_error=False, group="desk-write")
    def _write(self, title: str, change: Callable[[Session, str], str], me: str) -> None:
        with self.desk.services.sessions.begin() as session:
            message = change(session, me)
        self.post_message(self.Wrote(title, message))

    def on_desk_writes_wrote(self, event: Wrote) -> None:
        event.stop()
        self.desk.notify(event.message, title=event.title)
        self.desk.broadcast_change()
        if event.title == "Label corrected":
            # A label is a training example: enough new ones and the desk learns again.
            self.desk.learn_in_background()
