"""Export: choose client, period (a preset or the CLI's own since/until dates), format and the
CSV options; the export itself runs in a worker (core.export)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, Input, Label, Select

from douse.core.errors import DouseError
from douse.core.export.api import FORMATS, export_client
from douse.core.export.period import DEFAULT_SINCE, make_period, parse_bound
from douse.core.queries.rows import ClientRef
from douse.core.services import Services
from douse.tui.dialogs.base import Dialog

CUSTOM = -1
EVERYTHING = 0
PERIODS = (
    ("everything (as douse export)", EVERYTHING),
    ("last 7 days", 7),
    ("last 30 days", 30),
    ("last 90 days", 90),
    ("dates below", CUSTOM),
)
# The CLI's default (core.export.period.DEFAULT_SINCE) is the dialog's: everything.
DEFAULT_PERIOD = EVERYTHING if DEFAULT_SINCE is None else CUSTOM
HINT = "Ctrl+S export · Esc cancel · the file's path is shown when done"


@dataclass(frozen=True)
class ExportRequest:
    slug: str
    fmt: str
    since: str | datetime | None  # text: a date or time read in the client's zone, as the CLI
    until: str | datetime | None  # None: now
    folder: Path
    activities: bool = False
    bom: bool = False
    internal: bool = False


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
        activities=request.activities,
        bom=request.bom,
        internal=request.internal,
    )
    assert result.path is not None  # a folder target always yields a file
    return result.path


class ExportDialog(Dialog[ExportRequest]):
    DEFAULT_CSS = """
    ExportDialog {
        & Select { width: 1fr; }
        & #format { width: 16; }
        & .row { height: auto; }
        & #since, & #until { width: 1fr; }
        & Checkbox { width: auto; margin-right: 1; }
        & Button { margin: 0 1 0 0; }
    }
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
            with Horizontal(classes="row"):
                yield Select(
                    [(Text(c.name), c.slug) for c in self.clients],
                    value=next((c.slug for c in self.clients if c.id == self.current), Select.NULL),
                    prompt="client",
                    id="client",
                )
                yield Select(
                    [(f, f) for f in FORMATS], value="html", id="format", allow_blank=False
                )
            with Horizontal(classes="row"):
                yield Select(list(PERIODS), value=DEFAULT_PERIOD, id="period", allow_blank=False)
                yield Input(id="since", placeholder="since YYYY-MM-DD")
                yield Input(id="until", placeholder="until (now)")
            with Horizontal(classes="row"):
                yield Checkbox("per-activity rows", id="activities", disabled=True)
                yield Checkbox("BOM (csv)", id="bom", disabled=True)
                yield Checkbox("internal notes", id="internal")
            yield Input(value=str(self.folder), id="folder", placeholder="folder")
            with Horizontal(classes="row"):
                yield Button("Export", variant="primary", id="go")
                yield Button("Cancel", id="cancel")
            yield Label(HINT, classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#client", Select).focus()
        self.query_one(
            "#activities", Checkbox
        ).tooltip = "csv: one row per activity, not per incident"
        self.query_one("#bom", Checkbox).tooltip = "csv: start with a UTF-8 BOM, for Excel"
        self.query_one("#internal", Checkbox).tooltip = (
            "md/html: also show internal notes, assignments and the raw status log. "
            "Not for the client. csv and json always hold everything."
        )

    @on(Input.Changed, "#since")
    @on(Input.Changed, "#until")
    def _dates_typed(self, event: Input.Changed) -> None:
        if event.value.strip():
            self.query_one("#period", Select).value = CUSTOM

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)

    def key_ctrl_s(self) -> None:
        self._go()

    @on(Select.Changed, "#format")
    def _format_chosen(self, event: Select.Changed) -> None:
        csv = event.value == "csv"
        self.query_one("#activities", Checkbox).disabled = not csv
        self.query_one("#bom", Checkbox).disabled = not csv
        self.query_one("#internal", Checkbox).disabled = event.value not in ("md", "html")

    def _dates(self) -> tuple[str | datetime | None, str | datetime | None] | None:
        """The period to export, checked with the CLI's parser; None (after saying why) if bad."""
        days = self.query_one("#period", Select).value
        if days != CUSTOM:
            since = self.now - timedelta(days=int(days)) if isinstance(days, int) and days else None
            # Until the moment the export runs, not the moment this dialog opened: a mention
            # recorded meanwhile is in it.
            return since, None
        since_text = self.query_one("#since", Input).value.strip() or None
        until_text = self.query_one("#until", Input).value.strip() or None
        # The worker reads the dates again in the client's own zone; the syntax, and whether
        # since comes before until, are the same in any zone.
        utc = ZoneInfo("UTC")
        field = "#since"
        try:
            if since_text:
                parse_bound(since_text, utc, end=False)
            field = "#until"
            if until_text:
                parse_bound(until_text, utc, end=True)
            make_period(
                since_text, until_text, utc, self.now.astimezone(UTC), names=("since", "until")
            )
        except DouseError as exc:
            self.notify(str(exc), title="Period", severity="error")
            self.query_one(field, Input).focus()
            return None
        return since_text, until_text

    @on(Input.Submitted, "#folder")
    @on(Button.Pressed, "#go")
    def _go(self) -> None:
        slug = self.query_one("#client", Select).value
        if not isinstance(slug, str):
            self.notify("Choose a client first.", severity="warning")
            self.query_one("#client", Select).focus()
            return
        dates = self._dates()
        if dates is None:
            return
        fmt = self.query_one("#format", Select).value
        folder = Path(
            self.query_one("#folder", Input).value.strip() or str(self.folder)
        ).expanduser()
        self.dismiss(
            ExportRequest(
                slug=slug,
                fmt=str(fmt),
                since=dates[0],
                until=dates[1],
                folder=folder,
                activities=self.query_one("#activities", Checkbox).value,
                bom=self.query_one("#bom", Checkbox).value,
                internal=self.query_one("#internal", Checkbox).value,
            )
        )
