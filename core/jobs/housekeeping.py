"""The incident engine's periodic jobs, run every minute by `douse watch` (IngestScheduler).

1. `refresh_clocks`: a deadline that passed is recorded as a breach once, with a breach
   notification for the desk.
2. `send_pending_webhooks`: unsent notifications go to the Slack-compatible webhook whose URL is
   in the environment variable `settings.webhook_url_env` (nothing is sent without one). The
   URL is never logged: errors from the shared Fetcher carry no URL.
3. `run_due_repair_checks`: posts whose authors were asked to update them are re-fetched; a
   404/410 means the post is gone, a different text means it was edited and is re-scored.
4. Posts stored but not judged yet (an import killed between storing and judging) are
   judged, oldest first, a few batches a minute (`triage_pending`).
5. Replies whose send was cut short (a crash, kill -9, a lost answer) are checked on their
   platform and finished (core.send.recover): completed when the post is there, sent again
   with the same idempotency key when it is not, never posted twice.

There is no periodic spike scan: spikes are a matter of mention volume, which only changes when
mentions arrive, and triage (run on every stored batch) already checks the hours it touched.

Each job runs in its own transaction, so one failing (a database hiccup, a bug) neither rolls
back nor stops the others; the failure is logged and the next run tries again. Several workers
may run these at once: breaches and notifications are recorded conditionally, exactly once. On
PostgreSQL (where a team runs several workers) webhooks and repair checks each take a
transaction-scoped advisory lock first, and a worker that does not get it skips that job for the
minute, so a notification is not posted twice nor a post re-checked twice. SQLite has no such
lock; it serves one person, whose desk stops its own jobs while a `douse watch` runs.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from html import unescape
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session, object_session

from douse.core.brand import client_brand_terms
from douse.core.db.models import Client, Mention
from douse.core.incidents import (
    RepairResult,
    refresh_clocks,
    run_due_repair_checks,
    send_pending_webhooks,
    triage_pending,
)
from douse.core.incidents.triage import clients_waiting
from douse.core.ingest.fetch import Fetcher, HttpResult, HttpStatusError
from douse.core.ingest.normalize import clean_text, html_to_text
from douse.core.learning.choose import scorer_for
from douse.core.services import Services

log = logging.getLogger(__name__)

INTERVAL_S = 60
GONE_STATUSES = frozenset({404, 410})
# Advisory lock keys (any constant 64-bit numbers, unique within douse).
WEBHOOK_LOCK = 0x646F7573_01
REPAIR_LOCK = 0x646F7573_02

# Social platforms and most blogs put the post's own text in og:description; the whole page
# would also carry menus and footers, and never compare equal to the stored text.
_META_TAG = re.compile(r"<meta\s[^>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r"""([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_DESCRIPTIONS = ("og:description", "twitter:description")


@dataclass(frozen=True)
class IncidentJobsResult:
    """What one run of the jobs did; `failed` names the jobs that raised (see the log)."""

    breached: tuple[int, ...] = ()
    webhooks_sent: int = 0
    repairs: tuple[RepairResult, ...] = ()
    failed: tuple[str, ...] = ()
    judged: int = 0
    recovered: tuple[str, ...] = ()


def format_jobs(result: IncidentJobsResult) -> str | None:
    """One line for `douse watch` when a run did something (or failed); None when idle."""
    parts = []
    if result.breached:
        parts.append("breached " + ", ".join(f"#{i}" for i in result.breached))
    if result.webhooks_sent:
        parts.append(f"{result.webhooks_sent} webhook(s) sent")
    for repair in result.repairs:
        parts.append(f"#{repair.incident_id} post re-checked: {repair.outcome}")
    if result.judged:
        parts.append(f"{result.judged} stored posts judged")
    parts.extend(result.recovered)
    if result.failed:
        parts.append("failed: " + ", ".join(result.failed) + " (see the log)")
    return "incidents: " + "; ".join(parts) if parts else None


def webhook_poster(fetcher: Fetcher) -> Callable[[str, dict[str, Any]], None]:
    """`http_post(url, payload)` for `send_pending_webhooks`: raises on any failure."""

    def post(url: str, payload: dict[str, Any]) -> None:
        fetcher.post_json(url, payload)

    return post


def page_text(result: HttpResult) -> str:
    """The post's text from a fetched page: its og:description when the page has one."""
    body = result.text()
    if result.media_type in {"text/html", "application/xhtml+xml"} or "<html" in body[:500]:
        description = _meta_description(body)
        return description if description is not None else html_to_text(body)
    return clean_text(body)


def _meta_description(html: str) -> str | None:
    """The og:/twitter:description of a page, its attributes in any order; None without one."""
    for tag in _META_TAG.finditer(html):
        attributes = {
            name.lower(): unescape(double or single)
            for name, double, single in _ATTRIBUTE.findall(tag.group())
        }
        kind = (attributes.get("property") or attributes.get("name") or "").lower()
        if kind in _DESCRIPTIONS and "content" in attributes:
            return clean_text(attributes["content"])
    return None


def post_text_fetcher(fetcher: Fetcher) -> Callable[[str], str | None]:
    """`fetch_text(url)` for `run_due_repair_checks`: the text now, or None once it is gone.

    Only 404 and 410 mean gone; any other failure raises, and the check is retried later.
    """

    def fetch_text(url: str) -> str | None:
        try:
            result = fetcher.get(url)
        except HttpStatusError as exc:
            if exc.status in GONE_STATUSES:
                return None
            raise
        return page_text(result)

    return fetch_text


def repair_score(services: Services) -> Callable[[Mention, str], float]:
    """The compound for a mention's new text as its client's posts are scored (its learned
    model, else the agency's, else the rules; its thresholds and brand names); for text the
    language guard leaves unscored, VADER's own."""

    def score(mention: Mention, text: str) -> float:
        analyzer = services.analyzer()
        session = object_session(mention)
        client = session.get(Client, mention.client_id) if session is not None else None
        if session is None or client is None:
            result = analyzer.score(text)
        else:
            # The client's learned model, if one is in use, as for the post when it came in.
            result = scorer_for(session, client.id, analyzer).score(
                text,
                negative_threshold=client.negative_threshold,
                positive_threshold=client.positive_threshold,
                brand_terms=client_brand_terms(session, client),
            )
        if result.compound is None:
            return analyzer.raw_vader_compound(text)
        return result.compound

    return score


def exclusive(session: Session, key: int) -> bool:
    """Take the job's lock for this transaction; False when another worker holds it."""
    if session.get_bind().dialect.name != "postgresql":
        return True
    return bool(session.scalar(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": key}))


def run_incident_jobs(
    services: Services,
    now: datetime | None = None,
    *,
    http_post: Callable[[str, dict[str, Any]], Any] | None = None,
    fetch_text: Callable[[str], str | None] | None = None,
    env: Mapping[str, str] | None = None,
) -> IncidentJobsResult:
    """Run the three jobs once at `now` (default: the services' clock)."""
    now = services.clock.now() if now is None else now
    failed: list[str] = []
    breached: list[int] = []
    sent = 0
    repairs: list[RepairResult] = []
    try:
        with services.sessions.begin() as session:
            breached = refresh_clocks(session, now)
    except Exception:
        log.exception("recording breached response clocks failed")
        failed.append("clocks")
    try:
        with services.sessions.begin() as session:
            if exclusive(session, WEBHOOK_LOCK):
                sent = send_pending_webhooks(
                    session,
                    http_post or webhook_poster(services.fetcher),
                    now,
                    url_env=services.settings.webhook_url_env,
                    env=env,
                )
    except Exception:
        log.exception("sending webhooks failed")
        failed.append("webhooks")
    try:
        with services.sessions.begin() as session:
            if exclusive(session, REPAIR_LOCK):
                repairs = run_due_repair_checks(
                    session,
                    now,
                    fetch_text or post_text_fetcher(services.fetcher),
                    score_mention=repair_score(services),
                )
    except Exception:
        log.exception("repair checks failed")
        failed.append("repair checks")
    judged = 0
    try:
        judged = judge_waiting_posts(services, now)
    except Exception:
        log.exception("judging waiting posts failed")
        failed.append("waiting posts")
    recovered: list[str] = []
    try:
        recovered = finish_unfinished_sends(services, now, env)
    except Exception:
        log.exception("checking unfinished sends failed")
        failed.append("unfinished sends")
    if breached:
        log.info("breached response targets: %s", ", ".join(f"#{i}" for i in breached))
    return IncidentJobsResult(
        tuple(breached), sent, tuple(repairs), tuple(failed), judged, tuple(recovered)
    )


def finish_unfinished_sends(
    services: Services, now: datetime, env: Mapping[str, str] | None = None
) -> list[str]:
    """One line per reply whose cut-short send was settled (found, sent again, or failed)."""
    from douse.core.send import recover

    return [
        f"reply #{r.outbox_id} on #{r.incident_id}: {r.outcome}"
        for r in recover(services, now=now, env=env)
    ]


WAITING_BATCHES = 5


def judge_waiting_posts(services: Services, now: datetime) -> int:
    """Judge posts an import stored but did not judge: a few batches a minute, so the minute's
    other jobs are never held up; the rest next minute."""
    with services.sessions() as session:
        clients = clients_waiting(session)
    judged = 0
    for client_id in clients:
        for _ in range(WAITING_BATCHES):
            with services.sessions.begin() as session:
                summary = triage_pending(session, client_id, now)
            if summary is None:
                break
            judged += summary.mentions_seen
    if judged:
        log.info("judged %d posts that were stored but not judged", judged)
    return judged
