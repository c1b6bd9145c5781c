"""Reply policy: what a draft reply may and may not say, per client on top of agency defaults.

Keys of a reply policy. Client.reply_policy holds `layer_policies(agency table, client table)`,
and from_dict layers that over AGENCY_DEFAULTS: phrase lists and public contacts accumulate (a
client adds banned phrases, it cannot drop the agency's), tables merge key by key, other keys
replace (an order_number_pattern is checked as well as the default pattern, never instead of it).

- banned_phrases: list[str]        phrases that block a reply (profanity, legal threats, blame,
                                   "our lawyers"); matched case-insensitively on word boundaries
- discouraged_phrases: list[str]   phrases that only warn ("unfortunately", "calm down", ...)
- banned_phrases_by_language / discouraged_phrases_by_language: {lang: [phrases]}
                                   more phrases for drafts in that language (ISO 639-1 code)
- tone_floor: float (-1..1)        the draft's own sentiment compound below this warns
- tone_blocking: bool              make the tone finding block instead of warn (default false)
- max_offer: number | null         largest money amount a reply may offer (in `currency`)
- max_offer_by_currency: {CODE: number}  limits for offers in other currencies
- max_discount_percent: number | null  largest "NN% off" a reply may offer
- currency: str                    ISO code of max_offer, e.g. "GBP"
- platform_limits: {platform: int} maximum length per platform, counted as it counts (length.py)
- private_data: list[str]          detectors that block private data in a *public* reply:
                                   any of "email", "phone", "order_number", "card_number",
                                   "postal_address"
- order_number_pattern: str | null a regular expression for the client's order numbers, checked
                                   as well as the default ("order"/"#" and 5+ letters/digits)
- public_contacts: list[str]       the brand's own phone numbers, emails, @domains and links,
                                   allowed in public replies (contacts.py)

Canned replies (Client.canned_replies = {"name": "text with {author} {brand} {agent} placeholders"})
are rendered by `render_canned(template, values)`; `{{` and `}}` give literal braces.

Public API:
    ReplyPolicy.from_dict(d) -> ReplyPolicy          validates; DouseError on a bad value
    AGENCY_DEFAULTS: dict[str, Any]
    check_reply(policy, text, *, platform=None, public=True, tone=None, offer_amount=None,
                offer_currency=None, language=None) -> list[Finding]
    Finding(rule, severity "block"|"warn"|"info", message, start, end)
    has_blocking(findings) -> bool
    check_outreach(policy, kind, body, *, platform, amount, currency) -> list[Finding]
    gate(policy, kind, body, *, by, at, platform, amount, currency, override) -> record | None
        raises PolicyBlocked(findings) unless an override reason is given
    imported(policy, kind, body, *, now, details, ...) -> record | None  (douse-json import)
    policy_note(details) -> str | None; over_limit(details); offer_flag(details); override_of
    measure(text, platform, limit) -> Length(count, over_at)
    render_canned(template, values) -> str;  CANNED_PLACEHOLDERS
"""

from douse.core.policy.canned import CANNED_PLACEHOLDERS, render_canned
from douse.core.policy.gate import (
    CHECKED_KINDS,
    PRIVATE_KINDS,
    PUBLIC_KINDS,
    PolicyBlocked,
    check_outreach,
    gate,
    imported,
)
from douse.core.policy.length import Length, measure
from douse.core.policy.lint import BLOCK, INFO, WARN, Finding, check_reply, has_blocking
from douse.core.policy.record import offer_flag, over_limit, override_of, policy_note
from douse.core.policy.rules import (
    AGENCY_DEFAULTS,
    PRIVATE_DATA_DETECTORS,
    ReplyPolicy,
    layer_policies,
)

__all__ = [
    "AGENCY_DEFAULTS",
    "BLOCK",
    "CANNED_PLACEHOLDERS",
    "CHECKED_KINDS",
    "INFO",
    "PRIVATE_DATA_DETECTORS",
    "PRIVATE_KINDS",
    "PUBLIC_KINDS",
    "WARN",
    "Finding",
    "Length",
    "PolicyBlocked",
    "ReplyPolicy",
    "check_outreach",
    "check_reply",
    "gate",
    "has_blocking",
    "imported",
    "layer_policies",
    "measure",
    "offer_flag",
    "over_limit",
    "override_of",
    "policy_note",
    "render_canned",
]
