"""Sending replies to the platforms: senders, the outbox (exactly once), approvals.

`core.send` never imports textual. Public API:

    reply(services, ReplyRequest(incident_id, text, by, mode="send"|"log_only", private=False,
          override=None, mention_id=None, email=None)) -> SendOutcome
        policy-checked (PolicyBlocked), routed to an approver when the client's rules say so,
        then sent through the platform's API with an outbox row written before the call
    reply_target(session, incident_id, private=False) -> ReplyTarget   (what the desk shows)
    approve(services, outbox_id, by=...) / return_reply(services, outbox_id, by=..., note=...)
    approval_queue(session, client_slug=None, approver=None) -> list[ApprovalRow]
    recover(services, now=None, incident_id=None) -> list[Recovered]   (douse watch, desk start)
    SendOutcome.state: sent | logged | awaiting_approval | returned | failed | unconfirmed
    SendError(reason, message, retry_after, maybe_sent), NoReplyApi; REASONS
    SENDERS: platform -> sender (mastodon, bluesky, reddit, google, trustpilot, email)
"""

# Loaded on first use: the desk's read models and the exports only need core.send.notes, and
# must not pay for the senders and httpx at start.
from importlib import import_module
from typing import TYPE_CHECKING, Any

_WHERE = {
    "REASONS": "errors",
    "NoReplyApi": "errors",
    "SendError": "errors",
    "wait_text": "errors",
    "ApprovalRow": "flow",
    "ReplyRequest": "flow",
    "ReplyTarget": "flow",
    "approval_queue": "flow",
    "approve": "flow",
    "needs_approval": "flow",
    "reply": "flow",
    "reply_target": "flow",
    "return_reply": "flow",
    "GRACE": "outbox",
    "RETRY_WINDOW": "outbox",
    "Recovered": "outbox",
    "SendOutcome": "outbox",
    "recover": "outbox",
    "send_entry": "outbox",
    "SENDERS": "registry",
    "has_api": "registry",
}
__all__ = [
    "GRACE",
    "REASONS",
    "RETRY_WINDOW",
    "SENDERS",
    "ApprovalRow",
    "NoReplyApi",
    "Recovered",
    "ReplyRequest",
    "ReplyTarget",
    "SendError",
    "SendOutcome",
    "approval_queue",
    "approve",
    "has_api",
    "needs_approval",
    "recover",
    "reply",
    "reply_target",
    "return_reply",
    "send_entry",
    "wait_text",
]

if TYPE_CHECKING:
    from douse.core.send.errors import REASONS, NoReplyApi, SendError, wait_text
    from douse.core.send.flow import (
        ApprovalRow,
        ReplyRequest,
        ReplyTarget,
        approval_queue,
        approve,
        needs_approval,
        reply,
        reply_target,
        return_reply,
    )
    from douse.core.send.outbox import (
        GRACE,
        RETRY_WINDOW,
        Recovered,
        SendOutcome,
        recover,
        send_entry,
    )
    from douse.core.send.registry import SENDERS, has_api


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'douse.core.send' has no attribute {name!r}")
    return getattr(import_module(f"douse.core.send.{module}"), name)
