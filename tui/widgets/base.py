"""What every worker-running node of the desk shares."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.message import Message
from textual.worker import Worker, WorkerState

if TYPE_CHECKING:
    from tui.app import DouseApp


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
