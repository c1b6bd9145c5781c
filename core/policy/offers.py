"""Offers: money written in the draft, or recorded in the amount field, held to the client's limit.

douse has no exchange rates, and a limit is a promise to the client, so an offer in another
currency than the limit's is judged conservatively:

1. If the policy states a limit for that currency (`max_offer_by_currency = { USD = 300 }`), that
   limit applies.
2. Otherwise, for a handful of major currencies douse knows deliberately wide bounds of what one
   unit is worth in US dollars (wider than anything seen since 2000: a euro between 0.80 and
   1.70 dollars, a pound between 1.00 and 2.20, a yen between 0.005 and 0.015, ...). A foreign
   offer passes only when it is within the limit even at the worst end of both bounds: $100
   against a 240 EUR limit is at most 125 EUR, so it passes (with a warning to check it); $500
   against a 240 EUR limit could be 625 EUR, so it blocks.
3. Any other currency blocks: a person decides, and overrides with a reason if it is right.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from douse.core.policy.rules import ReplyPolicy

_CODES = "GBP|USD|EUR|AUD|CAD|NZD|SGD|HKD|SEK|NOK|DKK|CHF|JPY|INR"
_AMOUNT = r"\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d{1,7}(?:[.,]\d{1,2})?"
MONEY = re.compile(
    r"(?P<sym>(?<![A-Za-z])(?:US|AU|A|CA|C|NZ|SG|S|HK)?\$|[£€¥])\s?(?P<a>" + _AMOUNT + ")"
    r"|\b(?P<pre>" + _CODES + r")\s?(?P<c>" + _AMOUNT + ")"
    r"|(?P<b>" + _AMOUNT + r")\s?(?P<code>" + _CODES + r"|pounds?|dollars?|euros?)\b",
    re.IGNORECASE,
)
PERCENT = re.compile(r"(?P<p>\d{1,3}(?:\.\d+)?)\s?%\s*(?:off|discount)", re.IGNORECASE)
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
# What one unit is worth in US dollars, at least and at most: wider than the range since 2000.
USD_VALUE_BOUNDS: dict[str, tuple[float, float]] = {
    "USD": (1.0, 1.0),
    "EUR": (0.80, 1.70),
    "GBP": (1.00, 2.20),
    "CHF": (0.50, 1.50),
    "JPY": (0.005, 0.015),
    "CAD": (0.60, 1.15),
    "AUD": (0.45, 1.15),
    "NZD": (0.38, 0.95),
    "SGD": (0.50, 0.85),
    "HKD": (0.12, 0.14),
    "SEK": (0.07, 0.18),
    "NOK": (0.07, 0.20),
    "DKK": (0.10, 0.23),
    "INR": (0.010, 0.030),
}


def most_in(amount: float, currency: str, target: str) -> float | None:
    """The most `amount` of `currency` could be worth in `target`, or None when unknown."""
    if currency == target:
        return amount
    if currency not in USD_VALUE_BOUNDS or target not in USD_VALUE_BOUNDS:
        return None
    return amount * USD_VALUE_BOUNDS[currency][1] / USD_VALUE_BOUNDS[target][0]


def parse_amount(raw: str) -> float:
    """'1,000.50' and '1,000' are thousands; '12,50' is a decimal comma."""
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?", raw):
        return float(raw.replace(",", ""))
    return float(raw.replace(",", "."))


def currency_of(m: re.Match[str], client_currency: str) -> str:
    mark = (m.group("sym") or m.group("pre") or m.group("code") or "").upper()
    if mark in ("$", "DOLLAR", "DOLLARS"):
        return client_currency if client_currency in _DOLLARS else "USD"
    return _SYMBOLS.get(mark, mark)


def judge(policy: ReplyPolicy, amount: float, currency: str, shown: str) -> tuple[str, str] | None:
    """(severity, message) for an offer of `amount` `currency`, or None when it is fine.

    Nothing is judged when the policy sets no limit at all."""
    if policy.max_offer is None and not policy.max_offer_by_currency:
        return None
    own = policy.currency
    currency = currency.upper()
    stated = policy.offer_limit(currency)
    if stated is not None:
        if amount > stated:
            return "block", f"offer of {shown} is above the limit of {stated:g} {currency}"
        return None
    if policy.max_offer is None:
        return (
            "block",
            f"offer of {shown} is in {currency}, and the policy sets no limit in {currency}",
        )
    worst = most_in(amount, currency, own)
    limit = f"{policy.max_offer:g} {own}"
    if worst is None:
        return (
            "block",
            f"offer of {shown} is in {currency}, not {own}: douse has no exchange rates, so it "
            f"cannot tell whether it is within the limit of {limit}",
        )
    if worst > policy.max_offer:
        return (
            "block",
            f"offer of {shown} could be worth up to {worst:,.0f} {own} at a plausible exchange "
            f"rate, above the limit of {limit} (set max_offer_by_currency.{currency} to judge "
            f"{currency} offers by a limit of their own)",
        )
    return (
        "warn",
        f"offer of {shown} is in {currency}, not {own}: within the limit of {limit} at any "
        "plausible exchange rate",
    )


def text_offers(policy: ReplyPolicy, text: str) -> Iterator[tuple[str, str, str, int, int]]:
    """(rule, severity, message, start, end) for money and discounts written in the draft."""
    if policy.max_offer is not None or policy.max_offer_by_currency:
        for m in MONEY.finditer(text):
            raw = m.group("a") or m.group("b") or m.group("c")
            currency = currency_of(m, policy.currency)
            verdict = judge(policy, parse_amount(raw), currency, m.group().strip())
            if verdict:
                rule = "offer" if verdict[0] == "block" else "offer_currency"
                yield rule, verdict[0], verdict[1], m.start(), m.end()
    if policy.max_discount_percent is not None:
        for m in PERCENT.finditer(text):
            if float(m.group("p")) > policy.max_discount_percent:
                yield (
                    "offer",
                    "block",
                    f"discount of {m.group('p')}% is above the limit of "
                    f"{policy.max_discount_percent:g}%",
                    m.start(),
                    m.end(),
                )


def field_offer(
    policy: ReplyPolicy, amount: Decimal | float | None, currency: str | None
) -> tuple[str, str, str] | None:
    """(rule, severity, message) for the amount recorded beside the text, if it breaks a limit."""
    if amount is None:
        return None
    code = (currency or policy.currency).upper()
    value = float(amount)
    verdict = judge(policy, value, code, f"{value:,.2f} {code}".replace(".00 ", " "))
    if verdict is None:
        return None
    return ("offer" if verdict[0] == "block" else "offer_currency", verdict[0], verdict[1])
