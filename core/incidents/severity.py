"""Severity from harm, voices, reach and speed, with the reasons a person can read and check.

An incident's evidence is summed up as it grows (`EvidenceSummary`, kept on the incident as
JSON), so judging a problem with five hundred voices never re-reads five hundred posts.

The rules, in words:
- a negative post is low; strongly negative (compound <= -0.6) is medium;
- a harm report sets a floor: assault or harassment, discrimination, safety or injury, health or
  food safety, a data breach: at least high; a legal threat: at least medium (core/incidents/
  harm.py lists the phrases and their guards);
- more people make it worse: 3 or more different people +1 level (a pattern), 30 or more +2;
  10 or more new people within an hour +1 (it is spreading); voices raise what they say: on
  top of a harm floor, people count only when they reported that harm themselves (one
  person's "my account was compromised" among three people locked out is high, not critical;
  three people reporting it are critical);
- reach: an author with 10,000+ followers +1 level, 100,000+ +2; a VIP author +1;
- speed: 50+ shares within 24 h at least high, 500+ critical;
- a critical term of the client's (clients.toml) makes it critical, as the config promises;
- praise never raises severity: a positive post adds no voice, reach or harm.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from douse.core.db.models import SEVERITIES
from douse.core.incidents.harm import HarmHit

STRONG_NEGATIVE = -0.6
WIDE_REACH = 10_000
HUGE_REACH = 100_000
VIRAL_SHARES_24H = 50  # "a post shared more than 50 times in 24 hrs"
ABLAZE_SHARES_24H = 500
PATTERN_AUTHORS = 3
MANY_AUTHORS = 30
SURGE_AUTHORS = 10
SUMMARY_VERSION = 3  # 3: harm entries count who reported them


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
    harm: tuple[HarmHit, ...] = ()
    label: str | None = None

    @property
    def shares_per_24h(self) -> float:
        """Shares seen at fetch time, scaled to a 24-hour rate for posts older than a day."""
        age_h = max((self.fetched_at - self.published_at).total_seconds() / 3600, 1.0)
        return float(self.shares) if age_h <= 24 else self.shares * 24 / age_h

    @property
    def counts(self) -> bool:
        """Praise is on the timeline but never makes an incident worse."""
        return self.label != "positive"


@dataclass
class EvidenceSummary:
    """Everything severity needs from an incident's posts, kept up to date as posts join.

    Bounded whatever the incident's size: people are counted, and how fast they came is kept
    as new people per hour, never as a list of everyone."""

    worst: float | None = None
    followers: int = 0
    velocity: float = 0.0
    vip: bool = False
    critical: list[str] = field(default_factory=list)
    # name -> label, floor, phrase, and who reported it (author ids, at most MANY_AUTHORS)
    harm: dict[str, dict[str, Any]] = field(default_factory=dict)
    authors: int = 0
    hours: dict[str, int] = field(default_factory=dict)  # "YYYY-MM-DDTHH" -> new people
    # People whose complaint named the problem's subject and something else besides, each filed
    # as their own case under it, per hour: as much a sign that the problem is surging.
    filed: dict[str, int] = field(default_factory=dict)

    def add(self, ev: Evidence, *, new_person: bool) -> None:
        """Add a post; `new_person` when its author has not complained here before."""
        if not ev.counts:
            return
        if ev.compound is not None and (self.worst is None or ev.compound < self.worst):
            self.worst = ev.compound
        self.followers = max(self.followers, ev.followers or 0)
        self.velocity = max(self.velocity, ev.shares_per_24h)
        self.vip = self.vip or ev.is_vip
        for term in ev.critical_terms:
            if term not in self.critical:
                self.critical.append(term)
        for hit in ev.harm:
            entry = self.harm.setdefault(
                hit.name,
                {"label": hit.label, "floor": hit.floor, "phrase": hit.phrase, "people": []},
            )
            reporters: list[int] = entry["people"]
            # A post without a known author counts as someone new (as for `authors`).
            who = ev.author_id if ev.author_id is not None else -(len(reporters) + 1)
            if who not in reporters and len(reporters) < MANY_AUTHORS:
                reporters.append(who)
        if new_person:
            self.authors += 1
            hour = ev.published_at.strftime("%Y-%m-%dT%H")
            self.hours[hour] = self.hours.get(hour, 0) + 1

    def file_case(self, at: datetime) -> None:
        hour = at.strftime("%Y-%m-%dT%H")
        self.filed[hour] = self.filed.get(hour, 0) + 1

    def people_in(self, hours: Iterable[str]) -> int:
        """New people who joined, or had a case of theirs filed under it, in these clock hours."""
        # A loop over plain dicts: triage asks this of every incident in play, for every post
        # that names no subject of its own.
        hours_, filed, count = self.hours, self.filed, 0
        for hour in hours:
            count += hours_.get(hour, 0)
            if filed:
                count += filed.get(hour, 0)
        return count

    def surge(self) -> int:
        """The most new people within one clock hour."""
        return max(self.hours.values(), default=0)

    def to_json(self) -> dict[str, Any]:
        return {
            "v": SUMMARY_VERSION,
            "worst": self.worst,
            "followers": self.followers,
            "velocity": round(self.velocity, 2),
            "vip": self.vip,
            "critical": self.critical,
            "harm": self.harm,
            "authors": self.authors,
            "hours": self.hours,
            "filed": self.filed,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> EvidenceSummary | None:
        if not data or data.get("v") != SUMMARY_VERSION:
            return None  # older incidents are summed up again from their posts
        return cls(
            worst=data.get("worst"),
            followers=int(data.get("followers") or 0),
            velocity=float(data.get("velocity") or 0.0),
            vip=bool(data.get("vip")),
            critical=list(data.get("critical") or []),
            harm=dict(data.get("harm") or {}),
            authors=int(data.get("authors") or 0),
            hours={str(k): int(v) for k, v in (data.get("hours") or {}).items()},
            filed={str(k): int(v) for k, v in (data.get("filed") or {}).items()},
        )


def summarize(evidence: Iterable[Evidence]) -> EvidenceSummary:
    summary = EvidenceSummary()
    seen: set[int] = set()
    for ev in evidence:
        new = ev.counts and (ev.author_id is None or ev.author_id not in seen)
        if ev.counts and ev.author_id is not None:
            seen.add(ev.author_id)
        summary.add(ev, new_person=new)
    return summary


@dataclass(frozen=True)
class Assessment:
    severity: str
    reasons: tuple[str, ...]
    distinct_authors: int
    is_pattern: bool
    critical_terms: tuple[str, ...]


def level(severity: str) -> int:
    return SEVERITIES.index(severity)


def _voices(people: int) -> int:
    """Levels that many people add: 3 or more +1 (a pattern), 30 or more +2."""
    return 2 if people >= MANY_AUTHORS else 1 if people >= PATTERN_AUTHORS else 0


def assess(evidence: Iterable[Evidence], *, floor: str = "low") -> Assessment:
    """Judge severity from all evidence on an incident; never below `floor`."""
    return assess_summary(summarize(evidence), floor=floor)


def assess_summary(s: EvidenceSummary, *, floor: str = "low") -> Assessment:
    reasons: list[str] = []
    base = 0
    if s.worst is not None and s.worst <= STRONG_NEGATIVE:
        base = 1
        reasons.append(f"strongly negative ({s.worst:+.2f})")
    elif s.worst is not None and s.worst < 0:
        reasons.append(f"negative ({s.worst:+.2f})")
    # Voices raise what they say: a harm's floor rises only with the people who reported it.
    harm_lvl = 0
    for hit in s.harm.values():
        reporters = len(hit.get("people") or ())
        harm_lvl = max(harm_lvl, level(hit["floor"]) + _voices(reporters))
        reasons.append(f"{hit['label']}: “{hit['phrase']}”")
        if reporters >= PATTERN_AUTHORS:
            reasons.append(f"{reporters} people report {hit['label']}")
    boost = 0
    if s.followers >= HUGE_REACH:
        boost += 2
        reasons.append(f"author reaches {s.followers:,} followers")
    elif s.followers >= WIDE_REACH:
        boost += 1
        reasons.append(f"author reaches {s.followers:,} followers")
    if s.vip:
        boost += 1
        reasons.append("a VIP author")
    people = s.authors
    pattern = people >= PATTERN_AUTHORS
    voices = _voices(people)
    if people >= MANY_AUTHORS:
        reasons.append(f"{people} different people say this")
    elif pattern:
        reasons.append(f"{people} different people say this (pattern)")
    surge = s.surge() if people >= SURGE_AUTHORS else 0
    if surge >= SURGE_AUTHORS:
        boost += 1
        reasons.append(f"{surge} people within an hour")
    lvl = max(base + voices, harm_lvl) + boost
    if s.velocity >= ABLAZE_SHARES_24H:
        lvl = 3
        reasons.append(f"shared {s.velocity:,.0f} times in 24 h")
    elif s.velocity >= VIRAL_SHARES_24H:
        lvl = max(lvl, 2)
        reasons.append(f"shared {s.velocity:,.0f} times in 24 h")
    if s.critical:
        lvl = 3
        reasons.append("critical terms: " + ", ".join(s.critical))
    lvl = min(lvl, 3)
    if level(floor) > lvl:
        lvl = level(floor)
        reasons.append(f"kept at {floor} as set earlier")
    return Assessment(SEVERITIES[lvl], tuple(reasons), people, pattern, tuple(s.critical))
