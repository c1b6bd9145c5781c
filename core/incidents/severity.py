"""Severity from the evidence on an incident, with the reasons a person can read and check."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from core.db.models import SEVERITIES

STRONG_NEGATIVE = -0.6
WIDE_REACH = 10_000
HUGE_REACH = 100_000
VIRAL_SHARES_24H = 50  # "a post shared more than 50 times in 24 hrs"
ABLAZE_SHARES_24H = 500
PATTERN_AUTHORS = 3


@dataclass(frozen=True)
class Evidence:
    """One mention's contribution: the facts severity is judged on."""

    author_id: int | None
    compound: float | None
    followers: int | None
    shares: int
    published_at: datetime
    fetched_at: datetime
    critical_terms: tuple[str, ...] = ()
    is_vip: bool = False

    @property
    def shares_per_24h(self) -> float:
        """Shares seen at fetch time, scaled to a 24-hour rate for posts older than a day."""
        age_h = max((self.fetched_at - self.published_at).total_seconds() / 3600, 1.0)
        return float(self.shares) if age_h <= 24 else self.shares * 24 / age_h


@dataclass(frozen=True)
class Assessment:
    severity: str
    reasons: tuple[str, ...]
    distinct_authors: int
    is_pattern: bool
    critical_terms: tuple[str, ...]


def level(severity: str) -> int:
    return SEVERITIES.index(severity)


def assess(evidence: Iterable[Evidence], *, floor: str = "low") -> Assessment:
    """Judge severity from all evidence on an incident; never below `floor` (what it already is).

    Rules, in words: negative is low, strongly negative medium; 10k followers +1 level, 100k +2;
    50+ shares in 24 h at least high, 500+ critical; a critical term +1 and at least high; a VIP
    author +1; three or more different people +1 and a pattern.
    """
    items = list(evidence)
    reasons: list[str] = []
    compounds = [e.compound for e in items if e.compound is not None]
    worst = min(compounds) if compounds else None
    lvl = 0
    if worst is not None and worst <= STRONG_NEGATIVE:
        lvl = 1
        reasons.append(f"strongly negative ({worst:+.2f})")
    elif worst is not None and worst < 0:
        reasons.append(f"negative ({worst:+.2f})")
    followers = max((e.followers or 0 for e in items), default=0)
    if followers >= HUGE_REACH:
        lvl += 2
        reasons.append(f"author reaches {followers:,} followers")
    elif followers >= WIDE_REACH:
        lvl += 1
        reasons.append(f"author reaches {followers:,} followers")
    velocity = max((e.shares_per_24h for e in items), default=0.0)
    if velocity >= ABLAZE_SHARES_24H:
        lvl = 3
        reasons.append(f"shared {velocity:,.0f} times in 24 h")
    elif velocity >= VIRAL_SHARES_24H:
        lvl = max(lvl, 2)
        reasons.append(f"shared {velocity:,.0f} times in 24 h")
    terms = tuple(dict.fromkeys(t for e in items for t in e.critical_terms))
    if terms:
        lvl = max(lvl + 1, 2)
        reasons.append("critical terms: " + ", ".join(terms))
    if any(e.is_vip for e in items):
        lvl += 1
        reasons.append("a VIP author")
    authors = len({e.author_id if e.author_id is not None else -i for i, e in enumerate(items)})
    pattern = authors >= PATTERN_AUTHORS
    if pattern:
        lvl += 1
        reasons.append(f"{authors} different people say this (pattern)")
    lvl = min(lvl, 3)
    if level(floor) > lvl:
        lvl = level(floor)
        reasons.append(f"kept at {floor} as set earlier")
    return Assessment(SEVERITIES[lvl], tuple(reasons), authors, pattern, terms)
