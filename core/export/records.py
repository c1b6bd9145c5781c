"""Read models for exports and the paged queries that stream them.

Incidents come in keyset pages of (opened_at, id); each page's mentions and activities are fetched
with one query apiece, so memory is bounded by the page size and never by the client's history.
The records are named tuples of what the writers use, built from the driver's rows: writers
never touch ORM objects or lazy loads, and an export of a hundred thousand incidents builds each
record from its row in one C call (a frozen dataclass's keyword __init__ cost more than reading
the row).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal, NamedTuple, cast

from sqlalchemy import and_, func, or_, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from douse.core.db.base import table_of
from douse.core.db.models import (
    Activity,
    Author,
    Client,
    Incident,
    IncidentMention,
    Mention,
    Staff,
)
from douse.core.errors import NotFound
from douse.core.export.driver import (
    Row,
    fetch,
    instant_reader,
    json_reader,
    numeric_reader,
    raw,
)
from douse.core.export.period import Period

PAGE_SIZE = 500
# "first_url": the link only (csv); "quotes": the first QUOTES mentions' words (md, html).
# (douse JSON reads every mention with all it holds on its own: json_rows.)
MentionDetail = Literal["first_url", "quotes"]
QUOTES = 3


@dataclass(frozen=True)
class ClientRecord:
    id: int
    slug: str
    name: str
    timezone: str
    business_hours: dict[str, Any]
    holidays: dict[str, Any]
    first_response_minutes: int
    next_response_minutes: int
    resolution_minutes: int
    targets_by_severity: dict[str, Any]
    negative_threshold: float
    positive_threshold: float

    def first_response_target(self, severity: str) -> int:
        override = (self.targets_by_severity.get(severity) or {}).get("first_response")
        return int(override) if override is not None else self.first_response_minutes


class QuoteRecord(NamedTuple):
    """What a report quotes of one of an incident's first mentions."""

    platform: str
    author_handle: str | None
    title: str
    text: str


class ActivityRecord(NamedTuple):
    id: int
    kind: str
    channel: str | None
    staff: str | None
    at: datetime
    body: str
    outcome: str | None
    amount: Decimal | None
    currency: str | None
    details: dict[str, Any]
    corrects_id: int | None


class IncidentRecord(NamedTuple):
    """What the csv, md and html exports write of an incident (douse JSON, which writes every
    column, reads its own: json_rows)."""

    id: int
    kind: str
    title: str
    severity: str
    status: str
    owner: str | None
    distinct_authors: int
    mention_count: int
    opened_at: datetime
    first_response_at: datetime | None
    first_response_due_at: datetime | None
    breached_at: datetime | None
    breach_kind: str | None
    resolved_at: datetime | None
    resolution: str | None
    repair_status: str | None
    merged_into_id: int | None
    first_mention_url: str | None
    activities: tuple[ActivityRecord, ...]
    quotes: tuple[QuoteRecord, ...]  # with mentions="quotes": the first QUOTES, oldest first


def load_client(session: Session, slug: str) -> ClientRecord:
    client = session.scalars(select(Client).where(Client.slug == slug)).one_or_none()
    if client is None:
        raise NotFound(f"no client with slug {slug!r}")
    return ClientRecord(
        id=client.id,
        slug=client.slug,
        name=client.name,
        timezone=client.timezone or "UTC",
        business_hours=dict(client.business_hours or {}),
        holidays=dict(client.holidays or {}),
        first_response_minutes=client.first_response_minutes,
        next_response_minutes=client.next_response_minutes,
        resolution_minutes=client.resolution_minutes,
        targets_by_severity=dict(client.targets_by_severity or {}),
        negative_threshold=client.negative_threshold,
        positive_threshold=client.positive_threshold,
    )


def in_period(period: Period) -> Any:
    cond = Incident.opened_at < period.until
    return cond if period.since is None else and_(Incident.opened_at >= period.since, cond)


def _staff_handles(session: Session) -> dict[int, str]:
    # Staff is the agency's team (tens of people): one small dict beats a join per row.
    return dict(session.execute(select(Staff.id, Staff.handle)).all())


# Rows are read on the driver's cursor as plain tuples (core/export/driver.py), only the columns
# a writer uses, converted positionally once a row: ORM objects, then SQLAlchemy's Result rows
# with a processor call per typed value, each cost more than the query and the writing together.


def _first_urls(connection: Connection, ids: Sequence[int]) -> dict[int, str | None]:
    rows = fetch(
        connection,
        select(raw(IncidentMention.incident_id), raw(Mention.url), raw(Mention.canonical_url))
        .join(Mention, Mention.id == IncidentMention.mention_id)
        .where(IncidentMention.incident_id.in_(ids))
        .order_by(IncidentMention.incident_id, Mention.published_at, Mention.id),
    )
    first: dict[int, str | None] = {}
    for incident_id, url, canonical in rows:
        if incident_id not in first:
            first[incident_id] = url or canonical
    return first


_QUOTED_COLUMNS = (
    IncidentMention.incident_id,
    Mention.platform,
    Author.handle,
    Mention.title,
    Mention.text,
    Mention.url,
    Mention.canonical_url,
)


def _linked(query: Any) -> Any:
    return query.join(Mention, Mention.id == IncidentMention.mention_id).outerjoin(
        Author, Author.id == Mention.author_id
    )


def _spans(rows: Sequence[Row], limit: int | None = None) -> dict[int, tuple[int, int]]:
    """Where each incident's rows lie in `rows` (grouped by incident, its id first): the slice
    [start, end), at most `limit` long.

    A page's rows stay the driver's tuples until their incident is written, rather than
    becoming a page of records at once: records alive across the collector's passes were
    promoted to its oldest generation, and the full collections that followed cost a tenth of
    a report."""
    spans: dict[int, tuple[int, int]] = {}
    current = None
    start = 0
    for index, row in enumerate(rows):
        if row[0] != current:
            if current is not None:
                spans[current] = (start, index if limit is None else min(index, start + limit))
            current, start = row[0], index
    if current is not None:
        end = len(rows)
        spans[current] = (start, end if limit is None else min(end, start + limit))
    return spans


def _quote_rows(
    connection: Connection, ids: Sequence[int], few: Sequence[int]
) -> tuple[list[Row], dict[int, tuple[int, int]]]:
    """The rows of each incident's first QUOTES mentions (the words a report shows, and the
    first link), and where each incident's are.

    Only those rows leave the database: a spike can hold thousands of mentions, and reading
    every one (with its raw payload) to show three cost more than the rest of the report. The
    incidents in `few` hold no more mentions than are quoted (by their count), so theirs are
    read by a plain ordered join; ranking them in a window cost SQLite half as much again, and
    they are most incidents. Should a count be behind, the extra rows are read and skipped."""
    rows: list[Row] = []
    if few:
        rows += fetch(
            connection,
            _linked(select(*(raw(c) for c in _QUOTED_COLUMNS)))
            .where(IncidentMention.incident_id.in_(few))
            .order_by(IncidentMention.incident_id, Mention.published_at, Mention.id),
        )
    quoted_whole = set(few)
    many = [i for i in ids if i not in quoted_whole]
    if many:
        ranked = (
            _linked(
                select(
                    *_QUOTED_COLUMNS,
                    func.row_number()
                    .over(
                        partition_by=IncidentMention.incident_id,
                        order_by=(Mention.published_at, Mention.id),
                    )
                    .label("n"),
                )
            )
            .where(IncidentMention.incident_id.in_(many))
            .subquery()
        )
        rows += fetch(
            connection,
            select(*(raw(c) for c in ranked.c if c.key != "n"))
            .where(ranked.c.n <= QUOTES)
            .order_by(ranked.c.incident_id, ranked.c.n),
        )
    # Each incident is in one of the two statements, so its rows are together.
    return rows, _spans(rows, QUOTES)


def _quotes(rows: Sequence[Row], span: tuple[int, int] | None) -> tuple[QuoteRecord, ...]:
    if span is None:
        return ()
    return tuple(
        [
            QuoteRecord(platform, handle, title or "", text or "")
            for _, platform, handle, title, text, _, _ in rows[span[0] : span[1]]
        ]
    )


def unlinked_mentions_filter(client_id: int, period: Period) -> Any:
    """The client's mentions published in the period that no incident opened in it holds.

    An uncorrelated NOT IN: the linked ids are gathered once (SQLite materialises them, PostgreSQL
    hashes them). A correlated NOT EXISTS was planned from the incidents side on SQLite, a scan of
    the client's incidents for every mention: 69 s for 20,000 incidents.
    """
    linked = (
        select(IncidentMention.mention_id)
        .join(Incident, Incident.id == IncidentMention.incident_id)
        .where(Incident.client_id == client_id, in_period(period))
    )
    cond = and_(
        Mention.client_id == client_id,
        Mention.published_at < period.until,
        Mention.id.not_in(linked),
    )
    return cond if period.since is None else and_(cond, Mention.published_at >= period.since)


ACTIVITY_SELECT = tuple(
    raw(c)
    for c in (
        Activity.incident_id,
        Activity.id,
        Activity.kind,
        Activity.channel,
        Activity.staff_id,
        Activity.at,
        Activity.body,
        Activity.outcome,
        Activity.amount,
        Activity.currency,
        Activity.details,
        Activity.corrects_id,
    )
)


class _Activities:
    """A page's activity rows, made records as their incident is written (see _spans)."""

    def __init__(self, connection: Connection, staff: dict[int, str]) -> None:
        dialect = connection.dialect
        self.instant = instant_reader(dialect)
        self.decode = json_reader(dialect)
        self.amount_of = numeric_reader(table_of(Activity).c.amount.type, dialect)
        self.staff = staff
        self.rows: Sequence[Row] = ()
        self.spans: dict[int, tuple[int, int]] = {}

    def read(self, connection: Connection, ids: Sequence[int]) -> None:
        self.rows = fetch(
            connection,
            select(*ACTIVITY_SELECT)
            .where(Activity.incident_id.in_(ids))
            .order_by(Activity.incident_id, Activity.at, Activity.id),
        )
        self.spans = _spans(self.rows)

    def of(self, incident_id: int) -> tuple[ActivityRecord, ...]:
        span = self.spans.get(incident_id)
        if span is None:
            return ()
        instant, decode, amount_of, staff = self.instant, self.decode, self.amount_of, self.staff
        records = []
        for (
            _,
            id_,
            kind,
            channel,
            staff_id,
            at,
            body,
            outcome,
            amount,
            currency,
            details,
            corrects_id,
        ) in self.rows[span[0] : span[1]]:
            details = decode(details)
            records.append(
                ActivityRecord(
                    id_,
                    kind,
                    channel,
                    staff.get(staff_id) if staff_id else None,
                    cast(datetime, instant(at)),
                    body or "",
                    outcome,
                    None if amount is None else amount_of(amount),
                    currency,
                    dict(details) if details else {},
                    corrects_id,
                )
            )
        return tuple(records)


# What an IncidentRecord is made of (not the incident's cached summary and other desk state).
_INCIDENT_NAMES = (
    "id",
    "kind",
    "title",
    "severity",
    "status",
    "owner_id",
    "distinct_authors",
    "mention_count",
    "opened_at",
    "first_response_at",
    "first_response_due_at",
    "breached_at",
    "breach_kind",
    "resolved_at",
    "resolution",
    "repair_status",
    "merged_into_id",
)
_INCIDENT_COLUMNS = tuple(raw(table_of(Incident).c[name]) for name in _INCIDENT_NAMES)


def incident_pages(
    connection: Connection,
    columns: Sequence[Any],
    client_id: int,
    period: Period,
    page_size: int,
    opened_at: Callable[[Row], datetime],
) -> Iterator[Sequence[Row]]:
    """A client's incidents opened in the period as driver rows (`columns`, the id first), in
    keyset pages of (opened_at, id): one page in memory, whatever the client's size.
    `opened_at` reads a row's opening instant back as the key of the next page."""
    after: tuple[datetime, int] | None = None
    while True:
        query = select(*columns).where(Incident.client_id == client_id, in_period(period))
        if after is not None:
            query = query.where(
                or_(
                    Incident.opened_at > after[0],
                    and_(Incident.opened_at == after[0], Incident.id > after[1]),
                )
            )
        page = fetch(connection, query.order_by(Incident.opened_at, Incident.id).limit(page_size))
        if not page:
            return
        yield page
        after = (opened_at(page[-1]), page[-1][0])


def iter_incidents(
    session: Session,
    client_id: int,
    period: Period,
    *,
    mentions: MentionDetail = "first_url",
    activities: bool = False,
    page_size: int = PAGE_SIZE,
) -> Iterator[IncidentRecord]:
    """Every incident of one client opened in the period, oldest first, one page in memory."""
    staff = _staff_handles(session)
    connection = session.connection()
    instant = instant_reader(connection.dialect)
    acts = _Activities(connection, staff) if activities else None
    opened = _INCIDENT_NAMES.index("opened_at")
    for page in incident_pages(
        connection,
        _INCIDENT_COLUMNS,
        client_id,
        period,
        page_size,
        lambda row: cast(datetime, instant(row[opened])),
    ):
        ids = [row[0] for row in page]
        quoted: list[Row] = []
        spans: dict[int, tuple[int, int]] = {}
        first: dict[int, str | None] = {}
        if mentions == "quotes":
            few = [row[0] for row in page if row[7] <= QUOTES]
            quoted, spans = _quote_rows(connection, ids, few)
            # The first link: the first quoted mention's.
            first = {i: quoted[start][5] or quoted[start][6] for i, (start, _) in spans.items()}
        else:
            first = _first_urls(connection, ids)
        if acts is not None:
            acts.read(connection, ids)
        for (
            id_,
            kind,
            title,
            severity,
            status,
            owner_id,
            distinct_authors,
            mention_count,
            opened_at,
            first_response_at,
            first_response_due_at,
            breached_at,
            breach_kind,
            resolved_at,
            resolution,
            repair_status,
            merged_into_id,
        ) in page:
            opened_at = instant(opened_at)
            yield IncidentRecord(
                id_,
                kind,
                title,
                severity,
                status,
                staff.get(owner_id) if owner_id else None,
                distinct_authors,
                mention_count,
                cast(datetime, opened_at),
                instant(first_response_at),
                instant(first_response_due_at),
                instant(breached_at),
                breach_kind,
                instant(resolved_at),
                resolution,
                repair_status,
                merged_into_id,
                first.get(id_),
                () if acts is None else acts.of(id_),
                _quotes(quoted, spans.get(id_)),
            )


def iter_client_activities(
    session: Session, client_id: int, period: Period, *, page_size: int = PAGE_SIZE
) -> Iterator[tuple[IncidentRecord, ActivityRecord]]:
    """One (incident, activity) pair per activity, for the `--activities` CSV."""
    for incident in iter_incidents(
        session, client_id, period, mentions="first_url", activities=True, page_size=page_size
    ):
        for activity in incident.activities:
            yield incident, activity
