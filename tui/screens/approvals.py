"""Replies waiting for an approver, oldest first, across all clients (`y`).

`a` approves the highlighted reply (an API reply is sent at once, in a worker: the desk never
waits on a platform), `r` returns it to its author with a note, Enter opens its incident. Replies
the desk's user may not approve are shown dimmed; core.send says why when one is tried.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import Static

from douse.core.send import ApprovalRow, SendOutcome, approval_queue, approve, return_reply
from douse.core.wording import plural
from douse.tui.actions import bindings
from douse.tui.dialogs.prompt import PromptDialog
from douse.tui.screens.base import DeskScreen
from douse.tui.widgets.footer import DeskFooter
from douse.tui.widgets.header import DeskHeader
from douse.tui.widgets.records import Fetch, Records
from douse.tui.widgets.table import DeskTable
from douse.tui.widgets.text import clean, safe


def approval_cells(row: ApprovalRow, me: str | None) -> list[Text]:
    mine = me is not None and me in row.approvers and me != row.author
    style = "" if mine else "dim"
    return [
        Text(f"#{row.incident_id}", style="bold" if mine else "dim"),
        safe(row.client_slug, style, limit=16),
        safe(row.author, style, limit=10),
        safe(f"{row.kind.replace('_', ' ')} · {row.platform}", style, limit=24),
        safe("; ".join(row.rules), "yellow" if mine else "dim", limit=40),
        safe(row.body, style, limit=80),
    ]


class ApprovalsScreen(Records[ApprovalRow, None], DeskScreen):
    BINDINGS: ClassVar = [*bindings("approvals")]
    DEFAULT_CSS = """
    ApprovalsScreen #approvals { height: 1fr; }
    ApprovalsScreen #approvals-bar { height: 1; padding: 0 1; background: $boost; }
    ApprovalsScreen #approvals-text { height: auto; max-height: 6; padding: 0 1; }
    """

    @dataclass
    class Decided(Message):
        outcome: SendOutcome

    def __init__(self) -> None:
        super().__init__()
        self.busy: set[int] = set()

    @property
    def table(self) -> DeskTable:
        return self.query_one(DeskTable)

    def compose(self) -> ComposeResult:
        yield DeskHeader("Replies waiting for approval")
        yield Static(id="approvals-bar")
        yield DeskTable(id="approvals")
        yield Static(id="approvals-text")
        yield DeskFooter()

    def help_scopes(self) -> list[str]:
        return ["approvals", "table"]

    def on_mount(self) -> None:
        self.start_listing()

    def columns(self, table: DeskTable) -> None:
        table.add_column("#", key="incident")
        table.add_column("Client", key="client")
        table.add_column("By", key="author")
        table.add_column("What", key="what")
        table.add_column("Why", key="why")
        table.add_column("Reply", key="body")

    def fetcher(self) -> Fetch[ApprovalRow]:
        return lambda session, window: approval_queue(session)

    def key(self, row: ApprovalRow) -> str:
        return str(row.outbox_id)

    def cells(self, row: ApprovalRow, now: datetime) -> list[Text]:
        return approval_cells(row, self.desk.me)

    def show_state(self) -> None:
        me = self.desk.me
        rows = self.rows.values()
        mine = sum(1 for r in rows if me in r.approvers and me != r.author)
        bar = Text(no_wrap=True, overflow="ellipsis")
        bar.append(plural(len(self.rows), "reply", "replies") + " waiting", style="bold")
        bar.append(f"  ·  {mine} yours to approve", style="bold yellow" if mine else "dim")
        bar.append("  ·  a approve (sends it) · r return with a note · Enter incident", style="dim")
        self.query_one("#approvals-bar", Static).update(bar)
        self._show_text()

    def highlighted(self) -> None:
        self._show_text()

    def _show_text(self) -> None:
        row = self.selected
        # A failed reload leaves what was listed before on screen; the failure is said above it.
        text = self.failure_text("the replies waiting") or Text()
        if row is not None:
            if text:
                text.append("\n")
            text.append(f"{row.author} on #{row.incident_id} ({row.severity}): ", style="bold")
            text.append(clean(row.body, limit=600))
            if row.approvers:
                text.append(f"\napprovers: {', '.join(row.approvers)}", style="dim")
        elif not self.rows and not text:
            text.append("No reply waits for approval.", style="dim")
        self.query_one("#approvals-text", Static).update(text)

    @on(DeskTable.RowSelected)
    def _opened(self, event: DeskTable.RowSelected) -> None:
        event.stop()
        self.action_open_incident()

    def action_open_incident(self) -> None:
        row = self.selected
        if row is not None:
            self.desk.open_incident(row.incident_id)

    def key_escape(self, event: events.Key) -> None:
        event.stop()
        self.desk.go_back()

    def action_approve(self) -> None:
        row = self.selected
        me = self.desk.me
        if row is None or not me or row.outbox_id in self.busy:
            return
        self.busy.add(row.outbox_id)
        self.notify(f"Approving reply on #{row.incident_id}…", timeout=3)
        self.decide_approve(row.outbox_id, me)

    @work(thread=True, exclusive=False, exit_on_error=False, group="approve")
    def decide_approve(self, outbox_id: int, me: str) -> None:
        try:
            outcome = approve(self.desk.services, outbox_id, by=me)
        finally:
            self.busy.discard(outbox_id)
        self.post_message(self.Decided(outcome))

    def action_return(self) -> None:
        row = self.selected
        me = self.desk.me
        if row is None or not me:
            return

        def chosen(note: str | None) -> None:
            if note is None:
                return
            if not note.strip():
                self.notify("Returning a reply needs a note; nothing changed.", severity="warning")
                return
            self.decide_return(row.outbox_id, me, note.strip())

        self.app.push_screen(
            PromptDialog(
                f"Return {row.author}'s reply on #{row.incident_id}: what should change?",
                placeholder="e.g. offer £40 at most; no order numbers in public",
                hint="Enter returns it with this note · Esc keeps it waiting",
            ),
            chosen,
        )

    @work(thread=True, exclusive=False, exit_on_error=False, group="approve")
    def decide_return(self, outbox_id: int, me: str, note: str) -> None:
        self.post_message(
            self.Decided(return_reply(self.desk.services, outbox_id, by=me, note=note))
        )

    @on(Decided)
    def _decided(self, event: Decided) -> None:
        outcome = event.outcome
        if outcome.state in ("sent", "logged"):
            self.notify(clean(outcome.line()), timeout=6)
        elif outcome.state == "returned":
            self.notify(f"Returned the reply on #{outcome.incident_id} with your note.")
        else:
            self.notify(clean(outcome.line()), severity="error", timeout=10)
        self.desk.broadcast_change()
        self.reload()
