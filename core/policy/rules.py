"""The ReplyPolicy value: agency defaults, validation of stored/configured dictionaries."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from core.errors import DouseError

PRIVATE_DATA_DETECTORS = ("email", "phone", "order_number", "card_number")

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
        # blaming the customer
        "your fault",
        "you should have",
        "user error",
        "you didn't read",
        "you did not read",
        "you are wrong",
        "you're wrong",
    ],
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
}

_KNOWN_KEYS = frozenset(AGENCY_DEFAULTS)
# A client adds to the agency's phrase lists; listing its own never drops "our lawyers".
_ADDITIVE_KEYS = frozenset({"banned_phrases", "discouraged_phrases"})


def layer_policies(*layers: Mapping[str, Any] | None) -> dict[str, Any]:
    """Built-in defaults, then the agency's table, then the client's: phrase lists accumulate,
    platform limits merge per platform, every other key is replaced by the later layer."""
    merged: dict[str, Any] = {}
    for layer in layers:
        for key, value in (layer or {}).items():
            earlier = merged.get(key)
            if key in _ADDITIVE_KEYS and isinstance(earlier, list) and isinstance(value, list):
                merged[key] = list(dict.fromkeys([*earlier, *value]))
            elif key == "platform_limits" and isinstance(earlier, dict) and isinstance(value, dict):
                merged[key] = {**earlier, **value}
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

    @classmethod
    def from_dict(cls, d: Mapping[str, Any] | None) -> ReplyPolicy:
        """Agency defaults overlaid with `d`; any unknown key or bad value raises DouseError."""
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
        )

    def platforms(self) -> tuple[str, ...]:
        """The platforms this policy knows a length limit for."""
        return tuple(name for name, _ in self.platform_limits)

    def limit_for(self, platform: str | None) -> int | None:
        if not platform:
            return None
        return dict(self.platform_limits).get(platform.lower())
