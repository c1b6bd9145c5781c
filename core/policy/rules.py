"""The ReplyPolicy value: agency defaults, validation of stored/configured dictionaries."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from douse.core.errors import DouseError
from douse.core.policy.contacts import contact_problem
from douse.core.policy.languages import BANNED_BY_LANGUAGE

PRIVATE_DATA_DETECTORS = ("email", "phone", "order_number", "card_number", "postal_address")

AGENCY_DEFAULTS: dict[str, Any] = {
    "banned_phrases": [
        # profanity
        "fuck",
        "fucking",
        "shit",
        "bullshit",
        "crap",
        "damn",
        "idiot",
        "stupid",
        "moron",
        "morons",
        "imbecile",
        "dumbass",
        "asshole",
        "arsehole",
        "bastard",
        "bitch",
        "dickhead",
        "wanker",
        "piss off",
        "screw you",
        # legal threats: "sue first, ask questions later" is how a brand loses
        "our lawyers",
        "our lawyer",
        "legal action",
        "sue you",
        "we will sue",
        "see you in court",
        "defamation",
        "libel",
        "cease and desist",
        "our solicitors",
        "our attorneys",
        "our legal team",
        "our legal department",
        # blaming the customer (the blame rule catches the general forms: "your fault",
        # "the problem is clearly you", "you should have read ...")
        "user error",
        "you are wrong",
        "you're wrong",
        "you are mistaken",
        "you're mistaken",
        "not our fault",
        # brushing the customer off (the insult rule reads "Go away.", "Deal with it.", "Nobody
        # cares ..." at the start of a sentence)
        "shut up",
        "get over it",
        "stop whining",
        "stop complaining",
        "stop crying",
        "cry me a river",
        "boo hoo",
        "tough luck",
        "take it or leave it",
        "not our problem",
        "good riddance",
    ],
    # Phrases per language (ISO 639-1 code), checked when the draft is in that language, on top
    # of the lists above: profanity, legal threats, blame and requests to delete a review.
    "banned_phrases_by_language": BANNED_BY_LANGUAGE,
    "discouraged_phrases_by_language": {},
    "discouraged_phrases": [
        "calm down",
        "unfortunately",
        "as per our policy",
        "per our policy",
        "no one else has complained",
    ],
    "tone_floor": -0.5,
    "tone_blocking": False,
    "max_offer": None,
    "max_discount_percent": None,
    "currency": "GBP",
    "platform_limits": {
        "x": 280,
        "twitter": 280,
        "bluesky": 300,
        "mastodon": 500,
        "threads": 500,
        "instagram": 2200,
        "facebook": 8000,
        "reddit": 10000,
        "hackernews": 4000,
        "google_reviews": 4096,
        "trustpilot": 4000,
    },
    "private_data": list(PRIVATE_DATA_DETECTORS),
    "order_number_pattern": None,
    # The brand's own published contact points, allowed in public replies: phone numbers,
    # email addresses (or "@domain" for every address at a domain) and http(s) links.
    "public_contacts": [],
    # Offer limits in other currencies than `currency` ({"USD" = 300}); without one, a foreign
    # offer passes only when it is within max_offer at any plausible exchange rate (see offers.py).
    "max_offer_by_currency": {},
}

_KNOWN_KEYS = frozenset(AGENCY_DEFAULTS)
# A client adds to the agency's phrase lists; listing its own never drops "our lawyers".
_ADDITIVE_KEYS = frozenset({"banned_phrases", "discouraged_phrases", "public_contacts"})
# Tables merged key by key; under the *_by_language ones each language's list accumulates too.
_TABLE_KEYS = frozenset(
    {
        "platform_limits",
        "max_offer_by_currency",
        "banned_phrases_by_language",
        "discouraged_phrases_by_language",
    }
)


def layer_policies(*layers: Mapping[str, Any] | None) -> dict[str, Any]:
    """Built-in defaults, then the agency's table, then the client's: phrase lists accumulate,
    platform limits merge per platform, every other key is replaced by the later layer."""
    merged: dict[str, Any] = {}
    for layer in layers:
        for key, value in (layer or {}).items():
            earlier = merged.get(key)
            if key in _ADDITIVE_KEYS and isinstance(earlier, list) and isinstance(value, list):
                merged[key] = list(dict.fromkeys([*earlier, *value]))
            elif key in _TABLE_KEYS and isinstance(earlier, dict) and isinstance(value, dict):
                table = {**earlier, **value}
                if key.endswith("_by_language"):
                    for lang, phrases in value.items():
                        before = earlier.get(lang)
                        if isinstance(before, list) and isinstance(phrases, list):
                            table[lang] = list(dict.fromkeys([*before, *phrases]))
                merged[key] = table
            else:
                merged[key] = value
    return merged


def _phrases(value: Any, key: str) -> tuple[str, ...]:
    if not isinstance(value, list | tuple) or not all(isinstance(p, str) for p in value):
        raise DouseError(f"reply_policy.{key}: expected a list of phrases")
    cleaned = tuple(" ".join(p.split()).lower() for p in value)
    if any(not p for p in cleaned):
        raise DouseError(f"reply_policy.{key}: empty phrase")
    return cleaned


def _number(value: Any, key: str, *, low: float | None = None, high: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise DouseError(f"reply_policy.{key}: expected a number, got {value!r}")
    if (low is not None and value < low) or (high is not None and value > high):
        raise DouseError(f"reply_policy.{key}: {value} is out of range {low}..{high}")
    return float(value)


def _by_language(value: Any, key: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if not isinstance(value, Mapping):
        raise DouseError(f"reply_policy.{key}: expected a table of language = [phrases]")
    out = []
    for lang, phrases in value.items():
        code = str(lang).lower()
        if not re.fullmatch(r"[a-z]{2,3}", code):
            raise DouseError(f"reply_policy.{key}: {lang!r} is not a language code like es or fr")
        out.append((code, _phrases(phrases, f"{key}.{lang}")))
    return tuple(sorted(out))


def _contacts(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list | tuple) or not all(isinstance(c, str) for c in value):
        raise DouseError(
            "reply_policy.public_contacts: expected a list of phone numbers, "
            "email addresses, @domains and links"
        )
    for contact in value:
        problem = contact_problem(contact)
        if problem:
            raise DouseError(f"reply_policy.public_contacts: {contact!r} {problem}")
    return tuple(c.strip() for c in value)


def _currency_limits(value: Any) -> tuple[tuple[str, float], ...]:
    if not isinstance(value, Mapping):
        raise DouseError("reply_policy.max_offer_by_currency: expected a table of CODE = amount")
    out = []
    for code, amount in value.items():
        if not re.fullmatch(r"[A-Za-z]{3}", str(code)):
            raise DouseError(
                f"reply_policy.max_offer_by_currency: {code!r} is not an ISO code like USD"
            )
        out.append((str(code).upper(), _number(amount, f"max_offer_by_currency.{code}", low=0)))
    return tuple(sorted(out))


@dataclass(frozen=True)
class ReplyPolicy:
    banned_phrases: tuple[str, ...]
    discouraged_phrases: tuple[str, ...]
    tone_floor: float
    tone_blocking: bool
    max_offer: float | None
    max_discount_percent: float | None
    currency: str
    platform_limits: tuple[tuple[str, int], ...]
    private_data: tuple[str, ...]
    order_number_pattern: str | None
    public_contacts: tuple[str, ...] = ()
    banned_by_language: tuple[tuple[str, tuple[str, ...]], ...] = ()
    discouraged_by_language: tuple[tuple[str, tuple[str, ...]], ...] = ()
    max_offer_by_currency: tuple[tuple[str, float], ...] = ()

    @classmethod
    def from_dict(cls, d: Mapping[str, Any] | None) -> ReplyPolicy:
        """Agency defaults overlaid with `d`; any unknown key or bad value raises DouseError."""
        # Every logged reply, offer and draft check reads its client's policy: parsed once per
        # distinct policy (about 100 us a parse, 4 us to spell the key), not once per entry.
        try:
            key = json.dumps(d or {}, sort_keys=True)
        except (TypeError, ValueError):  # not JSON (a caller's own objects): parse it each time
            return cls._parse(d)
        return _parsed_policy(key)

    @classmethod
    def _parse(cls, d: Mapping[str, Any] | None) -> ReplyPolicy:
        d = dict(d or {})
        unknown = sorted(set(d) - _KNOWN_KEYS)
        if unknown:
            raise DouseError(
                f"reply_policy: unknown key {unknown[0]!r} "
                f" (known: {', '.join(sorted(_KNOWN_KEYS))})"
            )
        merged = layer_policies(AGENCY_DEFAULTS, d)
        tone_blocking = merged["tone_blocking"]
        if not isinstance(tone_blocking, bool):
            raise DouseError("reply_policy.tone_blocking: expected true or false")
        max_offer = merged["max_offer"]
        max_pct = merged["max_discount_percent"]
        currency = merged["currency"]
        if not isinstance(currency, str) or not re.fullmatch(r"[A-Za-z]{3}", currency):
            raise DouseError(
                f"reply_policy.currency: expected an ISO code like GBP, got {currency!r}"
            )
        limits = merged["platform_limits"]
        if not isinstance(limits, Mapping):
            raise DouseError("reply_policy.platform_limits: expected a table of platform = chars")
        parsed_limits = []
        for platform, chars in limits.items():
            if isinstance(chars, bool) or not isinstance(chars, int) or chars <= 0:
                raise DouseError(
                    f"reply_policy.platform_limits.{platform}: expected a positive whole number"
                )
            parsed_limits.append((str(platform).lower(), chars))
        detectors = merged["private_data"]
        if not isinstance(detectors, list | tuple) or any(
            x not in PRIVATE_DATA_DETECTORS for x in detectors
        ):
            raise DouseError(
                "reply_policy.private_data: expected a list of " + ", ".join(PRIVATE_DATA_DETECTORS)
            )
        pattern = merged["order_number_pattern"]
        if pattern is not None:
            if not isinstance(pattern, str):
                raise DouseError("reply_policy.order_number_pattern: expected a regular expression")
            try:
                re.compile(pattern)
            except re.error as exc:
                raise DouseError(f"reply_policy.order_number_pattern: {exc}") from None
        return cls(
            banned_phrases=_phrases(merged["banned_phrases"], "banned_phrases"),
            discouraged_phrases=_phrases(merged["discouraged_phrases"], "discouraged_phrases"),
            tone_floor=_number(merged["tone_floor"], "tone_floor", low=-1, high=1),
            tone_blocking=tone_blocking,
            max_offer=None if max_offer is None else _number(max_offer, "max_offer", low=0),
            max_discount_percent=None
            if max_pct is None
            else _number(max_pct, "max_discount_percent", low=0, high=100),
            currency=currency.upper(),
            platform_limits=tuple(sorted(parsed_limits)),
            private_data=tuple(detectors),
            order_number_pattern=pattern,
            public_contacts=_contacts(merged["public_contacts"]),
            banned_by_language=_by_language(
                merged["banned_phrases_by_language"], "banned_phrases_by_language"
            ),
            discouraged_by_language=_by_language(
                merged["discouraged_phrases_by_language"], "discouraged_phrases_by_language"
            ),
            max_offer_by_currency=_currency_limits(merged["max_offer_by_currency"]),
        )

    def platforms(self) -> tuple[str, ...]:
        """The platforms this policy knows a length limit for."""
        return tuple(name for name, _ in self.platform_limits)

    def phrases_for(self, language: str | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(banned, discouraged) phrases for a draft in `language`: the plain lists plus that
        language's own lists."""
        banned = dict(self.banned_by_language).get(language or "", ())
        discouraged = dict(self.discouraged_by_language).get(language or "", ())
        return (
            tuple(dict.fromkeys([*self.banned_phrases, *banned])),
            tuple(dict.fromkeys([*self.discouraged_phrases, *discouraged])),
        )

    def offer_limit(self, currency: str) -> float | None:
        """The largest offer allowed in `currency`, when the policy states one for it."""
        if currency.upper() == self.currency:
            return self.max_offer
        return dict(self.max_offer_by_currency).get(currency.upper())

    def limit_for(self, platform: str | None) -> int | None:
        """The length limit on `platform`; "mastodon:fosstodon.org" is that instance's own limit
        when the policy sets one, else the platform's."""
        if not platform:
            return None
        limits = dict(self.platform_limits)
        name = platform.lower()
        if name in limits:
            return limits[name]
        return limits.get(name.split(":", 1)[0]) if ":" in name else None


@lru_cache(maxsize=256)
def _parsed_policy(key: str) -> ReplyPolicy:
    # A ReplyPolicy is frozen (tuples all through), so one object serves every caller.
    return ReplyPolicy._parse(json.loads(key))
