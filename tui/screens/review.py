"""Teach douse: the current client's posts its judgement is least sure of, labelled one key each.

`n` negative, `u` neutral, `p` positive, `s` skip; the cursor moves on to the next post, so a
hundred labels take a few minutes. Each label is a person's (it wins over the model, re-scoring
never changes it) and a training example; once enough new ones are in, the desk learns again in
a worker thread (never the UI thread) and says what it learned.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from sqlalchemy.orm import Session
from textual import on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import Static

from douse.core.ingest.scoring import thread_analyzer
from douse.core.learning.review import ReviewItem, least_sure
from douse.core.mentions import label_mention
from douse.core.queries.rows import ClientRef
from douse.core.text import mention_ref
from douse.tui.actions import bindings
from douse.tui.screens.base import DeskScreen
from douse.tui.widgets.footer import DeskFooter
from douse.tui.widgets.header import DeskHeader
from douse.tui.widgets.table import DeskTable
from douse.tui.widgets.text import safe

KEYS = {"negative": "n", "neutral": "u", "positive": "p"}
LABEL_STYLE = {"negative": "bold red", "neutral": "", "positive": "green"}


def _label_cell(label: str, by_person: bool = False) -> Text:
    text = Text(("✓ " if by_person else "") + label, style=LABEL_STYLE.get(label, ""))
    return text


class ReviewScreen(DeskScreen):
    BINDINGS: ClassVar = bindings("review")
    DEFAULT_CSS = """
    ReviewScreen #review { height: 1fr; }
    ReviewScreen #review-bar { height: 1; padding: 0 1; background: $boost; }
    ReviewScreen #review-why { height: 3; padding: 0 1; color: $text-muted; }
    """

    @dataclass
    class Loaded(Message):
        items: list[ReviewItem]

    def __init__(self, client: ClientRef) -> None:
        super().__init__()
        self.client = client
        self.items: dict[str, ReviewItem] = {}
        self.given = 0
        self.skipped = 0
        self.loaded = False

    def compose(self) -> ComposeResult:
        yield DeskHeader(f"Teach douse · {self.client.name}")
        yield Static(id="review-bar")
        yield DeskTable(id="review")
        yield Static(id="review-why")
        yield DeskFooter()

    def help_scopes(self) -> list[str]:
        return ["review", "table"]

    def on_mount(self) -> None:
        table = self.query_one(DeskTable)
        table.add_column("Post", key="id", width=7)
        table.add_column("douse says", key="label", width=12)
        table.add_column("Sure", key="sure", width=5)
        table.add_column("Text", key="text")
        table.focus()
        self.query_one("#review-bar", Static).update(Text("Finding the least sure posts…"))
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="review")
    def load(self) -> None:
        with self.desk.services.sessions() as session:
            items = least_sure(session, self.client.id, thread_analyzer())
        self.post_message(self.Loaded(items))

    @on(Loaded)
    def _loaded(self, event: Loaded) -> None:
        self.loaded = True
        table = self.query_one(DeskTable)
        table.clear()
        self.items = {str(item.mention_id): item for item in event.items}
        table.add_rows(
            [
                (
                    str(item.mention_id),
                    [
                        Text(mention_ref(item.mention_id), style="dim"),
                        _label_cell(item.label),
                        Text(f"{item.certainty:.0%}", style="dim"),
                        safe(" ".join(item.text.split()), limit=200),
                    ],
                )
                for item in event.items
            ]
        )
        if event.items:
            table.move_cursor(row=0)
        self._show_why()
        self.query_one("#review-bar", Static).update(self.bar())

    def bar(self) -> Text:
        bar = Text(no_wrap=True, overflow="ellipsis")
        if not self.items:
            bar.append("Nothing to review: every recent post is labelled by a person.")
            return bar
        bar.append(f"{len(self.items)} posts, least sure first", style="bold")
        bar.append(f"  ·  {self.given} labelled, {self.skipped} skipped", style="dim")
        bar.append("  ·  n negative  u neutral  p positive  s skip", style="dim")
        return bar

    @on(DeskTable.RowHighlighted)
    def _highlighted(self, event: DeskTable.RowHighlighted) -> None:
        event.stop()
        self._show_why()

    def _show_why(self) -> None:
        key = self.query_one(DeskTable).selected_key
        item = self.items.get(key) if key else None
        why = self.query_one("#review-why", Static)
        why.update(safe(item.why, limit=300) if item else Text(""))

    def _advance(self) -> None:
        table = self.query_one(DeskTable)
        if table.cursor_row < table.row_count - 1:
            table.move_cursor(row=table.cursor_row + 1)
        self.query_one("#review-bar", Static).update(self.bar())

    def action_give(self, label: str) -> None:
        key = self.query_one(DeskTable).selected_key
        me = self.me()
        if key is None or me is None:
            return
        mention_id = int(key)
        self.query_one(DeskTable).update_cell(key, "label", _label_cell(label, by_person=True))
        self.given += 1
        self._save(mention_id, label, me)
        self._advance()

    def action_skip(self) -> None:
        if self.query_one(DeskTable).selected_key is not None:
            self.skipped += 1
            self._advance()

    @work(thread=True, exclusive=False, exit_on_error=False, group="desk-write")
    def _save(self, mention_id: int, label: str, me: str) -> None:
        with self.desk.services.sessions.begin() as session:
            self._label(session, mention_id, label, me)
        self.desk.call_from_thread(self.desk.learn_in_background)

    def _label(self, session: Session, mention_id: int, label: str, me: str) -> None:
        label_mention(session, mention_id, label, by=me, now=self.desk.now(), source="desk")
