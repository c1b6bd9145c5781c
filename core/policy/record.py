"""Reading the policy record an entry carries (details["policy"], written by gate.py), for the
timeline, the desk and the exports: one plain line each, and whether an offer was over a limit."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from douse.core.text import inert


def _record(details: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    if not details:
        return None  # most entries: a report asks this of every one
    record = details.get("policy")
    return record if isinstance(record, Mapping) and record.get("blocked") else None


def _rules(record: Mapping[str, Any]) -> str:
    parts = []
    for item in record.get("blocked") or ():
        if isinstance(item, Mapping):
            parts.append(f"{item.get('rule')}: {item.get('message')}")
    return "; ".join(parts)


def override_of(details: Mapping[str, Any] | None) -> tuple[str, str] | None:
    """(who, why) when the entry was recorded over the policy by a person."""
    record = _record(details)
    override = record.get("override") if record else None
    if not isinstance(override, Mapping):
        return None
    return str(override.get("by") or "?"), str(override.get("reason") or "")


def policy_note(details: Mapping[str, Any] | None, limit: int = 300) -> str | None:
    """ "policy override by maya: VIP, approved by the client (blocked: offer: ...)", or
    "imported as recorded; breaks the reply policy: ...", or None for an entry that passed."""
    record = _record(details)
    if record is None:
        return None
    rules = _rules(record)
    who = override_of(details)
    if who is not None:
        imported = " (imported)" if record.get("imported") else ""
        text = f"policy override by {who[0]}: {who[1]}{imported} (blocked: {rules})"
    else:
        text = f"imported as recorded; it breaks the reply policy: {rules}"
    return inert(text, limit)


def over_limit(details: Mapping[str, Any] | None) -> bool:
    """Whether the entry's offer was above a limit of the client's policy when recorded."""
    record = _record(details)
    return bool(
        record
        and any(
            isinstance(item, Mapping) and item.get("rule") == "offer"
            for item in record.get("blocked") or ()
        )
    )


def offer_flag(details: Mapping[str, Any] | None) -> str | None:
    """The flag a client's report shows beside an over-limit offer, or None."""
    if not over_limit(details):
        return None
    who = override_of(details)
    if who is not None:
        return inert(f"above the offer limit; approved by {who[0]}: {who[1]}", 240)
    return "above the offer limit (imported as recorded)"
