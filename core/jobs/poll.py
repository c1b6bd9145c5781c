"""Poll sources: claim a lease, fetch with the source's adapter, store, record health, release.

Fetching is network-bound and runs on a small thread pool; storing runs in the caller's thread,
one transaction per source page, so SQLite sees one writer and memory stays bounded (at most a
window of fetched pages waits to be stored). A failing source records its failure and never
stops the others. Every outcome, good or bad, lands on the source's health columns.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, TypedDict

from sqlalchemy import select
from sqlalchemy.orm import Session

from douse.core.brand import client_brand_terms
from douse.core.db.models import Account, Client, Source
from douse.core.errors import DouseError, NotFound
from douse.core.incidents import triage_new_mentions
from douse.core.ingest.adapters import fetch_source
from douse.core.ingest.fetch import Fetcher, FetchError
from douse.core.ingest.match import KeywordMatcher
from douse.core.ingest.pipeline import ClientRules, OnStored, Scorer, StoreResult, store_mentions
from douse.core.ingest.types import FetchPage, SourceSpec, SourceState
from douse.core.jobs.demo_marker import refuse_demo
from douse.core.jobs.health import record_failure, record_success
from douse.core.jobs.leases import (
    DEFAULT_LEASE_S,
    claim_source,
    release_dead_local_leases,
    release_source,
    worker_name,
)
from douse.core.services import Services

log = logging.getLogger(__name__)

# Kinds that are written by people or commands, never fetched on a schedule.
UNPOLLED_KINDS = frozenset({"manual"})
DEFAULT_WORKERS = 8


def default_on_stored() -> OnStored:
    """What stores hand their new mentions to: the incident engine's triage."""
    return triage_new_mentions


@dataclass(frozen=True)
class SourceOutcome:
    """What one poll of one source did, for the CLI summary, the desk and the log."""

    source_id: int
    client_slug: str
    name: str
    kind: str
    new: int = 0
    duplicate: int = 0
    near_duplicate: int = 0
    dropped: int = 0
    error: str | None = None
    skipped: str | None = None
    not_modified: bool = False
    warning: str | None = None  # the poll worked, but the payload was not quite right
    # After an error: the failure streak and when the source will next be tried (backoff).
    failures: int = 0
    retry_at: datetime | None = None
    new_ids: tuple[int, ...] = field(default=(), repr=False)

    @property
    def ok(self) -> bool:
        return self.error is None and self.skipped is None


class _Names(TypedDict):
    """What names a source in a SourceOutcome and a _Job."""

    source_id: int
    client_slug: str
    name: str
    kind: str


@dataclass(frozen=True)
class _Job:
    source_id: int
    client_slug: str
    name: str
    kind: str
    spec: SourceSpec
    state: SourceState
    rules: ClientRules
    account_id: int | None


@dataclass(frozen=True)
class _Fetched:
    page: FetchPage | None = None
    error: str | None = None
    retry_after: float | None = None


class Poller:
    """Polls sources for one process. Thread-safe: the scheduler calls `poll_source` from its
    worker threads, `douse poll` calls `poll_pass` from the main thread."""

    def __init__(
        self,
        services: Services,
        *,
        fetcher: Fetcher | None = None,
        scorer_factory: Callable[[], Scorer] | None = None,
        on_stored: OnStored | Literal["default"] | None = "default",
        owner: str | None = None,
        workers: int = DEFAULT_WORKERS,
        lease_s: int = DEFAULT_LEASE_S,
    ) -> None:
        self.services = services
        # Both default to what Services owns: one HTTP client per process, one analyzer per
        # thread. The Poller closes neither; Services.close() does.
        self.fetcher = fetcher or services.fetcher
        self._scorer_factory = scorer_factory or services.analyzer
        self.on_stored = default_on_stored() if on_stored == "default" else on_stored
        self.owner = owner or worker_name()
        self._swept = False
        self.workers = max(1, workers)
        self.lease_s = lease_s
        self._matchers: dict[tuple[int, str, str], KeywordMatcher] = {}
        self._matchers_lock = threading.Lock()

    # -- the three steps ------------------------------------------------------------------------

    def _matcher(self, client: Client) -> KeywordMatcher:
        keywords = [str(k) for k in client.keywords or []]
        exclusions = [str(e) for e in client.exclusions or []]
        key = (client.id, "\x1f".join(keywords), "\x1f".join(exclusions))
        with self._matchers_lock:
            matcher = self._matchers.get(key)
            if matcher is None:
                matcher = KeywordMatcher(keywords, exclusions)
                self._matchers[key] = matcher
            return matcher

    def _sweep_dead_leases(self) -> None:
        """Once per poller: leases left by killed workers of this machine are freed at start."""
        if self._swept:
            return
        self._swept = True
        with self.services.sessions.begin() as session:
            freed = release_dead_local_leases(session, self.services.clock.now())
        if freed:
            log.info("released %d lease(s) of dead local workers: %s", len(freed), freed)

    def _claim(self, source_id: int, *, only_if_due: bool) -> _Job | SourceOutcome:
        self._sweep_dead_leases()
        now = self.services.clock.now()
        with self.services.sessions.begin() as session:
            source = session.get(Source, source_id)
            if source is None:
                raise NotFound(f"no source with id {source_id}")
            client = session.get(Client, source.client_id)
            assert client is not None
            base: _Names = {
                "source_id": source.id,
                "client_slug": client.slug,
                "name": source.name,
                "kind": source.kind,
            }
            if not source.enabled or client.archived:
                return SourceOutcome(**base, skipped="disabled")
            if not claim_source(
                session, source_id, self.owner, now, lease_s=self.lease_s, only_if_due=only_if_due
            ):
                return SourceOutcome(**base, skipped="not due or polled by another worker")
            return _Job(
                **base,
                spec=SourceSpec(
                    kind=source.kind,
                    target=source.target,
                    params=dict(source.params or {}),
                    token_env=source.token_env,
                ),
                state=SourceState(
                    etag=source.etag, last_modified=source.last_modified, cursor=source.cursor
                ),
                rules=ClientRules(
                    client_id=client.id,
                    matcher=self._matcher(client),
                    negative_threshold=client.negative_threshold,
                    positive_threshold=client.positive_threshold,
                    brand_terms=client_brand_terms(session, client),
                ),
                account_id=_account_id(session, client.id, source),
            )

    def _fetch(self, job: _Job) -> _Fetched:
        try:
            return _Fetched(page=fetch_source(self.fetcher, job.spec, job.state))
        except FetchError as exc:
            return _Fetched(error=str(exc), retry_after=exc.retry_after)
        except DouseError as exc:
            return _Fetched(error=str(exc))
        except Exception as exc:
            # An adapter tripping over hostile input is a bug to fix, but it must not stop the
            # other sources: record it on this source's health and log the traceback.
            log.exception("source %s (%s) failed unexpectedly", job.source_id, job.kind)
            return _Fetched(error=f"internal error: {type(exc).__name__}: {exc}")

    def _store(self, job: _Job, fetched: _Fetched) -> SourceOutcome:
        base: _Names = {
            "source_id": job.source_id,
            "client_slug": job.client_slug,
            "name": job.name,
            "kind": job.kind,
        }
        if fetched.page is not None:
            try:
                return self._store_page(job, fetched.page)
            except Exception as exc:
                # The page's transaction rolled back, so nothing half-stored remains; what was
                # stored by earlier polls is untouched. Record why and move on.
                if not isinstance(exc, DouseError):
                    log.exception("storing source %s failed", job.source_id)
                fetched = _Fetched(error=f"storing failed: {_one_line(exc)}")
        error = fetched.error or "unknown error"
        now = self.services.clock.now()
        failures, retry_at = 0, None
        with self.services.sessions.begin() as session:
            source = session.get(Source, job.source_id)
            if source is not None:
                record_failure(source, now, error, fetched.retry_after)
                failures, retry_at = source.consecutive_failures, source.next_poll_at
            release_source(session, job.source_id, self.owner)
        return SourceOutcome(**base, error=error, failures=failures, retry_at=retry_at)

    def _store_page(self, job: _Job, page: FetchPage) -> SourceOutcome:
        now = self.services.clock.now()
        result = StoreResult()
        with self.services.sessions.begin() as session:
            source = session.get(Source, job.source_id)
            if source is None:
                raise NotFound(f"source {job.source_id} vanished")
            if page.items:
                result = store_mentions(
                    session,
                    job.rules,
                    page.items,
                    now=now,
                    scorer=self._scorer_factory(),
                    source_id=job.source_id,
                    account_id=job.account_id,
                    on_stored=self.on_stored,
                )
            # Validators move only with a stored page, so a failed store re-fetches it whole.
            if page.etag is not None or not page.not_modified:
                source.etag = _clip(page.etag, 500)
            if page.last_modified is not None or not page.not_modified:
                source.last_modified = _clip(page.last_modified, 100)
            if page.cursor is not None:
                source.cursor = page.cursor
            record_success(source, now, result.new)
            warning = "; ".join(w for w in (page.warning, result.warning()) if w) or None
            if warning:
                # Kept on the source: a clamped number or a lenient parse is worth a look later.
                source.last_warning = _clip(warning, 1000)
                source.last_warning_at = now
            release_source(session, job.source_id, self.owner)
        if warning:
            log.warning("source %s (%s): %s", job.source_id, job.kind, warning)
        return SourceOutcome(
            source_id=job.source_id,
            client_slug=job.client_slug,
            name=job.name,
            kind=job.kind,
            new=result.new,
            duplicate=result.duplicate,
            near_duplicate=result.near_duplicate,
            dropped=result.dropped,
            not_modified=page.not_modified,
            warning=warning,
            new_ids=tuple(result.new_ids),
        )

    # -- entry points ---------------------------------------------------------------------------

    def poll_source(self, source_id: int, *, only_if_due: bool = False) -> SourceOutcome:
        """Poll one source now (the scheduler passes only_if_due=True to respect backoff).
        DemoDatabaseError on a database `douse demo` built: its sources are made up."""
        with self.services.sessions() as session:
            refuse_demo(session)
        job = self._claim(source_id, only_if_due=only_if_due)
        if isinstance(job, SourceOutcome):
            return job
        return self._store(job, self._fetch(job))

    def poll_pass(
        self,
        *,
        client_slug: str | None = None,
        only_due: bool = False,
        progress: Callable[[int, int, SourceOutcome], None] | None = None,
    ) -> list[SourceOutcome]:
        """One pass over every enabled source (of one client): fetch in parallel, store in turn.
        DemoDatabaseError, before any fetch, on a database `douse demo` built."""
        with self.services.sessions() as session:
            refuse_demo(session)
            ids = pollable_source_ids(session, client_slug)
        outcomes: list[SourceOutcome] = []
        total = len(ids)

        def done(outcome: SourceOutcome) -> None:
            outcomes.append(outcome)
            if progress is not None:
                progress(len(outcomes), total, outcome)

        # A window of in-flight fetches bounds memory: pages wait for the single storing thread.
        window = self.workers * 2
        pending: dict[Future[_Fetched], _Job] = {}
        queue = list(reversed(ids))
        with ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="douse-fetch") as pool:
            while queue or pending:
                while queue and len(pending) < window:
                    job = self._claim(queue.pop(), only_if_due=only_due)
                    if isinstance(job, SourceOutcome):
                        done(job)
                    else:
                        pending[pool.submit(self._fetch, job)] = job
                if not pending:
                    continue
                finished, _ = wait(pending, return_when="FIRST_COMPLETED")
                for future in finished:
                    job = pending.pop(future)
                    done(self._store(job, future.result()))
        return sorted(outcomes, key=lambda o: (o.client_slug, o.name))


def pollable_source_ids(session: Session, client_slug: str | None = None) -> list[int]:
    """Enabled sources of active clients that douse fetches; NotFound for an unknown client."""
    query = (
        select(Source.id)
        .join(Client, Client.id == Source.client_id)
        .where(
            Source.enabled.is_(True),
            Client.archived.is_(False),
            Source.kind.not_in(UNPOLLED_KINDS),
        )
        .order_by(Client.slug, Source.name)
    )
    if client_slug is not None:
        if session.scalar(select(Client.id).where(Client.slug == client_slug)) is None:
            raise NotFound(f"no client {client_slug!r}")
        query = query.where(Client.slug == client_slug)
    return list(session.scalars(query))


def _account_id(session: Session, client_id: int, source: Source) -> int | None:
    """A source watching one of the client's own accounts names it in params["account"]."""
    handle = (source.params or {}).get("account")
    if not isinstance(handle, str) or not handle.strip():
        return None
    wanted = handle.strip().lstrip("@").casefold()
    accounts = session.execute(
        select(Account.id, Account.handle).where(Account.client_id == client_id)
    ).all()
    for account_id, account_handle in accounts:
        if account_handle.strip().lstrip("@").casefold() == wanted:
            return int(account_id)
    return None


def _clip(value: str | None, limit: int) -> str | None:
    return value[:limit] if value is not None and len(value) > limit else value


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    if not isinstance(exc, DouseError):
        text = f"{type(exc).__name__}: {text}"
    return text[:300]


def format_outcome(outcome: SourceOutcome) -> str:
    """One line per source for `douse poll` and `douse watch`."""
    where = f"{outcome.client_slug}/{outcome.name} ({outcome.kind})"
    if outcome.skipped:
        return f"{where}: skipped, {outcome.skipped}"
    if outcome.error:
        retry = f", next try {outcome.retry_at:%Y-%m-%d %H:%M} UTC" if outcome.retry_at else ""
        streak = f" (failure {outcome.failures}{retry})" if outcome.failures else ""
        return f"{where}: error: {outcome.error}{streak}"
    detail = (
        f"new {outcome.new}, duplicate {outcome.duplicate + outcome.near_duplicate}"
        f" ({outcome.near_duplicate} near), dropped {outcome.dropped}"
    )
    if outcome.not_modified:
        detail += ", not modified"
    if outcome.warning:
        detail += f"; warning: {outcome.warning}"
    return f"{where}: {detail}"


def summarize(outcomes: list[SourceOutcome]) -> dict[str, Any]:
    return {
        "sources": len(outcomes),
        "new": sum(o.new for o in outcomes),
        "duplicate": sum(o.duplicate + o.near_duplicate for o in outcomes),
        "dropped": sum(o.dropped for o in outcomes),
        "errors": sum(1 for o in outcomes if o.error),
        "skipped": sum(1 for o in outcomes if o.skipped),
    }
