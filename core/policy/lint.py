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
_CODES = "GBP|USD|EUR|AUD|CAD|NZD|SGD|HKD|SEK|NOK|DKK|CHF|JPY|INR"
_AMOUNT = r"\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d{1,7}(?:[.,]\d{1,2})?"
_MONEY = re.compile(
    r"(?P<sym>(?<![A-Za-z])(?:US|AU|A|CA|C|NZ|SG|S|HK)?\$|[£€¥])\s?(?P<a>" + _AMOUNT + ")"
    r"|\b(?P<pre>" + _CODES + r")\s?(?P<c>" + _AMOUNT + ")"
    r"|(?P<b>" + _AMOUNT + r")\s?(?P<code>" + _CODES + r"|pounds?|dollars?|euros?)\b",
    re.IGNORECASE,
)
_PERCENT = re.compile(r"(?P<p>\d{1,3}(?:\.\d+)?)\s?%\s*(?:off|discount)", re.IGNORECASE)
_SYMBOLS = {
    "£": "GBP",
    "€": "EUR",
    "¥": "JPY",
    "US$": "USD",
    "A$": "AUD",
    "AU$": "AUD",
    "C$": "CAD",
    "CA$": "CAD",
    "NZ$": "NZD",
    "S$": "SGD",
    "SG$": "SGD",
    "HK$": "HKD",
    "POUND": "GBP",
    "POUNDS": "GBP",
    "EURO": "EUR",
    "EUROS": "EUR",
}
# A bare "$" or "dollars" is the client's own currency when that is a dollar, else US dollars.
_DOLLARS = frozenset({"USD", "AUD", "CAD", "NZD", "SGD", "HKD"})
# Saying sorry is not a hostile tone: apologies and sympathy, with what they are about ("sorry for
# the trouble", "we regret the delay", "that must be frustrating for you"), are left out when the
# draft's own tone is scored. The object stops at punctuation, "but" and "you", so "sorry, but you
# are a liar" is still scored on "you are a liar".
_OBJECT = r"(?:\s+(?!but\b|you\b|you're\b|you'll\b)[\w'-]+){0,5}"
_SYMPATHY = re.compile(
    r"\b(?:(?:so|very|really|truly|terribly|deeply|sincerely|awfully|extremely)\s+)*"
    r"(?:sorry|apologi[sz]e[sd]?|apologi[sz]ing|apologies|regret(?:s|ted|table)?|unfortunately|"
    r"sadly)\b"
    r"(?:\s+(?:for|about|to\s+hear(?:\s+(?:about|that|of))?|that|if|the|this|any|all|your)\b"
    + _OBJECT
    + r")?"
    r"|\b(?:how|so|really|very|incredibly|understandably)?\s*"
    r"(?:frustrating|annoying|upsetting|stressful|disappointing|inconvenient)\s+(?:for|to)\s+you\b"
    r"|\b(?:that|this|it)\s+(?:must\s+(?:be|have\s+been)|sounds|is|was)\s+"
    r"(?:(?:so|really|very|incredibly)\s+)?"
    r"(?:frustrating|annoying|upsetting|stressful|disappointing|awful|horrible|terrible)\b"
    r"|\bfor\s+(?:the|any)\s+(?:inconvenience|trouble|hassle|delay|frustration)\b",
    re.IGNORECASE,
)


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
    offer_amount: float | None = None,
) -> list[Finding]:
    """Every policy finding for `text`, in order of position (blocking first at equal spans).

    `offer_amount` is an offer recorded beside the text (the desk's amount field, `douse log
    --amount`), in the client's currency: it is held to the same limit as one written in it."""
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
    if (
        offer_amount is not None
        and policy.max_offer is not None
        and offer_amount > policy.max_offer
    ):
        findings.append(
            Finding(
                "offer",
                BLOCK,
                f"offer of {offer_amount:g} {policy.currency} is above the limit of "
                f"{policy.max_offer:g} {policy.currency}",
                0,
                0,
            )
        )
    scored = _SYMPATHY.sub(lambda m: " " * len(m.group()), norm)
    if scored.strip(" \t\n.,;:!?"):
        compound = (tone or _default_tone())(scored)
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
        # A client's own pattern adds to the agency's: "order #123456" is private everywhere.
        patterns = [_DEFAULT_ORDER]
        if policy.order_number_pattern:
            patterns.append(re.compile(policy.order_number_pattern))
        for pattern in patterns:
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
            raw = m.group("a") or m.group("b") or m.group("c")
            amount = _parse_amount(raw)
            currency = _currency_of(m, policy.currency)
            if currency != policy.currency:
                # No exchange rates here: say so rather than compare €30 with a 25 GBP limit.
                found.append(
                    Finding(
                        "offer_currency",
                        WARN,
                        f"offer of {m.group().strip()} is in {currency}, not the client's "
                        f"{policy.currency}: check it against the limit of "
                        f"{policy.max_offer:g} {policy.currency} by hand",
                        m.start(),
                        m.end(),
                    )
                )
            elif amount > policy.max_offer:
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


def _parse_amount(raw: str) -> float:
    """'1,000.50' and '1,000' are thousands; '12,50' is a decimal comma."""
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?", raw):
        return float(raw.replace(",", ""))
    return float(raw.replace(",", "."))


def _currency_of(m: re.Match[str], client_currency: str) -> str:
    mark = (m.group("sym") or m.group("pre") or m.group("code") or "").upper()
    if mark in ("$", "DOLLAR", "DOLLARS"):
        return client_currency if client_currency in _DOLLARS else "USD"
    return _SYMBOLS.get(mark, mark)
