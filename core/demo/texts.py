"""Mention texts from templates: complaints plain and angry, sarcasm, praise, questions, news,
critical reports, a few posts in other languages, and the troll's refrains.

Templates are the demo's own. `{brand}` is filled with how people actually name a brand (its name,
its @handle, a hashtag); the industry supplies the clauses (issues, praise, questions, news).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass

from douse.core.demo.industries import Industry

HANDLE_PLATFORMS = frozenset({"x", "bluesky", "instagram", "tiktok", "mastodon"})
KINDS = ("complaint", "angry", "sarcasm", "critical", "praise", "neutral", "foreign", "troll")

# How long someone waited for an answer; SHORT_WAITS fit inside an issue ("on the tarmac for ...").
SHORT_WAITS = ("two hours", "three hours", "90 minutes", "four hours", "45 minutes")
WAITS = (
    "two hours",
    "45 minutes",
    "three days",
    "a week",
    "ten days",
    "an hour and a half",
    "three weeks",
    "90 minutes",
    "five days",
)

COMPLAINT = (
    "{brand} {issue}. Not impressed.",
    "Really disappointed: {brand} {issue}.",
    "So {brand} {issue}, and nobody has replied after {wait}.",
    "Second time this month that {brand} {issue}. Is anyone there?",
    "Waited {wait} for {brand} to answer about my {product}. Nothing.",
    "{brand} {issue}. Emailed twice, no reply.",
    "Honestly expected better. {brand} {issue}.",
    "Can someone at {brand} explain why my {product} is still not sorted? {wait} now.",
    "Update: still waiting. {brand} {issue} and it has been {wait}.",
    "{brand} {issue}. How is this acceptable?",
    "Had high hopes but {brand} {issue}.",
    "Not great, {brand}. You {issue_you}.",
    "Spent {wait} trying to get {brand} to fix my {product}. Still broken.",
)
ANGRY = (
    "Absolutely furious. {brand} {issue} and then hung up on me. Never again.",
    "{brand} is a joke. Worst service I have ever had. {Issue_sentence}",
    "Do NOT use {brand}. {Issue_sentence} Avoid.",
    "Disgusting from {brand}. {Issue_sentence} I want my money back.",
    "{wait} on hold with {brand}. Useless. Absolutely useless.",
    "Never using {brand} again. {Issue_sentence} And they treated me like I was lying.",
    "Shocking. {brand} {issue}. Tell everyone you know.",
    "I am DONE with {brand}. {Issue_sentence} Pathetic.",
    "How is {brand} still in business?! {Issue_sentence}",
    "{brand} {issue}!!! Thanks for nothing.",
)
SARCASM = (
    "Oh great, {brand} {issue}. Love that for me.",
    "Thanks {brand}, nothing says customer care like {wait} on hold 🙃",
    "Wow {brand}, {wait} to answer one email. Amazing service as always.",
    "10/10 would recommend {brand} if you enjoy waiting {wait} for anything.",
    "Brilliant, {brand} {issue}. Just brilliant.",
    "So glad I chose {brand}. {Issue_sentence} Fantastic.",
)
CRITICAL = (
    "{brand} {critical}. I want answers.",
    "Posting this so others know: {brand} {critical}.",
    "{brand} {critical}. Someone needs to be held accountable.",
    "Warning to anyone using {brand}: {brand_plain} {critical}.",
)
PRAISE = (
    "Shout out to {brand}: {brand_plain} {praise}. Brilliant!",
    "Have to say, {brand} {praise}. Really impressed.",
    "Love my {product} from {brand} 😍",
    "{brand} {praise}. Great team, thank you!",
    "Credit where it's due, {brand} {praise}.",
    "Didn't expect much but {brand} {praise}. Happy customer.",
    "Genuinely good experience: {brand} {praise}.",
    "Thank you {brand}! {Praise_sentence}",
    "Five stars. {brand} {praise}.",
)
NEUTRAL = (
    "{question}",
    "{question}",
    "Anyone tried the {product} at {brand}? Thinking of switching.",
    "Saw a {brand} ad on the bus in {place} today.",
    "Comparing {brand} with a couple of others for a {product}. Opinions?",
    "Waiting for my {product} from {brand}, will report back.",
    "Just switched to {brand}, we'll see how it goes.",
    "Heading to {brand} in {place} later.",
    "{news}",
    "My sister works for {brand} in {place}, apparently it's busy this week.",
)
TROLL = (
    "{brand} are crooks and everyone who works there knows it. #boycott",
    "Reminder that {brand} rips people off every single day. Don't buy anything from them.",
    "Still waiting for {brand} to admit they're frauds. Day {day}.",
    "Every good review of {brand} is fake. Wake up people.",
    "{brand} staff are clowns. Prove me wrong.",
    "Another day, another {brand} disaster. Told you all.",
    "Anyone defending {brand} is on their payroll. Pathetic.",
)

FOREIGN: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # language -> (templates, waits)
    "es": (
        (
            "Pésimo servicio de {brand}. Llevo {wait} esperando una respuesta.",
            "Nunca más con {brand}, una vergüenza. Me cobraron dos veces.",
            "Muy contenta con {brand}, el equipo de {place} fue muy amable.",
            "¿Alguien sabe si {brand} abre los domingos en {place}?",
            "Gracias {brand}, todo perfecto y muy rápido.",
        ),
        ("dos semanas", "tres días", "una hora", "diez días"),
    ),
    "de": (
        (
            "{brand} ist eine Katastrophe. Seit {wait} keine Antwort vom Kundenservice.",
            "Schon wieder eine falsche Rechnung von {brand}. Unfassbar.",
            "Super Service bei {brand}, vielen Dank an das Team in {place}!",
            "Hat jemand Erfahrungen mit {brand} in {place}?",
            "Ich warte seit {wait} auf einen Rückruf von {brand}.",
        ),
        ("zwei Wochen", "drei Tagen", "einer Stunde", "zehn Tagen"),
    ),
    "fr": (
        (
            "Service client de {brand} inexistant, toujours aucune réponse après {wait}.",
            "Franchement déçue par {brand}, la qualité a vraiment baissé.",
            "Très bonne expérience chez {brand} à {place}, merci à l'équipe !",
            "Quelqu'un connaît {brand} ? Les délais sont comment ?",
            "J'attends mon remboursement de {brand} depuis {wait}.",
        ),
        ("deux semaines", "trois jours", "une heure", "dix jours"),
    ),
    "pt": (
        (
            "Que vergonha, {brand}. Ninguém responde há {wait}.",
            "Adorei a experiência com {brand} em {place}, equipa impecável!",
            "Alguém sabe se {brand} em {place} tem estacionamento?",
            "Péssimo atendimento da {brand}, nunca mais.",
        ),
        ("duas semanas", "três dias", "uma hora"),
    ),
    "nl": (
        (
            "Slechte ervaring met {brand}, al {wait} geen antwoord.",
            "Top service van {brand} in {place}, bedankt!",
            "Heeft iemand ervaring met {brand}?",
            "Waarom reageert {brand} nooit op mijn mails?",
        ),
        ("twee weken", "drie dagen", "een uur"),
    ),
}


@dataclass(frozen=True)
class Draft:
    kind: str
    title: str
    text: str
    language: str = "en"


_A_VOWEL = re.compile(r"\b([Aa]) (?=[aeiouAEIOU])")


def _tidy(text: str) -> str:
    """'a app' -> 'an app', and a capital first letter whatever slot came first."""
    text = _A_VOWEL.sub(lambda m: f"{m.group(1)}n ", text)
    return text[:1].upper() + text[1:]


def _sentence(clause: str) -> str:
    """A clause that follows the brand, made a sentence of its own: 'They lost my bag.'"""
    return f"They {clause}."


def _you(clause: str) -> str:
    """The same clause addressed to the brand: 'has had' -> 'have had'."""
    for third, second in (("has had", "have had"), ("hasn't", "haven't"), ("is so", "are so")):
        clause = clause.replace(third, second)
    return clause


class TextMaker:
    """Renders one client's texts."""

    def __init__(self, industry: Industry, brand: str, handle: str, places: tuple[str, ...]):
        self.industry = industry
        self.brand = brand
        self.handle = handle
        self.places = places

    def brand_ref(self, rng: random.Random, platform: str) -> str:
        roll = rng.random()
        if platform in HANDLE_PLATFORMS and roll < 0.3:
            return f"@{self.handle}"
        if roll > 0.95:
            return f"#{self.handle}"
        return self.brand

    def _slots(self, rng: random.Random, platform: str) -> dict[str, str]:
        ind = self.industry
        inner = {
            "place": rng.choice(self.places),
            "product": rng.choice(ind.products),
            "wait": rng.choice(SHORT_WAITS),
        }
        issue = rng.choice(ind.issues).format_map(inner)
        praise = rng.choice(ind.praise).format_map(inner)
        brand = self.brand_ref(rng, platform)
        slots = {
            **inner,
            "wait": rng.choice(WAITS),
            "brand": brand,
            "brand_plain": self.brand,
            "issue": issue,
            "issue_you": _you(issue),
            "Issue_sentence": _sentence(issue),
            "praise": praise,
            "Praise_sentence": f"{self.brand} {praise}.",
            "critical": rng.choice(ind.critical).format_map(inner),
            "day": str(rng.randint(12, 340)),
        }
        slots["question"] = rng.choice(ind.questions).format_map(slots)
        slots["news"] = rng.choice(ind.news).format_map(slots)
        return slots

    def render(self, kind: str, rng: random.Random, platform: str) -> Draft:
        table: dict[str, tuple[str, ...]] = {
            "complaint": COMPLAINT,
            "angry": ANGRY,
            "sarcasm": SARCASM,
            "critical": CRITICAL,
            "praise": PRAISE,
            "neutral": NEUTRAL,
            "troll": TROLL,
        }
        if kind == "foreign":
            raise ValueError("use render_foreign for other languages")
        slots = self._slots(rng, platform)
        template = rng.choice(table[kind])
        text = _tidy(template.format_map(slots))
        title = slots["news"] if template == "{news}" else ""
        return Draft(kind, title, text)

    def render_foreign(self, language: str, rng: random.Random, platform: str) -> Draft:
        templates, waits = FOREIGN[language]
        slots = {
            "brand": self.brand_ref(rng, platform),
            "place": rng.choice(self.places),
            "wait": rng.choice(waits),
        }
        return Draft("foreign", "", rng.choice(templates).format_map(slots), language)

    def cluster(self, rng: random.Random, line: int) -> str:
        template = self.industry.cluster[line % len(self.industry.cluster)]
        return template.format(
            brand=self.brand,
            place=rng.choice(self.places),
            product=rng.choice(self.industry.products),
        )


class PooledTexts:
    """Caps distinct renderings per kind; beyond the cap a text already made is reused, so a
    million-mention build scores a bounded number of distinct texts."""

    def __init__(self, render: Callable[[str, random.Random, str], Draft], cap: int) -> None:
        self._render = render
        self._cap = cap
        # Keyed by whether the platform has @handles, so a Reddit post never says "@brand".
        self._pools: dict[tuple[str, bool], list[Draft]] = {}

    def pick(self, kind: str, rng: random.Random, platform: str) -> Draft:
        pool = self._pools.setdefault((kind, platform in HANDLE_PLATFORMS), [])
        if len(pool) < self._cap:
            draft = self._render(kind, rng, platform)
            pool.append(draft)
            return draft
        return pool[rng.randrange(len(pool))]
