"""The read models' rows: small frozen dataclasses the desk and the command line both hold.

One of each: a mention, an incident, an activity, an incident's detail look the same wherever
they are shown. Queries live beside this module by use (clients, dashboard, incidents, mentions,
detail, authors, accounts); nothing here imports SQLAlchemy, so a read command does not either.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from douse.core.incidents.drafts import DraftRow

SPARK_DAYS = 7
"""Days in the dashboard's negative-mentions sparkline (rolling, the last one is the last 24 h)."""

MENTION_FILTERS = ("all", "negative", "unscored", "unhandled")


def as_dict(row: Any) -> dict[str, Any]:
    """JSON-ready dict of a row: datetimes as ISO 8601 UTC."""
    return json_ready(asdict(row))


def json_ready(values: dict[str, Any]) -> dict[str, Any]:
    return {
        key: value.isoformat().replace("+00:00", "Z") if isinstance(value, datetime) else value
        for key, value in values.items()
    }


# ---------------------------------------------------------------------------------------------
# Clients and staff


@dataclass(frozen=True)
class ClientRef:
    """A client as the switcher and the panes name it."""

    id: int
    slug: str
    name: str


@dataclass(frozen=True)
class ClientRow:
    """A client with its counts, as `douse clients` lists it."""

    slug: str
    name: str
    timezone: str
    archived: bool
    accounts: int
    unowned_accounts: int
    sources: int
    open_incidents: int
    overdue_incidents: int
    default_owner: str | None


@dataclass(frozen=True)
class StaffRef:
    """A member of staff, as pickers and the header show them."""

    id: int
    handle: str
    name: str
    away: bool
    role: str = ""


@dataclass(frozen=True)
class AccountRow:
    """One of a client's accounts on a platform, with who answers for it."""

    id: int
    platform: str
    handle: str
    url: str | None
    owner: str | None
    owner_away: bool
    backup: str | None
    archived: bool


@dataclass(frozen=True)
class SourceRow:
    """One of a client's sources, with how its polling goes."""

    id: int
    name: str
    kind: str
    target: str
    enabled: bool
    health: str  # "ok", "failing", "silent", "disabled", "new"
    last_polled_at: datetime | None
    last_ok_at: datetime | None
    last_new_at: datetime | None
    next_poll_at: datetime | None
    last_error: str | None
    consecutive_failures: int
    total_new: int
    last_error_at: datetime | None = None
    last_warning: str | None = None
    """The last poll that worked but not quite (a number clamped, a feed read leniently)."""
    last_warning_at: datetime | None = None


# ---------------------------------------------------------------------------------------------
# Dashboard


@dataclass(frozen=True)
class DashboardRow:
    """One client's line on the dashboard."""

    client_id: int
    slug: str
    name: str
    open_by_severity: tuple[int, int, int, int]  # low, medium, high, critical
    overdue: int
    next_due_at: datetime | None
    negative_24h: int
    negative_daily: tuple[int, ...]  # SPARK_DAYS rolling days, oldest first; last == negative_24h
    unowned_accounts: int
    failing_sources: int
    silent_sources: int

    @property
    def open_total(self) -> int:
        return sum(self.open_by_severity)

    def urgency(self) -> tuple[Any, ...]:
        """Sort key, most urgent first: clients with overdue incidents (the most overdue, then the
        earliest breach), then the soonest next deadline, then severity counts and negative noise.

        Time decides before severity: a low complaint due in 29 minutes is answered before high
        ones due in 8 hours, which still lead among clients with no deadline running.
        """
        _low, medium, high, critical = self.open_by_severity
        # next_due_at is the earliest running deadline: for a client with overdue incidents, the
        # first one breached.
        due = self.next_due_at.timestamp() if self.next_due_at else float("inf")
        return (
            -self.overdue,
            due,
            -critical,
            -high,
            -medium,
            -self.negative_24h,
            self.name,
        )


@dataclass(frozen=True)
class NotificationRow:
    """A notification the desk shows as it arrives."""

    id: int
    client_id: int
    client_slug: str
    incident_id: int | None
    kind: str
    at: datetime
    message: str


@dataclass(frozen=True)
class DataStamp:
    """Cheap maxima of primary keys: when any changes, something new arrived for the screens."""

    mention_id: int
    incident_id: int
    activity_id: int
    notification_id: int
    draft_id: int = 0
    drafts: int = 0
    """Someone starting or dropping a draft shows on colleagues' desks without a full refresh."""


# ---------------------------------------------------------------------------------------------
# Incidents


@dataclass(frozen=True)
class IncidentFilter:
    """Which incidents a list shows. The desk's incidents pane and `douse incidents` both use it.

    status: None or "all" for every status, "open" for the open ones, or statuses separated by
    commas ("open" among them stands for all open ones). severity: one or several, by commas.
    owner: a staff handle, or "-" for the unowned. An overdue or due-within list shows only open
    incidents unless a status is named. Merged incidents are left out unless include_merged.
    """

    status: str | None = "open"
    severity: str | None = None
    owner: str | None = None
    text: str = ""
    category: str | None = None
    client: str | None = None  # a client's slug
    overdue: bool = False
    due_within: timedelta | None = None
    include_merged: bool = True


@dataclass(frozen=True)
class IncidentRow:
    """An incident as every list shows it."""

    id: int
    client_id: int
    client_slug: str
    title: str
    kind: str
    severity: str
    status: str
    owner: str | None
    opened_at: datetime
    due_at: datetime | None
    breached_at: datetime | None
    mention_count: int
    distinct_authors: int
    is_pattern: bool
    version: int
    category: str | None = None
    problem_id: int | None = None
    """The problem this incident is one person's case under."""
    drafting: tuple[str, ...] = ()
    """Staff with a draft reply on it (core.incidents.drafts), the latest first."""

    def overdue_by_minutes(self, now: datetime) -> int | None:
        if self.due_at is None or self.due_at >= now:
            return None
        return int((now - self.due_at).total_seconds() // 60)


class QueueCounts(NamedTuple):
    """The deadline queue's bar: how many in all, overdue, and due soon."""

    total: int
    overdue: int
    """Past their deadline: the first `overdue` rows of the queue, which is ordered by deadline."""
    due_soon: int
    """Not overdue yet but due within `soon`: the next to breach."""


@dataclass(frozen=True)
class CaseRow:
    """A person's own thread under a problem."""

    id: int
    author_handle: str | None
    status: str
    due_at: datetime | None
    mention_count: int


# ---------------------------------------------------------------------------------------------
# Mentions and authors


@dataclass(frozen=True)
class MentionRow:
    """A mention with its author, as every list of mentions shows it."""

    id: int
    client_id: int
    client_slug: str
    published_at: datetime
    platform: str
    author_id: int | None
    author: str | None
    author_is_troll: bool
    author_is_vip: bool
    followers: int | None
    label: str
    compound: float | None
    reasons: tuple[str, ...]
    corrected: bool
    model_label: str | None
    title: str
    text: str
    url: str | None
    likes: int
    shares: int
    replies: int
    incident_id: int | None
    author_name: str | None = None
    """The author's display name, when the platform has one."""
    canonical_url: str | None = None
    """The post's address without tracking parameters, when it differs from `url`."""
    category: str | None = None


@dataclass(frozen=True)
class MentionCursor:
    """Keyset position: the next page starts strictly after (published_at, id), newest first."""

    published_at: datetime
    id: int


@dataclass(frozen=True)
class AuthorRow:
    """An author who wrote about a client, with their record here and everywhere."""

    id: int
    platform: str
    handle: str
    display_name: str | None
    followers: int | None
    is_troll: bool
    is_vip: bool
    notes: str
    mentions_here: int
    negative_here: int
    mentions_all: int
    clients_all: int
    last_seen_at: datetime | None


@dataclass(frozen=True)
class AuthorHistory:
    """An author's record across every client."""

    mentions: int
    negative: int
    clients: int
    first_seen_at: datetime | None


# ---------------------------------------------------------------------------------------------
# One incident


@dataclass(frozen=True)
class IncidentMentionRow:
    """One of an incident's mentions, with its author's record."""

    mention: MentionRow
    history: AuthorHistory | None


@dataclass(frozen=True)
class ActivityRow:
    """An entry of an incident's timeline (outreach, changes, notes)."""

    id: int
    kind: str
    channel: str | None
    staff: str | None
    at: datetime
    body: str
    outcome: str | None
    amount: str | None
    """The amount of an offer, as a number with two decimals ("25.00")."""
    currency: str | None
    corrects_id: int | None
    details: dict[str, Any]
    policy_note: str | None = None
    """Who recorded it over the reply policy and why, or that it was imported breaking it."""
    sent_note: str | None = None
    """How a reply went out: the new post's link, posted by hand, approved by whom."""
    undo: bool = False
    """A correction written by an undo (core.incidents.undo), shown as "undo"."""

    @property
    def money(self) -> str | None:
        """'25.00 EUR': the amount with its currency."""
        if self.amount is None:
            return None
        return f"{self.amount} {self.currency or ''}".strip()


@dataclass(frozen=True)
class IncidentDetail:
    """One incident in full, as `douse incident ID` and the incident screen show it."""

    row: IncidentRow
    client: ClientRef
    severity_reasons: tuple[str, ...]
    terms: tuple[str, ...]
    acknowledged_at: datetime | None
    first_response_at: datetime | None
    last_response_at: datetime | None
    resolved_at: datetime | None
    first_response_due_at: datetime | None
    next_response_due_at: datetime | None
    resolution_due_at: datetime | None
    paused_at: datetime | None
    breach_kind: str | None
    resolution: str | None
    repair_status: str | None
    merged_into_id: int | None
    updated_at: datetime
    updated_by: str | None
    account: str | None
    mentions: tuple[IncidentMentionRow, ...]
    more_mentions: int
    """How many of its mentions the limit left out (the oldest)."""
    activities: tuple[ActivityRow, ...]
    # What the outreach dialog checks drafts against and fills canned replies from.
    reply_policy: dict[str, Any]
    canned_replies: tuple[tuple[str, str], ...]
    brand: str
    account_platform: str | None = None
    """The length limit's key for replies from the incident's account, as the policy gate uses
    it ("mastodon:fosstodon.org" when that instance has a limit of its own), or None."""
    drafts: tuple[DraftRow, ...] = ()
    """Everyone's draft replies on it, the latest first."""
    category_title: str | None = None
    cases: tuple[CaseRow, ...] = ()
    """For a problem: each person's own case under it, soonest deadline first."""
    categories: tuple[tuple[str, str], ...] = ()
    """The client's issue categories (name, title), for filing it under another."""
    placed: str | None = None
    """Why triage put this case under its problem when the person named no subject."""

    # The row's fields, and those core.incidents.clocks.clock_state reads, so the desk can tick
    # locally and the CLI can word the clock at its own instant.
    @property
    def id(self) -> int:
        return self.row.id

    @property
    def kind(self) -> str:
        return self.row.kind

    @property
    def status(self) -> str:
        return self.row.status

    @property
    def severity(self) -> str:
        return self.row.severity

    @property
    def owner(self) -> str | None:
        return self.row.owner

    @property
    def due_at(self) -> datetime | None:
        return self.row.due_at

    @property
    def breached_at(self) -> datetime | None:
        return self.row.breached_at

    @property
    def version(self) -> int:
        return self.row.version
