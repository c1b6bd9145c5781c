"""Triage: turn new mentions into incidents, group related ones, reopen, detect spikes.

Batch-friendly: per client the open incidents and their evidence are read once, then every
mention of the batch is decided in memory. Mentions already on a (non-spike) incident are
skipped, so re-running a batch changes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from core.db.models import (
    OPEN_STATUSES,
    Activity,
    Author,
    Client,
    Incident,
    IncidentMention,
    Mention,
    Staff,
)
from core.incidents.clocks import (
    on_customer_reply,
    restart_after_reopen,
    start_clocks,
    tighten_for_severity,
)
from core.incidents.notify import notify
from core.incidents.routing import route, staff_map
from core.incidents.severity import Assessment, Evidence, assess, level
from core.incidents.spikes import detect_spikes
from core.incidents.text import ignore_stems, matched_critical_terms, significant_terms
from core.text import inert

GROUP_WINDOW = timedelta(hours=72)
# However steadily people keep saying it, a group stops taking new voices a week after it began:
# a problem still being reported next week is a new incident (staff can merge the two).
MAX_GROUP_SPAN = timedelta(days=7)
REOPEN_WINDOW = timedelta(days=14)
MAX_TERMS = 40
MIN_SHARED_TERMS = 2
MIN_OVERLAP = 0.34
_CHUNK = 500


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


@dataclass
class _Tracked:
    incident: Incident
    evidence: list[Evidence]
    terms: list[str]
    last_seen: datetime
    # Each author on it and when they last posted there.
    author_last: dict[int, datetime] = field(default_factory=dict)
    # The significant terms of each mention on it, founder first: what the group is about is
    # what its first mention said plus what at least two of its mentions share. Matching on the
    # union of every word ever said would let a group drift from topic to topic and swallow all.
    members: list[tuple[datetime, list[str]]] = field(default_factory=list)

    def saw(self, mention: Mention) -> None:
        at = mention.published_at
        self.last_seen = max(self.last_seen, at)
        if mention.author_id is not None:
            last = self.author_last.get(mention.author_id)
            self.author_last[mention.author_id] = at if last is None else max(last, at)

    def add_member(self, published_at: datetime, terms: list[str]) -> None:
        self.members.append((published_at, terms))
        self.members.sort(key=lambda m: m[0])
        self.terms = core_terms(self.members)


@dataclass
class _Run:
    opened: list[int] = field(default_factory=list)
    reopened: list[int] = field(default_factory=list)
    joined: int = 0
    monitored: int = 0
    ignored: int = 0
    notifications: int = 0
    spikes: list[int] = field(default_factory=list)


def _evidence(mention: Mention, author: Author | None, crit: Sequence[str]) -> Evidence:
    return Evidence(
        author_id=mention.author_id,
        compound=mention.sentiment_compound,
        followers=author.followers if author else None,
        shares=mention.shares or 0,
        published_at=mention.published_at,
        fetched_at=mention.fetched_at,
        critical_terms=tuple(crit),
        is_vip=bool(author and author.is_vip),
    )


def _critical_terms(mention: Mention, text: str, critical: Sequence[str]) -> list[str]:
    """The client's critical terms in a mention, unless it is good news ("they spotted a
    fraudulent payment before I did"): the reputation layer already weighs such terms heavily,
    so a positive score means the context outweighed them."""
    if mention.sentiment_label == "positive":
        return []
    return matched_critical_terms(text, critical)


def _full_text(mention: Mention) -> str:
    return f"{mention.title}\n{mention.text}" if mention.title else mention.text


def triage_new_mentions(
    session: Session, mention_ids: Iterable[int], now: datetime
) -> TriageSummary:
    """Open, join or reopen incidents for these mentions; then check their hours for spikes."""
    ids = sorted(set(mention_ids))
    run = _Run()
    seen = 0
    already = 0
    by_client: dict[int, list[Mention]] = defaultdict(list)
    for i in range(0, len(ids), _CHUNK):
        chunk = ids[i : i + _CHUNK]
        done = set(
            session.scalars(
                select(IncidentMention.mention_id)
                .join(Incident, Incident.id == IncidentMention.incident_id)
                .where(IncidentMention.mention_id.in_(chunk), Incident.kind != "spike")
            )
        )
        for mention in session.scalars(
            select(Mention).options(selectinload(Mention.author)).where(Mention.id.in_(chunk))
        ):
            seen += 1
            if mention.id in done:
                already += 1
            elif mention.duplicate_of_id is not None:
                run.ignored += 1  # a syndicated copy: its original carries the incident
            else:
                by_client[mention.client_id].append(mention)
    staff = staff_map(session) if by_client else {}
    for client_id, mentions in sorted(by_client.items()):
        client = session.scalars(
            select(Client).options(selectinload(Client.accounts)).where(Client.id == client_id)
        ).one()
        mentions.sort(key=lambda m: (m.published_at, m.id))
        _triage_client(session, client, mentions, staff, now, run)
        for incident, check, is_new in detect_spikes(
            session, client, (m.published_at for m in mentions), now
        ):
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
    session.flush()
    return TriageSummary(
        mentions_seen=seen,
        opened=tuple(run.opened),
        joined=run.joined,
        reopened=tuple(run.reopened),
        monitored=run.monitored,
        ignored=run.ignored,
        already_triaged=already,
        spikes=tuple(run.spikes),
        notifications=run.notifications,
    )


def _load_tracked(
    session: Session, client: Client, author_ids: set[int], now: datetime, ignore: frozenset[str]
) -> list[_Tracked]:
    open_q = select(Incident).where(
        Incident.client_id == client.id,
        Incident.status.in_(OPEN_STATUSES),
        Incident.merged_into_id.is_(None),
        Incident.kind != "spike",
    )
    incidents = {i.id: i for i in session.scalars(open_q)}
    if author_ids:
        recent = select(Incident).where(
            Incident.client_id == client.id,
            Incident.status.in_(("resolved", "closed")),
            Incident.merged_into_id.is_(None),
            Incident.kind.in_(("mention", "pattern")),
            Incident.updated_at >= now - REOPEN_WINDOW,
            Incident.id.in_(
                select(IncidentMention.incident_id)
                .join(Mention, Mention.id == IncidentMention.mention_id)
                .where(Mention.author_id.in_(author_ids), Mention.client_id == client.id)
            ),
        )
        for incident in session.scalars(recent):
            incidents.setdefault(incident.id, incident)
    tracked = {
        i.id: _Tracked(i, [], list(i.terms or []), i.last_customer_at or i.opened_at)
        for i in incidents.values()
    }
    if not tracked:
        return []
    critical = list(client.critical_terms or [])
    ids = list(tracked)
    for start in range(0, len(ids), _CHUNK):
        rows = session.execute(
            select(IncidentMention.incident_id, Mention, Author)
            .join(Mention, Mention.id == IncidentMention.mention_id)
            .outerjoin(Author, Author.id == Mention.author_id)
            .where(IncidentMention.incident_id.in_(ids[start : start + _CHUNK]))
        ).all()
        for incident_id, mention, author in rows:
            t = tracked[incident_id]
            text = _full_text(mention)
            crit = _critical_terms(mention, text, critical)
            t.evidence.append(_evidence(mention, author, crit))
            t.saw(mention)
            t.members.append((mention.published_at, significant_terms(text, ignore)))
    for t in tracked.values():
        if t.members:
            t.members.sort(key=lambda m: m[0])
            t.terms = core_terms(t.members)
    return list(tracked.values())


def core_terms(members: list[tuple[datetime, list[str]]]) -> list[str]:
    """What a group is about: its first mention's terms and any term two of its mentions share,
    the most shared first."""
    ordered = sorted(members, key=lambda m: m[0])
    counts: dict[str, int] = {}
    for _, terms in ordered:
        for term in terms:
            counts[term] = counts.get(term, 0) + 1
    founder = set(ordered[0][1]) if ordered else set()
    keep = [term for term, n in counts.items() if n >= 2 or term in founder]
    keep.sort(key=lambda term: -counts[term])  # stable: ties keep first-said order
    return keep[:MAX_TERMS]


def _triage_client(
    session: Session,
    client: Client,
    mentions: list[Mention],
    staff: dict[int, Staff],
    now: datetime,
    run: _Run,
) -> None:
    ignore = ignore_stems([client.name, client.slug, *(client.keywords or [])])
    authors = {m.author_id for m in mentions if m.author_id is not None}
    tracked = _load_tracked(session, client, authors, now, ignore)
    critical = list(client.critical_terms or [])
    for mention in mentions:
        author = mention.author
        text = _full_text(mention)
        crit = _critical_terms(mention, text, critical)
        negative = mention.sentiment_label == "negative"
        ev = _evidence(mention, author, crit)
        aid = mention.author_id
        mine = [t for t in tracked if aid is not None and aid in t.author_last]
        mine.sort(key=lambda t: t.last_seen, reverse=True)
        if author is not None and author.is_troll:
            monitor = next((t for t in mine if t.incident.status == "monitor"), None)
            if monitor is None:
                if not (negative or crit):
                    run.ignored += 1
                    continue
                monitor = _open(
                    session, client, mention, ev, text, ignore, staff, now, run, monitor=True
                )
                tracked.append(monitor)
            else:
                _join(
                    session,
                    client,
                    monitor,
                    mention,
                    ev,
                    text,
                    ignore,
                    now,
                    run,
                    customer_reply=False,
                )
            run.monitored += 1
            continue
        # Their case takes what they say next while the conversation is going, and later anything
        # about the same thing; days on, a new subject is a new incident, not a reopened one.
        mine = [
            t
            for t in mine
            if mention.published_at - t.author_last[aid] <= GROUP_WINDOW  # type: ignore[index]
            or _alike(t, mention, text, crit, ignore)
        ]
        active = next(
            (
                t
                for t in mine
                if t.incident.status in OPEN_STATUSES and t.incident.status != "monitor"
            ),
            None,
        )
        closed = next((t for t in mine if t.incident.status in ("resolved", "closed")), None)
        own = active or closed
        if own is not None and (negative or crit):
            # A customer with an incident who now joins in on a different, wider problem is one
            # more voice on that problem, not a reply on their own old case.
            other = _best_group(tracked, mention, text, crit, ignore, exclude=own)
            if other is not None and not _alike(own, mention, text, crit, ignore):
                _join(
                    session, client, other, mention, ev, text, ignore, now, run,
                    customer_reply=False,
                )  # fmt: skip
                continue
        if active is not None:
            _join(session, client, active, mention, ev, text, ignore, now, run, customer_reply=True)
            continue
        if closed is not None:
            if negative or crit:
                _reopen(session, client, closed, mention, now, run)
                _join(
                    session,
                    client,
                    closed,
                    mention,
                    ev,
                    text,
                    ignore,
                    now,
                    run,
                    customer_reply=True,
                )
            else:
                # A thank-you after the fix belongs on the timeline but must not reopen it.
                _join(
                    session,
                    client,
                    closed,
                    mention,
                    ev,
                    text,
                    ignore,
                    now,
                    run,
                    customer_reply=False,
                )
            continue
        if not (negative or crit):
            run.ignored += 1
            continue
        group = _best_group(tracked, mention, text, crit, ignore)
        if group is not None:
            _join(session, client, group, mention, ev, text, ignore, now, run, customer_reply=False)
        else:
            tracked.append(_open(session, client, mention, ev, text, ignore, staff, now, run))


def _likeness(t: _Tracked, terms: set[str], crit: list[str]) -> float | None:
    """How alike a mention is to a group, or None when not alike enough.

    Alike: it shares a critical term, or at least two meaningful words making up a third of the
    smaller vocabulary. Brand names and complaint boilerplate are not meaningful words.
    """
    shared_crit = set(crit) & {c for e in t.evidence for c in e.critical_terms}
    shared = terms & set(t.terms)
    smaller = min(len(terms), len(t.terms)) or 1
    score = len(shared) / smaller + (1.0 if shared_crit else 0.0)
    if not shared_crit and (len(shared) < MIN_SHARED_TERMS or score < MIN_OVERLAP):
        return None
    return score


def _alike(
    t: _Tracked, mention: Mention, text: str, crit: list[str], ignore: frozenset[str]
) -> bool:
    return _likeness(t, set(significant_terms(text, ignore)), crit) is not None


def _best_group(
    tracked: list[_Tracked],
    mention: Mention,
    text: str,
    crit: list[str],
    ignore: frozenset[str],
    *,
    exclude: _Tracked | None = None,
) -> _Tracked | None:
    """The open incident most like this mention within the window, if one is alike enough."""
    terms = set(significant_terms(text, ignore))
    best: tuple[float, _Tracked] | None = None
    for t in tracked:
        inc = t.incident
        if t is exclude or inc.kind not in ("mention", "pattern"):
            continue
        if inc.status not in OPEN_STATUSES or inc.status == "monitor":
            continue
        if abs(mention.published_at - t.last_seen) > GROUP_WINDOW:
            continue
        if t.members and mention.published_at - t.members[0][0] > MAX_GROUP_SPAN:
            continue
        score = _likeness(t, terms, crit)
        if score is not None and (best is None or score > best[0]):
            best = (score, t)
    return best[1] if best else None


def _apply_assessment(
    session: Session, client: Client, t: _Tracked, a: Assessment, now: datetime, run: _Run
) -> None:
    inc = t.incident
    before = inc.severity
    was_pattern = inc.is_pattern
    inc.severity = a.severity
    inc.severity_reasons = list(a.reasons)
    inc.distinct_authors = a.distinct_authors
    if a.is_pattern and not was_pattern and inc.kind != "monitor":
        inc.is_pattern = True
        inc.kind = "pattern"
        session.flush()
        if notify(
            session,
            inc,
            "pattern",
            f"#{inc.id} is a pattern: {a.distinct_authors} people say it — {inc.title}",
            now,
        ):
            run.notifications += 1
    if level(a.severity) > level(before) and inc.status != "monitor":
        tighten_for_severity(inc, client, now)
    if a.severity == "critical" and before != "critical" and inc.status != "monitor":
        session.flush()
        if notify(session, inc, "critical", f"#{inc.id} is critical: {inc.title}", now):
            run.notifications += 1


def _open(
    session: Session,
    client: Client,
    mention: Mention,
    ev: Evidence,
    text: str,
    ignore: frozenset[str],
    staff: dict[int, Staff],
    now: datetime,
    run: _Run,
    *,
    monitor: bool = False,
) -> _Tracked:
    routed = route(
        client,
        client.accounts,
        staff,
        account_id=mention.account_id,
        platform=mention.platform,
        text=text,
    )
    a = assess([ev])
    handle = mention.author.handle if mention.author else None
    title = inert(mention.title or mention.text, 120) or "(no text)"
    incident = Incident(
        client_id=client.id,
        account_id=routed.account_id,
        kind="monitor" if monitor else "mention",
        title=title,
        severity=a.severity,
        severity_reasons=list(a.reasons)
        + ([f"author {handle} is flagged as a troll"] if monitor else []),
        status="monitor" if monitor else "new",
        owner_id=routed.owner_id,
        distinct_authors=1,
        mention_count=1,
        terms=significant_terms(text, ignore)[:MAX_TERMS],
        opened_at=now,
        last_customer_at=mention.published_at,
        updated_at=now,
    )
    if not monitor:
        start_clocks(incident, client, now)
    session.add(incident)
    session.flush()
    session.add(IncidentMention(incident_id=incident.id, mention_id=mention.id, added_at=now))
    run.opened.append(incident.id)
    if (
        a.severity == "critical"
        and not monitor
        and notify(
            session, incident, "critical", f"#{incident.id} opened as critical: {title}", now
        )
    ):
        run.notifications += 1
    t = _Tracked(incident, [ev], list(incident.terms), mention.published_at)
    t.add_member(mention.published_at, list(incident.terms))
    t.saw(mention)
    return t


def _join(
    session: Session,
    client: Client,
    t: _Tracked,
    mention: Mention,
    ev: Evidence,
    text: str,
    ignore: frozenset[str],
    now: datetime,
    run: _Run,
    *,
    customer_reply: bool,
) -> None:
    inc = t.incident
    session.add(IncidentMention(incident_id=inc.id, mention_id=mention.id, added_at=now))
    t.evidence.append(ev)
    t.saw(mention)
    t.add_member(mention.published_at, significant_terms(text, ignore))
    inc.terms = list(t.terms)
    inc.mention_count = (inc.mention_count or 0) + 1
    inc.updated_at = now
    inc.updated_by_id = None
    if customer_reply and inc.status in OPEN_STATUSES and inc.status != "monitor":
        if inc.status == "waiting_customer":
            inc.status = "in_progress"
        on_customer_reply(inc, client, mention.published_at)
    else:
        inc.last_customer_at = max(filter(None, [inc.last_customer_at, mention.published_at]))
    _apply_assessment(session, client, t, assess(t.evidence, floor=inc.severity), now, run)
    run.joined += 1


def _reopen(
    session: Session, client: Client, t: _Tracked, mention: Mention, now: datetime, run: _Run
) -> None:
    inc = t.incident
    before = inc.status
    inc.status = "in_progress"
    # breached_at keeps the first deadline ever missed; the new clocks get breaches of their own.
    restart_after_reopen(inc, client, now)
    session.add(
        Activity(
            incident_id=inc.id,
            kind="status_change",
            at=now,
            body=f"reopened: the author posted again ({before} -> in_progress)",
            details={"from": before, "to": "in_progress", "mention_id": mention.id},
        )
    )
    run.reopened.append(inc.id)
