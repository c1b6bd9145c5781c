"""Replay the demo's month through the real incident engine, hour by hour.

Each simulated hour: staff carry out the steps that fell due (via `core.incidents` workflow
functions, at their own instants), the mentions fetched in that hour are triaged with the hour as
`now`, new incidents get a story planned, and the clocks record breaches. So every incident,
deadline, breach and activity in the demo was made by the engine the desk uses.
"""

from __future__ import annotations

import heapq
import random
from array import array
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, bindparam, case, func, select
from sqlalchemy.orm import Session, sessionmaker

from douse.core.db.models import Account, Author, Client, Incident, IncidentMention, Mention, Staff
from douse.core.demo.agency import LEAD, DemoClient
from douse.core.demo.stories import Context, Step, follow_up, plan
from douse.core.incidents import (
    TRANSITIONS,
    add_business_minutes,
    assign,
    calendar_for,
    change_status,
    log_activity,
    refresh_clocks,
    triage_new_mentions,
)
from douse.core.incidents.clocks import RUNNING_STATUSES

STEP = timedelta(hours=1)
# The last hours go in small steps, so the freshest incidents open about when they were seen and
# their deadlines spread over the next hour instead of landing on the same minute.
FINE_WINDOW = timedelta(hours=3)
FINE_STEP = timedelta(minutes=10)


@dataclass
class ReplayStats:
    steps_done: int = 0
    steps_skipped: Counter[str] = field(default_factory=Counter)
    opened: int = 0
    spikes: int = 0
    reopened: int = 0


@dataclass(order=True)
class _Due:
    at: datetime
    seq: int
    incident_id: int = field(compare=False)
    step: Step = field(compare=False)


class Replay:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        clients: dict[int, DemoClient],
        rng: random.Random,
        now: datetime,
        progress: Callable[[datetime], None] | None = None,
    ) -> None:
        self.sessions = sessions
        self.clients = clients
        self.rng = rng
        self.now = now
        self.progress = progress
        self.queue: list[_Due] = []
        self.seq = 0
        self.stats = ReplayStats()
        self.answered: set[tuple[int, datetime]] = set()

    def run(self, mention_ids: array[int], fetched_ts: array[float], start: datetime) -> None:
        order = sorted(range(len(mention_ids)), key=lambda i: (fetched_ts[i], mention_ids[i]))
        cursor = 0
        t = start
        # Until this instant no deadline falls due, and in a quiet hour nothing else changes: the
        # hour's clock check would find nothing, so it is not made (a small demo's month is
        # mostly such hours; the rows built are the same).
        quiet_until = start
        # One session for the month, a transaction an hour: what `_hold` loads (clients, staff,
        # accounts; nothing in the replay changes them) is loaded once and kept, instead of
        # again every busy hour.
        session = self.sessions()
        held: list[object] = []
        while t < self.now:
            step = FINE_STEP if self.now - t <= FINE_WINDOW else STEP
            t = min(t + step, self.now)
            limit = t.timestamp()
            batch: list[int] = []
            while cursor < len(order) and fetched_ts[order[cursor]] <= limit:
                batch.append(mention_ids[order[cursor]])
                cursor += 1
            if not batch and not (self.queue and self.queue[0].at <= t) and t < quiet_until:
                if self.progress:
                    self.progress(t)
                continue
            with session.begin():
                # Held: the session's identity map keeps only what is referenced, so without
                # this every workflow step and triage batch loaded its client, staff and
                # accounts again (about 24,000 primary-key loads in the default demo).
                busy = bool(batch) or bool(self.queue and self.queue[0].at <= t)
                if busy and not held:
                    held = _hold(session)
                self._act_until(session, t)
                if batch:
                    summary = triage_new_mentions(session, batch, t)
                    self.stats.opened += len(summary.opened)
                    self.stats.spikes += len(summary.spikes)
                    self.stats.reopened += len(summary.reopened)
                    fresh = [*summary.opened, *summary.spikes, *summary.reopened]
                    self._plan(session, sorted(set(fresh)), t)
                if busy:
                    # Only a triaged post or a step sets a next-response deadline: in a quiet
                    # hour there is nobody new to answer.
                    self._answer_customers(session, t)
                refresh_clocks(session, t, limit=100_000)
                following = min(t + (FINE_STEP if self.now - t <= FINE_WINDOW else STEP), self.now)
                busy_next = (
                    cursor < len(order) and fetched_ts[order[cursor]] <= following.timestamp()
                ) or bool(self.queue and self.queue[0].at <= following)
                # Asked only before a quiet hour: the default demo has few.
                quiet_until = t if busy_next else _next_deadline(session, t)
            if self.progress:
                self.progress(t)
        del held
        session.close()

    def _plan(self, session: Session, incident_ids: list[int], t: datetime) -> None:
        rows = session.execute(
            select(Incident, Mention.platform, Author.handle)
            .join(IncidentMention, IncidentMention.incident_id == Incident.id)
            .join(Mention, Mention.id == IncidentMention.mention_id)
            .outerjoin(Author, Author.id == Mention.author_id)
            .where(Incident.id.in_(incident_ids))
            .order_by(Incident.id, Mention.published_at.desc(), Mention.id)
        ).all()
        latest: dict[int, tuple[Incident, str, str | None]] = {}
        for found, on, by in rows:
            latest.setdefault(found.id, (found, on, by))
        for incident_id in incident_ids:
            if incident_id not in latest:
                continue
            incident, platform, handle = latest[incident_id]
            demo = self.clients[incident.client_id]
            client = session.get(Client, incident.client_id)
            assert client is not None
            ctx = Context(
                author=_mention_name(platform, handle),
                platform=platform,
                brand=demo.name,
                currency=demo.region.currency,
                offer=demo.industry.offer,
                severity=incident.severity,
                incident_kind=incident.kind,
                opened_at=t,
                now=self.now,
                due_at=incident.due_at,
            )
            calendar = calendar_for(client)
            at = t
            for step in plan(ctx, self.rng):
                at = add_business_minutes(at, step.after, calendar)
                if at > self.now:
                    break  # still ahead of us when the demo's clock stops
                self.seq += 1
                heapq.heappush(self.queue, _Due(at, self.seq, incident_id, step))

    def _answer_customers(self, session: Session, t: datetime) -> None:
        """Someone wrote again (the engine started a next-response clock): plan an answer."""
        rows = session.execute(
            select(Incident.id, Incident.client_id, Incident.next_response_due_at)
            .where(
                Incident.status.in_(("acknowledged", "in_progress")),
                Incident.next_response_due_at.is_not(None),
            )
            .order_by(Incident.id)
        ).all()
        for incident_id, client_id, due in rows:
            if due is None or (incident_id, due) in self.answered:
                continue
            self.answered.add((incident_id, due))
            client = session.get(Client, client_id)
            assert client is not None
            step = follow_up(self.rng)
            at = add_business_minutes(t, step.after, calendar_for(client))
            if at <= self.now:
                self.seq += 1
                heapq.heappush(self.queue, _Due(at, self.seq, incident_id, step))

    def _act_until(self, session: Session, t: datetime) -> None:
        while self.queue and self.queue[0].at <= t:
            due = heapq.heappop(self.queue)
            self._do(session, due)

    def _do(self, session: Session, due: _Due) -> None:
        # Two columns, not the incident: triage writes incidents as rows, so the session holds
        # none of them and loading one to read these cost a primary-key load per step (the
        # workflow loads it again, at its current version, to act).
        current, owner_id = session.execute(_STATE, {"id": due.incident_id}).one()
        step = due.step
        if owner_id is None:
            by = (
                assign(
                    session,
                    due.incident_id,
                    LEAD,
                    by=LEAD,
                    now=due.at,
                    reason="nobody owns the account",
                ).owner_handle
                or LEAD
            )
        else:
            owner = session.get(Staff, owner_id)
            by = owner.handle if owner else LEAD
        if step.action == "status":
            # The engine may have moved the incident meanwhile (a customer posted again).
            if step.kind not in TRANSITIONS[current] or (
                step.kind == "closed" and current != "resolved"
            ):
                self.stats.steps_skipped[f"{current}->{step.kind}"] += 1
                return
            change_status(
                session,
                due.incident_id,
                step.kind,
                by=by,
                now=due.at,
                note=str(step.args.get("note", "")),
                resolution=step.args.get("resolution"),
            )
        else:
            if current in ("resolved", "closed"):
                self.stats.steps_skipped[f"{step.kind} after {current}"] += 1
                return
            log_activity(session, due.incident_id, step.kind, by=by, now=due.at, **step.args)
        self.stats.steps_done += 1


_STATE = select(Incident.status, Incident.owner_id).where(Incident.id == bindparam("id"))


def _next_deadline(session: Session, now: datetime) -> datetime:
    """The first deadline after `now` that a clock check could find missed (as
    `refresh_clocks` reads them: running, unpaused incidents' pending deadlines); far in the
    future when none is pending."""
    running = (Incident.status.in_(RUNNING_STATUSES), Incident.paused_at.is_(None))
    first = func.min(
        case(
            (
                and_(
                    Incident.first_response_at.is_(None),
                    Incident.first_response_due_at > now,
                ),
                Incident.first_response_due_at,
            )
        )
    )
    later = [
        func.min(case((column > now, column)))
        for column in (Incident.next_response_due_at, Incident.resolution_due_at)
    ]
    found = session.execute(select(first, *later).where(*running)).one()
    return min((d for d in found if d is not None), default=datetime.max.replace(tzinfo=UTC))


def _hold(session: Session) -> list[object]:
    """Load the rows every step reads and nothing in the replay changes: clients, staff and
    their accounts."""
    return [
        *session.scalars(select(Client)),
        *session.scalars(select(Staff)),
        *session.scalars(select(Account)),
    ]


def _mention_name(platform: str, handle: str | None) -> str:
    if not handle:
        return "there"
    if platform in ("x", "bluesky", "instagram", "tiktok", "mastodon"):
        return f"@{handle.split('@')[0]}"
    return (
        handle.split(" ")[0].title()
        if platform in ("facebook", "google", "trustpilot", "tripadvisor", "yelp")
        else handle
    )
