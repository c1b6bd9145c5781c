"""Triage: turn new mentions into incidents: cases, problems, reopened cases, spikes.

Per client, a batch's posts are read (category, identifiers, harm), the incidents they can reach
are loaded by key and by author (never the whole history), and each post is placed in
publication order (decide.py). Each incident touched is then judged, titled and saved once.

Idempotent: a mention already on a (non-spike) incident is skipped, and every mention triage has
judged is marked (`triaged_at`), so an import can store first and judge later, in time order,
and a killed run leaves the rest for the next (`triage_pending`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select, text, update
from sqlalchemy.orm import Session, selectinload

from douse.core.db.base import table_of
from douse.core.db.execute import read_rows
from douse.core.db.models import Client, Mention, Staff
from douse.core.incidents.notify import notify
from douse.core.incidents.problems import distinctive
from douse.core.incidents.routing import staff_map
from douse.core.incidents.spikes import detect_spikes, hour_floor
from douse.core.incidents.text import significant_terms
from douse.core.incidents.triage.background import SEED, background_for
from douse.core.incidents.triage.decide import place
from douse.core.incidents.triage.post import Post, load_posts, read
from douse.core.incidents.triage.state import ClientState
from douse.core.incidents.triage.write import Run, finish

# Words kept per incident (`Incident.terms`): what the desk shows as its topic.
MAX_TERMS = 40
BATCH = 2_000

__all__ = [
    "MAX_TERMS",
    "TriageSummary",
    "check_spikes",
    "clients_waiting",
    "triage_new_mentions",
    "triage_pending",
]


# Built once, with their values bound at each call: every judging transaction of 200 posts
# runs them, and building a statement and its cache key cost more than running it.
_MENTIONS = table_of(Mention)
_MARK_JUDGED = (
    update(_MENTIONS)
    .where(_MENTIONS.c.id.in_(bindparam("ids", expanding=True)), _MENTIONS.c.triaged_at.is_(None))
    .values(triaged_at=bindparam("now"))
)
_PENDING = (
    select(Mention.id)
    .where(Mention.client_id == bindparam("client"), Mention.triaged_at.is_(None))
    .order_by(Mention.published_at, Mention.id)
    .limit(bindparam("limit"))
)


@dataclass(frozen=True)
class TriageSummary:
    mentions_seen: int
    opened: tuple[int, ...]
    joined: int
    reopened: tuple[int, ...]
    monitored: int
    ignored: int
    already_triaged: int
    spikes: tuple[int, ...]
    notifications: int
    # The hours of the posts judged, for a caller that checks spikes itself (`spikes=False`).
    hours: frozenset[datetime] = frozenset()


def triage_new_mentions(
    session: Session, mention_ids: Iterable[int], now: datetime, *, spikes: bool = True
) -> TriageSummary:
    """Open, join or reopen incidents for these mentions; then check their hours for spikes
    (unless `spikes` is False: a caller judging many small batches checks them once, with
    `check_spikes`, instead of counting the client's week again for every batch)."""
    ids = sorted(set(mention_ids))
    run = Run()
    seen = already = 0
    by_client: dict[int, list[Post]] = defaultdict(list)
    hours: set[datetime] = set()
    for start in range(0, len(ids), BATCH):
        for post in load_posts(session, ids[start : start + BATCH]):
            seen += 1
            if post.triaged:
                already += 1
            elif post.duplicate:
                run.ignored += 1  # a syndicated copy: its original carries the incident
            else:
                by_client[post.client_id].append(post)
    staff = staff_map(session) if by_client else {}
    for client_id, posts in sorted(by_client.items()):
        # By primary key: a session that holds the client (the demo's replay, judging a few
        # posts an hour) asks nothing; its accounts load when an incident is routed. Loading
        # both with every batch was a sixth of the demo's triage.
        client = session.get(Client, client_id)
        assert client is not None
        posts.sort(key=lambda p: (p.published_at, p.id))
        for start in range(0, len(posts), BATCH):
            _triage_client(session, client, posts[start : start + BATCH], staff, now, run)
        client_hours = {hour_floor(p.published_at) for p in posts}
        hours.update(client_hours)
        if spikes:
            _spikes(session, client, client_hours, now, run)
    if ids:
        for start in range(0, len(ids), BATCH):
            session.execute(_MARK_JUDGED, {"ids": ids[start : start + BATCH], "now": now})
    session.flush()
    return TriageSummary(
        mentions_seen=seen,
        opened=tuple(i.id for i in run.opened),
        joined=run.joined,
        reopened=tuple(i.id for i in run.reopened),
        monitored=run.monitored,
        ignored=run.ignored,
        already_triaged=already,
        spikes=tuple(run.spikes),
        notifications=run.notifications,
        hours=frozenset(hours),
    )


def pending_ids(session: Session, client_id: int, *, limit: int = BATCH) -> list[int]:
    """The client's mentions stored but not yet judged, oldest first."""
    return list(read_rows(session, _PENDING, {"client": client_id, "limit": limit}).scalars())


def triage_pending(
    session: Session, client_id: int, now: datetime, *, limit: int = BATCH, spikes: bool = True
) -> TriageSummary | None:
    """Judge the next `limit` of a client's stored-but-unjudged mentions, in time order; None
    when there are none. Call it until it returns None, committing in between.

    Two judges of one client (an import and `douse watch`, or two workers) take turns: each
    batch first claims the client, so the second finds the posts judged, never judges them
    again."""
    _claim(session, client_id)
    ids = pending_ids(session, client_id, limit=limit)
    return triage_new_mentions(session, ids, now, spikes=spikes) if ids else None


def check_spikes(
    session: Session, client_id: int, hours: Iterable[datetime], now: datetime
) -> tuple[int, ...]:
    """Check a client's hours for spikes (opening or extending one incident per spiking hour);
    the ids of the spikes opened."""
    client = session.scalars(
        select(Client).options(selectinload(Client.accounts)).where(Client.id == client_id)
    ).one()
    run = Run()
    _spikes(session, client, hours, now, run)
    return tuple(run.spikes)


JUDGE_LOCK = 0x646F7573  # with the client's id: one judge per client at a time (PostgreSQL)


def _claim(session: Session, client_id: int) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text("SELECT pg_advisory_xact_lock(:lock, :client)"),
            {"lock": JUDGE_LOCK, "client": client_id},
        )
    else:
        # SQLite: take the write lock before reading, so what is read is what is current (a
        # transaction that read first could not write after another judge committed).
        # Not the key column: "SET id = id" made SQLite look through every table pointing at
        # clients for the old id, a cost that grew with the history (12 ms a batch at 100,000).
        session.execute(
            text("UPDATE clients SET archived = archived WHERE id = :client"),
            {"client": client_id},
        )


def clients_waiting(session: Session, *, limit: int = 50) -> list[int]:
    """Clients with stored posts not yet judged (an import killed or still running)."""
    return list(
        session.scalars(
            select(Mention.client_id).where(Mention.triaged_at.is_(None)).distinct().limit(limit)
        )
    )


def _triage_client(
    session: Session,
    client: Client,
    posts: list[Post],
    staff: dict[int, Staff],
    now: datetime,
    run: Run,
) -> None:
    state = ClientState(session, client, staff, now)
    for post in posts:
        read(post, state.critical, state.ignore, state.brand_tags)
        state.categorize(post)
        state.resemble(post)
    background = background_for(
        str(session.get_bind().engine.url),
        client.id,
        (p.terms for p in posts if not p.positive),
        seed=lambda: _recent_terms(session, state, posts[0].published_at),
    )
    state.background = background
    for post in posts:
        if post.concern and post.category is None and not post.critical:
            post.distinct = distinctive(post.terms, background.counts, background.documents)
    state.prepare(posts)
    for post in posts:
        place(state, post, run)
    finish(state, run, background)
    _store_categories(session, posts)


def _recent_terms(session: Session, state: ClientState, before: datetime) -> list[list[str]]:
    """The words of the client's latest posts before `before`, oldest first (a background's
    seed: what came before the posts being judged)."""
    rows = session.execute(
        select(Mention.title, Mention.text)
        .where(
            Mention.client_id == state.client.id,
            Mention.sentiment_label != "positive",
            Mention.published_at < before,
        )
        .order_by(Mention.published_at.desc())
        .limit(SEED)
    ).all()
    return [
        significant_terms(f"{title}\n{text}" if title else text, state.ignore)
        for title, text in reversed(rows)
    ]


_SET_CATEGORY = (
    update(table_of(Mention))
    .where(table_of(Mention).c.id == bindparam("mention_id"))
    .values(category=bindparam("name"), category_reason=bindparam("reason"))
)


def _store_categories(session: Session, posts: list[Post]) -> None:
    rows = [
        {"mention_id": p.id, "name": p.category.name, "reason": p.category.reason}
        for p in posts
        if p.category is not None
    ]
    if rows:
        # A Core executemany: the ORM's bulk update by primary key costs ten times as much here.
        session.connection().execute(_SET_CATEGORY, rows)


def _spikes(
    session: Session, client: Client, hours: Iterable[datetime], now: datetime, run: Run
) -> None:
    for incident, check, is_new in detect_spikes(session, client, hours, now):
        if is_new:
            run.spikes.append(incident.id)
            if notify(
                session,
                incident,
                "spike",
                f"#{incident.id} {incident.title}: {check.explain()}",
                now,
            ):
                run.notifications += 1
