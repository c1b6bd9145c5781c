"""`douse import`: bring review-site exports and saved feeds in as a client's mentions.

`import_file_batched` (what `douse import` runs) stores a file in batches of rows, each batch
its own transaction, so a million-row import never holds the database for long and the desk
and the pollers keep writing meanwhile. Then it judges what it stored, oldest post first, in
batches too (triage_pending): a file sorted newest-first gives the same incidents as one sorted
oldest-first. Every step is idempotent: a file refused at a bad row, or a killed import, is
fixed and imported again; rows already stored count as duplicates and posts still waiting for
judgement are judged.

`import_file` stores a whole file in the caller's transaction (tests, tools).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from pathlib import Path
from time import monotonic, sleep

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from douse.core.brand import client_brand_terms
from douse.core.db.models import Mention
from douse.core.errors import DouseError
from douse.core.incidents.workflow import staff_by_handle
from douse.core.ingest.adapters.files import Skipped, iter_file, parse_column_map
from douse.core.ingest.collect import fewer_collections
from douse.core.ingest.dedupe import dedupe_key
from douse.core.ingest.manual import active_client
from douse.core.ingest.match import KeywordMatcher
from douse.core.ingest.pipeline import (
    BATCH_SIZE,
    ClientRules,
    OnStored,
    Scorer,
    StoreResult,
    store_mentions,
)
from douse.core.ingest.types import RawMention
from douse.core.learning.labels import record_label, scored_text
from douse.core.wording import plural

# `--format` speaks of feeds the way people do; the file reader calls them all "feed".
FORMAT_ALIASES = {"rss": "feed", "atom": "feed", "xml": "feed", "ndjson": "jsonl"}


def import_file(
    session: Session,
    client_slug: str,
    path: str | Path,
    *,
    now: datetime,
    scorer: Scorer,
    fmt: str | None = None,
    column_map: str | Mapping[str, str] | None = None,
    platform: str = "import",
    keep_all: bool = False,
    on_stored: OnStored | None = None,
) -> StoreResult:
    """Store one file's mentions for a client; raises a DouseError (and stores nothing) when
    the file cannot be read. `keep_all` skips the keyword filter, for exports that are about
    the client by construction (its own reviews)."""
    rules = _rules(session, client_slug, keep_all)
    items = iter_file(path, fmt=_format(fmt), column_map=column_map, platform=platform)
    return store_mentions(session, rules, items, now=now, scorer=scorer, on_stored=on_stored)


def _rules(session: Session, client_slug: str, keep_all: bool) -> ClientRules:
    client = active_client(session, client_slug)
    return ClientRules(
        client_id=client.id,
        matcher=None if keep_all else KeywordMatcher(client.keywords, client.exclusions),
        negative_threshold=client.negative_threshold,
        positive_threshold=client.positive_threshold,
        brand_terms=client_brand_terms(session, client),
    )


def _format(fmt: str | None) -> str | None:
    return FORMAT_ALIASES.get(fmt or "", fmt) if fmt else None


@dataclass
class ImportReport:
    stored: StoreResult = field(default_factory=StoreResult)
    batches: int = 0
    judged: int = 0
    opened: int = 0
    joined: int = 0
    labelled: int = 0  # labels a person gave in the file, recorded as training examples


class LabelledFileRefused(DouseError):
    """A labelled file with bad rows: one line per refused row, and nothing stored."""

    def __init__(self, refusals: list[str]) -> None:
        super().__init__(f"{len(refusals)} row(s) refused")
        self.refusals = refusals

    def lines(self) -> list[str]:
        return [*self.refusals, f"nothing imported: {len(self.refusals)} row(s) refused"]


class ImportInterrupted(DouseError):
    """A bad row (or another error) stopped the import; the batches before it are stored."""

    def __init__(self, message: str, report: ImportReport) -> None:
        super().__init__(message)
        self.report = report


Progress = Callable[[str, int], None]


@fewer_collections()
def import_file_batched(
    sessions: sessionmaker[Session],
    client_slug: str,
    path: str | Path,
    *,
    now: datetime,
    scorer: Scorer,
    fmt: str | None = None,
    column_map: str | Mapping[str, str] | None = None,
    platform: str = "import",
    keep_all: bool = False,
    judge: bool = True,
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
    labels_by: str | None = None,
) -> ImportReport:
    """Store a file batch by batch, each committed, then judge the client's waiting posts in
    time order. A bad row raises ImportInterrupted saying what was stored before it (which is
    judged all the same).

    A file with a label column (`label=COLUMN` in the map) is checked whole first: any bad row
    (an unknown label, a labelled row without text, a row of another client) refuses the file
    with LabelledFileRefused, one line per row, before anything is written. Its labels are then
    recorded as given by `labels_by` (a staff handle) with each batch, in the same transaction
    as the posts they judge."""
    report = ImportReport()
    mapping = parse_column_map(column_map)
    labelled = "label" in mapping or "client" in mapping
    staff_id: int | None = None
    with sessions() as session:
        rules = _rules(session, client_slug, keep_all)
        if "label" in mapping:
            staff_id = staff_by_handle(session, labels_by).id
    if labelled:
        refusals = _check_labelled(path, fmt, column_map, platform, client_slug)
        if refusals:
            raise LabelledFileRefused(refusals)
    items = iter_file(path, fmt=_format(fmt), column_map=column_map, platform=platform)
    turns = _Turns(sessions)
    try:
        while True:
            chunk = list(islice(items, batch_size))
            if not chunk:
                break
            with sessions.begin() as session:
                stored = store_mentions(
                    session, rules, chunk, now=now, scorer=scorer, batch_size=batch_size
                )
                if staff_id is not None:
                    report.labelled += apply_labels(session, rules.client_id, chunk, staff_id, now)
            turns.after_commit()
            stored.new_ids.clear()  # ids are not kept: a million of them is memory for nothing
            report.stored.add(stored)
            report.batches += 1
            if progress is not None:
                progress("stored", report.stored.new + report.stored.duplicate)
    except DouseError as exc:
        if judge and report.batches:
            judge_waiting(sessions, rules.client_id, now, report, progress)
        raise ImportInterrupted(_interrupted(str(exc), report), report) from None
    if judge:
        judge_waiting(sessions, rules.client_id, now, report, progress)
    return report


def _check_labelled(
    path: str | Path,
    fmt: str | None,
    column_map: str | Mapping[str, str] | None,
    platform: str,
    client_slug: str,
) -> list[str]:
    """Every refused row of a labelled file, as `file:line: why`, read before anything is
    stored."""
    refusals: list[str] = []
    items = iter_file(
        path,
        fmt=_format(fmt),
        column_map=column_map,
        platform=platform,
        on_problem=refusals.append,
        skipped=Skipped(),
    )
    wanted = client_slug.casefold()
    for item in items:
        if item.client is not None and item.client.casefold() != wanted:
            refusals.append(f"{item.row}: a row of client {item.client!r}, not {client_slug!r}")
    return refusals


def apply_labels(
    session: Session, client_id: int, items: list[RawMention], staff_id: int, now: datetime
) -> int:
    """Set the labels a file gives its (just stored) posts, as a person's: the label in force,
    the model's kept beside it, and a training example each. Returns the examples recorded."""
    wanted = {dedupe_key(item): item.label for item in items if item.label}
    if not wanted:
        return 0
    recorded = 0
    mentions = session.scalars(
        select(Mention).where(Mention.client_id == client_id, Mention.dedupe_key.in_(wanted))
    )
    for mention in mentions:
        label = wanted[mention.dedupe_key]
        assert label is not None
        if mention.sentiment_label != label or mention.label_corrected_by_id is None:
            if mention.model_label is None:
                mention.model_label = mention.sentiment_label
            if mention.sentiment_label != label:
                mention.sentiment_reasons = [
                    *(mention.sentiment_reasons or []),
                    f"labelled {label} in an import at {now:%Y-%m-%d %H:%M} UTC",
                ]
            mention.sentiment_label = label
            mention.label_corrected_by_id = staff_id
        example = record_label(
            session,
            client_id=client_id,
            mention_id=mention.id,
            text=scored_text(mention.title, mention.text),
            label=label,
            source="import",
            now=now,
            given_by_id=staff_id,
        )
        recorded += example is not None
    return recorded


# Posts judged per transaction after an import. Each batch holds SQLite's write lock while it
# judges (it claims the client first, so two judges take turns): 200 keeps that well under a
# second on a loaded machine (bench/import_contention.py).
JUDGE_BATCH = 200
SPIKE_CHECK_EVERY = 10_000
# SQLite has no queue for its write lock: a waiting writer's busy handler looks again every
# 100 ms at most, and an import that starts its next transaction the instant it commits can
# starve the desk and the pollers for seconds. A pause a little longer than that lets every
# waiting writer in. It is taken once the import has written for SQLITE_HOLD_S since its last
# pause, not after every transaction: pausing after each cost an import of 10,000 rows 6.6 s of
# sleep beside 3.7 s of work, while a waiting writer only needs a gap in time, not a gap per
# transaction. PostgreSQL locks rows, so it needs none.
SQLITE_YIELD_S = 0.11
SQLITE_HOLD_S = 0.4


class _Turns:
    """When an import on SQLite steps aside for other writers (see SQLITE_HOLD_S)."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        bind = sessions.kw.get("bind")
        self.sqlite = bind is not None and bind.dialect.name == "sqlite"
        self.since = monotonic()

    def after_commit(self) -> None:
        if self.sqlite and monotonic() - self.since >= SQLITE_HOLD_S:
            sleep(SQLITE_YIELD_S)
            self.since = monotonic()


@fewer_collections()
def judge_waiting(
    sessions: sessionmaker[Session],
    client_id: int,
    now: datetime,
    report: ImportReport | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Triage a client's stored-but-unjudged posts, oldest first, a batch per transaction."""
    from douse.core.incidents import check_spikes, triage_pending

    report = report or ImportReport()
    hours: set[datetime] = set()
    judged_since_check = 0
    turns = _Turns(sessions)
    while True:
        with sessions.begin() as session:
            summary = triage_pending(session, client_id, now, limit=JUDGE_BATCH, spikes=False)
        if summary is None or judged_since_check >= SPIKE_CHECK_EVERY:
            # Spikes are checked every few thousand posts and at the end, not per small batch:
            # each check counts the client's week by hour.
            if hours:
                with sessions.begin() as session:
                    report.opened += len(check_spikes(session, client_id, hours, now))
            hours.clear()
            judged_since_check = 0
        if summary is None:
            return report
        hours.update(summary.hours)
        judged_since_check += summary.mentions_seen
        turns.after_commit()
        report.judged += summary.mentions_seen
        report.opened += len(summary.opened)
        report.joined += summary.joined
        if progress is not None:
            progress("judged", report.judged)


def _interrupted(why: str, report: ImportReport) -> str:
    done = report.stored.new + report.stored.duplicate + report.stored.near_duplicate
    if not report.batches:
        return why
    return (
        f"{why} (the {done:,} rows before it were stored in "
        f"{plural(report.batches, 'batch', 'batches')} and stay; "
        "fix the file and import it again: they are skipped as duplicates)"
    )
