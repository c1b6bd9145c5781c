"""Checking a draft reply against a ReplyPolicy: each finding names its rule, severity and span."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from core.policy.rules import ReplyPolicy

BLOCK = "block"
WARN = "warn"

_EMAIL = re.compile(r"[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_PHONE = re.compile(r"(?<![\w+])\+?\d[\d\s().-]{7,}\d(?!\w)")
_CARD = re.compile(r"(?<!\d)(?:\d[ -]?){12,18}\d(?!\d)")
_DEFAULT_ORDER = re.compile(
    r"(?i)\b(?:order|ord|booking|ref(?:erence)?)\s*(?:no\.?|number|num|#|:)?\s*#?\s*"
    r"(?=[A-Z0-9-]*\d)[A-Z0-9][A-Z0-9-]{4,}\b|(?<!\w)#\d{5,}\b"
)
_MONEY = re.compile(
    r"(?P<sym>[£$€])\s?(?P<a>\d{1,7}(?:[.,]\d{1,2})?)"
    r"|(?P<b>\d{1,7}(?:\.\d{1,2})?)\s?(?P<code>GBP|USD|EUR|pounds?|dollars?|euros?)\b",
    re.IGNORECASE,
)
_PERCENT = re.compile(r"(?P<p>\d{1,3}(?:\.\d+)?)\s?%\s*(?:off|discount)", re.IGNORECASE)
_SYMBOLS = {"£": "GBP", "$": "USD", "€": "EUR"}


@dataclass(frozen=True)
class Finding:
    """One problem with a draft: `start:end` is the character span in the draft it refers to."""

    rule: str
    severity: str  # "block" | "warn"
    message: str
    start: int
    end: int

    @property
    def blocking(self) -> bool:
        return self.severity == BLOCK


def has_blocking(findings: list[Finding]) -> bool:
    return any(f.blocking for f in findings)


@cache
def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    words = [re.escape(w) for w in phrase.split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


@cache
def _default_tone() -> Callable[[str], float]:
    """The project's analyzer when present, else VADER from the vaderSentiment package."""
    try:
        from core.sentiment import Analyzer  # type: ignore[import-not-found]

        analyzer = Analyzer()
        return lambda text: float(analyzer.score(text).compound)
    except ImportError:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        vader = SentimentIntensityAnalyzer()
        return lambda text: float(vader.polarity_scores(text)["compound"])


def check_reply(
    policy: ReplyPolicy,
    text: str,
    *,
    platform: str | None = None,
    public: bool = True,
    tone: Callable[[str], float] | None = None,
) -> list[Finding]:
    """Every policy finding for `text`, in order of position (blocking first at equal spans)."""
    # Curly apostrophes are swapped one-for-one so spans still index the original draft.
    norm = text.replace("\u2019", "'").replace("\u2018", "'")
    findings: list[Finding] = []
    for phrases, rule, severity in (
        (policy.banned_phrases, "banned_phrase", BLOCK),
        (policy.discouraged_phrases, "discouraged_phrase", WARN),
    ):
        for phrase in phrases:
            for m in _phrase_pattern(phrase).finditer(norm):
                word = "banned" if severity == BLOCK else "discouraged"
                findings.append(
                    Finding(rule, severity, f"{word} phrase {phrase!r}", m.start(), m.end())
                )
    limit = policy.limit_for(platform)
    if limit is not None and len(text) > limit:
        findings.append(
            Finding(
                "length",
                BLOCK,
                f"{len(text)} characters; {platform} allows {limit}",
                limit,
                len(text),
            )
        )
    if public:
        findings.extend(_private_data(policy, norm))
    findings.extend(_offers(policy, norm))
    if text.strip():
        compound = (tone or _default_tone())(text)
        if compound < policy.tone_floor:
            findings.append(
                Finding(
                    "tone",
                    BLOCK if policy.tone_blocking else WARN,
                    f"tone {compound:+.2f} is below the floor {policy.tone_floor:+.2f}",
                    0,
                    len(text),
                )
            )
    findings.sort(key=lambda f: (f.start, f.severity != BLOCK, f.end))
    return findings


def _private_data(policy: ReplyPolicy, text: str) -> list[Finding]:
    found: list[Finding] = []
    taken: list[tuple[int, int]] = []

    def add(kind: str, start: int, end: int) -> None:
        if any(start < e and s < end for s, e in taken):
            return
        taken.append((start, end))
        found.append(
            Finding(
                "private_data",
                BLOCK,
                f"{kind} in a public reply: take it to a private message",
                start,
                end,
            )
        )

    detectors = set(policy.private_data)
    if "email" in detectors:
        for m in _EMAIL.finditer(text):
            add("email address", m.start(), m.end())
    if "card_number" in detectors:
        for m in _CARD.finditer(text):
            digits = re.sub(r"\D", "", m.group())
            if 13 <= len(digits) <= 19 and _luhn_ok(digits):
                add("card number", m.start(), m.end())
    if "order_number" in detectors:
        pattern = (
            re.compile(policy.order_number_pattern)
            if policy.order_number_pattern
            else _DEFAULT_ORDER
        )
        for m in pattern.finditer(text):
            if m.end() > m.start():
                add("order number", m.start(), m.end())
    if "phone" in detectors:
        for m in _PHONE.finditer(text):
            # E.164 numbers have at most 15 digits; longer runs are ids, not phones.
            if 9 <= len(re.sub(r"\D", "", m.group())) <= 15:
                add("phone number", m.start(), m.end())
    return found


def _offers(policy: ReplyPolicy, text: str) -> list[Finding]:
    found = []
    if policy.max_offer is not None:
        for m in _MONEY.finditer(text):
            raw = m.group("a") or m.group("b")
            amount = float(raw.replace(",", "."))
            if amount > policy.max_offer:
                found.append(
                    Finding(
                        "offer",
                        BLOCK,
                        f"offer of {m.group().strip()} is above the limit of "
                        f"{policy.max_offer:g} {policy.currency}",
                        m.start(),
                        m.end(),
                    )
                )
    if policy.max_discount_percent is not None:
        for m in _PERCENT.finditer(text):
            if float(m.group("p")) > policy.max_discount_percent:
                found.append(
                    Finding(
                        "offer",
                        BLOCK,
                        f"discount of {m.group('p')}% is above the limit of "
                        f"{policy.max_discount_percent:g}%",
                        m.start(),
                        m.end(),
                    )
                )
    return found
