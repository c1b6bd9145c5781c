"""Export: choose client, period and format; the export itself runs in a worker (core.export)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Select

from core.errors import DouseError
from core.export.api import FORMATS, export_client
from core.queries.desk import ClientRef
from core.services import Services
from tui.dialogs.base import Dialog

PERIODS = (("last 7 days", 7), ("last 30 days", 30), ("last 90 days", 90), ("everything", 0))


@dataclass(frozen=True)
class ExportRequest:
    slug: str
    fmt: str
    since: datetime | None
    until: datetime
    folder: Path


def run_export(services: Services, request: ExportRequest) -> Path:
    """Blocking: call from a worker. Returns the path of the finished file."""
    try:
        # export_client treats an existing folder as "use the default file name in it".
        request.folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DouseError(f"cannot create {request.folder}: {exc.strerror}") from None
    result = export_client(
        services.sessions,
        request.slug,
        request.fmt,
        request.since,
        request.until,
        request.folder,
        services.clock.now(),
    )
    assert result.path is not None  # a folder target always yields a file
    return result.path


class ExportDialog(Dialog[ExportRequest]):
    DEFAULT_CSS = """
    ExportDialog Select { width: 1fr; }
    ExportDialog .row { height: auto; }
    ExportDialog Button { margin: 1 1 0 0; }
    """

    def __init__(
        self,
        clients: Sequence[ClientRef],
        current: int | None,
        now: datetime,
        folder: Path | None = None,
    ) -> None:
        super().__init__()
        self.clients = list(clients)
        self.current = current
        self.now = now
        self.folder = folder or Path.home() / "douse-exports"

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Export a client's incident log", classes="dialog-title")
            yield Select(
                [(Text(c.name), c.slug) for c in self.clients],
                value=next((c.slug for c in self.clients if c.id == self.current), Select.NULL),
                prompt="client",
                id="client",
            )
            with Horizontal(classes="row"):
                yield Select(
                    [(name, days) for name, days in PERIODS],
                    value=7,
                    id="period",
                    allow_blank=False,
                )
                yield Select(
                    [(f, f) for f in FORMATS], value="html", id="format", allow_blank=False
                )
            yield Input(value=str(self.folder), id="folder", placeholder="folder")
            with Horizontal(classes="row"):
                yield Button("Export", variant="primary", id="go")
                yield Button("Cancel", id="cancel")
            yield Label(
                "Ctrl+S export · Esc cancel · runs in the background; the path appears when done.",
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        self.query_one("#client", Select).focus()

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)

    def key_ctrl_s(self) -> None:
        self._go()

    @on(Input.Submitted, "#folder")
    @on(Button.Pressed, "#go")
    def _go(self) -> None:
        slug = self.query_one("#client", Select).value
        if not isinstance(slug, str):
            self.notify("Choose a client first.", severity="warning")
            self.query_one("#client", Select).focus()
            return
        days = self.query_one("#period", Select).value
        fmt = self.query_one("#format", Select).value
        since = self.now - timedelta(days=int(days)) if isinstance(days, int) and days else None
        folder = Path(
            self.query_one("#folder", Input).value.strip() or str(self.folder)
        ).expanduser()
        self.dismiss(
            ExportRequest(slug=slug, fmt=str(fmt), since=since, until=self.now, folder=folder)
        )
