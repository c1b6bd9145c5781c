"""Which replies need an approver first, and the approval steps on the incident's timeline.

clients.toml, `[agency.approvals]` (every client) and `[clients.approvals]` (this client, key by
key over the agency's):

    approvers = ["maya", "lead"]   # who may approve; never the reply's own author
    critical = true                # any reply on a critical incident
    offer_above = 50               # a reply offering more than this (any currency's figure)
    every_reply = false            # the client signs off each of its own replies
    new_staff = true               # replies by staff marked `new = true` in [[staff]]

Each step (requested, approved, returned with a note) is an `approval` entry on the timeline
with who and when, so it is in every export.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from douse.core.db.models import Activity, Client, Incident, OutboxEntry, Staff
from douse.core.policy.offers import MONEY, PERCENT, parse_amount
from douse.core.text import inert

RULE_KEYS = ("critical", "offer_above", "every_reply", "new_staff")
KEYS = ("approvers", *RULE_KEYS)


def layer(agency: Mapping[str, Any], client: Mapping[str, Any]) -> dict[str, Any]:
    """The client's approval rules over the agency's, key by key."""
    merged = {k: v for k, v in dict(agency or {}).items() if k in KEYS}
    merged.update({k: v for k, v in dict(client or {}).items() if k in KEYS})
    return merged


def largest_offer(text: str) -> float | None:
    amounts = []
    for m in MONEY.finditer(text):
        raw = m.group("a") or m.group("b") or m.group("c")
        try:
            amounts.append(parse_amount(raw))
        except ValueError:
            continue
    return max(amounts) if amounts else None


def rules_for(client: Client, incident: Incident, staff: Staff, text: str) -> list[str]:
    """Why this reply needs an approver (empty: it does not)."""
    rules = client.approvals or {}
    why: list[str] = []
    if rules.get("every_reply"):
        why.append(f"{client.name} signs off every reply")
    if rules.get("critical") and incident.severity == "critical":
        why.append("a reply on a critical incident")
    threshold = rules.get("offer_above")
    if isinstance(threshold, int | float) and not isinstance(threshold, bool):
        offer = largest_offer(text)
        if offer is not None and offer > threshold:
            why.append(f"an offer of {offer:g}, above {threshold:g}")
        elif PERCENT.search(text) and threshold == 0:
            why.append("a discount")
    if rules.get("new_staff") and staff.is_new:
        why.append(f"a reply by new staff ({staff.handle})")
    return why


def approvers_of(client: Client) -> list[str]:
    return [str(h).lower() for h in (client.approvals or {}).get("approvers") or ()]


def record_step(
    session: Session,
    entry: OutboxEntry,
    step: str,
    staff: Staff,
    now: datetime,
    note: str = "",
) -> Activity:
    """One approval step on the timeline: requested, approved or returned (with the note)."""
    excerpt = inert(entry.body, 200)
    body = {
        "requested": f"asked for approval: «{excerpt}»",
        "approved": f"approved the reply: «{excerpt}»",
        "returned": f"returned the reply: {inert(note, 500)}",
    }[step]
    activity = Activity(
        incident_id=entry.incident_id,
        kind="approval",
        channel=entry.platform,
        staff_id=staff.id,
        at=now,
        body=body,
        details={
            "approval": {
                "step": step,
                "outbox": entry.id,
                "rules": list((entry.approval or {}).get("rules") or ()),
                "approvers": list((entry.approval or {}).get("approvers") or ()),
                "note": inert(note, 500) if note else None,
            }
        },
    )
    session.add(activity)
    return activity
