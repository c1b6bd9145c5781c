"""Private data in a public reply: a customer's email, phone, order or card number, or address.

Nothing inside a link is taken for a phone, card or order number (article ids and archive
timestamps are digits too); an email address inside a link still counts, unless the link is one
of the brand's declared public ones. The brand's own contact points pass (see contacts.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from douse.core.policy.contacts import (
    digits,
    freephone,
    in_brand_voice,
    premises_voice,
    public_contacts,
    role_mailbox,
)
from douse.core.policy.links import blank_out, inside

_EMAIL = re.compile(r"[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_PHONE = re.compile(r"(?<![\w+])\+?\d[\d\s().-]{7,}\d(?!\w)")
_CARD = re.compile(r"(?<!\d)(?:\d[ -]?){12,18}\d(?!\d)")
DEFAULT_ORDER = re.compile(
    r"(?i)\b(?:order|ord|booking|ref(?:erence)?)\s*(?:no\.?|number|num|#|:)?\s*#?\s*"
    r"(?=[A-Z0-9-]*\d)[A-Z0-9][A-Z0-9-]{4,}\b|(?<!\w)#\d{5,}\b"
)
# "#10267422" after "ticket" or "case" is the support desk's own reference, not an order.
_DESK_REFERENCE = re.compile(
    r"\b(?:ticket|case|request|incident|issue|bug|report)\s*(?:no\.?|number|id)?\s*:?\s*$",
    re.IGNORECASE,
)
_SUFFIX_WORD = (
    r"(?:street|road|avenue|lane|drive|boulevard|close|crescent|terrace|square|gardens|highway|"
    r"parkway)"
)
_SUFFIX_ABBR = r"(?:St|Rd|Ave|Ln|Dr|Blvd|Ct|Pl|Sq|Hwy|Pkwy|Way|Place|Court|Row|Mews|Walk|Grove)"
_ADDRESS = re.compile(
    # 14 Elm Street / 14b elm street / 221B Baker St / 1600 Pennsylvania Ave NW
    r"\b\d{1,5}[A-Za-z]?,?\s+(?:(?:[A-Za-z][\w'’-]*\s+){1,3}(?i:" + _SUFFIX_WORD + r")"
    r"|(?:[A-Z][\w'’-]*\s+){1,3}" + _SUFFIX_ABBR + r")\b\.?"
    # 12 rue de la Paix / 3 avenue des Champs
    r"|\b\d{1,5}(?:\s*bis)?,?\s+(?i:rue|avenue|av\.|boulevard|bd|chemin|allée|impasse|quai)\s+"
    r"(?:(?i:de\s+la|de\s+l'|du|des|de|d')\s*)?[A-ZÀ-Ý][\w'-]+"
    # Hauptstraße 5 / Lindenweg 12a
    r"|\b[A-ZÄÖÜ][a-zäöüß-]+(?:straße|strasse|weg|platz|allee|gasse)\s+\d{1,4}[a-z]?\b"
    # Calle Mayor 7 / Rua Augusta, 120 / Via Roma 10
    r"|\b(?i:calle|avenida|rua|via|viale|piazza|plaza|carrer)\s+(?:(?i:d[eoa]l?|de\s+la)\s+)?"
    r"[A-ZÀ-Ý][\w'-]+(?:\s+[A-ZÀ-Ý][\w'-]+){0,2},?\s+(?:n[º°o]\.?\s*)?\d{1,4}\b"
    # Springfield, IL 62704
    r"|\b[A-Z][a-z]+,?\s+[A-Z]{2}\s+\d{5}(?:-\d{4})?\b"
)
# A UK postcode right after an address belongs to it: "14 Elm Street, Leeds LS6 2AB".
_POSTCODE_TAIL = re.compile(r"(?:,?\s+[A-Z][a-z]+)?,?\s+[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b")


def luhn_ok(number: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(number)):
        n = int(ch)
        if i % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def private_data(
    text: str,
    *,
    detectors: tuple[str, ...],
    order_pattern: str | None,
    contacts: tuple[str, ...],
    links: list[tuple[int, int]],
    add: Callable[[str, int, int], None],
) -> None:
    """Call `add(kind, start, end)` for each piece of private data in a public reply."""
    known = public_contacts(contacts)
    outside = blank_out(text, links)  # digits in links are ids, not phones
    wanted = set(detectors)
    if "email" in wanted:
        for m in _EMAIL.finditer(text):
            in_link = [(s, e) for s, e in links if s <= m.start() < e]
            if in_link and known.link(text[in_link[0][0] : in_link[0][1]]):
                continue
            if known.email(m.group()) or role_mailbox(m.group()):
                continue
            add("email address", m.start(), m.end())
    if "card_number" in wanted:
        for m in _CARD.finditer(outside):
            number = digits(m.group())
            if 13 <= len(number) <= 19 and luhn_ok(number):
                add("card number", m.start(), m.end())
    if "order_number" in wanted:
        # A client's own pattern adds to the agency's: "order #123456" is private everywhere.
        patterns = [DEFAULT_ORDER]
        if order_pattern:
            patterns.append(re.compile(order_pattern))
        for pattern in patterns:
            for m in pattern.finditer(outside):
                if m.end() <= m.start() or inside(links, m.start(), m.end()):
                    continue
                if m.group().startswith("#") and _DESK_REFERENCE.search(text[: m.start()]):
                    continue
                add("order number", m.start(), m.end())
    if "phone" in wanted:
        for m in _PHONE.finditer(outside):
            number = m.group()
            # E.164 numbers have at most 15 digits; longer runs are ids, not phones.
            if not 9 <= len(digits(number)) <= 15:
                continue
            if known.phone(number) or freephone(number) or in_brand_voice(text[: m.start()]):
                continue
            add("phone number", m.start(), m.end())
    if "postal_address" in wanted:
        for m in _ADDRESS.finditer(outside):
            if premises_voice(text[: m.start()]):
                continue
            end = m.end()
            tail = _POSTCODE_TAIL.match(outside, end)
            if tail:
                end = tail.end()
            add("postal address", m.start(), end)
