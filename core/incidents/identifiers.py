"""Identifiers in a post: the strongest sign that two people are hit by the same thing.

Two strangers naming flight 728 on the same day are on the same flight; two people quoting the
same order or ticket number are in the same thread; a store number, a product model or a
campaign hashtag narrows a complaint down the same way. They are mostly digits, which word
matching ignores, so they are read here on purpose and used as keys (see problems.py).

Keys are plain strings, "flight:728", "ref:ab12345", "store:12", "model:xps13", "tag:neptune":
the client is implied (keys are only ever compared within one client).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from douse.core.sentiment.dispatch import skipping

# A number of one or two digits that measures something rather than naming it: "flight 2 hours
# late", "train 3 mins behind", "flight 7 people stuck", a date or a time ("flight 2/27", "flight
# 11:15"). Two strangers whose flights were both 3 hours late are not on flight 3. Three or four
# digits are a number whatever follows ("flt 1903 gate 12", "flight 837 passengers stuck",
# "flight 1613/2440").
_QUANTITY = (
    r"(?:(?<=\d\d\d)|(?!\s*[/:.,]\d|\s*(?:hours?|hrs?|h|minutes?|mins?|m|seconds?|secs?|days?|"
    r"weeks?|wks?|months?|years?|times|x|people|persons|passengers|pax|gates|seats|rows|bags|kids|"
    r"children|adults|of\s+\d+|or\s+(?:so|more|\d+)|am|pm)\b))"
)
# "flight 728", "flt #1589", "flight UA 938"; the carrier code is dropped: within one client the
# number is what people share.
_FLIGHT_WORD = skipping(
    r"\b(?:flight|flt|fl|flight number|flight no\.?)\s*(?:#|no\.?|number)?\s*(?:[a-z]{2}\s?)?"
    rf"(\d{{1,4}})\b{_QUANTITY}",
    re.IGNORECASE,
)
# "UA938", "US 728", "#AA4285": a two-letter carrier code in capitals, as people write them.
_CARRIER = re.compile(r"(?<![\w@])#?([A-Z]{2})\s?(\d{2,4})\b|(?<![\w@#])([a-z]{2})(\d{2,4})\b")
# "on us 728", "aboard aa 2401": a carrier code typed in lower case with a space is read only
# after a word that puts someone on a flight, so "give us 100" stays a sentence.
_ON_CARRIER = skipping(
    r"\b(?:on|aboard|onto|boarded|boarding)\s+"
    r"(?!(?:my|an|at|in|it|to|by|of|or|no|so|up|we|he|me|be|do|go|is|as|if|am|pm|hr|ok)\s)"
    r"[a-z]{2}\s(\d{2,4})\b"
)
_HASH_NUMBER = skipping(r"(?<!\w)#(?:[A-Za-z]{2})?(\d{3,4})\b")
_TRAIN = skipping(
    rf"\b(?:train|bus|coach|tram|ferry)\s*(?:#|no\.?|number)?\s*(\d{{1,5}})\b{_QUANTITY}", re.I
)
_REF = skipping(
    r"\b(?:order|booking|confirmation|reservation|reference|ref|ticket|case|claim|invoice|"
    r"tracking|incident|complaint|pnr|pir|record locator|account|policy|parcel|consignment)"
    r"\s*(?:no\.?|number|num|#|code|id|ref)?\s*[:#]?\s*([A-Za-z0-9][A-Za-z0-9-]{4,24})\b",
    re.IGNORECASE,
)
_STORE = skipping(
    r"\b(?:store|branch|location|shop|restaurant|outlet|station|depot|site)\s*(?:no\.?|number|#)"
    r"\s*(\d{1,5})\b",
    re.IGNORECASE,
)
# Letters and digits in one token: "XPS13", "A320", "SM-G991B", "iPhone12"; not the name before an
# email's "@" ("mikehertz7@gmail.com").
_MODEL = re.compile(
    r"(?<![\w@#/.])([A-Za-z]+-?\d+[A-Za-z0-9-]*|\d+[A-Za-z]+\d[A-Za-z0-9-]*)\b(?![\w.+-]*@)"
)
# Longer than a model name: a hash, a video id, a tracking string read elsewhere.
MAX_MODEL = 12
# Words run together around a 2 or a 4 ("need2put", "go4it"): no models.
_RUN_TOGETHER = re.compile(r"^[a-z]{3,}[24][a-z]{2,}$")
# Tokens of that shape that are not models: times, durations, ordinals, sizes, network names.
_NOT_MODEL = re.compile(
    r"^(?:\d+(?:am|pm|h|hr|hrs|hour|hours|m|min|mins|minute|minutes|s|sec|secs|d|day|days|wk|wks|"
    r"k|st|nd|rd|th|x|g|gb|mb|kb|tb|mm|cm|km|kg|lb|lbs|oz|ml|mph|kmh|p|px|fps|hz)|[a-z]\d|"
    r"(?:covid|sars|mp|h|f|q|y|g|pm|am|no|num|x)-?\d+|\d+g|[45]g|2fa|24/7|h2o|co2)$"
)
_HASHTAG = skipping(r"(?<!\w)#([A-Za-z][A-Za-z0-9_]{3,39})\b")
# What hashtags say about feelings or service in general, whoever the brand: never a key.
_GENERIC_TAG = re.compile(
    r"fail|suck|worst|never|service|customer|help|thank|disappoint|ridiculous|unacceptable|"
    r"frustrat|angry|annoy|sad|awful|terrible|horrible|rude|poor|bad|shame|joke|lol|smh|wtf|omg|"
    r"love|happy|great|best|nice|travel|flight|fly|flying|airline|airport|delay|cancel|lost|"
    r"luggage|bag|refund|complain|boycott|again|today|tonight|morning|monday|tuesday|wednesday|"
    r"thursday|friday|saturday|sunday|weekend|first|world|problem|issue|help|please|sorry|really|"
    r"seriously|done|over|why|what|how|nope|fix|broken|stuck|waiting|wait|hold|phone|call|email|"
    r"app|website|online|update|news|breaking|business|life|day|time|home|work|week|furious|"
    r"pathetic|useless|upset|stranded|livid|outrag|disgust|incompeten|unfriendly|custserv|custsvc|"
    r"dissatisf|nightmare"
)
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_BOOKING_CODE = skipping(r"\b[A-Z]{6}\b")
_ASCII_DIGIT = re.compile("[0-9]")
# A digit right after a letter ("UA938", "XPS13", "us 728", "SM-G991B") or right before one
# ("3ds4"): every match of _CARRIER, _ON_CARRIER and _MODEL holds one, and most posts with
# digits have none (a time, a price, "2 hours"). It starts with a digit, so re skips in C to
# the few digits of a post and looks back from there: a fraction of what those three scans cost.
_LETTER_DIGIT = re.compile(r"\d(?:(?<=[A-Za-z]\d)|(?<=[A-Za-z]\s\d)|(?<=[A-Za-z]-\d)|(?=[A-Za-z]))")


def _tidy(value: str) -> str:
    return value.lower().replace("-", "")


# Cheap tests before each pattern: a substring check costs a fraction of a regex scan.
_FLIGHT_WORDS = ("fl",)
_TRAIN_WORDS = ("train", "bus", "coach", "tram", "ferry")
_REF_WORDS = (
    "order", "booking", "confirmation", "reservation", "ref", "ticket", "case", "claim",
    "invoice", "tracking", "incident", "complaint", "pnr", "pir", "locator", "account", "policy",
    "parcel", "consignment",
)  # fmt: skip
_STORE_WORDS = ("store", "branch", "location", "shop", "restaurant", "outlet", "station", "depot",
                "site")  # fmt: skip


def _any(lowered: str, words: tuple[str, ...]) -> bool:
    # A loop, not any() over a generator: a third cheaper for the 34 words checked a post.
    for word in words:  # noqa: SIM110
        if word in lowered:
            return True
    return False


def identifiers(text: str, ignore_tags: Iterable[str] = ()) -> list[str]:
    """The identifier keys in a text, in order of appearance, each once."""
    # ASCII text (most posts) has no digits but 0-9: one search in C instead of a generator
    # over every character; `isdigit` still decides for the rest (superscripts, other scripts).
    has_digit = (
        _ASCII_DIGIT.search(text) is not None if text.isascii() else any(c.isdigit() for c in text)
    )
    hashed = "#" in text
    coded = has_digit and _LETTER_DIGIT.search(text) is not None
    if not has_digit and not hashed and not _BOOKING_CODE.search(text):
        return []  # every key below needs a digit, a hashtag or a booking code in capitals
    lowered = text.lower()
    found: dict[str, None] = {}
    flights: set[str] = set()
    carrier_like: set[str] = set()
    if has_digit:
        # After the word itself, 1903 or 2046 is a flight ("flight 2046 BOS-CLT"), not a year;
        # a bare "#2015" may be one.
        patterns = [(_HASH_NUMBER, True)] if hashed else []
        if _any(lowered, _FLIGHT_WORDS):
            patterns.append((_FLIGHT_WORD, False))
        for pattern, years in patterns:
            for m in pattern.finditer(text):
                number = m.group(1).lstrip("0")
                if number and not (years and _YEAR.match(m.group(1))):
                    flights.add(number)
                    carrier_like.add(_tidy(m.group(0)))  # "flight911" is read: no model
        for m in _ON_CARRIER.finditer(text) if coded else ():
            number = m.group(1).lstrip("0")
            if number and not _YEAR.match(m.group(1)):
                flights.add(number)
        for m in _CARRIER.finditer(text) if coded else ():
            code, digits = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
            number = digits.lstrip("0")
            if number and not _YEAR.match(digits):
                flights.add(number)
                carrier_like.add(f"{code}{digits}".lower())
        for number in sorted(flights, key=text.find):
            found[f"flight:{number}"] = None
        if _any(lowered, _TRAIN_WORDS):
            for m in _TRAIN.finditer(text):
                found[f"train:{m.group(1).lstrip('0') or '0'}"] = None
    if _any(lowered, _REF_WORDS):
        for m in _REF.finditer(text):
            value = m.group(1)
            digit_count = sum(c.isdigit() for c in value)
            # A word after "order" ("order today") is not a reference; a code has digits, or
            # is a six-letter booking code written in capitals.
            code = digit_count >= 2 or (len(value) == 6 and value.isupper() and value.isalpha())
            if code and not _YEAR.match(value):
                found[f"ref:{_tidy(value)}"] = None
    if has_digit:
        if _any(lowered, _STORE_WORDS):
            for m in _STORE.finditer(text):
                found[f"store:{m.group(1).lstrip('0') or '0'}"] = None
        for m in _MODEL.finditer(text) if coded else ():
            tidy = _tidy(m.group(1))
            if (
                not 4 <= len(tidy) <= MAX_MODEL
                or _NOT_MODEL.match(tidy)
                or _RUN_TOGETHER.match(tidy)
                or tidy in carrier_like
            ):
                continue
            if f"ref:{tidy}" not in found:
                found[f"model:{tidy}"] = None
    if hashed:
        skip = {t.lower().lstrip("#@").replace(" ", "") for t in ignore_tags}
        for m in _HASHTAG.finditer(text):
            tag = m.group(1).lower()
            # Numbered tags are flights, references or models, read above.
            if (
                sum(c.isdigit() for c in tag) >= 2
                or tag in skip
                or any(s and s in tag for s in skip)
                or _GENERIC_TAG.search(tag)
            ):
                continue
            found[f"tag:{tag}"] = None
    return list(found)


def describe(key: str) -> str:
    """How a key reads in a title: "flight 728", "order ab12345", "#neptune"."""
    kind, _, value = key.partition(":")
    return {
        "flight": f"flight {value}",
        "train": f"service {value}",
        "ref": f"reference {value.upper()}",
        "store": f"store {value}",
        "model": value.upper(),
        "tag": f"#{value}",
    }.get(kind, value)
