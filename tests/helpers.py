"""What many test modules share: the frozen start time, the repository's paths, a feed to serve,
and driving the desk with Pilot (run it, wait for it to settle, read what it shows).

Waiting is always for something to happen (workers done and their messages handled, a cell
changed, a line shown), never for a fixed time: a loaded machine only makes a test slower.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import random
import time
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from douse.core.ingest.fetch import FetchLimits

if TYPE_CHECKING:
    from textual.pilot import Pilot
    from textual.worker import Worker

    from douse.core.services import Services
    from douse.tui.app import DouseApp
    from douse.tui.screens.incident import IncidentScreen
    from douse.tui.widgets.pane import Pane

# A Monday morning in London; every test that cares about time starts here unless it says otherwise.
T0 = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
# Fetch limits for tests against a local server: short timeouts, one retry, no real waiting.
# The read timeout leaves room for a busy CI machine: at 0.5 s a loaded worker once saw the
# local server's instant 503 "time out" twice in a row.
FAST = FetchLimits(
    connect_timeout=1.0,
    read_timeout=1.5,
    total_timeout=3.0,
    max_bytes=64_000,
    attempts=2,
    max_retry_wait=1.0,
)

# The desk's usual terminal in tests.
SIZE = (100, 30)


def rss(*items: tuple[str, str], title: str = "Local news") -> bytes:
    """An RSS 2.0 document with one item per (guid, text), all published before T0."""
    entries = "".join(
        f"<item><guid>{guid}</guid><link>https://news.example/{guid}</link>"
        f"<title>{text[:30]}</title><description>{text}</description>"
        "<pubDate>Mon, 23 Nov 2026 08:00:00 GMT</pubDate></item>"
        for guid, text in items
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}'
        f"</title><link>https://news.example/</link>{entries}</channel></rss>"
    ).encode()


# Two posts about Acme (one complaint, one praise) and one about nothing.
FEED = rss(
    ("a1", "Acme Rentals ignored my mould complaint for months, terrible landlord"),
    ("a2", "Acme Rentals fixed the heating in a day, lovely people"),
    ("a3", "The weather in town is mild this week"),
)


# Acme's customers say "zorbed" for broken and "plimmed" for sorted out: no lexicon knows either,
# so the rules call both neutral; only the labels can teach them.
PLACES = ["boiler", "lift", "gate", "shower", "heating", "front door", "kitchen tap", "roof"]
WHEN = ["again", "this morning", "since Monday", "for the third time", "last night", "today"]
WHO = ["my", "our", "the", "flat 4's", "the block's"]


def slang_stream(seed: int, n: int) -> list[tuple[str, str]]:
    """n labelled posts in Acme's slang, three negative to two neutral."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        place, when, who = rng.choice(PLACES), rng.choice(WHEN), rng.choice(WHO)
        if i % 5 < 3:
            out.append((f"Acme: {who} {place} is zorbed {when}", "negative"))
        else:
            out.append((f"Acme: {who} {place} was plimmed {when}", "neutral"))
    return out


def wait_for(predicate: Callable[[], bool], timeout: float = 10.0) -> bool:
    """Until `predicate()` holds, or `timeout` seconds: whether it held. For what another thread
    or process does and signals no other way (a row written, a request received), so it looks
    every 0.02 s; a test asserts the result."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


def sync(test: Callable[..., Coroutine[Any, Any, None]]) -> Callable[..., None]:
    """Run an async Pilot test on a fresh event loop (no async pytest plugin is installed)."""

    @functools.wraps(test)
    def run(*args: Any, **kwargs: Any) -> None:
        asyncio.run(test(*args, **kwargs))

    return run


def make_app(services: Services, tmp_path: Path, me: str | None = "alice") -> DouseApp:
    from douse.tui.app import DouseApp

    return DouseApp(services, me=me, watch_every=0, export_dir=tmp_path / "exports")


async def settle(pilot: Pilot[Any], timeout: float = 30.0) -> None:
    """Wait until no worker is left and every message is handled: a worker's result may start
    another load, so this repeats until a pass finds nothing running.

    A worker that failed or was cancelled has settled too. Every desk worker runs with
    exit_on_error=False: the desk turns a failure into what the screen shows (a notification,
    why a list is empty), and the test checks that. Textual's `wait_for_complete` would raise
    WorkerFailed / WorkerCancelled instead, but only for a worker still held when the wait began
    (one that ended a moment earlier is gone from `app.workers`), so a failure test passed or
    failed by timing."""
    app = pilot.app
    deadline = time.monotonic() + timeout
    while True:
        await asyncio.gather(*(_ended(worker) for worker in list(app.workers)))
        await pilot.pause()
        if all(worker.is_finished for worker in app.workers):
            return
        assert time.monotonic() < deadline, "the desk did not settle"


async def _ended(worker: Worker[Any]) -> None:
    """Until `worker` has ended, however it ended."""
    from textual.worker import WorkerError

    # WorkerFailed and WorkerCancelled: it ended. WorkerError itself: not started yet (the
    # next pass of `settle` waits for it).
    with contextlib.suppress(WorkerError):
        await worker.wait()


async def until(pilot: Pilot[Any], check: Callable[[], bool], timeout: float = 15.0) -> None:
    """Wait for `check()` to hold (a timer fired, a debounced check ran), or fail the test."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "condition not met in time"
        await pilot.pause()


async def type_text(pilot: Pilot[Any], text: str) -> None:
    """Type `text` into the focused widget: the same key event per character as
    `pilot.press(*text)`, sent in order, then one wait for the desk to handle them.

    Pilot waits for the process to go quiet after every key (at least 40 ms, up to a second a key
    on a busy machine): a 50-character reply cost 2 s and more. Key events queue in order, so a
    person typing fast is what the desk sees; the first wait below lets the app forward every
    key to the focused widget, the second lets that widget handle them."""
    from textual import events
    from textual.keys import _character_to_key

    app = pilot.app
    for char in text:
        key = char if char.isalnum() else _character_to_key(char)
        app.post_message(events.Key(key, char))
    await pilot._wait_for_screen()
    await pilot.pause()


def screen_text(app: DouseApp) -> str:
    """What the terminal shows now, one line per row: what a person reads, every widget in."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def rendered(app: DouseApp, selector: str) -> str:
    from textual.widgets import Static

    return str(app.screen.query_one(selector, Static).render())


async def open_incident(pilot: Pilot[Any], app: DouseApp, incident_id: int) -> IncidentScreen:
    from douse.tui.screens.incident import IncidentScreen

    app.open_incident(incident_id)
    await settle(pilot)
    assert isinstance(app.screen, IncidentScreen)
    return app.screen


async def client_tab(pilot: Pilot[Any], app: DouseApp, client_id: int, key: str) -> Pane:
    """Open a client and one of its tabs (its number key); the tab's pane."""
    from douse.tui.screens.client import ClientScreen

    app.open_client(client_id)
    await settle(pilot)
    await pilot.press(key)
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, ClientScreen)
    return screen.active_pane


class PolicyChecks:
    """The texts the outreach dialog's live policy check has looked at, in order.

    The check runs once typing pauses, off the UI thread: a test waits for the check of the text
    it typed, rather than for however long the pause and the check take on this machine.
    """

    def __init__(self, monkeypatch: Any) -> None:
        from douse.tui.dialogs import outreach

        self.texts: list[str] = []
        real = outreach.check_outreach

        def recorded(policy: Any, kind: str, text: str, **kw: Any) -> Any:
            found = real(policy, kind, text, **kw)
            self.texts.append(text)
            return found

        monkeypatch.setattr(outreach, "check_outreach", recorded)

    async def wait_for(self, pilot: Pilot[Any], text: str) -> None:
        """Until `text` has been checked and its findings are on the screen."""
        await until(pilot, lambda: text in self.texts)
        await settle(pilot)
