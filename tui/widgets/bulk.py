"""Acting on several incidents of a list at once: the client's Incidents tab and the queues.

The selection (Space, Shift+Up/Down, `*`) or, when nothing is selected, the highlighted incident.
Every write runs in one worker, each incident in its own transaction with the version the list
showed (core.incidents.bulk): the ones someone changed meanwhile, or that the change does not
suit, are reported and stay selected; the rest are done.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from rich.text import Text
from sqlalchemy.orm import Session
from textual import work
from textual.message import Message

from douse.core.db.models import INCIDENT_STATUSES
from douse.core.errors import DouseError
from douse.core.incidents import bulk, workflow
from douse.core.incidents.replies import log_canned_reply
from douse.core.incidents.undo import last_change, undo
from douse.core.queries.clients import canned_reply_names, list_staff
from douse.core.queries.rows import IncidentRow, StaffRef
from douse.core.wording import plural
from douse.tui.dialogs.confirm import ConfirmDialog
from douse.tui.dialogs.pick import PickDialog
from douse.tui.dialogs.prompt import PromptDialog
from douse.tui.widgets.base import WHO_AM_I
from douse.tui.widgets.table import DeskTable
from douse.tui.widgets.text import clean

if TYPE_CHECKING:
    from douse.tui.app import DouseApp

BULK_KEYS = "a ack  A assign  s status  M merge  r reply  u undo"
"""The bar's reminder of what a selection is for (the keys are in help too)."""


def selection_hint(table: DeskTable) -> Text:
    """The bar's end while nothing is selected: how to select."""
    return Text("  ·  Space selects", style="dim")


def selection_bar(table: DeskTable) -> Text | None:
    """The whole bar while incidents are selected (it fits 80 columns): how many, and what
    to do with them. None when nothing is selected."""
    count = len(table.selected_keys)
    if not count:
        return None
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(f"{count} selected", style="bold reverse")
    text.append(f"  {BULK_KEYS}  Esc clears", style="bold")
    return text


def ids_text(rows: Sequence[IncidentRow], limit: int = 8) -> str:
    shown = ", ".join(f"#{r.id}" for r in rows[:limit])
    return shown + (f" and {len(rows) - limit} more" if len(rows) > limit else "")


def undo_my_last(session: Session, incident_id: int, version: int, me: str, now: datetime) -> None:
    """Undo in bulk takes back only what `me` did: a selection may hold a colleague's change,
    which is undone from its incident, where the question names whose it is."""
    change = last_change(session, incident_id)
    if change is not None and change.possible and change.by != me:
        raise DouseError(f"its last change ({change.what}) is {change.by or 'douse'}'s, not yours")
    undo(session, incident_id, by=me, now=now, expected_version=version)


class BulkIncidents:
    """Mixin for a list of incidents (host: a Pane or a DeskScreen with DeskWrites)."""

    # Provided by the widget or screen this is mixed into.
    app: Any
    post_message: Callable[[Message], bool]

    @dataclass
    class BulkDone(Message):
        verb: str
        result: bulk.BulkResult

    @dataclass
    class BulkLooked(Message):
        what: str
        staff: list[StaffRef]
        canned: list[str]

    # -- what the host provides -------------------------------------------------------------

    def bulk_table(self) -> DeskTable:
        raise NotImplementedError

    def bulk_rows(self) -> dict[str, IncidentRow]:
        raise NotImplementedError

    # -- the targets ------------------------------------------------------------------------

    @property
    def _desk(self) -> DouseApp:
        return self.app

    def bulk_targets(self) -> list[IncidentRow]:
        table = self.bulk_table()
        keys = table.selected_keys or ([table.selected_key] if table.selected_key else [])
        rows = self.bulk_rows()
        return [rows[k] for k in keys if k in rows]

    def _ready_targets(self) -> list[IncidentRow] | None:
        if not self._desk.me:
            self._desk.notify(WHO_AM_I, severity="warning")
            return None
        targets = self.bulk_targets()
        if not targets:
            self._desk.notify("No incident here to act on.", severity="warning")
            return None
        return targets

    def run_bulk(
        self, verb: str, targets: Sequence[IncidentRow], change: Callable[..., object]
    ) -> None:
        """change(session, incident_id, version, me, now) for each target, in one worker."""
        items = [(r.id, r.version) for r in targets]
        self._bulk_worker(verb, items, change, self._desk.me or "")

    @work(thread=True, exclusive=True, exit_on_error=False, group="bulk")
    def _bulk_worker(
        self, verb: str, items: list[tuple[int, int]], change: Callable[..., object], me: str
    ) -> None:
        desk = self._desk
        result = bulk.apply_each(
            desk.services.sessions,
            items,
            lambda session, incident_id, version: change(
                session, incident_id, version, me, desk.now()
            ),
        )
        self.post_message(self.BulkDone(verb, result))

    def on_bulk_incidents_bulk_done(self, event: BulkDone) -> None:
        event.stop()
        result = event.result
        self._desk.notify(
            result.summary(event.verb),
            title=event.verb if not result.failed else f"{event.verb}, with problems",
            severity="warning" if result.failed else "information",
            timeout=12 if result.failed else 6,
        )
        # What did not go stays selected, so it is plain which ones need a look.
        self.bulk_table().set_selected(str(i) for i, _why in result.failed)
        self._desk.broadcast_change()

    # -- looking things up before asking ----------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="bulk-look")
    def _look(self, what: str, client_ids: tuple[int, ...]) -> None:
        with self._desk.services.sessions() as session:
            staff = list_staff(session)
            canned = canned_reply_names(session, client_ids)
        self.post_message(self.BulkLooked(what, staff, canned))

    def on_bulk_incidents_bulk_looked(self, event: BulkLooked) -> None:
        event.stop()
        targets = self._ready_targets()
        if targets is None:
            return
        if event.what == "assign":
            self._ask_assign(targets, event.staff)
        elif event.what == "reply":
            self._ask_reply(targets, event.canned)

    # -- the actions ------------------------------------------------------------------------

    def action_bulk_ack(self) -> None:
        targets = self._ready_targets()
        if targets is None:
            return
        self.run_bulk(
            "Acknowledged",
            targets,
            lambda s, i, v, me, now: workflow.change_status(
                s, i, "acknowledged", by=me, now=now, expected_version=v
            ),
        )

    def action_bulk_assign(self) -> None:
        if self._ready_targets() is not None:
            self._look("assign", ())

    def _ask_assign(self, targets: list[IncidentRow], staff: list[StaffRef]) -> None:
        options = [
            (s.handle, Text(f"{s.handle}  {clean(s.name)}" + ("  (away)" if s.away else "")))
            for s in staff
        ]

        def chosen(handle: str | None) -> None:
            if handle:
                self.run_bulk(
                    f"Assigned to {handle}",
                    # Those already theirs are not an error worth reporting one by one.
                    [r for r in targets if r.owner != handle] or targets,
                    lambda s, i, v, me, now: workflow.assign(
                        s, i, handle, by=me, now=now, expected_version=v
                    ),
                )

        self.app.push_screen(
            PickDialog(f"Assign {plural(len(targets), 'incident')} to", options), chosen
        )

    def action_bulk_status(self) -> None:
        targets = self._ready_targets()
        if targets is None:
            return
        options = [(s, s.replace("_", " ")) for s in INCIDENT_STATUSES if s != "new"]

        def with_note(status: str, note: str | None) -> None:
            if note is not None:
                self._set_status(targets, status, note.strip())

        def chosen(status: str | None) -> None:
            if status == "resolved":
                self.app.push_screen(
                    PromptDialog(
                        f"Resolve {plural(len(targets), 'incident')}: how was it resolved?",
                        placeholder="the same note goes on each",
                        required="A resolution note is required: say how it was resolved.",
                    ),
                    lambda note: with_note(status, note),
                )
            elif status:
                self._set_status(targets, status, "")

        self.app.push_screen(
            PickDialog(f"Status of {plural(len(targets), 'incident')}", options), chosen
        )

    def _set_status(self, targets: list[IncidentRow], status: str, note: str) -> None:
        self.run_bulk(
            f"Status {status.replace('_', ' ')}",
            targets,
            lambda s, i, v, me, now: workflow.change_status(
                s,
                i,
                status,
                by=me,
                now=now,
                expected_version=v,
                resolution=note or None,
            ),
        )

    def action_bulk_merge(self) -> None:
        targets = self._ready_targets()
        if targets is None:
            return
        if len(targets) < 2:
            self._desk.notify(
                "Select two or more incidents to merge (Space selects).", severity="warning"
            )
            return
        if len({r.client_id for r in targets}) > 1:
            self._desk.notify(
                "Only incidents of one client can be merged: select one client's.",
                severity="warning",
            )
            return
        options = [
            (str(r.id), Text(f"#{r.id}  {clean(r.title, limit=60)}"))
            for r in sorted(targets, key=lambda r: r.opened_at)
        ]

        def chosen(key: str | None) -> None:
            if key is None:
                return
            target = next(r for r in targets if str(r.id) == key)
            others = [(r.id, r.version) for r in targets if r.id != target.id]
            self._merge_worker(target.id, target.version, others, self._desk.me or "")

        self.app.push_screen(
            PickDialog(
                f"Merge {plural(len(targets), 'incident')}: into which one?",
                options,
                note="The others close as merged into it; u on it undoes the merge.",
            ),
            chosen,
        )

    @work(thread=True, exclusive=True, exit_on_error=False, group="bulk")
    def _merge_worker(
        self, target_id: int, version: int, others: list[tuple[int, int]], me: str
    ) -> None:
        desk = self._desk
        _merged, result = bulk.merge_selected(
            desk.services.sessions, (target_id, version), others, by=me, now=desk.now()
        )
        self.post_message(self.BulkDone(f"Merged into #{target_id}", result))

    def action_bulk_reply(self) -> None:
        targets = self._ready_targets()
        if targets is not None:
            self._look("reply", tuple(sorted({r.client_id for r in targets})))

    def _ask_reply(self, targets: list[IncidentRow], names: list[str]) -> None:
        if not names:
            self._desk.notify(
                "No canned replies for these clients (canned_replies in clients.toml).",
                severity="warning",
            )
            return

        def confirmed(name: str, yes: bool | None) -> None:
            if yes:
                self.run_bulk(
                    f"Replied '{name}'",
                    targets,
                    lambda s, i, v, me, now: log_canned_reply(
                        s, i, name, by=me, now=now, expected_version=v
                    ),
                )

        def chosen(name: str | None) -> None:
            if not name:
                return
            body = Text(f"'{name}' as a public reply on {ids_text(targets)}.\n")
            body.append(
                "Each is filled for its own incident ({author} is each customer's name) and "
                "checked against its client's reply policy on its own: a blocked one is "
                "reported and not logged.",
                style="dim",
            )
            self.app.push_screen(
                ConfirmDialog(f"Log a canned reply on {plural(len(targets), 'incident')}?", body),
                lambda yes: confirmed(name, yes),
            )

        self.app.push_screen(
            PickDialog("Which canned reply?", [(n, Text(n)) for n in names]), chosen
        )

    def action_bulk_undo(self) -> None:
        targets = self._ready_targets()
        if targets is None:
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.run_bulk("Undone", targets, undo_my_last)

        body = Text(
            f"Your last change on {ids_text(targets)}, each if nobody changed it since. "
            "Someone else's change is left alone: open that incident to undo it there."
        )
        self.app.push_screen(ConfirmDialog("Undo?", body), confirmed)
