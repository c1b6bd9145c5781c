"""What the demo database holds, counted from the rows themselves (not from the generator)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Executable

from douse.core.db.models import (
    INCIDENT_STATUSES,
    OPEN_STATUSES,
    SENTIMENT_LABELS,
    Account,
    Activity,
    Author,
    Client,
    Incident,
    Mention,
    Source,
    Staff,
)
from douse.core.wording import plural

SOON = timedelta(minutes=30)


@dataclass(frozen=True)
class DemoSummary:
    clients: int
    staff: int
    staff_away: int
    accounts: int
    unowned: int
    sources: int
    authors: int
    trolls: int
    vips: int
    mentions: dict[str, int]
    incidents: dict[str, int]
    activities: int
    overdue: int
    overdue_clients: int
    due_soon: int
    breached: int

    def lines(self) -> list[str]:
        mentions = sum(self.mentions.values())
        incidents = sum(self.incidents.values())
        return [
            f"clients     {self.clients}",
            f"staff       {self.staff} ({self.staff_away} away)",
            f"accounts    {self.accounts} ({self.unowned} unowned)",
            f"sources     {self.sources}",
            f"authors     {self.authors} ({self.trolls} troll, {self.vips} VIP)",
            f"mentions    {mentions:,}: "
            + ", ".join(f"{n:,} {label}" for label, n in self.mentions.items() if n),
            f"incidents   {incidents:,}: "
            + ", ".join(f"{n} {status}" for status, n in self.incidents.items() if n),
            f"activities  {self.activities:,}",
            f"deadlines   {self.overdue} overdue across {plural(self.overdue_clients, 'client')}, "
            f"{self.due_soon} due within 30 min, {self.breached} breached so far",
        ]


def summarize(session: Session, now: datetime) -> DemoSummary:
    def count(stmt: Executable) -> int:
        return int(session.scalar(stmt) or 0)

    mentions = dict(
        session.execute(
            select(Mention.sentiment_label, func.count()).group_by(Mention.sentiment_label)
        ).all()
    )
    incidents = dict(
        session.execute(select(Incident.status, func.count()).group_by(Incident.status)).all()
    )
    running = Incident.status.in_(OPEN_STATUSES)
    overdue = (running, Incident.due_at.is_not(None), Incident.due_at < now)
    return DemoSummary(
        clients=count(select(func.count()).select_from(Client).where(Client.archived.is_(False))),
        staff=count(select(func.count()).select_from(Staff).where(Staff.active.is_(True))),
        staff_away=count(
            select(func.count()).select_from(Staff).where(Staff.active.is_(True), Staff.away)
        ),
        accounts=count(
            select(func.count()).select_from(Account).where(Account.archived.is_(False))
        ),
        unowned=count(
            select(func.count())
            .select_from(Account)
            .where(Account.archived.is_(False), Account.owner_id.is_(None))
        ),
        sources=count(select(func.count()).select_from(Source)),
        authors=count(select(func.count()).select_from(Author)),
        trolls=count(select(func.count()).select_from(Author).where(Author.is_troll)),
        vips=count(select(func.count()).select_from(Author).where(Author.is_vip)),
        mentions={label: int(mentions.get(label, 0)) for label in SENTIMENT_LABELS},
        incidents={status: int(incidents.get(status, 0)) for status in INCIDENT_STATUSES},
        activities=count(select(func.count()).select_from(Activity)),
        overdue=count(select(func.count()).select_from(Incident).where(*overdue)),
        overdue_clients=count(
            select(func.count(func.distinct(Incident.client_id))).where(*overdue)
        ),
        due_soon=count(
            select(func.count())
            .select_from(Incident)
            .where(running, Incident.due_at >= now, Incident.due_at <= now + SOON)
        ),
        breached=count(
            select(func.count()).select_from(Incident).where(Incident.breached_at.is_not(None))
        ),
    )
