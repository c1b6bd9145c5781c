"""The rows douse JSON writes, read as the database driver hands them back and turned straight
into the document's objects.

douse JSON writes every column of every row, so reading is most of its cost. Statements are
still built and compiled by SQLAlchemy, but the rows are fetched on the driver's cursor as plain
tuples (no Result rows, no processor call per typed value, no record per row) and only the
columns whose driver value is not already what the document holds are converted, per dialect:

* SQLite hands back text for instants (rewritten to the document's form, instant_text), JSON
  columns (decoded by the C scanner; the empty list and object without decoding), 0/1 for
  booleans and a float for the amount (made a Decimal as SQLAlchemy does);
* psycopg hands back aware datetimes (written as UTC text), and JSON, booleans and amounts
  already decoded.

(Rewriting SQLite's instants in SQL instead, `replace(opened_at, ' ', 'T') || 'Z'` behind a
check of the shape and the date, cost SQLite more than the Python rewrite: 0.35-0.55 s against
0.17 s for the 20,000-incident benchmark's 280,000 incident instants.)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple, cast

from sqlalchemy import Boolean, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, aliased

from douse.core.db.base import table_of
from douse.core.db.models import (
    Account,
    Activity,
    Author,
    Incident,
    IncidentMention,
    Mention,
    Source,
    Staff,
)
from douse.core.export.driver import as_is, decode_stored_json, fetch, numeric_reader, raw
from douse.core.export.instant_text import sqlite_instant_text, utc_text
from douse.core.export.period import Period
from douse.core.export.records import (
    ACTIVITY_SELECT,
    PAGE_SIZE,
    incident_pages,
    unlinked_mentions_filter,
)
from douse.core.export.response import ResponseRow, first_response_outcome

Row = Sequence[Any]
Document = dict[str, Any]


# ------------------------------------------------------------------------------ per dialect


@dataclass(frozen=True)
class _Convert:
    """How one dialect's driver values become the document's."""

    instant: Callable[[Any], str | None]
    json: Callable[[Any], Any]
    flag: Callable[[Any], Any]
    amount: Callable[[Any], Any]


def _converters(connection: Connection) -> _Convert:
    dialect = connection.dialect
    if dialect.name == "sqlite":
        numeric = numeric_reader(table_of(Activity).c.amount.type, dialect)
        boolean = Boolean().result_processor(dialect, None)
        return _Convert(sqlite_instant_text, decode_stored_json, boolean or as_is, numeric)
    return _Convert(utc_text, as_is, as_is, as_is)


# ---------------------------------------------------------------------------------- lookups


class _Lookups(NamedTuple):
    """The agency's small tables, read once an export (tens of rows each), instead of a join
    per row."""

    staff: dict[int, str]
    accounts: dict[int, Document]
    sources: dict[int, Document]


def _lookups(session: Session, client_id: int) -> _Lookups:
    staff = dict(session.execute(select(Staff.id, Staff.handle)).all())
    accounts = {
        i: {"platform": p, "handle": h}
        for i, p, h in session.execute(
            select(Account.id, Account.platform, Account.handle).where(
                Account.client_id == client_id
            )
        )
    }
    sources = {
        i: {"name": n, "kind": k, "target": t}
        for i, n, k, t in session.execute(
            select(Source.id, Source.name, Source.kind, Source.target).where(
                Source.client_id == client_id
            )
        )
    }
    return _Lookups(staff, accounts, sources)


# --------------------------------------------------------------------------------- mentions

_ORIGINAL = aliased(Mention)
_MENTION_COLUMNS = tuple(
    raw(c)
    for c in (
        Mention.id,
        Mention.platform,
        Mention.external_id,
        Mention.dedupe_key,
        Mention.url,
        Mention.canonical_url,
        Mention.title,
        Mention.text,
        Mention.published_at,
        Mention.fetched_at,
        Mention.language,
        Mention.sentiment_compound,
        Mention.sentiment_label,
        Mention.sentiment_reasons,
        Mention.model_label,
        Mention.label_corrected_by_id,
        Mention.likes,
        Mention.shares,
        Mention.replies,
        Mention.fingerprint,
        Mention.duplicate_count,
        Mention.raw,
        Mention.account_id,
        Mention.source_id,
        Mention.author_id,
        Author.platform.label("author_platform"),
        Author.handle.label("author_handle"),
        Author.display_name.label("author_display_name"),
        Author.profile_url.label("author_profile_url"),
        Author.followers.label("author_followers"),
        Author.is_troll.label("author_is_troll"),
        Author.is_vip.label("author_is_vip"),
        _ORIGINAL.dedupe_key.label("duplicate_of"),
    )
)


def _with_author_and_original(query: Any) -> Any:
    return query.outerjoin(Author, Author.id == Mention.author_id).outerjoin(
        _ORIGINAL, _ORIGINAL.id == Mention.duplicate_of_id
    )


def _mention(r: Row, added_at: str | None, c: _Convert, look: _Lookups) -> Document:
    """A mention's object from a row of _MENTION_COLUMNS (positional: once a mention)."""
    (
        id_,
        platform,
        external_id,
        dedupe_key,
        url,
        canonical_url,
        title,
        text,
        published_at,
        fetched_at,
        language,
        compound,
        sentiment_label,
        reasons,
        model_label,
        corrected_by,
        likes,
        shares,
        replies,
        fingerprint,
        duplicate_count,
        raw,
        account_id,
        source_id,
        author_id,
        a_platform,
        a_handle,
        a_display_name,
        a_profile_url,
        a_followers,
        a_is_troll,
        a_is_vip,
        duplicate_of,
    ) = r
    reasons = c.json(reasons)
    return {
        "id": id_,
        "added_at": added_at,
        "platform": platform,
        "external_id": external_id,
        "dedupe_key": dedupe_key,
        "url": url,
        "canonical_url": canonical_url,
        "title": title or "",
        "text": text or "",
        "published_at": c.instant(published_at),
        "fetched_at": c.instant(fetched_at),
        "language": language,
        "sentiment": {
            "compound": compound,
            "label": sentiment_label,
            "reasons": list(reasons) if reasons else [],
            "model_label": model_label,
            "corrected_by": look.staff.get(corrected_by) if corrected_by else None,
        },
        "likes": likes,
        "shares": shares,
        "replies": replies,
        "fingerprint": fingerprint,
        "duplicate_of": duplicate_of,
        "duplicate_count": duplicate_count,
        "author": None
        if author_id is None or a_handle is None
        else {
            "platform": a_platform,
            "handle": a_handle,
            "display_name": a_display_name,
            "profile_url": a_profile_url,
            "followers": a_followers,
            "is_troll": c.flag(a_is_troll),
            "is_vip": c.flag(a_is_vip),
        },
        "account": look.accounts.get(account_id) if account_id else None,
        "source": look.sources.get(source_id) if source_id else None,
        "raw": c.json(raw),
    }


def _incident_mentions(connection: Connection, ids: Sequence[int]) -> dict[int, list[Row]]:
    """The page's mention rows by incident, left as rows: the objects are built as each
    incident is written (a page of them alive at once was promoted to the collector's oldest
    generation and scanned again and again)."""
    rows = fetch(
        connection,
        _with_author_and_original(
            select(
                raw(IncidentMention.incident_id),
                raw(IncidentMention.added_at),
                *_MENTION_COLUMNS,
            ).join(Mention, Mention.id == IncidentMention.mention_id)
        )
        .where(IncidentMention.incident_id.in_(ids))
        .order_by(IncidentMention.incident_id, Mention.published_at, Mention.id),
    )
    out: dict[int, list[Row]] = defaultdict(list)
    for row in rows:
        out[row[0]].append(row)
    return out


def unlinked_mentions(
    session: Session, client_id: int, period: Period, *, page_size: int = PAGE_SIZE
) -> Iterator[Document]:
    """The period's mentions outside every exported incident, oldest first.

    The report's chart counts every mention, so a document that is to be read back into another
    database needs these as well as the incidents' own. One streamed statement (`yield_per`: a
    server-side cursor on PostgreSQL), not keyset pages: the set of linked ids is gathered once
    per export rather than once per page, and only a page of rows is in memory.
    """
    connection = session.connection()
    c = _converters(connection)
    look = _lookups(session, client_id)
    result = connection.execute(
        _with_author_and_original(select(*_MENTION_COLUMNS))
        .where(unlinked_mentions_filter(client_id, period))
        .order_by(Mention.published_at, Mention.id)
        .execution_options(yield_per=page_size)
    )
    for page in result.partitions():
        for row in page:
            yield _mention(row, None, c, look)


# ------------------------------------------------------------------------------- activities


def _activities(connection: Connection, ids: Sequence[int]) -> dict[int, list[Row]]:
    """The page's activity rows by incident (built as each incident is written, as mentions)."""
    rows = fetch(
        connection,
        select(*ACTIVITY_SELECT)
        .where(Activity.incident_id.in_(ids))
        .order_by(Activity.incident_id, Activity.at, Activity.id),
    )
    out: dict[int, list[Row]] = defaultdict(list)
    for row in rows:
        out[row[0]].append(row)
    return out


# Details that name posts and authors by id (a thank-you's post, the posts a split moved, a
# troll flag's author): the entry says which rows they are in terms any database can find (a
# post's dedupe_key, an author's platform and handle), so an import maps them without keeping
# every exported id (core.ingest.douse_json).
_POST_KEYS = ("mention_id", "mentions")
_AUTHOR_KEYS = ("troll_author",)


def _ids_named(details: dict[str, Any], keys: tuple[str, ...]) -> list[int]:
    found: list[int] = []
    for key in keys:
        value = details.get(key)
        for v in value if isinstance(value, list) else [value]:
            if isinstance(v, int) and not isinstance(v, bool):
                found.append(v)
    return found


def _refs(connection: Connection, c: _Convert, rows: Sequence[Row]) -> dict[int, Document]:
    """The page's entries that name posts or authors by id: activity id -> their refs."""
    named: dict[int, tuple[list[int], list[int]]] = {}
    for row in rows:
        stored = row[10]
        if not stored or (
            isinstance(stored, str) and '"mention' not in stored and '"troll_author"' not in stored
        ):
            continue  # most entries name nothing: their JSON is not decoded twice
        details = c.json(stored)
        if isinstance(details, dict):
            posts, authors = _ids_named(details, _POST_KEYS), _ids_named(details, _AUTHOR_KEYS)
            if posts or authors:
                named[row[1]] = (posts, authors)
    if not named:
        return {}
    post_ids = {i for posts, _ in named.values() for i in posts}
    author_ids = {i for _, authors in named.values() for i in authors}
    keys: dict[int, str] = {}
    if post_ids:
        query = select(Mention.id, Mention.dedupe_key).where(Mention.id.in_(post_ids))
        keys = {i: key for i, key in fetch(connection, query)}
    people: dict[int, Document] = {}
    if author_ids:
        whom = select(Author.id, Author.platform, Author.handle).where(Author.id.in_(author_ids))
        people = {i: {"platform": p, "handle": h} for i, p, h in fetch(connection, whom)}
    refs: dict[int, Document] = {}
    for activity_id, (posts, authors) in named.items():
        ref: Document = {}
        if found_posts := {str(i): keys[i] for i in posts if i in keys}:
            ref["mentions"] = found_posts
        if found_authors := {str(i): people[i] for i in authors if i in people}:
            ref["authors"] = found_authors
        if ref:
            refs[activity_id] = ref
    return refs


def _activity(r: Row, c: _Convert, staff: dict[int, str], refs: Document | None) -> Document:
    (
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
    ) = r
    details = c.json(details)
    return {
        "id": id_,
        "kind": kind,
        "channel": channel,
        "staff": staff.get(staff_id) if staff_id else None,
        "at": c.instant(at),
        "body": body or "",
        "outcome": outcome,
        "amount": None if amount is None else str(c.amount(amount)),
        "currency": currency,
        "details": dict(details) if details else {},
        "corrects_id": corrects_id,
        **({"refs": refs} if refs else {}),
    }


# -------------------------------------------------------------------------------- incidents

_INCIDENT_COLUMNS = tuple(
    raw(table_of(Incident).c[name])
    for name in (
        "id",
        "kind",
        "title",
        "severity",
        "severity_reasons",
        "status",
        "owner_id",
        "account_id",
        "is_pattern",
        "distinct_authors",
        "mention_count",
        "terms",
        "opened_at",
        "acknowledged_at",
        "first_response_at",
        "last_customer_at",
        "last_response_at",
        "resolved_at",
        "closed_at",
        "first_response_due_at",
        "next_response_due_at",
        "resolution_due_at",
        "due_at",
        "paused_at",
        "breached_at",
        "breach_kind",
        "resolution",
        "repair_status",
        "merged_into_id",
        "updated_at",
        "updated_by_id",
    )
)


def _instant(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _incident(
    r: Row,
    now: datetime,
    c: _Convert,
    look: _Lookups,
    mentions: list[Row],
    activities: list[Row],
    refs: dict[int, Document],
) -> Document:
    """An incident's object from a row of _INCIDENT_COLUMNS (positional: once an incident)."""
    (
        id_,
        kind,
        title,
        severity,
        severity_reasons,
        status,
        owner_id,
        account_id,
        is_pattern,
        distinct_authors,
        mention_count,
        terms,
        opened_at,
        acknowledged_at,
        first_response_at,
        last_customer_at,
        last_response_at,
        resolved_at,
        closed_at,
        first_response_due_at,
        next_response_due_at,
        resolution_due_at,
        due_at,
        paused_at,
        breached_at,
        breach_kind,
        resolution,
        repair_status,
        merged_into_id,
        updated_at,
        updated_by_id,
    ) = r
    instant = c.instant
    opened_at = instant(opened_at)
    first_response_at = instant(first_response_at)
    first_response_due_at = instant(first_response_due_at)
    breached_at = instant(breached_at)
    severity_reasons = c.json(severity_reasons)
    terms = c.json(terms)
    # The outcome from the instants as the document writes them (the four it compares are read
    # back; text with and without a fraction does not sort as time does).
    outcome = first_response_outcome(
        ResponseRow(
            datetime.fromisoformat(cast(str, opened_at)),
            _instant(first_response_at),
            _instant(first_response_due_at),
            _instant(breached_at),
            breach_kind,
        ),
        now,
    )
    return {
        "id": id_,
        "kind": kind,
        "title": title,
        "severity": severity,
        "severity_reasons": list(severity_reasons) if severity_reasons else [],
        "status": status,
        "owner": look.staff.get(owner_id) if owner_id else None,
        "account": look.accounts.get(account_id) if account_id else None,
        "is_pattern": c.flag(is_pattern),
        "distinct_authors": distinct_authors,
        "mention_count": mention_count,
        "terms": list(terms) if terms else [],
        "opened_at": opened_at,
        "acknowledged_at": instant(acknowledged_at),
        "first_response_at": first_response_at,
        "last_customer_at": instant(last_customer_at),
        "last_response_at": instant(last_response_at),
        "resolved_at": instant(resolved_at),
        "closed_at": instant(closed_at),
        "first_response_due_at": first_response_due_at,
        "next_response_due_at": instant(next_response_due_at),
        "resolution_due_at": instant(resolution_due_at),
        "due_at": instant(due_at),
        "paused_at": instant(paused_at),
        "breached_at": breached_at,
        "breach_kind": breach_kind,
        "first_response": outcome,
        "resolution": resolution,
        "repair_status": repair_status,
        "merged_into_id": merged_into_id,
        "updated_at": instant(updated_at),
        "updated_by": look.staff.get(updated_by_id) if updated_by_id else None,
        "mentions": [_mention(m[2:], instant(m[1]), c, look) for m in mentions],
        "activities": [_activity(a, c, look.staff, refs.get(a[1])) for a in activities],
    }


def incidents(
    session: Session,
    client_id: int,
    period: Period,
    now: datetime,
    *,
    page_size: int = PAGE_SIZE,
) -> Iterator[Document]:
    """Every incident of one client opened in the period, oldest first, with its mentions and
    activities: keyset pages of (opened_at, id), each page's mentions and activities read with
    one statement apiece, one page in memory."""
    connection = session.connection()
    c = _converters(connection)
    look = _lookups(session, client_id)
    # The document's text names the same instant, so it reads back to the stored key.
    for page in incident_pages(
        connection,
        _INCIDENT_COLUMNS,
        client_id,
        period,
        page_size,
        lambda row: datetime.fromisoformat(cast(str, c.instant(row[12]))),
    ):
        ids = [row[0] for row in page]
        mentions = _incident_mentions(connection, ids)
        activities = _activities(connection, ids)
        refs = _refs(connection, c, [a for rows in activities.values() for a in rows])
        for row in page:
            yield _incident(
                row, now, c, look, mentions.get(row[0], []), activities.get(row[0], []), refs
            )
