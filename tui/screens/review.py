"""Teach douse: the current client's posts its judgement is least sure of, labelled one key each.

`n` negative, `u` neutral, `p` positive, `s` skip; the cursor moves on to the next post, so a
hundred labels take a few minutes. Each label is a person's (it wins over the model, re-scoring
never changes it) and a training example; once enough new ones are in, the desk learns again in
a worker thread (never the UI thread) and says what it learned.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from rich.text import Text
from sqlalchemy.orm import Session
from textual import work
from textual.app import ComposeResult
from textual.widgets import Static

from douse.core.ingest.scoring import thread_analyzer
from douse.core.learning.review import ReviewItem, least_sure
from douse.core.mentions import label_mention
from douse.core.queries.rows import ClientRef
from douse.core.text import mention_ref
from douse.core.wording import plural
from douse.tui.actions import bindings
from douse.tui.screens.base import DeskScreen
from douse.tui.widgets.footer import DeskFooter
from douse.tui.widgets.header import DeskHeader
from douse.tui.widgets.records import Fetch, Records
from douse.tui.widgets.table import DeskTable
from douse.tui.widgets.text import safe

KEYS = {"negative": "n", "neutral": "u", "positive": "p"}
LABEL_STYLE = {"negative": "bold red", "neutral": "", "positive": "green"}


def _label_cell(label: str, by_person: bool = False) -> Text:
    text = Text(("✓ " if by_person else "") + label, style=LABEL_STYLE.get(label, ""))
    return text


class ReviewScreen(Records[ReviewItem, None], DeskScreen):
    BINDINGS: ClassVar = bindings("review")
    DEFAULT_CSS = """
    ReviewScreen #review { height: 1fr; }
    ReviewScreen #review-bar { height: 1; padding: 0 1; background: $boost; }
    ReviewScreen #review-why { height: 3; padding: 0 1; color: $text-muted; }
    """

    def __init__(self, client: ClientRef) -> None:
        super().__init__()
        self.client = client
        self.given = 0
        self.skipped = 0

    @property
    def table(self) -> DeskTable:
        return self.query_one(DeskTable)

    def compose(self) -> ComposeResult:
        yield DeskHeader(f"Teach douse · {self.client.name}")
        yield Static(id="review-bar")
        yield DeskTable(id="review")
        yield Static(id="review-why")
        yield DeskFooter()

    def help_scopes(self) -> list[str]:
        return ["review", "table"]

    def on_mount(self) -> None:
        self.query_one("#review-bar", Static).update(Text("Finding the least sure posts…"))
        self.start_listing()

    def columns(self, table: DeskTable) -> None:
        table.add_column("Post", key="id", width=7)
        table.add_column("douse says", key="label", width=12)
        table.add_column("Sure", key="sure", width=5)
        table.add_column("Text", key="text")

    def reload(self) -> None:
        # Loaded once: a reload (the desk's refresh, news from elsewhere) would take the posts
        # just labelled off the list under the cursor and reorder the rest. A failed load may
        # be asked for again (Ctrl+R).
        if not self.loaded or self.failure is not None:
            super().reload()

    def fetcher(self) -> Fetch[ReviewItem]:
        client_id = self.client.id
        return lambda session, window: least_sure(session, client_id, thread_analyzer())

    def key(self, row: ReviewItem) -> str:
        return str(row.mention_id)

    def cells(self, row: ReviewItem, now: datetime) -> list[Text]:
        return [
            Text(mention_ref(row.mention_id), style="dim"),
            _label_cell(row.label),
            Text(f"{row.certainty:.0%}", style="dim"),
            safe(" ".join(row.text.split()), limit=200),
        ]

    def show_state(self) -> None:
        self._show_why()
        self.query_one("#review-bar", Static).update(self.bar())

    def bar(self) -> Text:
        bar = Text(no_wrap=True, overflow="ellipsis")
        if not self.rows:
            if self.failure is None:
                bar.append("Nothing to review: every recent post is labelled by a person.")
            return bar
        bar.append(f"{plural(len(self.rows), 'post')}, least sure first", style="bold")
        bar.append(f"  ·  {self.given} labelled, {self.skipped} skipped", style="dim")
        bar.append("  ·  n negative  u neutral  p positive  s skip", style="dim")
        return bar

    def highlighted(self) -> None:
        self._show_why()

    def _show_why(self) -> None:
        item = self.selected
        why = self.failure_text("the posts to review")
        if why is None:
            why = safe(item.why, limit=300) if item else Text("")
        self.query_one("#review-why", Static).update(why)

    def _advance(self) -> None:
        table = self.table
        if table.cursor_row < table.row_count - 1:
            table.move_cursor(row=table.cursor_row + 1)
        self.query_one("#review-bar", Static).update(self.bar())

    def action_give(self, label: str) -> None:
        item = self.selected
        me = self.me()
        if item is None or me is None:
            return
        key = self.key(item)
        self.table.update_cell(key, "label", _label_cell(label, by_person=True))
        self.given += 1
        self._save(item.mention_id, label, me)
        self._advance()

    def action_skip(self) -> None:
        if self.selected is not None:
            self.skipped += 1
            self._advance()

    @work(thread=True, exclusive=False, exit_on_error=False, group="desk-write")
    def _save(self, mention_id: int, label: str, me: str) -> None:
        with self.desk.services.sessions.begin() as session:
            self._label(session, mention_id, label, me)
        self.desk.call_from_thread(self.desk.learn_in_background)

    def _label(self, session: Session, mention_id: int, label: str, me: str) -> None:
        label_mention(session, mention_id, label, by=me, now=self.desk.now(), source="desk")
