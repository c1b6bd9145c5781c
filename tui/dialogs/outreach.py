"""Log outreach: kind, channel and text, checked against the client's reply policy as you type.

The live findings are the policy gate's own (core.policy.check_outreach): the text by kind, and
the amount field of an offer in the client's currency. Saving what the policy blocks shows the
findings and is refused; Ctrl+O records it anyway after asking why (the gate keeps who and why).

Given a `save` callable, the dialog stays open until the entry is written: a write that fails
(someone else changed the incident meanwhile, the database is busy) is shown as a notification
and the draft stays on screen to try again, instead of being thrown away with the dialog.

Given a `keep` callable, what is typed is a draft kept in the database (core.incidents.drafts):
kept as the typing pauses and when Escape closes the dialog, restored when it opens again
(`draft`), thrown away only on purpose (Ctrl+D).

Given a `send` callable, Ctrl+T sends a reply, DM or email through the platform's API
(core.send.reply) in a worker: the dialog closes once it is sent and logged, or waits for an
approver. A send the policy blocks asks why it is right first and goes out with that reason as
its override (kept as `douse reply --override` keeps it); Esc there sends nothing. A refusal
(expired token, rate limit with the wait, post deleted, no network) keeps the dialog and the
draft open with the reason. A platform with no reply API copies the text and
names the link to post it at by hand; Ctrl+S then logs it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, Label, Select, Static, TextArea
from textual.worker import Worker, WorkerState

from douse.core.incidents.workflow import LOGGABLE_KINDS, OFFER_TYPES
from douse.core.policy import (
    WARN,
    Finding,
    ReplyPolicy,
    check_outreach,
    has_blocking,
    render_canned,
)
from douse.core.wording import plural
from douse.tui.dialogs.base import Dialog
from douse.tui.dialogs.prompt import PromptDialog
from douse.tui.widgets.text import clean

LINT_DEBOUNCE_S = 0.15
DRAFT_DEBOUNCE_S = 1.5
"""Typing pauses this long before the draft is kept (so colleagues see someone is drafting)."""
FINDINGS_LINES = 5
"""The findings box's height: more than this scrolls, and a first line says how many there are."""
HINT = "Ctrl+K next kind · Ctrl+S log · Esc close · Tab / Shift+Tab between fields"
DRAFT_HINT = "Ctrl+K next kind · Ctrl+S log · Esc close, draft kept · Ctrl+D discard draft"
SEND_HINT = "Ctrl+T send · Ctrl+S log · Ctrl+K kind · Esc close, draft kept"
SENDABLE = ("public_reply", "private_message", "email")
BLOCKED_HINT = "Blocked: fix the red findings, or Ctrl+O to record it anyway with a reason"
SEND_BLOCKED_HINT = "Not sent (policy). Fix the red findings, or Ctrl+T to send with a reason"
# The kinds a person logs by hand, most common first; "correction" needs an entry to correct.
KINDS = tuple(k for k in LOGGABLE_KINDS if k != "correction")
# Where an entry of each kind went, when not the platform of the post (a DM, a reply, an offer).
KIND_CHANNELS = {
    "email": "email",
    "phone_call": "phone",
    "internal_note": "",
    "escalation": "",
    "customer_replied": "",
    "post_updated": "",
    "post_removed": "",
}


@dataclass(frozen=True)
class OutreachDraft:
    kind: str
    channel: str | None
    body: str
    offer: str | None = None
    amount: str | None = None
    override: str | None = None
    """Why it is recorded although the reply policy blocks it (asked for by Ctrl+O)."""
    sent: str | None = None
    """How it went out when sent through the platform (Ctrl+T): one line for the desk."""


@dataclass(frozen=True)
class SendResult:
    """What `send` answers: core.send's outcome state (sent, awaiting_approval, failed,
    unconfirmed, no_api) and one line saying it."""

    state: str
    line: str
    link: str | None = None


@dataclass(frozen=True)
class ReplyValues:
    """What canned replies may mention: filled in before the template is shown."""

    author: str
    brand: str
    agent: str
    platform: str
    url: str

    def as_dict(self) -> dict[str, str]:
        return {
            "author": self.author,
            "brand": self.brand,
            "client": self.brand,
            "agent": self.agent,
            "platform": self.platform,
            "url": self.url,
        }


def findings_text(findings: list[Finding] | None) -> Text:
    """None: not checked yet. Blocking findings first; a count first when they overflow the box."""
    if findings is None:
        return Text("… checking the draft against the policy", style="dim")
    if not findings:
        return Text("✓ policy: no findings", style="green")
    findings = sorted(findings, key=lambda f: not f.blocking)
    text = Text()
    if len(findings) > FINDINGS_LINES:
        blocking = sum(f.blocking for f in findings)
        text.append(
            f"{plural(len(findings), 'finding')}, {blocking} blocking "
            "(Tab to this box, ↑↓ to scroll)",
            style="bold",
        )
    for f in findings:
        if text:
            text.append("\n")
        style = "bold red" if f.blocking else ("yellow" if f.severity == WARN else "dim")
        text.append("✗ " if f.blocking else ("! " if f.severity == WARN else "i "), style=style)
        text.append(f"{f.rule}: ", style=style)
        text.append(clean(f.message))
    return text


def channel_for(kind: str, platform: str) -> str:
    return KIND_CHANNELS.get(kind, platform)


class LogOutreachDialog(Dialog[OutreachDraft]):
    # Compact one-line fields and no buttons (Ctrl+S / Esc), so the whole dialog, the policy
    # findings included, fits an 80x24 terminal.
    DEFAULT_CSS = """
    LogOutreachDialog .dialog { width: 90; }
    LogOutreachDialog .row { height: 1; margin-bottom: 1; }
    LogOutreachDialog .row Select { width: 1fr; }
    LogOutreachDialog .row Input { width: 1fr; margin-left: 1; }
    LogOutreachDialog #canned { margin-bottom: 1; }
    LogOutreachDialog #target { margin-bottom: 1; }
    LogOutreachDialog TextArea { height: 6; }
    LogOutreachDialog #findings-box { height: auto; max-height: 5; }  /* FINDINGS_LINES */
    LogOutreachDialog #findings { height: auto; padding: 0 1; }
    LogOutreachDialog #offer-row { display: none; }
    LogOutreachDialog #offer-row.shown { display: block; }
    """

    @dataclass
    class Linted(Message):
        findings: list[Finding]

    def __init__(
        self,
        incident_id: int,
        policy: dict[str, Any],
        canned: tuple[tuple[str, str], ...],
        values: ReplyValues,
        *,
        save: Callable[[OutreachDraft], object] | None = None,
        account_platform: str | None = None,
        draft: OutreachDraft | None = None,
        keep: Callable[[OutreachDraft | None], object] | None = None,
        others: str = "",
        send: Callable[[OutreachDraft], SendResult] | None = None,
        target: Callable[[], str] | None = None,
    ) -> None:
        """save: writes the entry (called in a worker thread). Without it the dialog only
        dismisses with the draft; with it, it dismisses once `save` returned and stays open,
        the draft kept, when `save` raised (the error is notified).

        draft: what to start from (a draft kept earlier). keep: called on the UI thread, must
        not block, with the draft to keep (or None to discard it) as the typing pauses, on
        Escape and on Ctrl+D. others: who else is drafting here, shown under the title."""
        super().__init__()
        self.incident_id = incident_id
        self.policy_dict = policy
        self.canned = canned
        self.values = values
        self.save = save
        # "mastodon:fosstodon.org": the instance's own length limit, as the gate will use it.
        self.account_platform = account_platform
        self.draft = draft
        self.keep = keep
        self.others = others
        self.send = send
        self.target = target
        self.findings: list[Finding] | None = None
        self.saving: OutreachDraft | None = None
        """The draft being written by `save`, while it is."""
        self._debounce: Timer | None = None
        self._keep_timer: Timer | None = None
        self._kept: OutreachDraft | None = draft
        """What the database holds, as far as this dialog knows."""
        self._auto_channel = channel_for(draft.kind if draft else "public_reply", values.platform)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(
                Text(f"Log outreach on incident #{self.incident_id}"), classes="dialog-title"
            )
            if self.others:
                yield Label(Text(self.others, style="bold yellow"), id="others")
            if self.target is not None:
                yield Label(Text("…", style="dim"), id="target")
            with Horizontal(classes="row"):
                yield Select(
                    [(k.replace("_", " "), k) for k in KINDS],
                    value="public_reply",
                    allow_blank=False,
                    id="kind",
                    compact=True,
                )
                yield Input(
                    value=self.values.platform, placeholder="channel", id="channel", compact=True
                )
            with Horizontal(classes="row", id="offer-row"):
                yield Select(
                    [(o, o) for o in OFFER_TYPES],
                    value="refund",
                    allow_blank=False,
                    id="offer",
                    compact=True,
                )
                yield Input(placeholder="amount (optional)", id="amount", compact=True)
            yield Select(
                [(Text(name), name) for name, _ in self.canned],
                prompt="canned reply (fills the text)" if self.canned else "no canned replies",
                id="canned",
                disabled=not self.canned,
                compact=True,
            )
            yield TextArea(id="body", soft_wrap=True)
            with VerticalScroll(id="findings-box"):
                yield Static(findings_text(None), id="findings")
            hint = SEND_HINT if self.send else DRAFT_HINT if self.keep else HINT
            yield Label(hint, id="hint", classes="dialog-hint")

    @dataclass
    class TargetLooked(Message):
        line: str

    def on_mount(self) -> None:
        if self.target is not None:
            self.look_target(self.target)
        if self.draft is not None:
            self._fill(self.draft)
        self.query_one("#body", TextArea).focus()
        self.lint()

    def _fill(self, draft: OutreachDraft) -> None:
        """Put a kept draft back into the fields, without counting it as typing."""
        if draft.kind in KINDS:
            self.query_one("#kind", Select).value = draft.kind
            self.query_one("#offer-row").set_class(draft.kind == "offer_made", "shown")
        self.query_one("#channel", Input).value = draft.channel or ""
        if draft.offer in OFFER_TYPES:
            self.query_one("#offer", Select).value = draft.offer
        self.query_one("#amount", Input).value = draft.amount or ""
        body = self.query_one("#body", TextArea)
        body.text = draft.body
        body.move_cursor(body.document.end)

    def current(self) -> OutreachDraft:
        """What the fields hold now (the text as typed, not stripped)."""
        kind = str(self.query_one("#kind", Select).value)
        return OutreachDraft(
            kind=kind,
            channel=self.query_one("#channel", Input).value.strip() or None,
            body=self.query_one("#body", TextArea).text,
            offer=str(self.query_one("#offer", Select).value) if kind == "offer_made" else None,
            amount=self.query_one("#amount", Input).value.strip() or None
            if kind == "offer_made"
            else None,
        )

    def _keep_now(self) -> None:
        """Hand the draft to `keep` when it differs from what was kept last."""
        if self._keep_timer is not None:
            self._keep_timer.stop()
            self._keep_timer = None
        if self.keep is None or self.saving is not None:
            return
        draft = self.current()
        empty = not draft.body.strip() and not draft.amount
        wanted = None if empty else draft
        if wanted != self._kept:
            self._kept = wanted
            self.keep(wanted)

    def _schedule_keep(self) -> None:
        if self.keep is None:
            return
        if self._keep_timer is not None:
            self._keep_timer.stop()
        self._keep_timer = self.set_timer(DRAFT_DEBOUNCE_S, self._keep_now)

    def action_cancel(self) -> None:
        """Escape: close; what was typed is kept as a draft (see `keep`)."""
        if self.saving is not None:
            return  # the entry is being logged: closing now would look like it was dropped
        kept_before = self._kept
        self._keep_now()
        if self._kept is not None and self._kept != kept_before:
            self.notify("Draft kept: l on the incident opens it again.", timeout=4)
        self.dismiss(None)

    def key_ctrl_d(self) -> None:
        """Throw the draft away on purpose: the fields empty, the kept draft goes."""
        if self.keep is None or self.saving is not None:
            return
        self.query_one("#body", TextArea).text = ""
        self.query_one("#amount", Input).value = ""
        self._keep_now()
        self.query_one("#hint", Label).update(Text("Draft discarded. Esc closes.", style="bold"))

    def key_ctrl_s(self) -> None:
        self._save()

    def key_ctrl_t(self) -> None:
        """Send it through the platform's API: checked, sent, logged, in a worker."""
        if self.send is None or self.saving is not None:
            return
        text, kind, channel, amount = self._fields()
        body = text.strip()
        if not body:
            self.notify("Write the reply first.", severity="warning")
            return
        if kind not in SENDABLE:
            self.notify(
                f"A {kind.replace('_', ' ')} is not sent anywhere: Ctrl+S logs it.",
                severity="warning",
            )
            return
        draft = OutreachDraft(kind=kind, channel=channel or None, body=body)
        findings = self.findings_for(body, kind, channel, amount)
        if has_blocking(findings):
            self.findings = findings
            self.query_one("#findings", Static).update(findings_text(findings))
            self._offer_send_override(draft)
            return
        self._send(draft)

    def _send(self, draft: OutreachDraft) -> None:
        assert self.send is not None
        if self._keep_timer is not None:
            self._keep_timer.stop()
            self._keep_timer = None
        self.saving = draft
        self.query_one("#hint", Label).update("Sending…")
        self.send_draft(self.send, draft)

    def _offer_send_override(self, draft: OutreachDraft) -> None:
        """The reply policy blocks this send: send it anyway only with a reason, which the gate
        keeps with the sender's name on the logged reply (as `douse reply --override` does);
        Esc goes back to the draft and nothing is sent."""

        def chosen(reason: str | None) -> None:
            if reason is None or not reason.strip():
                self.query_one("#hint", Label).update(Text(SEND_BLOCKED_HINT, style="bold"))
                return
            self._send(replace(draft, override=reason.strip()))

        self.app.push_screen(
            PromptDialog(
                "Send it over the reply policy: why is it right?",
                placeholder="reason, e.g. approved by the client's lead",
                hint="Enter sends; the reason is kept with your name · Esc: back, nothing sent",
                required="An override needs a reason; nothing was sent.",
            ),
            chosen,
        )

    @work(thread=True, exclusive=True, exit_on_error=False, group="outreach-send")
    def send_draft(
        self, send: Callable[[OutreachDraft], SendResult], draft: OutreachDraft
    ) -> SendResult:
        return send(draft)

    @work(thread=True, exclusive=True, exit_on_error=False, group="outreach-target")
    def look_target(self, target: Callable[[], str]) -> None:
        self.post_message(self.TargetLooked(target()))

    @on(TargetLooked)
    def _target_looked(self, event: TargetLooked) -> None:
        self.query_one("#target", Label).update(Text(clean(event.line), style="dim"))

    def _sent(self, result: SendResult) -> None:
        draft = self.saving
        self.saving = None
        if draft is None:
            return
        if result.state in ("sent", "awaiting_approval"):
            self.dismiss(replace(draft, sent=result.line))
            return
        hint = self.query_one("#hint", Label)
        if result.state == "blocked" and draft.override is None:
            # The gate's own verdict (its tone check is stricter than the live lint's).
            self.notify(result.line, severity="error", timeout=10)
            self._offer_send_override(draft)
            return
        if result.state == "no_api":
            self.app.copy_to_clipboard(draft.body)
            where = f" at {result.link}" if result.link else ""
            hint.update(Text(f"Copied. Post it by hand{where}, then Ctrl+S logs it.", style="bold"))
            self.notify(result.line, timeout=8)
            return
        # Refused or unconfirmed: the draft stays, with why.
        line = clean(result.line)
        hint.update(Text(line[:1].upper() + line[1:], style="bold red"))
        self.notify(result.line, severity="error", timeout=10)

    def key_ctrl_k(self) -> None:
        """Next kind without leaving the text: reply, DM, email, call, note, offer…"""
        box = self.query_one("#kind", Select)
        i = KINDS.index(str(box.value))
        box.value = KINDS[(i + 1) % len(KINDS)]

    @on(Select.Changed, "#kind")
    def _kind_changed(self, event: Select.Changed) -> None:
        self.query_one("#offer-row").set_class(event.value == "offer_made", "shown")
        # An email went by email, a call by phone: follow the kind unless a channel was typed.
        box = self.query_one("#channel", Input)
        if box.value.strip() == self._auto_channel:
            self._auto_channel = channel_for(str(event.value), self.values.platform)
            box.value = self._auto_channel
        self.lint()
        self._schedule_keep()

    @on(Input.Changed, "#channel, #amount")
    def _field_changed(self) -> None:
        self._schedule_keep()

    @on(Select.Changed, "#canned")
    def _canned(self, event: Select.Changed) -> None:
        template = dict(self.canned).get(str(event.value))
        if template is None:
            return
        try:
            body = render_canned(template, self.values.as_dict())
        except Exception as exc:  # a DouseError naming the unknown placeholder
            self.notify(str(exc), severity="warning")
            return
        self.query_one("#body", TextArea).text = body

    @on(TextArea.Changed, "#body")
    @on(Input.Changed, "#amount")
    @on(Input.Changed, "#channel")
    def _typed(self) -> None:
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(LINT_DEBOUNCE_S, self.lint)
        self._schedule_keep()

    def _fields(self) -> tuple[str, str, str, str]:
        """(text, kind, channel, amount) as typed; the amount only counts for an offer."""
        kind = str(self.query_one("#kind", Select).value)
        amount = self.query_one("#amount", Input).value.strip() if kind == "offer_made" else ""
        return (
            self.query_one("#body", TextArea).text,
            kind,
            self.query_one("#channel", Input).value.strip(),
            amount,
        )

    def lint(self) -> None:
        self.check(*self._fields())

    @work(thread=True, exclusive=True, exit_on_error=False, group="lint")
    def check(self, text: str, kind: str, channel: str, amount: str) -> None:
        self.post_message(self.Linted(self.findings_for(text, kind, channel, amount)))

    def findings_for(self, text: str, kind: str, channel: str, amount: str) -> list[Finding]:
        """What the policy gate will say when this is saved (core.policy.check_outreach)."""
        policy = ReplyPolicy.from_dict(self.policy_dict)
        value: Decimal | None = None
        problems: list[Finding] = []
        if amount:
            try:
                value = Decimal(amount.replace(",", ""))
            except InvalidOperation:
                problems.append(Finding("amount", WARN, f"amount {amount!r} is not a number", 0, 0))
        # The channel names the platform when the policy knows it ("x", "mastodon"); "email" or
        # "dm" have no length limit, and an empty channel means the incident's own platform.
        where = channel or self.values.platform
        platform = where if policy.limit_for(where) is not None else None
        if platform and self.account_platform and self.account_platform.startswith(f"{where}:"):
            platform = self.account_platform
        found = check_outreach(
            policy, kind, text, platform=platform, amount=value, currency=policy.currency
        )
        return problems + found

    @on(Linted)
    def _linted(self, event: Linted) -> None:
        self.findings = event.findings
        self.query_one("#findings", Static).update(findings_text(event.findings))

    def key_ctrl_o(self) -> None:
        """Record it although the policy blocks it: asks why first; the reason is kept."""
        if self.saving is not None:
            return
        text, kind, channel, amount = self._fields()
        if not text.strip():
            self.notify("Write what was said or done first.", severity="warning")
            return
        if not has_blocking(self.findings_for(text.strip(), kind, channel, amount)):
            self.notify("The reply policy blocks nothing here: Ctrl+S saves it.")
            return

        def chosen(reason: str | None) -> None:
            if reason is None:
                return
            if not reason.strip():
                self.notify("An override needs a reason; nothing was saved.", severity="warning")
                return
            self._save(override=reason.strip())

        self.app.push_screen(
            PromptDialog(
                "Record it over the reply policy: why is it right? (kept with your name)",
                placeholder="reason, e.g. approved by the client's lead",
                hint="Enter records it with this reason · Esc goes back to the draft",
            ),
            chosen,
        )

    def _save(self, override: str | None = None) -> None:
        if self.saving is not None:
            return  # one write at a time
        text, kind, channel, amount = self._fields()
        body = text.strip()
        if not body:
            self.notify("Write what was said or done first.", severity="warning")
            return
        # The last lint may be a keystroke old: check exactly what is being saved.
        findings = self.findings_for(body, kind, channel, amount)
        if has_blocking(findings) and override is None:
            self.findings = findings
            self.query_one("#findings", Static).update(findings_text(findings))
            self.query_one("#hint", Label).update(Text(BLOCKED_HINT, style="bold"))
            self.notify(
                "The reply policy blocks this: fix the red findings, or Ctrl+O to record it "
                "anyway with a reason.",
                severity="error",
            )
            return
        offer = str(self.query_one("#offer", Select).value) if kind == "offer_made" else None
        draft = OutreachDraft(
            kind=kind,
            channel=channel or None,
            body=body,
            offer=offer,
            amount=amount or None,
            override=override if has_blocking(findings) else None,
        )
        if self.save is None:
            self.dismiss(draft)
            return
        if self._keep_timer is not None:
            self._keep_timer.stop()  # logged, it is no longer a draft
            self._keep_timer = None
        self.saving = draft
        self.query_one("#hint", Label).update("Saving…")
        self.write_draft(self.save, draft)

    @work(thread=True, exclusive=True, exit_on_error=False, group="outreach-save")
    def write_draft(self, save: Callable[[OutreachDraft], object], draft: OutreachDraft) -> None:
        save(draft)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        super().on_worker_state_changed(event)  # a failure becomes a notification
        if event.worker.group == "outreach-send":
            if event.state == WorkerState.SUCCESS and isinstance(event.worker.result, SendResult):
                self._sent(event.worker.result)
            elif event.state in (WorkerState.ERROR, WorkerState.CANCELLED):
                self.saving = None
                self.query_one("#hint", Label).update(
                    Text("Not sent; the draft is kept: Ctrl+T tries again", style="bold")
                )
            return
        if event.worker.group != "outreach-save":
            return
        if event.state == WorkerState.SUCCESS and self.saving is not None:
            self.dismiss(self.saving)
        elif event.state in (WorkerState.ERROR, WorkerState.CANCELLED):
            # Keep everything typed; the notification says what happened.
            self.saving = None
            self.query_one("#hint", Label).update(
                Text("Not saved; the draft is kept: Ctrl+S tries again, Esc closes", style="bold")
            )
