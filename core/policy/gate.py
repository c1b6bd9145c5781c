"""The one policy gate every piece of outreach passes before it is recorded or sent.

`core.incidents.workflow.log_activity` calls `gate()` for every entry it writes, so the desk, the
CLI (`douse log`), bulk actions and any future sender cannot record what the policy blocks
without an override; `douse import --format douse-json` calls `imported()` instead, because what
it reads already happened.

What is checked, by kind of entry:

- public_reply: the text with the public rules (private data blocks);
- private_message, email, offer_made, asked_to_update, positive_follow_up: the text with the
  private-channel rules (a customer's own details are fine in private; threats, insults, blame,
  asking for a password, review incentives and offers over the limit are not);
- every kind: the amount field, in its currency, against the offer limit;
- phone_call, internal_note, customer_replied, escalation, ... : only the amount (their text
  describes what happened; it is not sent to anyone).

An override (a reason, given by a named person) records the entry anyway, with who overrode
what and why in `details["policy"]`:
    {"blocked": [{"rule", "message", "excerpt"}...],
     "override": {"by": "maya", "reason": "...", "at": "2026-...Z"}}
An imported entry that breaks the policy keeps `"imported": {"at": ..., "note": ...}` instead
(and an override it already carried).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from douse.core.errors import DouseError
from douse.core.policy.lint import Finding, check_reply
from douse.core.policy.rules import ReplyPolicy
from douse.core.text import inert

PUBLIC_KINDS = ("public_reply",)
PRIVATE_KINDS = ("private_message", "email", "offer_made", "asked_to_update", "positive_follow_up")
CHECKED_KINDS = PUBLIC_KINDS + PRIVATE_KINDS
MAX_REASON = 500


class PolicyBlocked(DouseError):
    """The reply policy refuses an entry; `findings` are the blocking ones, in order."""

    def __init__(self, kind: str, text: str, findings: list[Finding]) -> None:
        self.kind = kind
        self.text = text
        self.findings = tuple(findings)
        first = findings[0]
        more = f" (and {len(findings) - 1} more)" if len(findings) > 1 else ""
        super().__init__(
            f"the reply policy blocks this {kind.replace('_', ' ')}: "
            f"{first.rule}: {first.message}{more}"
        )

    def lines(self) -> list[str]:
        return [
            f"blocked by the reply policy: {f.rule}: {f.message}" + _excerpt(self.text, f)
            for f in self.findings
        ]


def _excerpt(text: str, f: Finding) -> str:
    if f.end <= f.start:
        return ""
    return f" «{inert(text[f.start : f.end], 60)}»"


def _no_tone(_: str) -> float | None:
    return None


def check_outreach(
    policy: ReplyPolicy,
    kind: str,
    body: str,
    *,
    platform: str | None = None,
    amount: Decimal | float | None = None,
    currency: str | None = None,
    tone: bool = True,
) -> list[Finding]:
    """Every finding for an outreach entry of `kind` (see the module docstring for what is
    checked). `tone=False` skips scoring the draft's tone (it only matters when it blocks)."""
    scorer = None if tone else _no_tone
    if kind in CHECKED_KINDS:
        return check_reply(
            policy,
            body,
            platform=platform,
            public=kind in PUBLIC_KINDS,
            tone=scorer,
            offer_amount=amount,
            offer_currency=currency,
        )
    if amount is None:
        return []
    return check_reply(
        policy,
        "",
        platform=None,
        public=False,
        tone=scorer,
        offer_amount=amount,
        offer_currency=currency,
    )


def _blocked(text: str, findings: list[Finding]) -> list[dict[str, Any]]:
    return [
        {
            "rule": f.rule,
            "message": f.message,
            "excerpt": inert(text[f.start : f.end], 120) if f.end > f.start else "",
        }
        for f in findings
    ]


def gate(
    policy: ReplyPolicy,
    kind: str,
    body: str,
    *,
    by: str,
    at: datetime,
    platform: str | None = None,
    amount: Decimal | float | None = None,
    currency: str | None = None,
    override: str | None = None,
) -> dict[str, Any] | None:
    """The record to keep in the entry's details["policy"], or None when nothing blocks.

    Raises PolicyBlocked when a blocking rule fails and no override reason is given."""
    findings = check_outreach(
        policy,
        kind,
        body,
        platform=platform,
        amount=amount,
        currency=currency,
        tone=policy.tone_blocking,
    )
    blocking = [f for f in findings if f.blocking]
    if not blocking:
        return None
    reason = " ".join((override or "").split())
    if not reason:
        raise PolicyBlocked(kind, body, blocking)
    if len(reason) > MAX_REASON:
        raise DouseError(f"the override reason is too long ({len(reason)} > {MAX_REASON})")
    return {
        "blocked": _blocked(body, blocking),
        "override": {"by": by, "reason": reason, "at": at.isoformat().replace("+00:00", "Z")},
    }


def imported(
    policy: ReplyPolicy,
    kind: str,
    body: str,
    *,
    now: datetime,
    details: Mapping[str, Any],
    platform: str | None = None,
    amount: Decimal | float | None = None,
    currency: str | None = None,
) -> dict[str, Any] | None:
    """The policy record for an entry read from a douse-json file, or None when it passes.

    Imported entries happened already: they are recorded as they were, never refused, and one
    that breaks this database's policy says so (an override it carried from its own database
    is kept)."""
    findings = check_outreach(
        policy,
        kind,
        body,
        platform=platform,
        amount=amount,
        currency=currency,
        tone=policy.tone_blocking,
    )
    blocking = [f for f in findings if f.blocking]
    if not blocking:
        return None
    earlier = details.get("policy")
    record: dict[str, Any] = dict(earlier) if isinstance(earlier, Mapping) else {}
    record["blocked"] = _blocked(body, blocking)
    record["imported"] = {
        "at": now.isoformat().replace("+00:00", "Z"),
        "note": "imported as it was recorded; it breaks the client's reply policy",
    }
    return record
