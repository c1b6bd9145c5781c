"""The brand's own contact points: declared in clients.toml, or recognisable as a business's.

A public reply may give the brand's support line, address or help link; it must never repeat a
customer's. Three ways a contact point counts as the brand's:

1. Declared: `public_contacts = ["1-800-555-0100", "help@brand.example", "@brand.example",
   "https://help.brand.example"]` in the client's reply_policy (phone numbers compare by their
   digits, so "+1 (800) 555-0100" is the same line; "@domain" covers every address there; a link
   covers everything under it).
2. A freephone number: "1-800-...", "0800 ...", "1800 ...", "+800 ..." lines are businesses' by
   construction; nobody's personal phone is toll-free.
3. Presented in the brand's own voice, right before the number: "call us at", "contact us
   anytime on", "our support line is", "call the Home Lending Team at". The cue must name us or a
   team/line/desk, so "call you at", "our lawyers will call" or "call Jo Smith at" never count.
   Role mailboxes (support@, help@, abuse@, reportphish@ ...) at a domain that is not a free
   mail provider are the organisation's too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

_PHONE_CHARS = re.compile(r"\+?[\d\s().-]+")
_EMAIL = re.compile(r"[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_DOMAIN = re.compile(r"@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")

# A freephone prefix as its own digit group ("1-800-", "0800 ", "(888) ", "+44 800 ").
_FREEPHONE = re.compile(
    r"^\+?(?:\d{1,3}[\s.-]+)?\(?(?:0?800|0?808|0?805|0508|0120|1800|1300|1850|1890|"
    r"8(?:33|44|55|66|77|88))\)?[\s.-]"
)
_FREEPHONE_DIGITS = re.compile(r"^(?:1?8(?:00|33|44|55|66|77|88)\d{7}|800\d{8})$")

_TEAM = (
    r"(?:team|line|number|desk|department|dept|centre|center|office|helpline|hotline|support|"
    r"services?|care|specialists?|agents?)"
)
# Words that may sit between the cue and the number: "call us anytime at", "24/7 on".
_FILLER = (
    r"(?:\s+(?:anytime|any\s+time|directly|today|now|toll[- ]free|for\s+free|free|24/7|"
    r"24\s+hours(?:\s+a\s+day)?|again|instead|also|please|by\s+phone))*"
)
# The cue ends right where the number starts: "... call us anytime at |0800 ...".
_BRAND_VOICE = re.compile(
    r"(?:\b(?:call|phone|ring|text|contact|reach|dial)(?:ing|ed)?(?:\s+out\s+to)?\s+"
    r"(?:us|(?:the\s+|our\s+)?(?:[\w&/-]+\s+){0,3}?" + _TEAM + r")\b"
    r"|\bour\s+(?:[\w&/-]+\s+){0,3}?"
    + _TEAM
    + r"(?:\s+number)?(?:\s+is)?)"
    + _FILLER
    + r"\s*(?:at|on|via|is|:)?\s*[(]?\s*$",
    re.IGNORECASE,
)
_ROLE_MAILBOX = re.compile(
    r"^(?:report|phish(?:ing)?|abuse|support|help|info|contact|customer|customers|service|"
    r"services|care|security|privacy|fraud|spam|press|media|billing|feedback|hello|team|sales|"
    r"no|reply|noreply|webmaster|postmaster|hostmaster|enquiries|inquiries|questions|legal|"
    r"complaints|cs|desk|office|accessibility|refunds?|returns?|orders?|bookings?|reservations?)+$"
)
_FREE_MAIL = frozenset(
    [
        "gmail.com",
        "googlemail.com",
        "yahoo.com",
        "yahoo.co.uk",
        "ymail.com",
        "hotmail.com",
        "hotmail.co.uk",
        "outlook.com",
        "live.com",
        "msn.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "aol.com",
        "proton.me",
        "protonmail.com",
        "gmx.com",
        "gmx.de",
        "gmx.net",
        "web.de",
        "mail.com",
        "mail.ru",
        "yandex.ru",
        "yandex.com",
        "qq.com",
        "163.com",
        "126.com",
        "zoho.com",
        "fastmail.com",
        "hey.com",
        "tutanota.com",
        "libero.it",
        "orange.fr",
        "laposte.net",
        "free.fr",
        "btinternet.com",
        "sky.com",
    ]
)
# Where a business's premises are given in its own voice: "our store at 12 High Street", "the
# branch on 4 King Street" (a customer's home is never "the store").
_PREMISES_VOICE = re.compile(
    r"(?:\bour\s+(?:[\w&-]+\s+){0,2}?(?:store|shop|office|branch|restaurant|hotel|caf[eé]|"
    r"headquarters|hq|location|address|outlet|showroom|clinic|centre|center|studio|warehouse)s?"
    r"|\bthe\s+(?:[\w&-]+\s+){0,2}?(?:store|shop|branch|restaurant|hotel|caf[eé]|outlet|"
    r"showroom|clinic|location|pharmacy|dealership|salon|gym)s?)"
    r"(?:\s+(?:is|are))?(?:\s+(?:located|based|found))?\s*(?:at|on|in)?\s*:?\s*$",
    re.IGNORECASE,
)


def digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def contact_problem(entry: str) -> str | None:
    """Why `entry` is not a usable public contact point, or None when it is one."""
    value = entry.strip()
    if not value:
        return "is empty"
    if value.lower().startswith(("http://", "https://")):
        return None if urlsplit(value).hostname else "is not a valid link"
    if "@" in value:
        if _EMAIL.fullmatch(value) or _DOMAIN.fullmatch(value):
            return None
        return "is not an email address or @domain"
    if _PHONE_CHARS.fullmatch(value) and 7 <= len(digits(value)) <= 15:
        return None
    return "is not a phone number, email address, @domain or http(s) link"


@dataclass(frozen=True)
class PublicContacts:
    phones: tuple[str, ...]
    emails: frozenset[str]
    domains: frozenset[str]
    links: tuple[str, ...]

    def phone(self, number: str) -> bool:
        """A declared line: same digits, or the same national number with a country code."""
        d = digits(number).lstrip("0")
        for known in self.phones:
            short, long = sorted((d, known), key=len)
            if short == long or (
                len(short) >= 9 and long.endswith(short) and len(long) - len(short) <= 3
            ):
                return True
        return False

    def email(self, address: str) -> bool:
        lower = address.lower()
        return lower in self.emails or lower.rsplit("@", 1)[-1] in self.domains

    def link(self, url: str) -> bool:
        lower = url.lower().rstrip("/")
        bare = re.sub(r"^https?://", "", lower)
        return any(bare.startswith(known) for known in self.links)


@cache
def public_contacts(entries: tuple[str, ...]) -> PublicContacts:
    phones, emails, domains, links = [], set(), set(), []
    for entry in entries:
        value = entry.strip()
        lower = value.lower()
        if lower.startswith(("http://", "https://")):
            links.append(re.sub(r"^https?://", "", lower).rstrip("/"))
        elif value.startswith("@"):
            domains.add(lower[1:])
        elif "@" in value:
            emails.add(lower)
        else:
            phones.append(digits(value).lstrip("0"))
    return PublicContacts(tuple(phones), frozenset(emails), frozenset(domains), tuple(links))


def freephone(number: str) -> bool:
    return bool(_FREEPHONE.match(number.strip() + " ")) or bool(
        _FREEPHONE_DIGITS.match(digits(number))
    )


def in_brand_voice(before: str) -> bool:
    """Whether the text right before a phone number presents it as the brand's own line."""
    sentence = re.split(r"[.!?\n]\s", before[-80:])[-1]
    return bool(_BRAND_VOICE.search(sentence))


def premises_voice(before: str) -> bool:
    sentence = re.split(r"[.!?\n]\s", before[-80:])[-1]
    return bool(_PREMISES_VOICE.search(sentence))


def role_mailbox(address: str) -> bool:
    """support@brand.example, reportphish@bank.example: an organisation's, not a person's."""
    local, _, domain = address.lower().rpartition("@")
    if domain in _FREE_MAIL:
        return False
    return bool(_ROLE_MAILBOX.match(re.sub(r"[._+\-\d]", "", local)))
