"""Checking a draft reply against a ReplyPolicy: each finding names its rule, severity and span.

Rules, in the order a draft is read:

- banned_phrase / discouraged_phrase: the policy's phrase lists, plus the lists for the draft's
  language (`banned_phrases_by_language`);
- threat, insult, blame, credentials, review_incentive: English sentence structure (hostile.py);
- length: the platform's own count (length.py);
- private_data: a customer's contact details, order or card number or address, in a public
  reply only (private.py, contacts.py);
- offer / offer_currency: money and discounts above the client's limit, written or recorded in
  the amount field (offers.py);
- tone: the draft's own sentiment, apologies and links left out; skipped, with a note saying so,
  for a draft that is not in English (the sentiment lexicon is English).

Severities: "block" (refused unless overridden), "warn", and "info" (a note, e.g. a check that
could not run).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING

from douse.core.policy.hostile import hostile_findings
from douse.core.policy.length import measure
from douse.core.policy.links import blank_out, find_links
from douse.core.policy.offers import field_offer, text_offers
from douse.core.policy.private import private_data
from douse.core.policy.rules import ReplyPolicy

if TYPE_CHECKING:
    # Imported when called: loading VADER's lexicon costs a policy check nothing until needed.
    from douse.core.sentiment import Analyzer
    from douse.core.sentiment.language import LanguageGuesser

BLOCK = "block"
WARN = "warn"
INFO = "info"
SEVERITIES = (BLOCK, WARN, INFO)

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
_HANDLE = re.compile(r"(?<![\w@])@\w+(?:@[\w.-]+\w)?")


@dataclass(frozen=True)
class Finding:
    """One problem with a draft: `start:end` is the character span in the draft it refers to."""

    rule: str
    severity: str  # "block" | "warn" | "info"
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


@cache
def _analyzer() -> Analyzer:
    from douse.core.sentiment import Analyzer

    return Analyzer()


def _default_tone() -> Callable[[str], float | None]:
    """The project's analyzer, as the repair checks score a customer's updated post: None for
    text it does not score (not English)."""
    analyzer = _analyzer()

    def score(text: str) -> float | None:
        compound = analyzer.score(text).compound
        return None if compound is None else float(compound)

    return score


def _reply_tone() -> Callable[[str], float | None]:
    """A draft reply's own tone: VADER's compound, without the analyzer's complaint layer. That
    layer is there to find customers' complaints ("error", "cancelled", "crashes"), which a
    helpful reply names too."""
    analyzer = _analyzer()
    return analyzer.raw_vader_compound


@cache
def _guesser() -> LanguageGuesser:
    from douse.core.sentiment.language import LanguageGuesser

    # Its model loads on first need: most English drafts are decided without it.
    return LanguageGuesser()


def draft_language(text: str) -> str | None:
    """ "en", another ISO 639-1 code, or None when the draft has no words to tell by."""
    detection = _guesser().detect(text)
    if detection.english:
        return "en"
    return detection.language if detection.language not in (None, "und") else None


def check_reply(
    policy: ReplyPolicy,
    text: str,
    *,
    platform: str | None = None,
    public: bool = True,
    tone: Callable[[str], float | None] | None = None,
    offer_amount: Decimal | float | None = None,
    offer_currency: str | None = None,
    language: str | None = None,
) -> list[Finding]:
    """Every policy finding for `text`, in order of position (blocking first at equal spans).

    `offer_amount` is an offer recorded beside the text (the desk's amount field, `douse log
    --amount`), in `offer_currency` (default: the client's): held to the same limit as one written
    in the text. `language` skips detecting the draft's language."""
    # Curly apostrophes are swapped one-for-one so spans still index the original draft.
    norm = text.replace("\u2019", "'").replace("\u2018", "'")
    links = find_links(norm)
    words = blank_out(norm, links)  # phrases and rules read the words, not the links
    findings: list[Finding] = []
    prose = _HANDLE.sub(lambda m: " " * len(m.group()), words)
    lang = language or (draft_language(prose) if prose.strip() else None)
    banned, discouraged = policy.phrases_for(lang)
    lowered = words.lower()
    for phrases, rule, severity in (
        (banned, "banned_phrase", BLOCK),
        (discouraged, "discouraged_phrase", WARN),
    ):
        for phrase in phrases:
            if phrase.split()[0] not in lowered:
                continue  # cheap test first: most phrases are nowhere in the draft
            for m in _phrase_pattern(phrase).finditer(words):
                word = "banned" if severity == BLOCK else "discouraged"
                findings.append(
                    Finding(rule, severity, f"{word} phrase {phrase!r}", m.start(), m.end())
                )
    # The structural rules read English; credentials and review incentives are worth reading in
    # any draft, since "password" and "$" look the same in mixed-language replies.
    for rule, start, end, message in hostile_findings(words):
        if lang in (None, "en") or rule in ("credentials", "review_incentive"):
            findings.append(Finding(rule, BLOCK, message, start, end))
    limit = policy.limit_for(platform)
    if limit is not None:
        length = measure(text, platform, limit)
        if length.over_at is not None:
            findings.append(
                Finding(
                    "length",
                    BLOCK,
                    f"{length.count} characters as {platform} counts them; it allows {limit}",
                    length.over_at,
                    len(text),
                )
            )
    if public:
        taken: list[tuple[int, int]] = []

        def add(kind: str, start: int, end: int) -> None:
            if any(start < e and s < end for s, e in taken):
                return
            taken.append((start, end))
            findings.append(
                Finding(
                    "private_data",
                    BLOCK,
                    f"{kind} in a public reply: take it to a private message",
                    start,
                    end,
                )
            )

        private_data(
            norm,
            detectors=policy.private_data,
            order_pattern=policy.order_number_pattern,
            contacts=policy.public_contacts,
            links=links,
            add=add,
        )
    for rule, severity, message, start, end in text_offers(policy, words):
        findings.append(Finding(rule, severity, message, start, end))
    recorded = field_offer(policy, offer_amount, offer_currency)
    if recorded is not None:
        rule, severity, message = recorded
        findings.append(Finding(rule, severity, f"amount field: {message}", 0, 0))
    findings.extend(_tone(policy, prose, len(text), lang, tone))
    findings.sort(key=lambda f: (f.start, SEVERITIES.index(f.severity), f.end))
    return findings


def _tone(
    policy: ReplyPolicy,
    prose: str,
    length: int,
    lang: str | None,
    tone: Callable[[str], float | None] | None,
) -> list[Finding]:
    scored = _SYMPATHY.sub(lambda m: " " * len(m.group()), prose)
    if not scored.strip(" \t\n.,;:!?"):
        return []
    if lang not in (None, "en"):
        return [
            Finding(
                "tone",
                INFO,
                f"tone not checked: the draft looks like {lang}, and tone is scored in English "
                "only (its phrases, links, money and private data were checked)",
                0,
                0,
            )
        ]
    compound = (tone or _reply_tone())(scored)
    if compound is None:
        return [Finding("tone", INFO, "tone not checked: the text could not be scored", 0, 0)]
    if compound < policy.tone_floor:
        return [
            Finding(
                "tone",
                BLOCK if policy.tone_blocking else WARN,
                f"tone {compound:+.2f} is below the floor {policy.tone_floor:+.2f}",
                0,
                length,
            )
        ]
    return []
