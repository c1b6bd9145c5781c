"""Issue categories: what a complaint is about ("delays", "lost or damaged baggage", "billing").

Each client's complaints fall into the categories of its industry (core/incidents/
category_defaults.py ships them for airlines, restaurants, retail, telecoms, banks, software,
hotels and more) plus any it names in clients.toml with example phrases. A negative mention gets
the category whose phrases weigh most in its text, with the phrase that decided it as the reason,
or none when nothing specific is said ("you guys are the worst" is about nothing in particular).

A phrase is a strong cue (weight 3: "on hold", "cancelled", "lost my bag") or a weak one
(weight 1: "phone", "gate"); a category needs a strong cue, or weak cues adding up to one, to be
chosen. Categories decide which problem a complaint can join (see problems.py), so a wrong
category costs more than none: ties go to the category listed first, and where two categories
weigh the same the industry's order says which is the more specific.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from douse.core.errors import DouseError

STRONG = 3.0
WEAK = 1.0
# Weak cues alone must add up to a strong one ("phone" + "agent" + "help" is customer service).
MIN_SCORE = 3.0
# Another category the text speaks of needs less to contest the choice: two of its words
# ("delayed 3 hours, and the agent on the phone...") make the complaint about two things.
RIVAL_SCORE = 2.0
DECISIVE = 10.0
MAX_PHRASE_CHARS = 60


class CategoryError(DouseError):
    """A category or phrase in clients.toml that cannot be used."""


@dataclass(frozen=True)
class CategorySpec:
    """A category as shipped or configured: patterns are regular expressions over lower-cased
    text; phrases from clients.toml are turned into patterns by `phrase_pattern`."""

    name: str
    title: str
    strong: tuple[str, ...] = ()
    weak: tuple[str, ...] = ()
    # Cues that settle the category whatever else the text says: someone "on hold for two hours
    # trying to rebook" is complaining about the contact centre, not about their booking.
    decisive: tuple[str, ...] = ()
    # Chosen only when no other category is: "emailed twice, no reply" ends complaints of every
    # kind, so it says what a complaint is about only when nothing else does.
    fallback: bool = False
    # What people ask for (a refund, compensation), not what went wrong: named beside a delay it
    # is the delay's consequence, so it never makes a complaint about two things.
    remedy: bool = False
    # Categories whose cues this one's events bring with them: a cancelled flight leaves people
    # stranded and late ("cancelled again, stuck in Leeds" is one matter, not two).
    brings: tuple[str, ...] = ()


@dataclass(frozen=True)
class CategoryMatch:
    name: str
    title: str
    score: float
    phrase: str  # the text that weighed most, as written
    # Another category the text speaks of as clearly ("rude agents and a 3 hour delay"): a
    # complaint about two things. On real traffic the people who labelled such posts agreed with
    # the chosen category for about half of them, against three quarters of the others, so a
    # contested post is filed as its author's own case rather than as a voice of the problem
    # (triage/decide.py).
    rival: str | None = None
    # Chosen only because nothing more specific was said (customer service): see CategorySpec.
    fallback: bool = False

    @property
    def reason(self) -> str:
        return f"{self.title.lower()}: “{self.phrase}”"


def phrase_pattern(phrase: str) -> str:
    """A phrase from clients.toml as a pattern: whole words, any spacing, `*` for a word's end
    ("refund*" is refund, refunds, refunded)."""
    words = phrase.strip().lower().split()
    if not words:
        raise CategoryError("an empty phrase")
    parts = []
    for word in words:
        stem = re.escape(word.rstrip("*"))
        parts.append(stem + (r"\w*" if word.endswith("*") else ""))
    return r"(?<!\w)" + r"\s+".join(parts) + r"(?!\w)"


_KINDS = ("decisive", "strong", "weak")
# Rules start at the start of a word, as the sentiment rules do (core/sentiment/dispatch.py).
_STARTS = r"(?<!\w)(?=[\w/#&])"


def _checked(patterns: Sequence[str], name: str) -> None:
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise CategoryError(f"category {name!r}: bad pattern ({exc})") from None


class Categorizer:
    """Assigns one category to a text. Build once per client (compiling is the slow part).

    Every cue of every category is matched in one pass over the text's word starts, each
    position trying only the cues that can start with its character (FirstCharScanner): the
    cost of a text does not grow with the number of categories.
    """

    def __init__(self, specs: Iterable[CategorySpec]) -> None:
        from douse.core.sentiment.dispatch import FirstCharScanner

        self._specs = tuple(specs)
        self.titles = {spec.name: spec.title for spec in self._specs}
        self._remedy = {spec.name for spec in self._specs if spec.remedy}
        # Pairs that are one matter, either way round.
        self._together = {
            frozenset((spec.name, other)) for spec in self._specs for other in spec.brings
        }
        rules: list[tuple[str, str]] = []
        decisive: list[tuple[str, str]] = []
        # Strong cues of every category first, then weak: at one position the first that
        # matches wins, so a strong cue is never hidden by a weak one. Decisive cues have a
        # scan of their own: matches never overlap, so a long cue starting earlier ("waiting
        # on hold for an hour" read as time lost waiting) would hide the decisive one inside it.
        for kind in _KINDS:
            for index, spec in enumerate(self._specs):
                patterns = getattr(spec, kind)
                _checked(patterns, spec.name)
                if patterns:
                    rule = (f"{kind[0]}{index}", "|".join(f"(?:{p})" for p in patterns))
                    (decisive if kind == "decisive" else rules).append(rule)
        self._decisive = FirstCharScanner(decisive, _STARTS) if decisive else None
        self._scanner = FirstCharScanner(rules, _STARTS) if rules else None

    def __bool__(self) -> bool:
        return bool(self._specs)

    def categorize(self, text: str) -> CategoryMatch | None:
        if self._scanner is None and self._decisive is None:
            return None
        # One space between words, so "missed  connection" or a line break reads as written.
        text = " ".join(text.split())
        lowered = text.lower()
        # "haven’t got through" is "haven't got through": phones type the curly apostrophe,
        # the cues are written with the straight one; same length, so quotes still line up.
        if "’" in lowered:
            lowered = lowered.replace("’", "'")
        decided: CategoryMatch | None = None
        if self._scanner is None:
            return self._decided(text, lowered)
        strong: dict[int, int] = {}
        weak: dict[int, int] = {}
        where: dict[int, tuple[int, int]] = {}  # the phrase to quote: first strong, else weak
        for name, start, end, first_decisive in self._both(lowered):
            if first_decisive:
                spec = self._specs[int(name[1:])]
                decided = CategoryMatch(
                    spec.name,
                    spec.title,
                    DECISIVE,
                    _as_written(text, lowered, start, end),
                    fallback=spec.fallback,
                )
                continue
            kind, index = name[0], int(name[1:])
            if kind == "s":
                if not strong.get(index):
                    where[index] = (start, end)
                strong[index] = strong.get(index, 0) + 1
            else:
                where.setdefault(index, (start, end))
                weak[index] = weak.get(index, 0) + 1
        found: list[CategoryMatch] = []
        for index in sorted({*strong, *weak}):
            # A second strong cue makes a category surer, a third adds nothing.
            score = STRONG * min(strong.get(index, 0), 2) + WEAK * min(weak.get(index, 0), 3)
            if score >= RIVAL_SCORE:
                spec = self._specs[index]
                phrase = _as_written(text, lowered, *where[index])
                found.append(
                    CategoryMatch(spec.name, spec.title, score, phrase, fallback=spec.fallback)
                )
        if decided is not None:
            return self._contested(decided, found)
        best: CategoryMatch | None = None
        fallback: CategoryMatch | None = None
        for match in (m for m in found if m.score >= MIN_SCORE):
            if match.fallback:
                if fallback is None or match.score > fallback.score:
                    fallback = match
            elif best is None or match.score > best.score:
                best = match
        chosen = best or fallback
        return self._contested(chosen, found) if chosen is not None else None

    def _decided(self, text: str, lowered: str) -> CategoryMatch | None:
        """The first decisive cue, when there are no other cues to weigh."""
        if self._decisive is None:
            return None
        for name, start, end in self._decisive.finditer(lowered):
            spec = self._specs[int(name[1:])]
            phrase = _as_written(text, lowered, start, end)
            return CategoryMatch(spec.name, spec.title, DECISIVE, phrase, fallback=spec.fallback)
        return None

    def _both(self, lowered: str) -> Iterator[tuple[str, int, int, bool]]:
        """What `self._scanner.finditer` finds, with the first match of `self._decisive` (flagged
        True) where that scan would find it: one walk over the word starts for both scans (the
        same `_STARTS`), each keeping its own end of match so neither hides the other's."""
        scanner, decisive = self._scanner, self._decisive
        assert scanner is not None
        end = 0
        for position in scanner.starts.finditer(lowered):
            at = position.start()
            if decisive is not None:
                pattern = decisive.pattern_at(lowered, at)
                found = None if pattern is None else pattern.match(lowered, at)
                if found is not None and found.lastgroup is not None:
                    yield found.lastgroup, at, found.end(), True
                    decisive = None  # its first match is all categorize reads
            if at < end:
                continue
            pattern = scanner.pattern_at(lowered, at)
            found = None if pattern is None else pattern.match(lowered, at)
            if found is not None and found.lastgroup is not None:
                end = found.end()
                yield found.lastgroup, at, end, False

    def _contested(self, chosen: CategoryMatch, found: Sequence[CategoryMatch]) -> CategoryMatch:
        """`chosen`, naming the strongest other matter the text also speaks of, if any."""
        rivals = [
            m
            for m in found
            if m.name != chosen.name
            and m.name not in self._remedy
            and frozenset((m.name, chosen.name)) not in self._together
        ]
        if not rivals:
            return chosen
        rival = max(rivals, key=lambda m: m.score)  # ties: the first listed, as for the choice
        return replace(chosen, rival=rival.title)


def _as_written(text: str, lowered: str, start: int, end: int) -> str:
    # lower() keeps offsets for nearly every text; quote the original when it does.
    source = text if len(text) == len(lowered) else lowered
    phrase = " ".join(source[start:end].split())
    if len(phrase) > MAX_PHRASE_CHARS:
        phrase = phrase[: MAX_PHRASE_CHARS - 1] + "…"
    return phrase


def merge_specs(
    base: Sequence[CategorySpec], configured: Mapping[str, object] | None
) -> list[CategorySpec]:
    """The industry's categories with a client's own from clients.toml.

    `configured` maps a category name to its example phrases, or to a table with `title` and
    `phrases`; phrases add strong cues to an industry category of that name, or make a new
    category (listed first: a client's own categories are the most specific).
    """
    specs = {spec.name: spec for spec in base}
    own: list[str] = []
    for name, value in (configured or {}).items():
        title, phrases = _configured(name, value)
        patterns = tuple(phrase_pattern(p) for p in phrases)
        if name in specs:
            spec = specs[name]
            specs[name] = CategorySpec(
                name,
                title or spec.title,
                patterns + spec.strong,
                spec.weak,
                spec.decisive,
                spec.fallback,
            )
        else:
            specs[name] = CategorySpec(name, title or name.replace("_", " ").capitalize(), patterns)
            own.append(name)
    return [specs[n] for n in own] + [s for s in specs.values() if s.name not in own]


def _configured(name: str, value: object) -> tuple[str | None, list[str]]:
    if isinstance(value, list) and all(isinstance(p, str) for p in value):
        return None, value
    if isinstance(value, dict):
        title = value.get("title")
        phrases = value.get("phrases", [])
        if (
            (title is None or isinstance(title, str))
            and isinstance(phrases, list)
            and all(isinstance(p, str) for p in phrases)
        ):
            return title, phrases
    raise CategoryError(
        f"category {name!r} must be a list of phrases or a table with title and phrases"
    )


@cache
def categorizer_for(industry: str | None, configured: str) -> Categorizer:
    """A client's categorizer, cached by its settings (`configured` is the JSON of its own
    categories, so a changed clients.toml builds a new one)."""
    import json

    from douse.core.incidents.category_defaults import industry_categories

    return Categorizer(merge_specs(industry_categories(industry), json.loads(configured or "{}")))


def client_categories(client: Any) -> dict[str, str]:
    """The categories a client's incidents can be filed under: name -> title."""
    import json

    categorizer = categorizer_for(
        client.industry, json.dumps(client.categories or {}, sort_keys=True)
    )
    return dict(categorizer.titles)
