"""What staff decide about grouping, remembered and used the next time.

A merge says "posts like these belong together", a split "these apart from those", a category
correction "posts like this are about X". Each is stored as hints, one per post involved, with
the post's significant words; triage compares a new post with the client's recent hints
(through an inverted index of their words, never the whole history) and
- takes the corrected category of a post it closely resembles;
- puts it with the open incident that took the last post like a merged one ("hint:G" key);
- keeps it off an incident that holds posts staff split away from ones like it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from douse.core.db.models import GroupingHint, IncidentMention, Mention

# The most recent hints a client's triage reads; older decisions fade.
MAX_HINTS = 2_000
# Posts recorded per decision: a merge of two 300-post problems is taught by a sample.
MAX_POSTS_PER_DECISION = 50
MIN_SHARED = 2
MIN_SIMILARITY = 0.5


@dataclass(frozen=True)
class HintMatch:
    kind: str  # together / apart / category
    group: int
    apart_from: int | None
    category: str | None
    mention_id: int | None
    staff: str | None
    similarity: float


@dataclass
class HintIndex:
    """A client's recent hints with an inverted index over their words."""

    hints: list[GroupingHint] = field(default_factory=list)
    by_term: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    staff: dict[int, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.hints)

    def best(self, terms: Sequence[str], kinds: Iterable[str]) -> HintMatch | None:
        wanted = set(kinds)
        mine = set(terms)
        if len(mine) < MIN_SHARED:
            return None
        shared: dict[int, int] = defaultdict(int)
        for term in mine:
            for index in self.by_term.get(term, ()):
                shared[index] += 1
        best: tuple[float, int] | None = None
        for index, count in shared.items():
            hint = self.hints[index]
            if count < MIN_SHARED or hint.kind not in wanted:
                continue
            theirs = len(hint.terms or ())
            similarity = count / max(min(len(mine), theirs), 1)
            if similarity >= MIN_SIMILARITY and (best is None or similarity > best[0]):
                best = (similarity, index)
        if best is None:
            return None
        hint = self.hints[best[1]]
        return HintMatch(
            hint.kind,
            hint.group,
            hint.apart_from,
            hint.category,
            hint.mention_id,
            self.staff.get(hint.staff_id) if hint.staff_id else None,
            best[0],
        )


# Built once: triage reads a client's hints with every batch it judges, most of them a few posts
# (a live poll, an hour of the demo), where building the statement cost more than running it.
_HINTS = (
    select(GroupingHint)
    .where(GroupingHint.client_id == bindparam("client"))
    .order_by(GroupingHint.id.desc())
    .limit(MAX_HINTS)
)


def load_hints(session: Session, client_id: int, staff: dict[int, str]) -> HintIndex:
    rows = list(session.scalars(_HINTS, {"client": client_id}))
    index = HintIndex(rows, defaultdict(list), staff)
    for position, hint in enumerate(rows):
        for term in hint.terms or ():
            index.by_term[term].append(position)
    return index


def _next_group(session: Session, client_id: int) -> int:
    current = session.scalar(
        select(func.max(GroupingHint.group)).where(GroupingHint.client_id == client_id)
    )
    return int(current or 0) + 1


def _sample(session: Session, incident_ids: Sequence[int]) -> list[Mention]:
    return list(
        session.scalars(
            select(Mention)
            .join(IncidentMention, IncidentMention.mention_id == Mention.id)
            .where(IncidentMention.incident_id.in_(incident_ids))
            .order_by(Mention.published_at, Mention.id)
            .limit(MAX_POSTS_PER_DECISION)
        )
    )


def _terms(mention: Mention, ignore: frozenset[str]) -> list[str]:
    from douse.core.incidents.text import significant_terms

    text = f"{mention.title}\n{mention.text}" if mention.title else mention.text
    return significant_terms(text, ignore)


def remember_merge(
    session: Session,
    client_id: int,
    incident_ids: Sequence[int],
    *,
    staff_id: int | None,
    now: datetime,
    ignore: frozenset[str],
) -> int:
    """Posts of these incidents belong together: one group of hints. Returns the group."""
    group = _next_group(session, client_id)
    for mention in _sample(session, incident_ids):
        session.add(
            GroupingHint(
                client_id=client_id,
                kind="together",
                group=group,
                terms=_terms(mention, ignore),
                mention_id=mention.id,
                staff_id=staff_id,
                at=now,
            )
        )
    return group


def remember_split(
    session: Session,
    client_id: int,
    kept: Sequence[Mention],
    moved: Sequence[Mention],
    *,
    staff_id: int | None,
    now: datetime,
    ignore: frozenset[str],
) -> tuple[int, int]:
    """What stayed and what was split off are apart: two groups pointing at each other."""
    stay = _next_group(session, client_id)
    away = stay + 1
    for group, other, mentions in ((stay, away, kept), (away, stay, moved)):
        for mention in list(mentions)[:MAX_POSTS_PER_DECISION]:
            session.add(
                GroupingHint(
                    client_id=client_id,
                    kind="apart",
                    group=group,
                    apart_from=other,
                    terms=_terms(mention, ignore),
                    mention_id=mention.id,
                    staff_id=staff_id,
                    at=now,
                )
            )
    return stay, away


def remember_category(
    session: Session,
    client_id: int,
    mention: Mention,
    category: str,
    *,
    staff_id: int | None,
    now: datetime,
    ignore: frozenset[str],
) -> None:
    session.add(
        GroupingHint(
            client_id=client_id,
            kind="category",
            group=_next_group(session, client_id),
            category=category,
            terms=_terms(mention, ignore),
            mention_id=mention.id,
            staff_id=staff_id,
            at=now,
        )
    )
