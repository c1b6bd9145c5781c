"""Reply policy: what a draft reply may and may not say, per client on top of agency defaults.

Keys of a reply policy. Client.reply_policy holds `layer_policies(agency table, client table)`,
and from_dict layers that over AGENCY_DEFAULTS: phrase lists accumulate (a client adds banned
phrases, it cannot drop the agency's), platform limits merge per platform, other keys replace
(an order_number_pattern is checked as well as the default pattern, never instead of it).

- banned_phrases: list[str]        phrases that block a reply (profanity, legal threats, blame,
                                   "our lawyers"); matched case-insensitively on word boundaries
- discouraged_phrases: list[str]   phrases that only warn ("unfortunately", "calm down", ...)
- tone_floor: float (-1..1)        the draft's own sentiment compound below this warns
- tone_blocking: bool              make the tone finding block instead of warn (default false)
- max_offer: number | null         largest money amount a reply may offer (in `currency`)
- max_discount_percent: number | null  largest "NN% off" a reply may offer
- currency: str                    ISO code of max_offer, e.g. "GBP"
- platform_limits: {platform: int} maximum characters per platform (x, bluesky, mastodon, ...)
- private_data: list[str]          detectors that block private data in a *public* reply:
                                   any of "email", "phone", "order_number", "card_number"
- order_number_pattern: str | null a regular expression for the client's order numbers, checked
                                   as well as the default ("order"/"#" and 5+ letters/digits)

Canned replies (Client.canned_replies = {"name": "text with {author} {brand} {agent} placeholders"})
are rendered by `render_canned(template, values)`; `{{` and `}}` give literal braces.

Public API:
    ReplyPolicy.from_dict(d) -> ReplyPolicy          validates; DouseError on a bad value
    AGENCY_DEFAULTS: dict[str, Any]
    check_reply(policy, text, *, platform=None, public=True, tone=None) -> list[Finding]
    Finding(rule, severity "block"|"warn", message, start, end)
    has_blocking(findings) -> bool
    render_canned(template, values) -> str;  CANNED_PLACEHOLDERS
"""

from core.policy.canned import CANNED_PLACEHOLDERS, render_canned
from core.policy.lint import Finding, check_reply, has_blocking
from core.policy.rules import AGENCY_DEFAULTS, PRIVATE_DATA_DETECTORS, ReplyPolicy, layer_policies

__all__ = [
    "AGENCY_DEFAULTS",
    "CANNED_PLACEHOLDERS",
    "PRIVATE_DATA_DETECTORS",
    "Finding",
    "ReplyPolicy",
    "check_reply",
    "has_blocking",
    "layer_policies",
    "render_canned",
]
