"""The desk's one call into core.send for a reply typed in the outreach dialog: run in a worker,
it answers a SendResult the dialog shows (never raises for what the platform or the reply policy
refused). A draft carrying an override is sent over the policy exactly as `douse reply --override`
sends it: the same core.send.reply, so the same record of who overrode what and why."""

from __future__ import annotations

from douse.core.policy import PolicyBlocked
from douse.core.send import NoReplyApi, ReplyRequest, needs_approval, reply, reply_target
from douse.core.send.email import address_of
from douse.core.services import Services
from douse.tui.dialogs.outreach import OutreachDraft, SendResult


def send_reply(services: Services, incident_id: int, draft: OutreachDraft, me: str) -> SendResult:
    email = None
    if draft.kind == "email":
        # The channel field may hold the customer's address; else core.send knows it or says so.
        email = address_of(draft.channel)
    request = ReplyRequest(
        incident_id=incident_id,
        text=draft.body,
        by=me,
        mode="send",
        private=draft.kind == "private_message",
        email=email,
        as_email=draft.kind == "email",
        override=draft.override,
    )
    try:
        outcome = reply(services, request)
    except PolicyBlocked as exc:
        return SendResult("blocked", str(exc))
    except NoReplyApi as exc:
        return SendResult("no_api", str(exc), exc.link)
    return SendResult(outcome.state, outcome.line(), outcome.url)


REPLY_KINDS = ("public_reply", "private_message", "email")


def approval_first(
    services: Services, incident_id: int, draft: OutreachDraft, me: str, version: int | None
) -> str | None:
    """A reply logged as posted by hand (Ctrl+S) that the client's rules say needs an approver
    goes to the approval queue instead of the log: the line saying so, or None when it needs
    none (and is logged as usual)."""
    if draft.kind not in REPLY_KINDS:
        return None
    with services.sessions() as session:
        if not needs_approval(session, incident_id, me, draft.body):
            return None
    outcome = reply(
        services,
        ReplyRequest(
            incident_id=incident_id,
            text=draft.body,
            by=me,
            mode="log_only",
            private=draft.kind == "private_message",
            override=draft.override,
            email=address_of(draft.channel) if draft.kind == "email" else None,
            as_email=draft.kind == "email",
            expected_version=version,
        ),
    )
    return outcome.line()


def describe_target(services: Services, incident_id: int) -> str:
    """Where Ctrl+T sends a public reply from, and to whom (or why it cannot)."""
    with services.sessions() as session:
        return reply_target(session, incident_id).line()
