"""Problems: what several people are hit by at once, found by keys rather than by comparing
every post with every incident.

A complaint joins a problem through a key it carries:
- an identifier ("flight:728", "ref:ab12345", ...: identifiers.py) seen on an open incident
  within the last day: the same flight, order or store;
- a remembered staff decision ("hint:12": feedback.py): posts like ones staff merged;
- a critical term of the client's ("crit:food poisoning"): two people with food poisoning
  in the same days are one problem;
- its category ("cat:delays"): everyone complaining about delays while they keep coming is one
  problem, which cannot drift into other subjects and stops after a day (`Reach`).

Keys are stored per incident (`incident_keys`) and looked up by index, so the cost of placing a
post does not grow with the client's history, and the same posts give the same problems in
whatever order they arrive.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from douse.core.incidents.identifiers import describe


@dataclass(frozen=True)
class Reach:
    """How long a key keeps drawing posts: while the next post comes within `gap` of the last
    one, and until the whole spans `span` (then a new problem starts: "the same thing next
    week" is a new incident, and no problem grows into a catch-all)."""

    gap: timedelta
    span: timedelta


REACH = {
    "cat": Reach(timedelta(hours=12), timedelta(hours=24)),
    "crit": Reach(timedelta(hours=24), timedelta(hours=72)),
    "hint": Reach(timedelta(hours=72), timedelta(days=7)),
    # A distinctive word of an uncategorized complaint ("term:neptune"): two of them shared
    # with an incident's posts put a post there.
    "term": Reach(timedelta(hours=12), timedelta(hours=24)),
}
IDENTIFIER_REACH = Reach(timedelta(hours=24), timedelta(hours=48))
# A problem whose category no longer draws posts (a lull, or a day gone by) still takes a post
# that shares at least two of its distinctive words (rare among the client's recent posts),
# for up to three days: the login outage that people keep reporting the next morning.
TOPIC_REACH = Reach(timedelta(hours=24), timedelta(hours=72))
DISTINCTIVE_SHARE = 0.05
# Continuing a problem past its category's reach takes words rarer still, and a problem
# small enough to be about one thing (a broad "customer service" day is never continued).
RARE_SHARE = 0.01
# For a small client "rare" is counted, not a share: a word in ten of its posts is still rare.
RARE_COUNT = 10
FOCUSED_PEOPLE = 30


@dataclass(frozen=True)
class Surge:
    """A problem is surging while `people` new people joined it within the post's clock hour
    and the `hours - 1` before it. A complaint that names no subject of its own ("worst airline
    ever") made then is filed as that person's case under the problem: on the storm's day staff
    answer the crowd together and see who else is shouting, and each person keeps a clock of
    their own. It is filing, not a claim that they share the cause (on the airline dev set the
    human reasons of such cases agree with the problem's category about a third of the time),
    so the case keeps no category, never becomes one of the problem's own posts (its title,
    terms and grouping), and says why it is there."""

    people: int
    hours: int


SURGE = Surge(people=10, hours=3)
TOPIC_OVERLAP = 2
TOPIC_TERMS = 8


def term_key(stem: str) -> str:
    return f"term:{stem}"


def distinctive(
    terms: Iterable[str], background: Mapping[str, int], documents: int, limit: int = 6
) -> list[str]:
    """A post's words that are rare among the client's recent posts."""
    cap = max(documents, 1) * DISTINCTIVE_SHARE
    return [t for t in terms if background.get(t, 0) <= cap][:limit]


def category_key(category: str) -> str:
    return f"cat:{category}"


def critical_key(term: str) -> str:
    return f"crit:{term.strip().lower()}"


def hint_key(group: int) -> str:
    return f"hint:{group}"


def reach_of(key: str) -> Reach:
    return REACH.get(key.partition(":")[0], IDENTIFIER_REACH)


def lookup_gap(key: str) -> timedelta:
    """How long `key` can lie idle and still draw a post (its own reach, or a topic's for the
    category and critical-term keys a problem is continued by): older keys are never looked
    up, so finding candidates costs the same at any size of history (the index ends in
    last_at)."""
    gap = reach_of(key).gap
    if key.startswith(("cat:", "crit:")):
        return max(gap, TOPIC_REACH.gap)
    return gap


def draws(key: str, first_at: datetime, last_at: datetime, at: datetime) -> bool:
    """Whether a key seen from `first_at` to `last_at` still draws a post made at `at`."""
    reach = reach_of(key)
    if not (first_at - reach.gap <= at <= last_at + reach.gap):
        return False
    return max(last_at, at) - min(first_at, at) <= reach.span


def continues_topic(
    topic: Iterable[str],
    terms: Iterable[str],
    background: Mapping[str, int],
    documents: int,
    first_at: datetime,
    last_at: datetime,
    at: datetime,
) -> bool:
    """Whether a post carries a problem's distinctive words within its topic reach."""
    topic = list(topic)
    reach = TOPIC_REACH
    if not (first_at - reach.gap <= at <= last_at + reach.gap):
        return False
    if max(last_at, at) - min(first_at, at) > reach.span:
        return False
    cap = max(RARE_COUNT, documents * RARE_SHARE)
    rare = {t for t in topic if background.get(t, 0) <= cap}
    return len(rare & set(terms)) >= TOPIC_OVERLAP


def problem_title(
    key: str,
    titles: dict[str, str],
    timezone: str,
    day: datetime,
    *,
    words: Sequence[str] = (),
) -> str:
    """What a person reads for a problem: "Delays · Mon 23 Feb", "Flight 728 · Mon 23 Feb";
    people who share rare words, those words as they wrote them (`words`, for a "term:" key):
    "“refund” and “voucher” · Mon 23 Feb"."""
    try:
        local = day.astimezone(ZoneInfo(timezone or "UTC"))
    except (KeyError, ValueError):  # validated in config; a bad stored zone must not crash
        local = day
    when = f"{local:%a} {local.day} {local:%b}"
    if key.startswith("term:"):
        # A stem alone ("chang", "suppos") reads as a typo; two words say what is shared.
        shown = words or [key.split(":", 1)[1]]
        return " and ".join(f"“{w}”" for w in shown) + f" · {when}"
    if key.startswith("cat:"):
        name = key.split(":")[1]
        return f"{titles.get(name, name.replace('_', ' ').capitalize())} · {when}"
    if key.startswith("crit:"):
        term = key.split(":")[1]
        return f"{term[:1].upper()}{term[1:]} · {when}"
    label = describe(key)
    return f"{label[:1].upper()}{label[1:]} · {when}"


def topic_terms(
    term_posts: Mapping[str, int],
    posts: int,
    background: Mapping[str, int],
    documents: int,
    limit: int = TOPIC_TERMS,
) -> list[str]:
    """The words that set an incident apart: said in many of its posts, rare in the client's
    other recent posts (TF-IDF, with the client's recent mentions as the collection).

    `term_posts` counts the incident's posts that use each word; `background` the same over
    the client's recent `documents` posts."""
    scored = []
    for term, count in term_posts.items():
        if count < 2 and posts > 2:
            continue  # said once in a crowd is not what the crowd is about
        idf = math.log((1 + documents) / (1 + background.get(term, 0))) + 1
        scored.append((count * idf, term))
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [term for _, term in scored[:limit]]
