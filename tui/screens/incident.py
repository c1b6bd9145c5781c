"""The incident view: the posts, who wrote them, the timeline, the clock, and one-key actions.

Every action goes through core.incidents.workflow with the version this screen last loaded, so a
conflicting edit by someone else is refused (ConflictError) and shown, never overwritten.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, ClassVar

from rich.text import Text
from sqlalchemy.orm import Session
from textual import on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from douse.core.authors import TrollPreview, set_author, troll_preview
from douse.core.db.models import SEVERITIES
from douse.core.errors import DouseError
from douse.core.incidents import drafts, set_category, workflow
from douse.core.incidents.clocks import clock_state
from douse.core.incidents.undo import LastChange, last_change, undo
from douse.core.queries.clients import list_staff
from douse.core.queries.detail import incident_detail, incident_mentions
from douse.core.queries.rows import (
    AuthorHistory,
    CaseRow,
    IncidentDetail,
    IncidentMentionRow,
    MentionCursor,
    StaffRef,
)
from douse.core.text import mention_ref
from douse.core.wording import plural
from douse.tui.actions import bindings
from douse.tui.dialogs.confirm import ConfirmDialog
from douse.tui.dialogs.outreach import LogOutreachDialog, OutreachDraft, ReplyValues, SendResult
from douse.tui.dialogs.pick import PickDialog
from douse.tui.dialogs.prompt import PromptDialog
from douse.tui.dialogs.troll import troll_question
from douse.tui.screens.base import DeskScreen
from douse.tui.send import approval_first, describe_target, send_reply
from douse.tui.widgets.base import WHO_AM_I
from douse.tui.widgets.footer import DeskFooter
from douse.tui.widgets.header import DeskHeader
from douse.tui.widgets.mentions_pane import author_cell, mention_detail, reach, relabel
from douse.tui.widgets.records import Fetch, FetchAside, Records, Window
from douse.tui.widgets.table import DeskTable, RowSpec
from douse.tui.widgets.text import (
    NARROW,
    clean,
    countdown,
    label,
    safe,
    severity,
    show,
    stamp,
)


def clock_text(detail: IncidentDetail, now: datetime) -> Text:
    state = clock_state(detail, now)
    if state.overdue_by is not None:
        style = "bold white on dark_red"
    elif state.due_in is not None and state.due_in.total_seconds() < 900:
        style = "bold red"
    elif state.paused:
        style = "cyan"
    else:
        style = ""
    return Text(f" {state.label} ", style=style)


def summary(detail: IncidentDetail, now: datetime, listed: str | None = None) -> Text:
    r = detail.row
    text = Text()
    text.append(f"#{r.id} ", style="dim")
    text.append(clean(r.title), style="bold")
    text.append("\n")
    text.append_text(severity(r.severity))
    text.append("  ")
    text.append(r.status.replace("_", " "), style="bold")
    text.append("  owner ", style="dim")
    text.append(clean(r.owner) if r.owner else "UNOWNED", style="" if r.owner else "bold yellow")
    text.append("  ")
    text.append_text(clock_text(detail, now))
    text.append("\n")
    # The kind only when it is not a plain mention: a pattern, a spike, monitor.
    kind = f"{detail.kind}  ·  " if detail.kind != "mention" else ""
    text.append(
        f"{kind}{plural(r.mention_count, 'mention')} from "
        f"{plural(r.distinct_authors, 'person', 'people')}",
        style="dim",
    )
    if listed:
        text.append(f" ({listed})", style="dim")
    if detail.category_title:
        text.append(f"  ·  {clean(detail.category_title)}", style="dim")
    if detail.account:
        text.append(f"  ·  account {clean(detail.account)}", style="dim")
    if detail.row.breached_at is not None:
        # On its own line's end, so the status line fits 80 columns.
        text.append(f"  ·  breached {detail.row.breached_at:%d %b %H:%M}", style="red")
    if detail.repair_status:
        text.append(f"  ·  repair {detail.repair_status}", style="dim")
    if detail.merged_into_id:
        text.append(f"  ·  merged into #{detail.merged_into_id}", style="bold")
    text.append("\nwhy ", style="dim")
    text.append(
        clean("; ".join(detail.severity_reasons) or "no reasons recorded", limit=200),
        style="italic",
    )
    if detail.resolution:
        text.append("\nresolution ", style="dim")
        text.append(clean(detail.resolution, limit=200))
    if detail.row.problem_id is not None:
        text.append("\none person's case under problem ", style="dim")
        text.append(f"#{detail.row.problem_id}", style="bold cyan")
        text.append("  (p opens it)", style="dim")
        if detail.placed:
            text.append("\nplaced there ", style="dim")
            text.append(clean(detail.placed, limit=200), style="italic")
    if detail.cases:
        text.append("\n")
        text.append_text(cases_text(detail.cases, now))
    if detail.drafts:
        text.append("\n")
        text.append_text(drafting_text(detail.drafts))
    return text


MAX_CASES_SHOWN = 6


def cases_text(cases: tuple[CaseRow, ...], now: datetime) -> Text:
    """The people's own cases under a problem, soonest deadline first: "cases #41 @ana due in
    12m, #44 @bo waiting ...". Each opens from the client's incident list (↳#problem)."""
    text = Text(f"{plural(len(cases), 'case')} under it: ", style="dim")
    for i, case in enumerate(cases[:MAX_CASES_SHOWN]):
        if i:
            text.append(", ", style="dim")
        text.append(f"#{case.id}", style="bold")
        text.append(f" @{clean(case.author_handle or '?', limit=20)} ")
        if case.due_at is not None:
            text.append_text(countdown(case.due_at, now))
        else:
            text.append(case.status.replace("_", " "), style="dim")
    if len(cases) > MAX_CASES_SHOWN:
        text.append(f", and {len(cases) - MAX_CASES_SHOWN} more", style="dim")
    return text


def drafting_text(found: tuple[drafts.DraftRow, ...]) -> Text:
    """ "✎ ana is drafting a public reply (10:32)": so nobody answers the customer twice."""
    text = Text("✎ ", style="bold yellow")
    for i, d in enumerate(found):
        if i:
            text.append("; ")
        text.append(clean(d.staff), style="bold yellow")
        text.append(f" is drafting {d.kind.replace('_', ' ')} ({d.updated_at:%H:%M})")
    return text


def history_text(h: AuthorHistory | None) -> Text:
    if h is None:
        return Text("·", style="dim")
    return Text(
        f"{h.negative}/{h.mentions} neg, {h.clients} cl", style="red" if h.negative > 2 else ""
    )


MENTIONS_LEGEND = (
    "Mentions · history: negative/all posts, clients · reach: f followers, ↻ shares, ♥ likes"
)
MENTIONS_LEGEND_NARROW = "Mentions · history: neg/all posts, clients · reach: f followers ↻ shares"
SHORT = 30
"""Terminals shorter than this get a smaller post detail box and more timeline."""
MENTIONS_PAGE = 50
"""Mentions loaded at a time: the newest first, older ones as the cursor nears the end."""


def listed_text(listed: int, total: int, exhausted: bool) -> str | None:
    """How many of the incident's mentions are listed, while some are not yet: "newest 50
    listed, 250 more: End loads older". None once every one is."""
    more = total - listed
    if exhausted or more <= 0:
        return None
    return f"newest {listed} listed, {more} more: End loads older"


@dataclass(frozen=True)
class Beside:
    """What the incident view loads beside its mentions, in the same session."""

    detail: IncidentDetail
    staff: list[StaffRef]
    mention_total: int
    """The incident's mentions, counted in the session that loaded the first page."""


class IncidentScreen(Records[IncidentMentionRow, Beside], DeskScreen):
    """The incident's mentions are the list (`Records`); its detail, timeline and the staff
    who can take it are loaded beside them."""

    BINDINGS: ClassVar = bindings("incident")
    CSS_PATH = "incident.tcss"
    PAGE = MENTIONS_PAGE
    _approval_line: str | None = None
    """Set by the outreach dialog's save when the reply went to an approver instead."""

    @dataclass
    class Acted(Message):
        what: str
        result: workflow.ActionResult | None

    @dataclass
    class UndoLooked(Message):
        change: LastChange | None
        version: int

    @dataclass
    class TrollLooked(Message):
        preview: TrollPreview

    def __init__(self, incident_id: int) -> None:
        super().__init__()
        self.incident_id = incident_id
        self.detail: IncidentDetail | None = None
        self.staff: list[StaffRef] = []
        self.mention_total = 0
        # My draft as this view last knew it: kept drafts are written by workers in order
        # (a newer keep, or logging the entry, supersedes one still waiting).
        self.my_draft: OutreachDraft | None = None
        self._draft_seq = itertools.count(1)
        self._draft_latest = 0
        self._draft_lock = threading.Lock()
        self._drafts_pending = 0

    def help_scopes(self) -> list[str]:
        return ["incident", "table"]

    def compose(self) -> ComposeResult:
        yield DeskHeader(f"Incident #{self.incident_id}")
        yield Static("Loading…", id="summary")
        yield DeskTable(id="mentions")
        yield Static(id="mention-detail")
        yield DeskTable(id="timeline")
        yield DeskFooter()

    def on_resize(self) -> None:
        self.set_class(self.app.size.height < SHORT, "short")

    @property
    def table(self) -> DeskTable:
        return self.query_one("#mentions", DeskTable)

    def on_mount(self) -> None:
        self.set_class(self.app.size.height < SHORT, "short")
        timeline = self.query_one("#timeline", DeskTable)
        timeline.add_column("When", key="when", width=16)
        timeline.add_column("What", key="kind")
        timeline.add_column("Who", key="who")
        timeline.add_column("Channel", key="channel")
        timeline.add_column("Text", key="text")
        timeline.border_title = "Timeline"
        self.start_listing()
        self.set_interval(1.0, self.tick)

    # ------------------------------------------------------------------------------ loading

    def columns(self, table: DeskTable) -> None:
        narrow = self.app.size.width < NARROW
        table.add_column("When", key="when", width=16)
        table.add_column("Label", key="label", width=9)
        table.add_column("Author", key="author", width=18 if narrow else 26)
        table.add_column("History", key="history")
        table.add_column("Reach", key="reach")
        table.add_column("Text", key="text")
        table.border_title = MENTIONS_LEGEND_NARROW if narrow else MENTIONS_LEGEND

    def fetcher(self) -> Fetch[IncidentMentionRow]:
        incident_id = self.incident_id

        def fetch(
            session: Session, window: Window[IncidentMentionRow]
        ) -> tuple[IncidentMentionRow, ...]:
            last = window.last
            after = (
                None if last is None else MentionCursor(last.mention.published_at, last.mention.id)
            )
            return incident_mentions(
                session, incident_id, after=after, limit=window.limit or MENTIONS_PAGE
            )

        return fetch

    def aside_fetcher(self) -> FetchAside[IncidentMentionRow, Beside]:
        incident_id = self.incident_id

        def fetch(session: Session, rows: Sequence[IncidentMentionRow]) -> Beside:
            detail = incident_detail(session, incident_id, mention_limit=0)
            total = detail.more_mentions  # it holds none of them
            # The mentions were just read in the same session: the detail holds them too.
            detail = replace(detail, mentions=tuple(rows), more_mentions=max(total - len(rows), 0))
            return Beside(detail, list_staff(session), total)

        return fetch

    def key(self, row: IncidentMentionRow) -> str:
        return str(row.mention.id)

    def cells(self, row: IncidentMentionRow, now: datetime) -> list[Text]:
        m = row.mention
        return [
            Text(stamp(m.published_at)),
            label(m.label, m.corrected),
            author_cell(m),
            history_text(row.history),
            reach(m),
            safe(m.title or m.text, limit=120),
        ]

    def took_aside(self, aside: Beside | None) -> None:
        if aside is None:
            return
        self.detail = detail = aside.detail
        self.staff = aside.staff
        self.mention_total = aside.mention_total
        self.desk.remember_client(detail.client)
        if not self._drafts_pending:
            mine = next((d for d in detail.drafts if d.staff == self.desk.me), None)
            self.my_draft = (
                OutreachDraft(mine.kind, mine.channel, mine.body, mine.offer, mine.amount)
                if mine
                else None
            )
        self.show_timeline(detail)

    def show_timeline(self, detail: IncidentDetail) -> None:
        timeline = self.query_one("#timeline", DeskTable)
        timeline.clear()
        steps: list[RowSpec] = []
        for a in detail.activities:
            body = safe(a.body, limit=120)
            if a.money:
                body.append(f"  [{a.money}]", style="bold")
            if a.outcome:
                body.append(f"  → {clean(a.outcome, limit=60)}", style="italic")
            if a.policy_note:
                body.append(f"  ⚠ {clean(a.policy_note, limit=160)}", style="bold red")
            if a.sent_note:
                body.append(f"  ↗ {clean(a.sent_note, limit=160)}", style="green")
            steps.append(
                (
                    str(a.id),
                    [
                        Text(stamp(a.at)),
                        Text(
                            "undo" if a.undo else a.kind.replace("_", " "),
                            style="bold" if a.kind in workflow.RESPONSE_KINDS else "",
                        ),
                        safe(a.staff) if a.staff else Text("douse", style="dim"),
                        safe(a.channel) if a.channel else Text("·", style="dim"),
                        body,
                    ],
                )
            )
        timeline.add_rows(steps)
        if detail.activities:
            timeline.move_cursor(row=timeline.row_count - 1)

    def show_state(self) -> None:
        self.show_summary()
        self.show_mention()

    def show_summary(self) -> None:
        # A failed reload leaves what was loaded before on screen; the failure is said above it.
        text = self.failure_text(f"incident #{self.incident_id}") or Text()
        if self.detail is not None:
            if text:
                text.append("\n")
            text.append_text(
                summary(
                    self.detail,
                    self.desk.now(),
                    listed_text(len(self.rows), self.mention_total, self.exhausted),
                )
            )
        self.query_one("#summary", Static).update(text)

    def highlighted(self) -> None:
        self.show_mention()

    def show_mention(self) -> None:
        item = self.selected
        box = self.query_one("#mention-detail", Static)
        if item is None:
            if self.detail is not None:
                show(box, Text("No mentions on this incident.", style="dim"))
            return
        text = mention_detail(item.mention)
        if item.history:
            h = item.history
            text.append(
                f"\nauthor history: {plural(h.mentions, 'mention')}, {h.negative} negative, "
                f"across {plural(h.clients, 'client')}, first seen {stamp(h.first_seen_at)}",
                style="dim",
            )
        show(box, text)

    def tick(self) -> None:
        if self.detail is not None:
            self.show_summary()

    # ------------------------------------------------------------------------------ actions

    def _ready(self) -> IncidentDetail | None:
        if self.detail is None:
            return None
        if not self.desk.me:
            self.notify(WHO_AM_I, severity="warning")
            return None
        return self.detail

    def act(
        self, what: str, call: Callable[[Session, str, Any, int], workflow.ActionResult]
    ) -> None:
        detail = self._ready()
        if detail is None:
            return
        self.run_action_worker(what, call, self.desk.me or "", detail.row.version)

    @work(thread=True, exclusive=True, exit_on_error=False, group="incident-action")
    def run_action_worker(
        self, what: str, call: Callable[..., workflow.ActionResult], me: str, version: int
    ) -> None:
        now = self.desk.now()
        with self.desk.services.sessions.begin() as session:
            result = call(session, me, now, version)
        self.post_message(self.Acted(what, result))

    @on(Acted)
    def _acted(self, event: Acted) -> None:
        self.notify(event.what, title=f"Incident #{self.incident_id}")
        self.reload()
        self.desk.broadcast_change()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # Records' and WorkerFailures' handlers run too (Textual calls each class's in the
        # MRO): calling super() here notified a failure twice.
        if event.state == WorkerState.ERROR and event.worker.group == "incident-action":
            # Show what is true now (e.g. after someone else's edit) rather than a stale page.
            self.reload()

    def action_acknowledge(self) -> None:
        self.act(
            "Acknowledged",
            lambda s, me, now, v: workflow.change_status(
                s, self.incident_id, "acknowledged", by=me, now=now, expected_version=v
            ),
        )

    def action_assign(self) -> None:
        if self._ready() is None:
            return
        options = [
            (s.handle, Text(f"{s.handle}  {clean(s.name)}" + ("  (away)" if s.away else "")))
            for s in self.staff
        ]

        def chosen(handle: str | None) -> None:
            if handle:
                self.act(
                    f"Assigned to {handle}",
                    lambda s, me, now, v: workflow.assign(
                        s, self.incident_id, handle, by=me, now=now, expected_version=v
                    ),
                )

        self.app.push_screen(PickDialog("Assign to", options), chosen)

    def action_change_status(self) -> None:
        detail = self._ready()
        if detail is None:
            return
        allowed = workflow.TRANSITIONS.get(detail.row.status, ())
        options = [(s, s.replace("_", " ")) for s in allowed]

        def chosen(status: str | None) -> None:
            if status == "resolved":
                self.action_resolve()
            elif status:
                self.act(
                    f"Status: {status.replace('_', ' ')}",
                    lambda s, me, now, v: workflow.change_status(
                        s, self.incident_id, status, by=me, now=now, expected_version=v
                    ),
                )

        self.app.push_screen(PickDialog(f"Status (now {detail.row.status})", options), chosen)

    def action_set_severity(self) -> None:
        detail = self._ready()
        if detail is None:
            return
        options = [(s, severity(s)) for s in reversed(SEVERITIES) if s != detail.row.severity]

        def why(level: str, reason: str | None) -> None:
            if reason is None:
                return
            self.act(
                f"Severity {level}",
                lambda s, me, now, v: workflow.set_severity(
                    s,
                    self.incident_id,
                    level,
                    by=me,
                    now=now,
                    expected_version=v,
                    reason=reason.strip(),
                ),
            )

        def chosen(level: str | None) -> None:
            if level:
                self.app.push_screen(
                    PromptDialog(
                        f"Severity {level}: why?",
                        placeholder="e.g. the press is asking",
                        required="Say why the severity changes.",
                    ),
                    lambda reason: why(level, reason),
                )

        self.app.push_screen(PickDialog(f"Severity (now {detail.row.severity})", options), chosen)

    def action_resolve(self) -> None:
        if self._ready() is None:
            return

        def chosen(note: str | None) -> None:
            if note is None:
                return
            self.act(
                "Resolved",
                lambda s, me, now, v: workflow.change_status(
                    s,
                    self.incident_id,
                    "resolved",
                    by=me,
                    now=now,
                    expected_version=v,
                    resolution=note.strip(),
                ),
            )

        self.app.push_screen(
            PromptDialog(
                "Resolve: how was it resolved?",
                placeholder="e.g. refunded, customer thanked us",
                required="A resolution note is required: say how it was resolved.",
                hint="Enter to resolve (u undoes), Esc to cancel",
            ),
            chosen,
        )

    def action_escalate(self) -> None:
        """To whom first (a lead, by default at the top), then why; logged as an escalation."""
        if self._ready() is None:
            return
        me = self.desk.me
        people = sorted(
            (s for s in self.staff if s.handle != me),
            key=lambda s: (s.away, "lead" not in s.role.lower(), s.handle),
        )
        if not people:
            self.notify("Nobody else is on the staff list to escalate to.", severity="warning")
            return
        options = [
            (
                s.handle,
                Text(
                    f"{s.handle}  {clean(s.name)}  {clean(s.role)}" + ("  (away)" if s.away else "")
                ),
            )
            for s in people
        ]

        def why(handle: str, note: str | None) -> None:
            if note is None:
                return
            self.act(
                f"Escalated to {handle}",
                lambda s, me, now, v: workflow.log_activity(
                    s,
                    self.incident_id,
                    "escalation",
                    by=me,
                    now=now,
                    expected_version=v,
                    body=f"to {handle}: {note.strip()}",
                    details={"to": handle},
                ),
            )

        def chosen(handle: str | None) -> None:
            if not handle:
                return
            self.app.push_screen(
                PromptDialog(
                    f"Escalate to {handle}: why?",
                    placeholder="what they need to know or decide",
                    required="Say why, so they can act on it.",
                ),
                lambda note: why(handle, note),
            )

        self.app.push_screen(PickDialog("Escalate to whom?", options), chosen)

    def keep_draft(self, draft: OutreachDraft | None) -> None:
        """The outreach dialog's `keep`: write (or discard) my draft in the background."""
        self.my_draft = draft
        self._draft_latest = seq = next(self._draft_seq)
        self._drafts_pending += 1
        self._keep_draft(draft, seq, self.desk.me or "")

    @work(thread=True, exclusive=False, exit_on_error=False, group="draft")
    def _keep_draft(self, draft: OutreachDraft | None, seq: int, me: str) -> None:
        try:
            with self._draft_lock:
                if seq != self._draft_latest:
                    return  # a newer draft, or the logged entry, supersedes this one
                with self.desk.services.sessions.begin() as s:
                    if draft is None:
                        drafts.discard_draft(s, self.incident_id, by=me)
                    else:
                        drafts.save_draft(
                            s,
                            self.incident_id,
                            by=me,
                            now=self.desk.now(),
                            kind=draft.kind,
                            body=draft.body,
                            channel=draft.channel,
                            offer=draft.offer,
                            amount=draft.amount,
                        )
        finally:
            self.app.call_from_thread(self._draft_written)

    def _draft_written(self) -> None:
        self._drafts_pending = max(0, self._drafts_pending - 1)
        if not self._drafts_pending:
            self.desk.broadcast_change()  # colleagues' lists and this view show who drafts

    def action_log_outreach(self) -> None:
        detail = self._ready()
        if detail is None:
            return
        latest = detail.mentions[0].mention if detail.mentions else None
        values = ReplyValues(
            author=clean(latest.author_name or latest.author or "there", limit=80)
            if latest
            else "there",
            brand=detail.brand,
            agent=self.desk.me_ref.name if self.desk.me_ref else (self.desk.me or ""),
            platform=latest.platform if latest else "",
            url=latest.url or "" if latest else "",
        )

        me = self.desk.me or ""

        def save(draft: OutreachDraft) -> None:
            """In the dialog's worker: the dialog stays open, the draft kept, if this raises."""
            assert self.detail is not None
            # Supersede any draft write still waiting: once logged, it is no longer a draft.
            self._draft_latest = next(self._draft_seq)
            # A reply the client's rules send to an approver waits in the queue, not the log.
            waiting = approval_first(
                self.desk.services, self.incident_id, draft, me, self.detail.row.version
            )
            if waiting is not None:
                self._approval_line = waiting
                return
            try:
                with self._draft_lock, self.desk.services.sessions.begin() as s:
                    drafts.log_and_discard(
                        s,
                        self.incident_id,
                        draft.kind,
                        by=me,
                        now=self.desk.now(),
                        # The version loaded last: after a conflict this view reloads, so a
                        # second Ctrl+S, made knowing of the other edit, goes through.
                        expected_version=self.detail.row.version,
                        channel=draft.channel,
                        body=draft.body,
                        offer=draft.offer,
                        amount=draft.amount,
                        override=draft.override,
                    )
            except DouseError:
                self.app.call_from_thread(self.reload)
                raise

        def send(draft: OutreachDraft) -> SendResult:
            """In the dialog's worker: check, route, send and log (core.send.reply)."""
            # Supersede any draft write still waiting: core.send keeps its own draft row.
            self._draft_latest = next(self._draft_seq)
            return send_reply(self.desk.services, self.incident_id, draft, me)

        self._approval_line = None

        def chosen(draft: OutreachDraft | None) -> None:
            waiting, self._approval_line = self._approval_line, None
            if draft is not None and waiting is not None:
                self.my_draft = None
                self.post_message(self.Acted(waiting, None))
            elif draft is not None and draft.sent is not None:
                self.my_draft = None
                over = "; over the reply policy (reason kept)" if draft.override else ""
                self.post_message(self.Acted(draft.sent + over, None))
            elif draft is not None:
                self.my_draft = None
                over = " over the reply policy (reason kept)" if draft.override else ""
                self.post_message(self.Acted(f"Logged {draft.kind.replace('_', ' ')}{over}", None))

        others = [d for d in detail.drafts if d.staff != me]
        self.app.push_screen(
            LogOutreachDialog(
                self.incident_id,
                detail.reply_policy,
                detail.canned_replies,
                values,
                save=save,
                account_platform=detail.account_platform,
                draft=self.my_draft,
                keep=self.keep_draft,
                others=drafting_text(tuple(others)).plain if others else "",
                send=send,
                target=lambda: describe_target(self.desk.services, self.incident_id),
            ),
            chosen,
        )

    def action_merge(self) -> None:
        if self._ready() is None:
            return

        def chosen(answer: str | None) -> None:
            if not answer:
                return
            try:
                ids = [int(x.strip().lstrip("#")) for x in answer.replace(",", " ").split()]
            except ValueError:
                self.notify("Incident numbers only, e.g. 12 15", severity="warning")
                return
            self.act(
                f"Merged {', '.join(f'#{i}' for i in ids)} into this one",
                lambda s, me, now, v: workflow.merge_incidents(
                    s,
                    self.incident_id,
                    ids,
                    by=me,
                    now=now,
                    expected_versions={self.incident_id: v},
                ),
            )

        self.app.push_screen(
            PromptDialog("Merge which incidents into this one?", placeholder="e.g. 12 15"), chosen
        )

    def action_split(self) -> None:
        item = self.selected
        if self._ready() is None or item is None:
            return
        mention_id = item.mention.id
        self.act(
            f"Split mention {mention_ref(mention_id)} into a new incident",
            lambda s, me, now, v: workflow.split_incident(
                s, self.incident_id, [mention_id], by=me, now=now, expected_version=v
            ),
        )

    def action_mark_troll(self) -> None:
        """Don't feed the trolls: flag (or unflag) the highlighted post's author, after saying
        which of their incidents go to monitor (or come back) and when they are due."""
        item = self.selected
        if self._ready() is None or item is None:
            return
        if item.mention.author_id is None:
            self.notify("This post has no known author to flag.", severity="warning")
            return
        self.look_troll(item.mention.author_id)

    @work(thread=True, exclusive=True, exit_on_error=False, group="incident-look")
    def look_troll(self, author_id: int) -> None:
        with self.desk.services.sessions() as session:
            preview = troll_preview(session, author_id)
        self.post_message(self.TrollLooked(preview))

    @on(TrollLooked)
    def _troll_looked(self, event: TrollLooked) -> None:
        preview = event.preview
        title, body = troll_question(preview, self.desk.now())

        def confirmed(yes: bool | None) -> None:
            if not yes:
                return
            flag = not preview.is_troll

            def change(session: Session, me: str) -> str:
                done = set_author(
                    session, preview.author_id, by=me, now=self.desk.now(), troll=flag
                )
                line = f"{clean(done.handle)} " + ("flagged a troll" if flag else "unflagged")
                if done.monitored:
                    line += "; to monitor: " + ", ".join(f"#{i}" for i in done.monitored)
                if done.restored:
                    line += "; back as before: " + ", ".join(f"#{i}" for i in done.restored)
                if self.incident_id in done.left_open:
                    line += f"; #{self.incident_id} stays open: other people are on it"
                return line

            self.write("Troll" if flag else "Troll flag removed", change)

        self.app.push_screen(ConfirmDialog(title, body), confirmed)

    def action_undo(self) -> None:
        detail = self._ready()
        if detail is None:
            return
        self.look_undo(detail.row.version)

    @work(thread=True, exclusive=True, exit_on_error=False, group="incident-look")
    def look_undo(self, version: int) -> None:
        with self.desk.services.sessions() as session:
            change = last_change(session, self.incident_id)
        self.post_message(self.UndoLooked(change, version))

    @on(UndoLooked)
    def _undo_looked(self, event: UndoLooked) -> None:
        change = event.change
        if change is None:
            self.notify("Nothing to undo on this incident.", severity="warning")
            return
        if not change.possible:
            self.notify(f"Cannot undo the {change.what}: {change.why_not}.", severity="warning")
            return
        body = Text(f"{change.what}\nby {change.by or 'douse'} at {stamp(change.at)}")
        if change.action == "troll":
            body.append("\nThis unflags the author and restores what the flag moved.", "bold")
        body.append("\nThe change stays on the timeline; the undo is added after it.", "dim")

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.run_action_worker(
                    f"Undone: {change.what}",
                    lambda s, me, now, v: undo(
                        s, self.incident_id, by=me, now=now, expected_version=v
                    ),
                    self.desk.me or "",
                    event.version,
                )

        self.app.push_screen(ConfirmDialog("Undo the last change?", body), confirmed)

    def action_relabel(self) -> None:
        item = self.selected
        if self._ready() is None or item is None:
            return
        relabel(self, item.mention)

    def action_set_category(self) -> None:
        detail = self._ready()
        if detail is None:
            return
        if not detail.categories:
            self.notify("This client has no issue categories.", severity="warning")
            return
        now = detail.row.category
        options = [
            (name, f"{title}" + ("  (now)" if name == now else ""))
            for name, title in detail.categories
        ]

        def chosen(name: str | None) -> None:
            if name and name != now:
                title = dict(detail.categories).get(name, name)
                self.act(
                    f"Filed under {title}",
                    lambda s, me, t, v: set_category(
                        s, self.incident_id, name, by=me, now=t, expected_version=v
                    ),
                )

        title = f"File under (now {detail.category_title or 'no category'})"
        self.app.push_screen(PickDialog(title, options), chosen)

    def action_open_problem(self) -> None:
        detail = self._ready()
        if detail is None:
            return
        if detail.row.problem_id is None:
            self.notify("This incident is not a case under a problem.", severity="information")
            return
        self.desk.open_incident(detail.row.problem_id)
