"""The smaller tabs of the client view: accounts & owners, sources, authors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar, TypedDict, Unpack

from rich.text import Text
from sqlalchemy.orm import Session
from textual import on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import Static

from douse.core.accounts import reassign_account
from douse.core.authors import TrollPreview, set_author, troll_preview
from douse.core.jobs.demo_marker import DemoDatabaseError
from douse.core.jobs.poll import Poller, format_outcome
from douse.core.queries.accounts import client_accounts, client_sources
from douse.core.queries.authors import client_authors
from douse.core.queries.clients import list_staff
from douse.core.queries.rows import AccountRow, AuthorRow, ClientRef, SourceRow, StaffRef
from douse.core.wording import plural
from douse.tui.actions import bindings
from douse.tui.dialogs.confirm import ConfirmDialog
from douse.tui.dialogs.pick import PickDialog
from douse.tui.dialogs.prompt import PromptDialog
from douse.tui.dialogs.troll import troll_question
from douse.tui.widgets.list_pane import Fetch, FetchAside, ListPane, Window
from douse.tui.widgets.table import DeskTable
from douse.tui.widgets.text import ago, clean, count, safe

HEALTH_STYLE = {
    "ok": "green",
    "failing": "bold red",
    "silent": "yellow",
    "disabled": "dim",
    "new": "cyan",
}


class _AuthorFlags(TypedDict, total=False):
    """What the authors pane changes on an author (set_author's keywords)."""

    troll: bool
    vip: bool
    notes: str


def account_state(a: AccountRow) -> Text:
    """One word on whether someone will answer for the account now, never "ok" when nobody
    will (the Owner and Backup columns say who)."""
    if a.archived:
        return Text("archived", style="dim")
    if a.owner is None:
        return Text("NO OWNER", style="bold yellow")
    if a.owner_away and not a.backup:
        return Text("owner away, no backup", style="bold yellow")
    if a.owner_away:
        return Text(f"owner away: {clean(a.backup)}", style="yellow")
    return Text("ok", style="green")


class AccountsPane(ListPane[AccountRow, list[StaffRef]]):
    BINDINGS: ClassVar = bindings("accounts")

    def __init__(self, client: ClientRef, *, id: str | None = None) -> None:
        super().__init__(client, id=id)
        self.staff: list[StaffRef] = []

    def columns(self, table: DeskTable) -> None:
        for name in ("Platform", "Handle", "Owner", "Backup", "State"):
            table.add_column(name, key=name.lower())

    def bar(self) -> Text:
        unowned = sum(1 for a in self.rows.values() if a.owner is None and not a.archived)
        text = Text(plural(len(self.rows), "account"), style="dim")
        if unowned:
            text.append(f"  ·  {unowned} without an owner", style="bold yellow")
        return text

    def fetcher(self) -> Fetch[AccountRow]:
        client_id, needle = self.client.id, self.search.lower()

        def fetch(session: Session, window: Window[AccountRow]) -> list[AccountRow]:
            return [
                a
                for a in client_accounts(session, client_id)
                if not needle or needle in a.handle.lower() or needle in (a.owner or "")
            ]

        return fetch

    def aside_fetcher(self) -> FetchAside[AccountRow, list[StaffRef]]:
        return lambda session, rows: list_staff(session)

    def took_aside(self, aside: list[StaffRef] | None) -> None:
        self.staff = aside or []

    def cells(self, row: AccountRow, now: datetime) -> list[Text]:
        return [
            Text(row.platform),
            safe(row.handle, limit=40),
            safe(row.owner) if row.owner else Text("—", style="dim"),
            safe(row.backup) if row.backup else Text("—", style="dim"),
            account_state(row),
        ]

    def why_empty(self) -> Text:
        return self.empty_because(
            "accounts",
            f"No accounts for {self.client.name}: add [[clients.accounts]] (platform, handle, "
            "owner) to clients.toml and run `douse sync`.",
        )

    def _people(self, exclude: str | None = None) -> list[tuple[str, Text]]:
        return [
            (s.handle, Text(f"{s.handle}  {s.name}" + ("  (away)" if s.away else "")))
            for s in self.staff
            if s.handle != exclude
        ]

    def action_reassign(self) -> None:
        """Owner first, then the backup (or nobody); recorded in the audit log."""
        account = self.selected
        if account is None or self.me() is None:
            return
        where = f"{account.platform} {account.handle}"

        def owner_chosen(owner: str | None) -> None:
            if not owner:
                return
            options = [("-", Text("nobody (no backup)", style="italic")), *self._people(owner)]

            def backup_chosen(backup: str | None) -> None:
                if backup is None:
                    return

                def change(session: Session, me: str) -> str:
                    done = reassign_account(
                        session,
                        account.id,
                        owner,
                        None if backup == "-" else backup,
                        by=me,
                        now=self.desk.now(),
                    )
                    return done.describe()

                self.write("Account reassigned", change)

            self.app.push_screen(PickDialog(f"Backup for {where}", options), backup_chosen)

        self.app.push_screen(
            PickDialog(
                f"Owner of {where} (now {account.owner or 'nobody'})",
                self._people(),
                note="Logged with your name and the time.",
            ),
            owner_chosen,
        )


def last_problem(row: SourceRow) -> Text:
    """The Sources tab's last column: the last error, else the last warning (a poll that
    worked but not quite), both as the platform or the feed worded them, inert."""
    if row.last_error:
        return safe(row.last_error, "red", limit=60)
    if row.last_warning:
        text = Text("warning: ", style="yellow")
        text.append_text(safe(row.last_warning, "yellow", limit=51))
        return text
    return Text("·", style="dim")


def source_detail(row: SourceRow, now: datetime) -> Text:
    """Under the Sources table: the highlighted source's address, and its last error and last
    warning in full (the column clips them), each with when it was seen."""
    text = Text()
    text.append_text(safe(row.name, "bold", limit=60))
    text.append(f" ({row.kind}) ", style="dim")
    text.append_text(safe(row.target, "dim", limit=120))
    for label, said, when, style in (
        ("last error", row.last_error, row.last_error_at, "red"),
        ("last warning", row.last_warning, row.last_warning_at, "yellow"),
    ):
        if not said:
            continue
        text.append(f"\n{label}", style=f"bold {style}")
        if when is not None:
            text.append(" ")
            text.append_text(ago(when, now))
        text.append(": ")
        text.append_text(safe(said, style, limit=300))
    if not (row.last_error or row.last_warning):
        text.append("\nno error or warning kept", style="dim")
    return text


class SourcesPane(ListPane[SourceRow, None]):
    BINDINGS: ClassVar = bindings("sources")
    DEFAULT_CSS = """
    SourcesPane > .source-detail {
        height: auto;
        max-height: 5;
        padding: 0 1;
        background: $boost;
    }
    """

    def compose(self) -> ComposeResult:
        yield from super().compose()
        yield Static(classes="source-detail")

    def highlighted(self) -> None:
        self.show_detail()

    def forget_rows(self) -> None:
        super().forget_rows()
        self.query_one(".source-detail", Static).display = False

    def show_state(self) -> None:
        super().show_state()
        self.show_detail()

    def show_detail(self) -> None:
        source = self.selected
        detail = self.query_one(".source-detail", Static)
        detail.display = source is not None
        if source is not None:
            detail.update(source_detail(source, self.desk.now()))

    def columns(self, table: DeskTable) -> None:
        table.add_column("Source", key="name")
        table.add_column("Kind", key="kind")
        table.add_column("Health", key="health")
        table.add_column("Last poll", key="polled")
        table.add_column("Last new", key="new")
        table.add_column("Next", key="next")
        table.add_column("Last error or warning", key="error")

    def bar(self) -> Text:
        bad = [s for s in self.rows.values() if s.health in ("failing", "silent")]
        text = Text(plural(len(self.rows), "source"), style="dim")
        if bad:
            text.append(
                f"  ·  {len(bad)} need{'s' if len(bad) == 1 else ''} attention", style="bold red"
            )
        return text

    def fetcher(self) -> Fetch[SourceRow]:
        client_id, needle, now = self.client.id, self.search.lower(), self.desk.now()

        def fetch(session: Session, window: Window[SourceRow]) -> list[SourceRow]:
            return [
                s
                for s in client_sources(session, client_id, now)
                if not needle or needle in s.name.lower() or needle in s.target.lower()
            ]

        return fetch

    def cells(self, row: SourceRow, now: datetime) -> list[Text]:
        health = Text(row.health, style=HEALTH_STYLE.get(row.health, ""))
        if row.consecutive_failures:
            health.append(f" ×{row.consecutive_failures}")
        return [
            safe(row.name, limit=30),
            Text(row.kind),
            health,
            ago(row.last_polled_at, now),
            ago(row.last_new_at, now),
            ago(row.next_poll_at, now) if row.next_poll_at else Text("—", style="dim"),
            last_problem(row),
        ]

    def why_empty(self) -> Text:
        return self.empty_because(
            "sources",
            f"No sources for {self.client.name}: add [[clients.sources]] to clients.toml and "
            "run `douse sync`. Meanwhile `douse import` and `douse mention add` record "
            "mentions by hand.",
        )

    def action_poll_now(self) -> None:
        source = self.selected
        if source is None:
            return
        if not source.enabled:
            self.notify(f"{source.name} is disabled in clients.toml.", severity="warning")
            return
        self.notify(f"Polling {source.name}…", timeout=3)
        self.poll(source.id)

    @work(thread=True, exclusive=False, exit_on_error=False, group="poll-now")
    def poll(self, source_id: int) -> None:
        # The desk's own scheduler shares its poller (and its leases); otherwise a short-lived
        # one on the services' HTTP client. Either way the source's lease stops a watch worker
        # polling it at the same time.
        running = self.desk.ingest.scheduler if self.desk.ingest else None
        poller = running.poller if running is not None else Poller(self.desk.services, workers=1)
        try:
            outcome = poller.poll_source(source_id)
        except DemoDatabaseError as exc:
            # Said plainly, not as an error: a demo's feeds are made up on purpose.
            self.post_message(self.Wrote("Not polled", f"{exc}."))
            return
        self.post_message(
            self.Wrote("Polled" if outcome.ok else "Poll failed", format_outcome(outcome))
        )


class AuthorsPane(ListPane[AuthorRow, None]):
    BINDINGS: ClassVar = bindings("authors")
    PLACEHOLDER = "handle or name — Enter keeps it, Esc clears"
    SHOWN = 100

    @dataclass
    class TrollLooked(Message):
        preview: TrollPreview

    def columns(self, table: DeskTable) -> None:
        table.add_column("Author", key="handle", width=28)
        table.add_column("Flags", key="flags")
        table.add_column("Here neg/all", key="here")
        table.add_column("All clients", key="all")
        table.add_column("Followers", key="followers")
        table.add_column("Note", key="note")

    def bar(self) -> Text:
        return Text(f"{plural(len(self.rows), 'author')}, most negative first", style="dim")

    def fetcher(self) -> Fetch[AuthorRow]:
        client_id, search, limit = self.client.id, self.search, self.SHOWN

        def fetch(session: Session, window: Window[AuthorRow]) -> list[AuthorRow]:
            return client_authors(session, client_id, search=search, limit=limit)

        return fetch

    def cells(self, row: AuthorRow, now: datetime) -> list[Text]:
        name = safe(row.handle, limit=30)
        if row.display_name:
            name.append(" ")
            name.append_text(safe(row.display_name, "dim", limit=20))
        flags = Text()
        if row.is_troll:
            flags.append("troll ", style="bold magenta")
        if row.is_vip:
            flags.append("VIP", style="bold cyan")
        return [
            name,
            flags or Text("·", style="dim"),
            Text(
                f"{row.negative_here}/{row.mentions_here}",
                style="red" if row.negative_here else "",
            ),
            Text(f"{row.mentions_all} in {row.clients_all}"),
            count(row.followers or 0),
            safe(row.notes, "italic", limit=40),
        ]

    def why_empty(self) -> Text:
        return self.empty_because(
            "authors",
            f"No authors yet: nobody with a known name or handle has written about "
            f"{self.client.name}.",
        )

    def _flag(
        self, title: str, author_id: int | None = None, **flags: Unpack[_AuthorFlags]
    ) -> None:
        """Change the highlighted author (or `author_id`, the one a question was about)."""
        if author_id is None:
            author = self.selected
            if author is None:
                return
            author_id = author.id

        def change(session: Session, me: str) -> str:
            done = set_author(session, author_id, by=me, now=self.desk.now(), **flags)
            flags_now = ", ".join(
                name for name, on_ in (("troll", done.is_troll), ("VIP", done.is_vip)) if on_
            )
            line = f"{clean(done.handle)}: {flags_now or 'no flags'}"
            if done.monitored:
                line += "; to monitor: " + ", ".join(f"#{i}" for i in done.monitored)
            if done.left_open:
                line += "; left open (others on them): " + ", ".join(
                    f"#{i}" for i in done.left_open
                )
            if done.restored:
                line += "; back as before the flag: " + ", ".join(f"#{i}" for i in done.restored)
            return line

        self.write(title, change)

    def action_toggle_troll(self) -> None:
        """Asks first: which of their open incidents go to monitor (or, unflagging, come back),
        with their deadlines."""
        author = self.selected
        if author is not None and self.me() is not None:
            self.look_troll(author.id)

    @work(thread=True, exclusive=True, exit_on_error=False, group="authors-look")
    def look_troll(self, author_id: int) -> None:
        with self.desk.services.sessions() as session:
            preview = troll_preview(session, author_id)
        self.post_message(self.TrollLooked(preview))

    @on(TrollLooked)
    def _troll_looked(self, event: TrollLooked) -> None:
        event.stop()
        preview = event.preview
        title, body = troll_question(preview, self.desk.now())

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._flag("Troll flag", preview.author_id, troll=not preview.is_troll)

        self.app.push_screen(ConfirmDialog(title, body), confirmed)

    def action_toggle_vip(self) -> None:
        author = self.selected
        if author is not None:
            self._flag("VIP flag", vip=not author.is_vip)

    def action_edit_note(self) -> None:
        author = self.selected
        if author is None:
            return

        def chosen(note: str | None) -> None:
            if note is not None:
                self._flag("Note saved", notes=note)

        self.app.push_screen(
            PromptDialog(f"Note on {author.handle}", value=author.notes, placeholder="note"),
            chosen,
        )
