"""The report runner: writes each client's due scheduled reports and records them as ReportRun
rows. When a report falls due is core.jobs.report_schedule's calendar; the writing is the
exporters' (core.export).

Dueness is read from ReportRun, not from the scheduler's memory, so a restart neither skips a
period nor repeats one: after downtime the missed periods are written in order (up to
MAX_CATCH_UP), and each period is recorded once (the table's unique (client, period_start)
settles a race between two workers).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.job import Job
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from douse.core.clock import Clock
from douse.core.db.models import Client, ReportRun
from douse.core.errors import DouseError
from douse.core.export.api import export_client
from douse.core.export.formats import EXTENSIONS
from douse.core.export.period import client_zone
from douse.core.jobs.report_schedule import ReportSchedule, due_periods, parse_report_schedule

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReportOutcome:
    client: str
    period_start: datetime | None
    period_end: datetime | None
    path: Path | None
    incidents: int = 0
    error: str | None = None
    already_done: bool = False


def report_path(
    slug: str, schedule: ReportSchedule, tz: ZoneInfo, start: datetime, end: datetime
) -> Path:
    first = start.astimezone(tz).date()
    last = (end - timedelta(microseconds=1)).astimezone(tz).date()
    return schedule.folder / f"{slug}-report-{first}-to-{last}.{EXTENSIONS[schedule.format]}"


def _scheduled_clients(
    session: Session, slug: str | None
) -> list[tuple[int, str, str, dict[str, Any]]]:
    query = select(Client.id, Client.slug, Client.timezone, Client.report_schedule).where(
        Client.archived.is_(False)
    )
    if slug is not None:
        query = query.where(Client.slug == slug)
    return [
        (i, s, tz, dict(rs or {})) for i, s, tz, rs in session.execute(query.order_by(Client.slug))
    ]


def _last_end(session: Session, client_id: int) -> datetime | None:
    return session.scalar(
        select(func.max(ReportRun.period_end)).where(ReportRun.client_id == client_id)
    )


def run_due_reports(
    session_factory: sessionmaker[Session], now: datetime, *, slug: str | None = None
) -> list[ReportOutcome]:
    """Write every due report and record it. One client's failure is reported, not fatal."""
    with session_factory() as session:
        clients = _scheduled_clients(session, slug)
    if slug is not None and not clients:
        raise DouseError(f"no active client with slug {slug!r}")
    outcomes: list[ReportOutcome] = []
    for client_id, client_slug, tz_name, raw in clients:
        try:
            schedule = parse_report_schedule(raw)
            if schedule is None:
                continue
            tz = client_zone(tz_name)
            with session_factory() as session:
                last_end = _last_end(session, client_id)
            for start, end in due_periods(schedule, tz, now, last_end):
                outcomes.append(
                    _run_one(session_factory, client_id, client_slug, schedule, tz, start, end, now)
                )
        except DouseError as exc:
            log.warning("scheduled report for %s failed: %s", client_slug, exc)
            outcomes.append(ReportOutcome(client_slug, None, None, None, error=str(exc)))
            continue
    return outcomes


def _run_one(
    session_factory: sessionmaker[Session],
    client_id: int,
    slug: str,
    schedule: ReportSchedule,
    tz: ZoneInfo,
    start: datetime,
    end: datetime,
    now: datetime,
) -> ReportOutcome:
    path = report_path(slug, schedule, tz, start, end)
    # Written first and recorded after: a crash in between repeats the file, never loses it.
    result = export_client(session_factory, slug, schedule.format, start, end, path, now)
    try:
        with session_factory.begin() as session:
            session.add(
                ReportRun(
                    client_id=client_id,
                    period_start=start,
                    period_end=end,
                    ran_at=now,
                    path=str(path),
                )
            )
    except IntegrityError:
        # Another worker recorded this period a moment ago; its file and ours are the same report.
        return ReportOutcome(slug, start, end, path, result.rows, already_done=True)
    log.info("report for %s %s..%s written to %s", slug, start, end, path)
    return ReportOutcome(slug, start, end, path, result.rows)


def add_report_job(
    scheduler: BaseScheduler,
    session_factory: sessionmaker[Session],
    clock: Clock,
    *,
    every_s: float = 300,
) -> Job:
    """Check for due reports every few minutes inside an APScheduler 3 scheduler.

    Polling with ReportRun as the memory (rather than one cron trigger per client) is what makes
    restarts safe: a fire time missed while nothing ran is simply found due at the next check.
    """

    def job() -> None:
        try:
            run_due_reports(session_factory, clock.now())
        except Exception:
            log.exception("scheduled reports failed")

    return scheduler.add_job(
        job,
        IntervalTrigger(seconds=every_s),
        id="douse-reports",
        replace_existing=True,
        coalesce=True,
        max_instances=1,
        next_run_time=datetime.now(UTC),  # scheduler wall time: check once at start
    )
