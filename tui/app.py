"""The desk application: wiring, navigation, alerts and the one place failures become notifications.

Screens live in tui/screens; this module only knows how to move between them, how to watch the
database for news (new mentions, incidents, activities, notifications) without blocking the UI, and
which background work the desk does while no `douse watch` worker runs: polling sources (when asked
to, never a demo database's) and, always, the minute jobs that record breaches.
"""

from __future__ import annotations

import gc
import importlib
import logging
import sys
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from sqlalchemy.exc import DBAPIError, OperationalError
from textual import on, work
from textual.app import App
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.reactive import reactive
from textual.worker import Worker, WorkerState

from douse.core.errors import DouseError
from douse.core.jobs.demo_marker import NOT_POLLED, is_demo_database
from douse.core.jobs.housekeeping import INTERVAL_S as JOBS_EVERY
from douse.core.jobs.housekeeping import format_jobs
from douse.core.jobs.scheduler import run_incident_jobs_unless_watched
from douse.core.queries.clients import active_clients, staff_by_handle
from douse.core.queries.dashboard import data_stamp, notifications_after
from douse.core.queries.rows import ClientRef, DataStamp, NotificationRow, StaffRef
from douse.core.services import Services
from douse.tui.actions import bindings, key_label
from douse.tui.background import CHECK_EVERY_S, DeskIngest
from douse.tui.widgets.base import WHO_AM_I, DataChanged
from douse.tui.widgets.palette import DeskCommands

if TYPE_CHECKING:
    from douse.tui.dialogs.export import ExportRequest
    from douse.tui.screens.client import ClientScreen

log = logging.getLogger(__name__)

# The watcher asks the database for news this often; a full refresh happens at least every
# REFRESH_EVERY seconds even when nothing seems to have changed (e.g. a clock moved a deadline).
WATCH_EVERY = 3.0
REFRESH_EVERY = 15.0
ALERT_KINDS = ("critical", "breach", "pattern", "spike", "viral")
RECENT_LIMIT = 8


SWITCH_INTERVAL_S = 0.001
# Screens and dialogs opened after start-up, imported in the background once the desk is up.
WARM_MODULES = (
    "douse.tui.screens.client",
    "douse.tui.screens.incident",
    "douse.tui.screens.queue",
    "douse.tui.screens.approvals",
    "douse.tui.screens.help",
    "douse.tui.dialogs.export",
    "douse.tui.dialogs.outreach",
    "douse.tui.dialogs.switcher",
)


class DouseApp(App[None]):
    @dataclass
    class ContextLoaded(Message):
        clients: list[ClientRef]
        me: StaffRef | None
        stamp: DataStamp

    @dataclass
    class Watched(Message):
        stamp: DataStamp
        news: list[NotificationRow]

    @dataclass
    class Exported(Message):
        path: str

    TITLE = "douse"
    CSS_PATH = "app.tcss"
    BINDINGS: ClassVar = bindings("global")
    COMMANDS: ClassVar = {DeskCommands}
    ENABLE_COMMAND_PALETTE = True

    current_client: reactive[ClientRef | None] = reactive(None)
    """The client the desk is working on; always shown in the header."""

    def __init__(
        self,
        services: Services,
        me: str | None = None,
        *,
        me_from: str = "",
        watch_every: float = WATCH_EVERY,
        refresh_every: float = REFRESH_EVERY,
        export_dir: Path | None = None,
        poll: bool = False,
        jobs_every: float = JOBS_EVERY,
    ) -> None:
        super().__init__()
        self.services = services
        self.me = me
        self.me_from = me_from
        """Where `me` came from ("--as", "DOUSE_ME", "agency.me"), for messages about it."""
        self.me_ref: StaffRef | None = None
        self.recent_clients: list[int] = []
        self.clients: list[ClientRef] = []
        # A client asked for before the list arrived (a key pressed at start) opens when it does.
        self._clients_loaded = False
        self._pending_client: int | None = None
        self._watch_every = watch_every
        self._refresh_every = refresh_every
        self._stamp: DataStamp | None = None
        self._announced = 0  # the newest notification toasted: each is announced once
        self._since_refresh = 0.0
        self.export_dir = export_dir or Path.home() / "douse-exports"
        self._client_screen: ClientScreen | None = None
        # Polling sources from the desk while no `douse watch` worker runs (see tui/background).
        self.ingest: DeskIngest | None = DeskIngest(services) if poll else None
        # Known once the ingest check has asked; a demo database's sources are never polled.
        self._demo: bool | None = None
        # The minute jobs run here when neither the desk's polling nor a watch worker runs them.
        self._jobs_every = jobs_every
        self._jobs_running = threading.Lock()
        self._learning = threading.Lock()
        self._switch_interval = sys.getswitchinterval()

    # ----------------------------------------------------------------------------- lifecycle

    def on_mount(self) -> None:
        from douse.tui.screens.dashboard import DashboardScreen

        # Workers and the UI thread share the GIL. With Python's default 5 ms switch interval a
        # worker's query (a few ms of SQLAlchemy) waited up to 5 ms at each hand-over while a
        # frame was drawn, and took 40-70 ms instead of 5-20; 1 ms hands over sooner.
        sys.setswitchinterval(SWITCH_INTERVAL_S)

        self.push_screen(DashboardScreen())
        self.load_context()
        self.finish_unfinished_sends()
        if self._watch_every > 0:
            self.set_interval(self._watch_every, self.watch_database)
        if self.ingest is not None:
            self.check_ingest()
            self.set_interval(CHECK_EVERY_S, self.check_ingest)
        if self._jobs_every > 0:
            self.set_interval(self._jobs_every, self.run_minute_jobs)

    def now(self) -> datetime:
        return self.services.clock.now()

    @work(thread=True, exclusive=True, exit_on_error=False, group="warm-up")
    def warm_up(self) -> None:
        """Once the dashboard is up: import the other screens, then freeze what is alive.

        Imported on first use, the incident screen and the dialogs cost their first key
        60-110 ms. And start-up leaves a few hundred thousand long-lived objects (SQLAlchemy,
        Textual, styles): a full collection walking them took 100-120 ms, a stall that landed
        on a random key. Frozen, they are never walked again; later objects are collected as
        usual.
        """
        for module in WARM_MODULES:
            importlib.import_module(module)
        gc.freeze()

    def on_unmount(self) -> None:
        # What was frozen is collectable again once the desk is gone (tests run many desks).
        gc.unfreeze()
        sys.setswitchinterval(self._switch_interval)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        # Notifications carry titles, handles and errors from the internet: never markup, even
        # when a widget's notify() passes markup=True by default.
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    @work(thread=True, exclusive=True, exit_on_error=False, group="context")
    def load_context(self) -> None:
        with self.services.sessions() as session:
            clients = active_clients(session)
            me = staff_by_handle(session, self.me) if self.me else None
            stamp = data_stamp(session)
        self.post_message(self.ContextLoaded(clients, me, stamp))

    @on(ContextLoaded)
    def _context_loaded(self, event: ContextLoaded) -> None:
        self.clients = event.clients
        self._clients_loaded = True
        self.me_ref = me = event.me
        if self._pending_client is not None:
            pending, self._pending_client = self._pending_client, None
            self.open_client(pending)
        if self._stamp is None:
            # Alerts are for what happens while the desk is open, not for yesterday's news.
            self._stamp = event.stamp
        if self.me and me is None:
            where = f" ({self.me_from})" if self.me_from else ""
            self.notify(
                f"No staff member with handle {self.me!r}{where}: actions need a handle on the "
                "staff list (--as STAFF, or agency.me in clients.toml).",
                severity="warning",
                timeout=8,
            )

    @work(thread=True, exclusive=True, exit_on_error=False, group="ingest")
    def check_ingest(self) -> None:
        if self.ingest is None:
            return
        if self._demo is None:
            with self.services.sessions() as session:
                self._demo = is_demo_database(session)
            if self._demo:
                log.info("desk ingest: %s", NOT_POLLED)
        if not self._demo:
            log.info("desk ingest: %s", self.ingest.check())

    @work(thread=True, exclusive=False, exit_on_error=False, group="minute-jobs")
    def run_minute_jobs(self) -> None:
        """Breaches (and, unless this is a demo, webhooks and repair checks) every minute, when
        the desk is not polling: its polling scheduler runs them, and so does a watch worker.
        A breach is a notification like any other, so the watcher toasts it and rings."""
        if self.ingest is not None and self.ingest.running:
            return
        if not self._jobs_running.acquire(blocking=False):
            return  # the last run is still busy (a slow repair check): never two at once
        try:
            result = run_incident_jobs_unless_watched(self.services)
        finally:
            self._jobs_running.release()
        line = format_jobs(result) if result is not None else None
        if line:
            log.info("desk %s", line)

    @work(thread=True, exclusive=False, exit_on_error=False, group="learning")
    def learn_in_background(self) -> None:
        """Learn again once enough labels came in since the last model (core.learning.retrain);
        in a worker thread, never the UI thread: a refit takes seconds."""
        if not self._learning.acquire(blocking=False):
            return  # already learning: the labels given meanwhile count toward the next time
        try:
            from douse.core.ingest.scoring import thread_analyzer
            from douse.core.learning.retrain import retrain_due

            outcomes = retrain_due(self.services.sessions, thread_analyzer(), self.now)
        finally:
            self._learning.release()
        for outcome in outcomes:
            message = " ".join(line.strip() for line in outcome.lines())
            self.call_from_thread(self.notify, message, title="Learned from labels", timeout=8)

    def stop_ingest(self) -> None:
        """Blocking: waits for polls in progress. Called once the UI has closed."""
        if self.ingest is not None:
            self.ingest.close()

    # ------------------------------------------------------------------------------- watcher

    @work(thread=True, exclusive=True, exit_on_error=False, group="watch")
    def watch_database(self) -> None:
        with self.services.sessions() as session:
            stamp = data_stamp(session)
            old = self._stamp
            news = notifications_after(session, old.notification_id) if old else []
        self.post_message(self.Watched(stamp, news))

    @on(Watched)
    def _watched(self, event: Watched) -> None:
        stamp, news = event.stamp, event.news
        changed = stamp != self._stamp
        self._stamp = stamp
        self._since_refresh += self._watch_every
        # Two watch reads can overlap on a busy machine (the interval fires again before the
        # last read's answer is handled; `exclusive` cannot stop a running thread), and both
        # then bring the same notifications: each rings and toasts once.
        news = [item for item in news if item.id > self._announced]
        if news:
            self._announced = news[-1].id
        for item in news:
            if item.kind in ALERT_KINDS:
                self.bell()
                self.notify(
                    f"{item.client_slug}: {item.message}",
                    title=item.kind.upper(),
                    severity="error",
                    timeout=12,
                )
        if changed or self._since_refresh >= self._refresh_every:
            self._since_refresh = 0.0
            if changed:
                self.load_context()
            self.broadcast_change()

    def broadcast_change(self) -> None:
        for screen in self.screen_stack:
            screen.post_message(DataChanged())

    # -------------------------------------------------------------------------------- errors

    def failure_line(self, error: BaseException) -> str:
        """A failed worker's error in one line for the person at the desk."""
        if isinstance(error, DouseError):
            return str(error)
        if isinstance(error, OperationalError | DBAPIError):
            detail = str(getattr(error, "orig", error)).strip().splitlines()
            return f"Database unreachable or busy: {detail[0] if detail else error}"
        return f"Unexpected error: {type(error).__name__}: {error}"

    def report_failure(self, error: BaseException) -> None:
        """A notification; the traceback goes to the log only for programming errors."""
        if not isinstance(error, DouseError | OperationalError | DBAPIError):
            log.error("worker failed", exc_info=error)
        self.notify(self.failure_line(error), title="Error", severity="error", timeout=10)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.report_failure(event.worker.error)

    # ---------------------------------------------------------------------------- navigation

    def remember_client(self, client: ClientRef) -> None:
        self.current_client = client
        self.recent_clients = [client.id, *(c for c in self.recent_clients if c != client.id)][
            :RECENT_LIMIT
        ]

    def open_client(self, client_id: int) -> None:
        from douse.tui.screens.client import ClientScreen
        from douse.tui.screens.dashboard import DashboardScreen

        if not self._clients_loaded:
            self._pending_client = client_id
            return
        client = next((c for c in self.clients if c.id == client_id), None)
        if client is None:
            self.notify("That client is not (or no longer) listed.", severity="warning")
            return
        while len(self.screen_stack) > 2 and not isinstance(self.screen, DashboardScreen):
            self.pop_screen()
        self.remember_client(client)
        # One client view for the whole session, installed so popping it keeps its widgets:
        # switching client re-points it instead of building five tabs again.
        if self._client_screen is None:
            self._client_screen = ClientScreen(client)
            self.install_screen(self._client_screen, name="client")
        else:
            self._client_screen.show_client(client)
        self.push_screen(self._client_screen)

    def open_incident(self, incident_id: int) -> None:
        from douse.tui.screens.incident import IncidentScreen

        self.push_screen(IncidentScreen(incident_id))

    def action_home(self) -> None:
        from douse.tui.screens.dashboard import DashboardScreen

        while len(self.screen_stack) > 2 and not isinstance(self.screen, DashboardScreen):
            self.pop_screen()

    def go_back(self) -> None:
        """Close this screen, never the dashboard (escape on the dashboard does nothing)."""
        from douse.tui.screens.dashboard import DashboardScreen

        if len(self.screen_stack) > 2 and not isinstance(self.screen, DashboardScreen):
            self.pop_screen()

    async def action_back(self) -> None:
        # Async as in textual.App, which this overrides.
        self.go_back()

    def action_switch_client(self) -> None:
        from douse.tui.dialogs.switcher import ClientSwitcher

        order = {cid: i for i, cid in enumerate(self.recent_clients)}
        clients = sorted(self.clients, key=lambda c: (order.get(c.id, len(order)), c.name.lower()))

        def chosen(client_id: int | None) -> None:
            if client_id is not None:
                self.open_client(client_id)

        self.push_screen(ClientSwitcher(clients, set(order)), chosen)

    def _queue(self, mine: bool) -> None:
        from douse.tui.screens.queue import QueueScreen

        if isinstance(self.screen, QueueScreen):
            self.screen.mine = mine
            return
        if mine and not self.me:
            self.notify(WHO_AM_I, severity="warning")
            return
        self.push_screen(QueueScreen(mine=mine))

    def action_approvals(self) -> None:
        from douse.tui.screens.approvals import ApprovalsScreen

        if not isinstance(self.screen, ApprovalsScreen):
            self.push_screen(ApprovalsScreen())

    @work(thread=True, exclusive=True, exit_on_error=False, group="unfinished-sends")
    def finish_unfinished_sends(self) -> None:
        """At start: replies whose send was cut short (the desk or a CLI killed mid-send) are
        checked on their platform and finished, never posted twice (core.send.recover)."""
        from douse.core.send import recover

        done = recover(self.services)
        if done:
            self.call_from_thread(
                self.notify,
                f"{len(done)} interrupted send(s) checked on the platform and settled.",
            )
            self.call_from_thread(self.broadcast_change)

    def action_my_queue(self) -> None:
        self._queue(mine=True)

    def action_overdue_queue(self) -> None:
        self._queue(mine=False)

    def action_help(self) -> None:
        from douse.tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            return
        # Under a dialog, the screen below decides what "this screen" is.
        here = next((s for s in reversed(self.screen_stack) if hasattr(s, "help_scopes")), None)
        self.push_screen(HelpScreen(here.help_scopes() if here is not None else ()))

    def action_help_quit(self) -> None:
        """Ctrl+C does not quit (it copies in a text field); say how to, in plain words
        (Textual's own message carries markup, which this desk never renders)."""
        bound = self.active_bindings.items()
        keys = [k for k, a in bound if a.binding.action in ("quit", "app.quit")]
        key = keys[0] if keys else "ctrl+q"
        key = f"Ctrl+{key[5:].upper()}" if key.startswith("ctrl+") else key_label(key)
        self.notify(f"Press {key} to quit douse.", title="Do you want to quit?")

    def action_refresh_data(self) -> None:
        self.load_context()
        self.broadcast_change()

    def action_export(self) -> None:
        from douse.tui.dialogs.export import ExportDialog

        def chosen(request: ExportRequest | None) -> None:
            if request is not None:
                self.run_export(request)

        current = self.current_client.id if self.current_client else None
        self.push_screen(ExportDialog(self.clients, current, self.now(), self.export_dir), chosen)

    @work(thread=True, exclusive=False, exit_on_error=False, group="export")
    def run_export(self, request: ExportRequest) -> None:
        from douse.tui.dialogs.export import run_export

        path = run_export(self.services, request)
        self.post_message(self.Exported(str(path)))

    @on(Exported)
    def _exported(self, event: Exported) -> None:
        self.notify(event.path, title="Export written", timeout=20)

    @on(DataChanged)
    def _ignore_app_level_change(self) -> None:
        """Screens handle DataChanged; the app itself has nothing to refresh."""


def run_desk(services: Services, me: str | None, *, poll: bool = False, me_from: str = "") -> None:
    """Run the desk in this terminal until the user quits (`douse desk`, `douse demo`).

    poll: also poll sources while no `douse watch` worker runs (`douse desk` does; the demo
    does not, and no desk polls a demo database: its feeds are made up and must not turn
    "failing" for want of a network). Either way the desk records breaches while no worker does.
    """
    app = DouseApp(services, me=me, me_from=me_from, poll=poll)
    try:
        app.run()
    finally:
        if app.ingest is not None and app.ingest.running:
            # Polls and incident jobs in flight finish and commit; say why the prompt waits.
            print("douse: finishing the polls in progress…", file=sys.stderr, flush=True)
        app.stop_ingest()
