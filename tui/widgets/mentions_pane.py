"""Mentions tab: the stream, newest first, with sentiment colour and the reasons for it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from sqlalchemy.orm import Session
from textual.app import ComposeResult
from textual.widgets import Static

from douse.core.incidents.manual import attach_mention, open_incident_from_mention
from douse.core.mentions import CORRECTABLE_LABELS, correct_label
from douse.core.queries.accounts import client_sources
from douse.core.queries.mentions import list_mentions
from douse.core.queries.rows import MENTION_FILTERS, ClientRef, MentionCursor, MentionRow, SourceRow
from douse.core.text import mention_ref
from douse.core.wording import plural
from douse.tui.actions import bindings
from douse.tui.dialogs.pick import PickDialog
from douse.tui.dialogs.prompt import PromptDialog
from douse.tui.widgets.list_pane import Fetch, FetchAside, ListPane, Window
from douse.tui.widgets.pane import Pane
from douse.tui.widgets.table import DeskTable
from douse.tui.widgets.text import NARROW, ago, clean, label, safe, show, stamp

if TYPE_CHECKING:
    from douse.tui.screens.base import DeskScreen

PAGE = 100


def reach(m: MentionRow) -> Text:
    parts = []
    if m.followers:
        parts.append(f"{m.followers:,}f")
    if m.shares:
        parts.append(f"{m.shares}↻")
    if m.likes:
        parts.append(f"{m.likes}♥")
    return Text(" ".join(parts) or "·", style="bold" if m.shares >= 50 else "dim")


def author_cell(m: MentionRow) -> Text:
    text = safe(m.author or "unknown", limit=24)
    if m.author_is_troll:
        text.append(" troll", style="bold magenta")
    if m.author_is_vip:
        text.append(" VIP", style="bold cyan")
    return text


def mention_detail(m: MentionRow) -> Text:
    """The whole post, as inert text, with why it got its label."""
    text = Text()
    text.append(f"{mention_ref(m.id)} ", style="dim")
    text.append_text(label(m.label, m.corrected))
    if m.compound is not None:
        text.append(f" {m.compound:+.2f}", style="dim")
    if m.corrected and m.model_label:
        text.append(f" (model said {m.model_label})", style="dim")
    text.append("  ")
    text.append_text(author_cell(m))
    text.append(f"  {m.platform}  {stamp(m.published_at)}", style="dim")
    if m.incident_id:
        text.append(f"  incident #{m.incident_id}", style="bold")
    text.append("\n")
    if m.title:
        text.append(clean(m.title), style="bold")
        text.append("\n")
    text.append(clean(m.text, one_line=False, limit=600))
    if m.reasons:
        text.append("\nwhy: ", style="dim")
        text.append(clean("; ".join(m.reasons), limit=300), style="italic")
    if m.url:
        text.append("\n")
        text.append(clean(m.url, limit=200), style="underline dim")
    return text


class MentionsPane(ListPane[MentionRow, list[SourceRow]]):
    BINDINGS: ClassVar = bindings("mentions")
    DEFAULT_CSS = """
    MentionsPane #mention-detail {
        height: 9;
        padding: 0 1;
        border-top: solid $primary-darken-2;
    }
    """
    PAGE = PAGE

    def __init__(self, client: ClientRef, *, id: str | None = None) -> None:
        super().__init__(client, id=id)
        self.kind = "all"
        self.sources: list[SourceRow] | None = None
        """Loaded when the client has no mentions at all: to say why."""

    def compose(self) -> ComposeResult:
        yield from super().compose()
        yield Static(id="mention-detail")

    def forget_rows(self) -> None:
        super().forget_rows()
        self.show_detail()

    def columns(self, table: DeskTable) -> None:
        # Text last: on a narrow terminal it is clipped (the detail box below shows it whole).
        table.add_column("When", key="when", width=10)
        table.add_column("Label", key="label", width=9)
        table.add_column("Inc", key="incident")
        narrow = self.app.size.width < NARROW
        table.add_column("Author", key="author", width=16 if narrow else 20)
        # Fixed: one account with a million followers must not squeeze every row's text.
        table.add_column("Reach", key="reach", width=9 if narrow else 13)
        table.add_column("Text", key="text")

    def bar(self) -> Text:
        text = Text()
        text.append("show ", style="dim")
        text.append(self.kind, style="bold")
        text.append(f"  ·  {len(self.rows)}{'' if self.exhausted else '+'} loaded", style="dim")
        text.append("  ·  reach: f followers, ↻ shares, ♥ likes", style="dim")
        return text

    def fetcher(self) -> Fetch[MentionRow]:
        client_id, kind, search = self.client.id, self.kind, self.search

        def fetch(session: Session, window: Window[MentionRow]) -> list[MentionRow]:
            last = window.last
            after = None if last is None else MentionCursor(last.published_at, last.id)
            return list_mentions(
                session,
                client_id=client_id,
                kind=kind,
                search=search,
                after=after,
                limit=window.limit or PAGE,
            )

        return fetch

    def aside_fetcher(self) -> FetchAside[MentionRow, list[SourceRow]] | None:
        if self.filtered():
            return None
        client_id, now = self.client.id, self.desk.now()

        def sources(session: Session, rows: Sequence[MentionRow]) -> list[SourceRow] | None:
            return None if rows else client_sources(session, client_id, now)

        return sources

    def took_aside(self, aside: list[SourceRow] | None) -> None:
        self.sources = aside

    def cells(self, row: MentionRow, now: datetime) -> list[Text]:
        return [
            ago(row.published_at, now),
            label(row.label, row.corrected),
            Text(f"#{row.incident_id}") if row.incident_id else Text("·", style="dim"),
            author_cell(row),
            reach(row),
            safe(row.title or row.text, "bold" if row.label == "negative" else "", limit=90),
        ]

    def show_state(self) -> None:
        # Why the list is empty goes in the detail box, where the post would be; why it could
        # not be loaded above the list, as on every tab.
        self.show_bar()
        self.show_empty(self.failure_text())
        self.show_detail()

    def show_detail(self) -> None:
        m = self.selected
        detail = self.query_one("#mention-detail", Static)
        if m is not None:
            show(detail, mention_detail(m))
        else:
            show(detail, Text() if self.failure is not None else self.why_empty())

    def filtered(self) -> list[str]:
        return ([f"show {self.kind}"] if self.kind != "all" else []) + super().filtered()

    def why_empty(self) -> Text:
        """Why there is nothing to show, and what to do: a filter, no sources, nothing polled."""
        if not self.loaded:
            return Text("Loading…", style="dim")
        name = self.client.name
        sources = self.sources or []
        enabled = [s for s in sources if s.enabled]
        if self.filtered():
            return self.empty_because("mentions", "")
        if not enabled:
            return Text(
                f"No mentions yet: {name} has no {'enabled ' if sources else ''}sources. Add "
                "[[clients.sources]] to clients.toml and run `douse sync`; `douse mention add` "
                "and `douse import` record mentions by hand."
            )
        polled = [s.last_polled_at for s in enabled if s.last_polled_at is not None]
        if not polled:
            return Text(
                f"No mentions yet: {plural(len(enabled), 'source')} of {name}, none polled so "
                "far. `douse watch` polls them (the desk does while no watch runs); p on the "
                "Sources tab (4) polls one now."
            )
        failing = [s for s in enabled if s.health == "failing"]
        text = Text(
            f"No mentions yet: {plural(len(enabled), 'source')} polled, last "
            f"{ago(max(polled), self.desk.now()).plain}, and nothing found about {name}. "
            "Check the client's keywords in clients.toml"
        )
        text.append(f", and the Sources tab (4): {len(failing)} failing." if failing else ".")
        return text

    def highlighted(self) -> None:
        self.show_detail()

    def action_more(self) -> None:
        self.more()

    def action_cycle_kind(self) -> None:
        i = MENTION_FILTERS.index(self.kind)
        self.set_kind(MENTION_FILTERS[(i + 1) % len(MENTION_FILTERS)])

    def set_kind(self, kind: str) -> None:
        self.kind = kind
        self.show_bar()
        self.refilter()

    # ------------------------------------------------------------------------------ actions

    def action_open_incident_here(self) -> None:
        """Make an incident of the highlighted mention (triage did not, or judged it wrongly)."""
        m = self.selected
        if m is None:
            return
        if m.incident_id:
            self.notify(f"Already on incident #{m.incident_id}.", severity="warning")
            return

        def chosen(note: str | None) -> None:
            if note is None:
                return

            def change(session: Session, me: str) -> str:
                result = open_incident_from_mention(
                    session, m.id, by=me, now=self.desk.now(), note=note
                )
                owner = result.owner_handle or "nobody (no default owner)"
                return f"Incident #{result.incident_id} opened, routed to {owner}"

            self.write("New incident", change)

        self.app.push_screen(
            PromptDialog(
                f"New incident from mention {mention_ref(m.id)}: why? (optional)",
                placeholder="e.g. a complaint the model read as neutral",
            ),
            chosen,
        )

    def action_attach(self) -> None:
        m = self.selected
        if m is None:
            return

        def chosen(answer: str | None) -> None:
            if not answer:
                return
            try:
                incident_id = int(answer.strip().lstrip("#"))
            except ValueError:
                self.notify("An incident number, e.g. 12", severity="warning")
                return

            def change(session: Session, me: str) -> str:
                attach_mention(session, incident_id, m.id, by=me, now=self.desk.now())
                return f"Mention {mention_ref(m.id)} attached to incident #{incident_id}"

            self.write("Attached", change)

        self.app.push_screen(
            PromptDialog(
                f"Attach mention {mention_ref(m.id)} to which incident?", placeholder="e.g. 12"
            ),
            chosen,
        )

    def action_relabel(self) -> None:
        m = self.selected
        if m is None:
            return
        relabel(self, m)


def relabel(node: Pane | DeskScreen, m: MentionRow) -> None:
    """Ask for the right label of a mention and record the correction (from a pane or screen)."""
    options = [(name, label(name)) for name in CORRECTABLE_LABELS if name != m.label]

    def chosen(value: str | None) -> None:
        if value is None:
            return

        def change(session: Session, me: str) -> str:
            fixed = correct_label(session, m.id, value, by=me, now=node.desk.now())
            ref = mention_ref(m.id)
            return f"Mention {ref}: {fixed.before} → {fixed.label} (model said {fixed.model_label})"

        node.write("Label corrected", change)

    title = f"Mention {mention_ref(m.id)} is {m.label}; it should be"
    node.app.push_screen(PickDialog(title, options), chosen)
