"""A client's triage state for one batch: the incidents in play and how to find them.

Only incidents the batch can touch are loaded: those holding a key one of its posts carries
(category and day, identifier, staff hint) and those of its authors. Nothing scales with the
client's history: every lookup goes through an index.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, case, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from douse.core.db.execute import read_rows
from douse.core.db.models import (
    OPEN_STATUSES,
    Author,
    Client,
    Incident,
    IncidentKey,
    IncidentMention,
    Mention,
    Staff,
)
from douse.core.incidents.categories import CategoryMatch, categorizer_for
from douse.core.incidents.feedback import HintIndex, HintMatch, load_hints
from douse.core.incidents.harm import find_harm
from douse.core.incidents.problems import (
    FOCUSED_PEOPLE,
    SURGE,
    TOPIC_OVERLAP,
    category_key,
    continues_topic,
    critical_key,
    draws,
    lookup_gap,
    term_key,
)
from douse.core.incidents.rows import IncidentRow, load_incidents
from douse.core.incidents.severity import Evidence, EvidenceSummary
from douse.core.incidents.text import (
    ignore_stems,
    matched_critical_terms,
    plainer,
    significant_words,
)
from douse.core.incidents.triage.background import Background
from douse.core.incidents.triage.post import Post

REOPEN_WINDOW = timedelta(days=14)
# How a contested complaint's case says why it sits under a problem (decide._own_case_under);
# read back when a problem's summary is summed up again from its posts.
FILED_UNDER = "filed as their own case under the"
CONVERSATION = timedelta(hours=72)
MAX_TERM_COUNTS = 60
_CHUNK = 500

# Built once: a batch asks these for every 200 posts, and building a statement and its cache
# key cost more than SQLite's answer (`:client`, `:keys`, `:since`... bound at each call).
_HELD = (
    select(IncidentKey.incident_id, IncidentKey.key)
    .join(Incident, Incident.id == IncidentKey.incident_id)
    .where(
        IncidentKey.client_id == bindparam("client"),
        IncidentKey.key.in_(bindparam("keys", expanding=True)),
        IncidentKey.last_at >= bindparam("since"),
        Incident.status.in_(OPEN_STATUSES),
        Incident.merged_into_id.is_(None),
    )
)


def _authors_cases(
    client_of: ColumnElement[int] | InstrumentedAttribute[int],
) -> Select[int, int | None, datetime, Any]:
    return (
        select(
            IncidentMention.incident_id,
            Mention.author_id,
            func.max(Mention.published_at),
            func.max(case((Mention.sentiment_label != "positive", 1), else_=0)),
        )
        .join(Mention, Mention.id == IncidentMention.mention_id)
        .join(Incident, Incident.id == IncidentMention.incident_id)
        .where(
            client_of == bindparam("client"),
            Mention.author_id.in_(bindparam("authors", expanding=True)),
            # Their conversations of the last weeks, not an author's whole history.
            Mention.published_at >= bindparam("since"),
            Incident.kind != "spike",
            Incident.merged_into_id.is_(None),
            (Incident.status.in_(OPEN_STATUSES)) | (Incident.updated_at >= bindparam("touched")),
        )
        .group_by(IncidentMention.incident_id, Mention.author_id)
    )


# Without statistics SQLite would walk the client's last weeks by date (a range that grows
# with traffic) instead of these authors' own posts: "+ 0" keeps it off that index.
_AUTHORS_CASES = {
    "sqlite": _authors_cases(Mention.client_id + 0),
    "other": _authors_cases(Mention.client_id),
}
_KEYS_OF = select(
    IncidentKey.incident_id,
    IncidentKey.key,
    IncidentKey.first_at,
    IncidentKey.last_at,
    IncidentKey.posts,
).where(IncidentKey.incident_id.in_(bindparam("ids", expanding=True)))


@dataclass(slots=True, eq=False)
class KeyRow:
    """One of an incident's keys (a row of `incident_keys`), kept as plain values: triage
    reads hundreds of them per batch and writes the few it changed with one statement."""

    key: str
    first_at: datetime
    last_at: datetime
    posts: int
    stored: bool = False  # already a row (updated at the end of the batch, else inserted)
    changed: bool = False


@dataclass(slots=True, eq=False)
class Tracked:
    """An incident in play, with what triage needs to know about it."""

    incident: IncidentRow
    summary: EvidenceSummary
    keys: dict[str, KeyRow] = field(default_factory=dict)
    # People who posted on it and when they last did (all posts, praise included), and those
    # who complained there (they count as voices once).
    author_last: dict[int, datetime] = field(default_factory=dict)
    voices: set[int] = field(default_factory=set)
    # Posts placed here in this batch, linked once the incident has its id.
    links: list[int] = field(default_factory=list)
    terms: Counter[str] = field(default_factory=Counter)
    # Its words as its posts wrote them (stem -> word, `plainer` of the ways): titles and the
    # incident's page show these, never the stems. Only from its own posts, so the same posts
    # give the same words in any process.
    words: dict[str, str] = field(default_factory=dict)
    founder: int | None = None
    # Why a case was put under its problem when the person named no subject (SURGE).
    placed: str | None = None
    touched: bool = False
    new: bool = False
    problem: Tracked | None = None  # the problem a case opened in this batch belongs to

    def under(self, problem: Tracked) -> bool:
        if self.problem is not None:
            return self.problem is problem
        pid = self.incident.problem_id
        return pid is not None and pid == problem.incident.id

    @property
    def open(self) -> bool:
        return self.incident.status in OPEN_STATUSES and self.incident.merged_into_id is None

    @property
    def answerable(self) -> bool:
        """Open, not a troll's monitor incident, not a spike."""
        return self.open and self.incident.kind in ("mention", "pattern")

    @property
    def people(self) -> int:
        """Different people who complained here (praise does not count)."""
        return self.summary.authors

    def last_seen(self) -> datetime:
        inc = self.incident
        return inc.last_customer_at or inc.opened_at

    def note_words(self, words: dict[str, str]) -> None:
        """A post's words (stem -> as written), kept as the plainest way they were written."""
        for term, word in words.items():
            self.words[term] = plainer(word, self.words.get(term))

    def save(self) -> None:
        data = self.summary.to_json()
        data["founder"] = self.founder
        if self.placed:
            data["placed"] = self.placed
        # Ties broken by the word, not by the order words were first counted: which words a
        # summary keeps must not depend on the order posts came in, nor on set iteration.
        kept = sorted(self.terms.items(), key=lambda item: (-item[1], item[0]))[:MAX_TERM_COUNTS]
        data["terms"] = dict(kept)
        words = {t: self.words[t] for t, _ in kept if t in self.words}
        if words:
            data["words"] = words
        self.incident.summary = data


class ClientState:
    def __init__(
        self, session: Session, client: Client, staff: dict[int, Staff], now: datetime
    ) -> None:
        self.session = session
        self.client = client
        self.staff = staff
        self.now = now
        self.timezone = client.timezone or "UTC"
        names = [client.name, client.slug, *(client.keywords or [])]
        self.ignore = ignore_stems(names)
        # Brand words never make a hashtag key (#united says nothing about which problem).
        self.brand_tags = [n.lower().lstrip("@#").replace(" ", "") for n in names if n.strip()]
        self.critical = list(client.critical_terms or [])
        self.categorizer = categorizer_for(
            client.industry, json.dumps(client.categories or {}, sort_keys=True)
        )
        self.hints: HintIndex = load_hints(
            session, client.id, {sid: s.handle for sid, s in staff.items()}
        )
        # Incidents in play, loaded or opened in this batch (which have no id until flushed).
        self.incidents: list[Tracked] = []
        self._loaded: dict[int, Tracked] = {}
        self.by_key: dict[str, list[Tracked]] = defaultdict(list)
        self.by_author: dict[int, list[Tracked]] = defaultdict(list)
        # Incidents whose keys changed in this batch (by object: new ones have no id yet).
        self.keyed: dict[int, Tracked] = {}
        self.hint_of: dict[int, HintMatch] = {}  # post id -> the staff decision it resembles
        self.background: Background | None = None

    # --- reading posts -----------------------------------------------------------------

    def categorize(self, post: Post) -> None:
        """The category staff gave posts like this one, else the client's categories."""
        if post.positive and not post.faint_praise:
            return
        self._categorize(post)
        post.veil()

    def _categorize(self, post: Post) -> None:
        if self.hints:
            match = self.hints.best(post.terms, ("category",))
            if match is not None and match.category:
                title = self.categorizer.titles.get(match.category, match.category)
                by = f" by {match.staff}" if match.staff else ""
                post.category = CategoryMatch(
                    match.category, title, 100.0, f"like m{match.mention_id}, filed{by}"
                )
                return
        post.category = self.categorizer.categorize(post.full_text) if self.categorizer else None

    def resemble(self, post: Post) -> HintMatch | None:
        if not self.hints or not post.concern:
            return None
        match = self.hints.best(post.terms, ("together", "apart"))
        if match is not None:
            self.hint_of[post.id] = match
        return match

    def wanted_keys(self, post: Post) -> list[str]:
        keys = [*post.identifiers, *topic_keys(post), *(term_key(t) for t in post.distinct)]
        if post.concern and not topic_keys(post):
            # A complaint naming no subject may be a case of a surging problem (`surging`):
            # the client's problems of every category, loaded as far back as a category key
            # reaches (a day), which covers the surge's three hours.
            keys.extend(category_key(name) for name in self.categorizer.titles)
        hint = self.hint_of.get(post.id)
        if hint is not None:
            keys.append(f"hint:{hint.group}")
            if hint.apart_from is not None:
                keys.append(f"hint:{hint.apart_from}")
        return keys

    # --- loading -------------------------------------------------------------------------

    def prepare(self, posts: Sequence[Post]) -> None:
        """Load the incidents these posts can reach: by key, and their authors' own."""
        by_gap: dict[timedelta, set[str]] = defaultdict(set)
        for key in {k for p in posts for k in self.wanted_keys(p)}:
            by_gap[lookup_gap(key)].add(key)
        earliest = min((p.published_at for p in posts), default=self.now)
        dialect = self.session.get_bind().dialect.name
        ids: set[int] = set()
        words: dict[str, list[int]] = defaultdict(list)
        for gap, group in sorted(by_gap.items()):
            keys = sorted(group)
            for start in range(0, len(keys), _CHUNK):
                for incident_id, key in read_rows(
                    self.session,
                    _HELD,
                    {
                        "client": self.client.id,
                        "keys": keys[start : start + _CHUNK],
                        "since": earliest - gap,
                    },
                ).all():
                    if key.startswith("term:"):
                        words[key].append(incident_id)
                    else:
                        ids.add(incident_id)
        ids.update(_sharing_words(posts, words))
        authors = sorted({p.author_id for p in posts if p.author_id is not None})
        author_rows: list[Any] = []  # (incident, author, last post, voiced) rows
        cases = _AUTHORS_CASES["sqlite" if dialect == "sqlite" else "other"]
        for start in range(0, len(authors), _CHUNK):
            author_rows.extend(
                read_rows(
                    self.session,
                    cases,
                    {
                        "client": self.client.id,
                        "authors": authors[start : start + _CHUNK],
                        "since": earliest - REOPEN_WINDOW - CONVERSATION,
                        "touched": min(earliest, self.now) - REOPEN_WINDOW,
                    },
                ).all()
            )
        ids.update(row[0] for row in author_rows)
        self._load(sorted(ids - set(self._loaded)))
        for incident_id, author_id, last, voiced in author_rows:
            tracked = self._loaded.get(incident_id)
            if tracked is not None:
                self.saw(tracked, author_id, last)
                if voiced:
                    tracked.voices.add(author_id)

    def _load(self, ids: list[int]) -> None:
        if not ids:
            return
        loaded: list[IncidentRow] = []
        for start in range(0, len(ids), _CHUNK):
            loaded.extend(load_incidents(self.session, ids[start : start + _CHUNK]))
        stale: list[Tracked] = []
        for incident in loaded:
            data = incident.summary or {}
            summary = EvidenceSummary.from_json(data)
            tracked = Tracked(
                incident,
                summary or EvidenceSummary(),
                terms=Counter(data.get("terms") or {}),
                words=dict(data.get("words") or {}),
                founder=data.get("founder"),
                placed=data.get("placed"),
            )
            self._loaded[incident.id] = tracked
            self.incidents.append(tracked)
            if summary is None:
                stale.append(tracked)
        for start in range(0, len(ids), _CHUNK):
            for incident_id, key, first_at, last_at, posts in read_rows(
                self.session, _KEYS_OF, {"ids": ids[start : start + _CHUNK]}
            ).all():
                tracked = self._loaded[incident_id]
                tracked.keys[key] = KeyRow(key, first_at, last_at, posts or 0, stored=True)
                self.by_key[key].append(tracked)
        if stale:
            self._rebuild(stale)

    def _rebuild(self, stale: list[Tracked]) -> None:
        """Sum up incidents made before summaries were kept (or changed by hand) from their
        posts: once, then they are kept up to date."""
        by_id = {t.incident.id: t for t in stale}
        rows = self.session.execute(
            select(IncidentMention.incident_id, Mention, Author)
            .join(Mention, Mention.id == IncidentMention.mention_id)
            .outerjoin(Author, Author.id == Mention.author_id)
            .where(IncidentMention.incident_id.in_(list(by_id)))
            .order_by(Mention.published_at, Mention.id)
        ).all()
        for incident_id, mention, author in rows:
            tracked = by_id[incident_id]
            ev = evidence_of(mention, author, self.critical)
            new_person = ev.counts and (
                mention.author_id is None or mention.author_id not in tracked.voices
            )
            if ev.counts and mention.author_id is not None:
                tracked.voices.add(mention.author_id)
            tracked.summary.add(ev, new_person=new_person)
            if tracked.founder is None and mention.author_id is not None and ev.counts:
                tracked.founder = mention.author_id
            text = f"{mention.title}\n{mention.text}" if mention.title else mention.text
            words = significant_words(text, self.ignore)
            tracked.terms.update(words.keys())  # each word once a post
            tracked.note_words(words)
            if mention.author_id is not None:
                self.saw(tracked, mention.author_id, mention.published_at)
        # The people whose complaint about two things was filed under a problem are none of its
        # posts, but still count towards its surge: counted again from their cases.
        filed = self.session.execute(
            select(Incident.problem_id, Incident.summary, func.min(Mention.published_at))
            .join(IncidentMention, IncidentMention.incident_id == Incident.id)
            .join(Mention, Mention.id == IncidentMention.mention_id)
            .where(Incident.problem_id.in_(list(by_id)))
            .group_by(Incident.id)
        ).all()
        for problem_id, summary, first_at in filed:
            if FILED_UNDER in str((summary or {}).get("placed") or ""):
                by_id[problem_id].summary.file_case(first_at)
        for tracked in stale:
            tracked.touched = True

    # --- finding -------------------------------------------------------------------------

    def track(self, tracked: Tracked) -> None:
        self.incidents.append(tracked)

    def saw(self, tracked: Tracked, author_id: int, at: datetime) -> None:
        """`author_id` posted on `tracked` at `at`."""
        seen = tracked.author_last.get(author_id)
        tracked.author_last[author_id] = at if seen is None else max(seen, at)
        theirs = self.by_author[author_id]
        if not any(t is tracked for t in theirs):
            theirs.append(tracked)

    def holding(self, key: str, at: datetime, *, exclude: Iterable[Tracked] = ()) -> Tracked | None:
        """The open, answerable incident holding `key` that still draws a post made at `at`."""
        skip = {id(t) for t in exclude}
        best: Tracked | None = None
        for tracked in self.by_key.get(key, ()):
            if id(tracked) in skip or not tracked.answerable:
                continue
            row = tracked.keys.get(key)
            if row is None or not draws(key, row.first_at, row.last_at, at):
                continue
            if best is None or row.last_at > best.keys[key].last_at:
                best = tracked
        return best

    def continuing(self, key: str, post: Post, background: Background) -> Tracked | None:
        """An incident holding `key` whose time has passed but whose distinctive words the post
        shares (problems.continues_topic)."""
        best: Tracked | None = None
        for tracked in self.by_key.get(key, ()):
            row = tracked.keys.get(key)
            if row is None or not tracked.answerable:
                continue
            if not 2 <= tracked.people <= FOCUSED_PEOPLE:
                continue
            if continues_topic(
                tracked.incident.terms or (),
                post.terms,
                background.counts,
                background.documents,
                row.first_at,
                row.last_at,
                post.published_at,
            ) and (best is None or row.last_at > best.keys[key].last_at):
                best = tracked
        return best

    def similar(self, post: Post) -> Tracked | None:
        """An open incident sharing at least two of the post's rare words, recently."""
        shared: dict[int, tuple[Tracked, int]] = {}
        for stem in post.distinct:
            key = term_key(stem)
            for tracked in self.by_key.get(key, ()):
                row = tracked.keys.get(key)
                if row is None or not tracked.answerable:
                    continue
                if not draws(key, row.first_at, row.last_at, post.published_at):
                    continue
                entry = shared.get(id(tracked))
                shared[id(tracked)] = (tracked, (entry[1] if entry else 0) + 1)
        found = [(n, t) for t, n in shared.values() if n >= TOPIC_OVERLAP]
        if not found:
            return None
        return max(found, key=lambda item: (item[0], item[1].last_seen()))[1]

    def surging(self, post: Post, *, exclude: Iterable[Tracked] = ()) -> tuple[Tracked, int] | None:
        """The top-level problem that the most new people joined in the hours before the post
        (SURGE), with their number: an outage or a storm's cancellations while it is happening."""
        skip = {id(t) for t in exclude}
        hours = [
            (post.published_at - timedelta(hours=back)).strftime("%Y-%m-%dT%H")
            for back in range(SURGE.hours)
        ]
        best: tuple[Tracked, int] | None = None
        for tracked in self.incidents:
            # The count first: it rules out nearly every incident, and it is plain dicts, where
            # the other tests read the ORM's instrumented attributes.
            recent = tracked.summary.people_in(hours)
            if recent < SURGE.people or tracked.problem is not None or id(tracked) in skip:
                continue
            inc = tracked.incident
            if not tracked.answerable or inc.problem_id is not None or inc.category is None:
                continue
            if (
                best is None
                or recent > best[1]
                or (recent == best[1] and inc.opened_at < best[0].incident.opened_at)
            ):
                best = (tracked, recent)
        return best

    def mine(self, post: Post) -> list[Tracked]:
        """The author's incidents, the one they posted on last first."""
        if post.author_id is None:
            return []
        author = post.author_id
        found = list(self.by_author.get(author, ()))
        found.sort(key=lambda t: t.author_last.get(author, t.last_seen()), reverse=True)
        return found

    def case_under(self, problem: Tracked, post: Post) -> Tracked | None:
        """The author's own open case under a problem, if they have one."""
        for tracked in self.mine(post):
            if tracked.answerable and tracked.under(problem):
                return tracked
        return None


def _sharing_words(posts: Sequence[Post], holders: dict[str, list[int]]) -> set[int]:
    """The incidents holding at least TOPIC_OVERLAP of one post's rare words: the only ones
    `similar` can choose (one shared word never draws a post, and an incident not loaded gains
    no word in the batch). A city every complaint names is a word hundreds of one-person cases
    hold; loading them all made each batch's candidates grow with a day of traffic."""
    found: set[int] = set()
    if not holders:
        return found
    for post in posts:
        shared: Counter[int] = Counter()
        for stem in post.distinct:  # as `similar` counts them
            shared.update(holders.get(term_key(stem), ()))
        found.update(i for i, n in shared.items() if n >= TOPIC_OVERLAP)
    return found


def topic_keys(post: Post) -> list[str]:
    """The keys a complaint can share with other people's: the client's critical terms it
    names (two people with food poisoning), then its category."""
    keys = [critical_key(term) for term in post.critical]
    if post.category is not None:
        keys.append(category_key(post.category.name))
    return keys


def evidence_of(mention: Mention, author: Author | None, critical: Sequence[str]) -> Evidence:
    """Evidence from a stored mention (when an incident is summed up again)."""
    text = f"{mention.title}\n{mention.text}" if mention.title else mention.text
    positive = mention.sentiment_label == "positive"
    return Evidence(
        author_id=mention.author_id,
        compound=mention.sentiment_compound,
        followers=author.followers if author else None,
        shares=mention.shares or 0,
        published_at=mention.published_at,
        fetched_at=mention.fetched_at,
        critical_terms=() if positive else tuple(matched_critical_terms(text, critical)),
        is_vip=bool(author and author.is_vip),
        harm=() if positive else tuple(find_harm(text)),
        label=mention.sentiment_label,
    )
