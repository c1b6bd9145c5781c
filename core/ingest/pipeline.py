"""Store what an adapter found: keep what mentions the brand, deduplicate, score, insert in batches.

Per batch the pipeline asks the database three questions (which keys exist, which fingerprints
have an original, which authors exist) with one IN query each, scores only the mentions that are
really new, and inserts them with one multi-row statement. Re-ingesting the same data is a
no-op: every mention's key is already there. A near-duplicate copy (same normalised text under a
different key) is stored as its own row pointing at the first one (`duplicate_of_id`), and the
first one's `duplicate_count` grows: nothing is lost, and the incident engine sees only originals.

Nothing here commits; the caller owns the transaction (one per source page).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from typing import Any, Protocol

from sqlalchemy import Insert, case, func, insert, or_, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from douse.core.db.base import table_of
from douse.core.db.models import Author, Mention
from douse.core.ingest.dedupe import dedupe_key, fingerprint, normalize_handle
from douse.core.ingest.tame import tame
from douse.core.ingest.types import RawAuthor, RawMention
from douse.core.learning.choose import scorer_for

BATCH_SIZE = 1000
MAX_RAW_BYTES = 16_000
MAX_TITLE = 2_000
MAX_TEXT = 100_000
# Keys that may carry credentials in an API payload; never stored, whatever the adapter sent.
_SECRET_KEY = re.compile(r"token|secret|passw|authori[sz]ation|api[_-]?key|cookie|session", re.I)


class Matcher(Protocol):
    def matches(self, text: str) -> Any: ...


class SentimentLike(Protocol):
    # Read-only, as on core.sentiment's frozen SentimentResult.
    @property
    def compound(self) -> float | None: ...  # None: not scored (not English, no words)
    @property
    def label(self) -> str: ...
    @property
    def language(self) -> str | None: ...
    @property
    def reasons(self) -> Any: ...


class Scorer(Protocol):
    def score(
        self,
        text: str,
        *,
        negative_threshold: float,
        positive_threshold: float,
        brand_terms: Sequence[str] = (),
    ) -> SentimentLike: ...


OnStored = Callable[[Session, list[int], datetime], object]


@dataclass(frozen=True)
class ClientRules:
    """What the pipeline needs to know about a client: built once per client per pass."""

    client_id: int
    # None keeps everything: staff typed it in or imported it on purpose.
    matcher: Matcher | None
    negative_threshold: float = -0.05
    positive_threshold: float = 0.05
    # The client's own names (core.brand.client_brand_terms): never scored as sentiment.
    brand_terms: tuple[str, ...] = ()


MAX_TAME_NOTES = 5


@dataclass
class StoreResult:
    new: int = 0
    duplicate: int = 0  # already stored under the same key (a re-ingest)
    near_duplicate: int = 0  # a copy of an earlier mention, linked to it
    dropped: int = 0  # does not mention the brand, or has no text at all
    new_ids: list[int] = field(default_factory=list)
    tamed: int = 0  # posts kept with a hostile number or date clamped (core.ingest.tame)
    tame_notes: list[str] = field(default_factory=list)  # the first few, for the source's note

    def add(self, other: StoreResult) -> None:
        self.new += other.new
        self.duplicate += other.duplicate
        self.near_duplicate += other.near_duplicate
        self.dropped += other.dropped
        self.new_ids.extend(other.new_ids)
        self.tamed += other.tamed
        self.tame_notes.extend(other.tame_notes[: MAX_TAME_NOTES - len(self.tame_notes)])

    def note(self, item: RawMention, notes: list[str]) -> None:
        self.tamed += 1
        if len(self.tame_notes) < MAX_TAME_NOTES:
            said = " ".join((item.title or item.text or "").split())
            where = item.row or (f"{said[:40]!r}" if said else item.url or "a post")
            self.tame_notes.append(f"{where}: {'; '.join(notes)}")

    def warning(self) -> str | None:
        """One line for the source's note, or None when no number had to be tamed."""
        if not self.tamed:
            return None
        first = self.tame_notes[0] if self.tame_notes else ""
        more = f" (and {self.tamed - 1} more)" if self.tamed > 1 else ""
        return f"{self.tamed} post(s) kept with out-of-range numbers or dates: {first}{more}"


@dataclass
class _Candidate:
    item: RawMention
    key: str
    title: str
    text: str
    fingerprint: str | None
    published_at: datetime
    author: tuple[str, str] | None
    # Set for a copy: the original's id (stored earlier) or its candidate (same batch).
    original_id: int | None = None
    original: _Candidate | None = None
    sentiment: dict[str, Any] = field(default_factory=dict)


def _clip(value: str | None, limit: int) -> str | None:
    if value is None:
        return None
    return value if len(value) <= limit else value[:limit]


def _jsonable(value: Any, depth: int = 0) -> Any:
    if depth > 8:
        return None
    if isinstance(value, dict):
        return {
            str(k): _jsonable(v, depth + 1)
            for k, v in value.items()
            if not _SECRET_KEY.search(str(k))
        }
    if isinstance(value, list | tuple):
        return [_jsonable(v, depth + 1) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def bounded_raw(raw: dict[str, Any] | None) -> dict[str, Any] | None:
    """The adapter's payload without credentials, and cut to an excerpt when it is huge."""
    if not raw:
        return None
    clean = _jsonable(raw)
    dumped = json.dumps(clean, ensure_ascii=False, allow_nan=False, default=str)
    if len(dumped) <= MAX_RAW_BYTES:
        return clean
    return {"_truncated_from": len(dumped), "excerpt": dumped[:MAX_RAW_BYTES]}


def _chunks(items: Iterable[RawMention], size: int) -> Iterator[list[RawMention]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _dialect_insert(session: Session, table: Any) -> Insert:
    name = session.get_bind().dialect.name
    if name == "postgresql":
        return postgresql.insert(table)
    if name == "sqlite":
        return sqlite.insert(table)
    return insert(table)


def _do_nothing(stmt: Insert, columns: list[str]) -> Insert:
    if isinstance(stmt, postgresql.Insert | sqlite.Insert):
        return stmt.on_conflict_do_nothing(index_elements=columns)
    return stmt


def _author_key(author: RawAuthor | None) -> tuple[str, str] | None:
    if author is None or not author.handle or not author.handle.strip():
        return None
    return (_clip(author.platform, 32) or "", _clip(normalize_handle(author.handle), 300) or "")


def upsert_authors(
    session: Session, seen: Sequence[tuple[RawAuthor, datetime]]
) -> dict[tuple[str, str], int]:
    """Insert new authors and refresh known ones (name, followers, first/last seen); ids by key.

    An author is the same person across every client: keyed by platform and normalised handle.
    """
    latest: dict[tuple[str, str], tuple[RawAuthor, datetime, datetime]] = {}
    for author, when in seen:
        key = _author_key(author)
        if key is None:
            continue
        known = latest.get(key)
        if known is None:
            latest[key] = (author, when, when)
        else:
            newest = author if when >= known[2] else known[0]
            latest[key] = (newest, min(known[1], when), max(known[2], when))
    if not latest:
        return {}
    table = table_of(Author)
    stmt = _dialect_insert(session, table)
    if not isinstance(stmt, postgresql.Insert | sqlite.Insert):  # pragma: no cover
        raise NotImplementedError(f"no upsert for {session.get_bind().dialect.name}")
    new = stmt.excluded
    # A known author is refreshed with what the newest post says (a missing value keeps the
    # old one) and the widest first/last-seen span; an unchanged row is not rewritten.
    refreshed = {
        "display_name": func.coalesce(new.display_name, table.c.display_name),
        "profile_url": func.coalesce(new.profile_url, table.c.profile_url),
        "followers": func.coalesce(new.followers, table.c.followers),
        "first_seen_at": case(
            (
                or_(table.c.first_seen_at.is_(None), new.first_seen_at < table.c.first_seen_at),
                new.first_seen_at,
            ),
            else_=table.c.first_seen_at,
        ),
        "last_seen_at": case(
            (
                or_(table.c.last_seen_at.is_(None), new.last_seen_at > table.c.last_seen_at),
                new.last_seen_at,
            ),
            else_=table.c.last_seen_at,
        ),
    }
    changed = or_(*(table.c[name].is_distinct_from(value) for name, value in refreshed.items()))
    upsert = stmt.on_conflict_do_update(
        index_elements=["platform", "handle"], set_=refreshed, where=changed
    ).returning(table.c.id, table.c.platform, table.c.handle)
    # Sorted, so two workers upserting overlapping authors lock rows in the same order.
    rows = [
        {
            "platform": key[0],
            "handle": key[1],
            "display_name": _clip(author.display_name, 300) or None,
            "profile_url": _clip(author.profile_url, 2000) or None,
            "followers": author.followers,
            "is_troll": False,
            "is_vip": False,
            "notes": "",
            "first_seen_at": first,
            "last_seen_at": last,
        }
        for key, (author, first, last) in sorted(latest.items())
    ]
    # One statement inserts the new and refreshes the changed; concurrent inserts of the same
    # author by another worker turn into a refresh, never an error.
    # Rows unpacked by position (reading a Row by name costs more than the rest of the loop).
    ids = {(platform, handle): id_ for id_, platform, handle in session.execute(upsert, rows)}
    unchanged = [key for key in latest if key not in ids]
    if unchanged:
        for row in session.execute(
            select(Author.id, Author.platform, Author.handle).where(
                tuple_(Author.platform, Author.handle).in_(unchanged)
            )
        ):
            ids[(row.platform, row.handle)] = row.id
    return ids


def _candidates(
    items: Sequence[RawMention], rules: ClientRules, now: datetime, result: StoreResult
) -> list[_Candidate]:
    found: list[_Candidate] = []
    for original in items:
        item, notes = tame(original)
        if notes:
            result.note(original, notes)
        title = _clip(item.title or "", MAX_TITLE) or ""
        text = _clip(item.text or "", MAX_TEXT) or ""
        if not title.strip() and not text.strip():
            result.dropped += 1
            continue
        if rules.matcher is not None and not rules.matcher.matches(f"{title}\n{text}"):
            result.dropped += 1
            continue
        published = item.published_at or now
        # A post cannot come from the future; a skewed clock must not float it above today's.
        if published > now:
            published = now
        found.append(
            _Candidate(
                item=item,
                key=dedupe_key(item),
                title=title,
                text=text,
                fingerprint=fingerprint(title, text),
                published_at=published,
                author=_author_key(item.author),
            )
        )
    return found


def _score_all(candidates: list[_Candidate], rules: ClientRules, scorer: Scorer) -> None:
    """Score a batch's new posts in one call when the scorer can (the rules' Analyzer and a
    learned model can: each pass then keeps its own tables in the processor's caches), one by
    one otherwise."""
    bodies = ["\n".join(part for part in (c.title, c.text) if part.strip()) for c in candidates]
    negative, positive, terms = (
        rules.negative_threshold,
        rules.positive_threshold,
        rules.brand_terms,
    )
    many = getattr(scorer, "score_many", None)
    if many is not None:
        results = many(
            bodies, negative_threshold=negative, positive_threshold=positive, brand_terms=terms
        )
    else:
        results = [
            scorer.score(
                body, negative_threshold=negative, positive_threshold=positive, brand_terms=terms
            )
            for body in bodies
        ]
    for candidate, scored in zip(candidates, results, strict=True):
        candidate.sentiment = {
            "sentiment_compound": scored.compound,
            "sentiment_label": scored.label,
            "model_label": scored.label,
            "sentiment_reasons": list(scored.reasons or []),
            "language": _clip(scored.language or candidate.item.language, 16),
        }


def _row(
    candidate: _Candidate,
    rules: ClientRules,
    now: datetime,
    source_id: int | None,
    account_id: int | None,
    author_ids: dict[tuple[str, str], int],
    duplicate_of_id: int | None,
) -> dict[str, Any]:
    item = candidate.item
    external_id = item.external_id.strip() if item.external_id else None
    return {
        "client_id": rules.client_id,
        "source_id": source_id,
        "account_id": account_id,
        "author_id": author_ids.get(candidate.author) if candidate.author else None,
        "platform": _clip(item.platform, 32),
        "external_id": _clip(external_id, 500),
        "dedupe_key": candidate.key,
        "url": _clip(item.url, 2000),
        "canonical_url": _clip(item.canonical_url, 2000),
        "title": candidate.title,
        "text": candidate.text,
        "published_at": candidate.published_at,
        "fetched_at": now,
        "label_corrected_by_id": None,
        "likes": max(0, item.likes or 0),
        "shares": max(0, item.shares or 0),
        "replies": max(0, item.replies or 0),
        "fingerprint": candidate.fingerprint,
        "duplicate_of_id": duplicate_of_id,
        "duplicate_count": 0,
        "raw": bounded_raw(item.raw),
        **candidate.sentiment,
    }


def _insert_mentions(session: Session, rows: list[dict[str, Any]]) -> dict[str, int]:
    """Insert rows, skipping keys another worker stored meanwhile; ids by dedupe key."""
    if not rows:
        return {}
    if session.get_bind().dialect.name == "sqlite":
        return _insert_mentions_sqlite(session, rows)
    return _insert_mentions_sqlalchemy(session, rows)


def _insert_mentions_sqlalchemy(session: Session, rows: list[dict[str, Any]]) -> dict[str, int]:
    stmt = _do_nothing(
        _dialect_insert(session, table_of(Mention)), ["client_id", "dedupe_key"]
    ).returning(table_of(Mention).c.id, table_of(Mention).c.dedupe_key)
    return {key: id_ for id_, key in session.execute(stmt, rows)}


def _insert_mentions_sqlite(session: Session, rows: list[dict[str, Any]]) -> dict[str, int]:
    """`_insert_mentions` on SQLite, as the statement SQLAlchemy's insertmanyvalues sends (a
    multi-row VALUES with ON CONFLICT DO NOTHING RETURNING, rows per statement within SQLite's
    limit on parameters), each value through its column type's own bind processor: the same
    rows stored. Built here because SQLAlchemy builds a parameter dict per row and processes
    it by name, a third of the insert's time for a thousand rows (a test compares the rows)."""
    connection = session.connection()
    dialect = connection.dialect
    table = table_of(Mention)
    names = list(rows[0])  # `_row` gives every row the same keys
    processors = [
        table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names
    ]
    quote = dialect.identifier_preparer.quote
    per = max(
        1,
        min(
            dialect.insertmanyvalues_page_size,
            dialect.insertmanyvalues_max_parameters // len(names),
        ),
    )
    head = f"INSERT INTO {quote(table.name)} ({', '.join(quote(n) for n in names)}) VALUES "
    one = "(" + ", ".join("?" * len(names)) + ")"
    tail = " ON CONFLICT (client_id, dedupe_key) DO NOTHING RETURNING id, dedupe_key"
    pairs = list(zip(names, processors, strict=True))
    ids: dict[str, int] = {}
    for start in range(0, len(rows), per):
        chunk = rows[start : start + per]
        values = [
            row[name] if process is None else process(row[name])
            for row in chunk
            for name, process in pairs
        ]
        statement = head + ", ".join([one] * len(chunk)) + tail
        for id_, key in connection.exec_driver_sql(statement, tuple(values)):
            ids[key] = id_
    return ids


@dataclass
class _Batch:
    """One batch on its way in: who stores it, for which client and source, and the tally."""

    session: Session
    rules: ClientRules
    now: datetime
    scorer: Scorer
    source_id: int | None
    account_id: int | None
    result: StoreResult = field(default_factory=StoreResult)

    def row(
        self, candidate: _Candidate, authors: dict[tuple[str, str], int], of: int | None
    ) -> dict[str, Any]:
        return _row(candidate, self.rules, self.now, self.source_id, self.account_id, authors, of)


def _store_batch(
    session: Session,
    rules: ClientRules,
    items: Sequence[RawMention],
    now: datetime,
    scorer: Scorer,
    source_id: int | None,
    account_id: int | None,
) -> StoreResult:
    batch = _Batch(session, rules, now, scorer, source_id, account_id)
    fresh = _fresh(batch, _candidates(items, rules, now, batch.result))
    if not fresh:
        return batch.result
    firsts, copies = _split_copies(fresh, _originals(batch, fresh))
    # Scored before the first write: SQLite holds its one write lock from the first INSERT to
    # the commit, and scoring is most of a batch's time. Done under the lock, a long import
    # kept the desk and the pollers waiting seconds for every batch.
    _score_all(firsts, batch.rules, batch.scorer)
    authors = upsert_authors(
        session, [(c.item.author, c.published_at) for c in fresh if c.item.author is not None]
    )
    ids = _insert_firsts(batch, firsts, authors)
    _insert_copies(batch, copies, ids, authors)
    return batch.result


def _fresh(batch: _Batch, candidates: list[_Candidate]) -> list[_Candidate]:
    """The candidates not stored yet; a key repeated within the batch is a duplicate too."""
    if not candidates:
        return []
    stored = set(
        batch.session.scalars(
            select(Mention.dedupe_key).where(
                Mention.client_id == batch.rules.client_id,
                Mention.dedupe_key.in_({c.key for c in candidates}),
            )
        )
    )
    fresh: list[_Candidate] = []
    for candidate in candidates:
        if candidate.key in stored:
            batch.result.duplicate += 1
        else:
            stored.add(candidate.key)
            fresh.append(candidate)
    return fresh


_INHERITED = (
    "sentiment_compound",
    "sentiment_label",
    "model_label",
    "sentiment_reasons",
    "language",
)


def _originals(batch: _Batch, fresh: list[_Candidate]) -> dict[str, tuple[int, dict[str, Any]]]:
    """Stored originals by fingerprint, with the sentiment their copies inherit."""
    prints = {c.fingerprint for c in fresh if c.fingerprint}
    originals: dict[str, tuple[int, dict[str, Any]]] = {}
    if not prints:
        return originals
    columns = [getattr(Mention, name) for name in _INHERITED]
    for row in batch.session.execute(
        select(Mention.fingerprint, Mention.id, *columns)
        .where(
            Mention.client_id == batch.rules.client_id,
            Mention.fingerprint.in_(prints),
            Mention.duplicate_of_id.is_(None),
        )
        .order_by(Mention.id)
    ):
        if row.fingerprint not in originals:
            originals[row.fingerprint] = (row.id, {name: row._mapping[name] for name in _INHERITED})
    return originals


def _split_copies(
    fresh: list[_Candidate], originals: dict[str, tuple[int, dict[str, Any]]]
) -> tuple[list[_Candidate], list[_Candidate]]:
    """First sightings, and copies of a stored original or of an earlier post in the batch."""
    firsts: list[_Candidate] = []
    copies: list[_Candidate] = []
    first_in_batch: dict[str, _Candidate] = {}
    for candidate in fresh:
        fp = candidate.fingerprint
        if fp and fp in originals:
            candidate.original_id, candidate.sentiment = originals[fp]
            copies.append(candidate)
        elif fp and fp in first_in_batch:
            candidate.original = first_in_batch[fp]
            copies.append(candidate)
        else:
            if fp:
                first_in_batch[fp] = candidate
            firsts.append(candidate)
    return firsts, copies


def _insert_firsts(
    batch: _Batch, firsts: list[_Candidate], authors: dict[tuple[str, str], int]
) -> dict[str, int]:
    """Insert the first sightings (scored already); their ids by dedupe key."""
    ids = _insert_mentions(batch.session, [batch.row(c, authors, None) for c in firsts])
    for candidate in firsts:
        if candidate.key in ids:
            batch.result.new += 1
            batch.result.new_ids.append(ids[candidate.key])
        else:
            batch.result.duplicate += 1
    return ids


def _insert_copies(
    batch: _Batch,
    copies: list[_Candidate],
    ids: dict[str, int],
    authors: dict[tuple[str, str], int],
) -> None:
    """Store copies pointing at their originals, and count them on the originals."""
    rows = []
    for candidate in copies:
        if candidate.original is not None:
            original_id = ids.get(candidate.original.key)
            if original_id is None:
                # The batch original lost a race to another worker; its copy is left for the
                # next poll, which will find that worker's row as the original.
                batch.result.duplicate += 1
                continue
            candidate.original_id = original_id
            candidate.sentiment = candidate.original.sentiment
        assert candidate.original_id is not None
        rows.append(batch.row(candidate, authors, candidate.original_id))
    stored = _insert_mentions(batch.session, rows)
    bumps: dict[int, int] = {}
    for copy_row in rows:
        if copy_row["dedupe_key"] in stored:
            batch.result.near_duplicate += 1
            of = copy_row["duplicate_of_id"]
            bumps[of] = bumps.get(of, 0) + 1
        else:
            batch.result.duplicate += 1
    for original_id, extra in bumps.items():
        batch.session.execute(
            update(Mention)
            .where(Mention.id == original_id)
            .values(duplicate_count=Mention.duplicate_count + extra)
            .execution_options(synchronize_session=False)
        )


def store_mentions(
    session: Session,
    rules: ClientRules,
    items: Iterable[RawMention],
    *,
    now: datetime,
    scorer: Scorer,
    source_id: int | None = None,
    account_id: int | None = None,
    on_stored: OnStored | None = None,
    batch_size: int = BATCH_SIZE,
) -> StoreResult:
    """Store a client's mentions from any iterable (read lazily, `batch_size` at a time).

    `on_stored(session, new_ids, now)` receives the ids of new original mentions of each batch,
    in the same transaction, so the incident engine triages exactly what was stored. `scorer`
    is the rules; a learned model in use for the client (or the agency) judges with them.
    """
    total = StoreResult()
    # The client's learned model, else the agency's, else the rules (core.learning.choose).
    scorer = scorer_for(session, rules.client_id, scorer)
    for chunk in _chunks(items, batch_size):
        result = _store_batch(session, rules, chunk, now, scorer, source_id, account_id)
        if on_stored is not None and result.new_ids:
            on_stored(session, list(result.new_ids), now)
        total.add(result)
    return total
