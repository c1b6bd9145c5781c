"""Scheduled reports: cadence in the client's zone, and ReportRun rows that make restarts safe."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from douse.core.db.models import Client, ReportRun
from douse.core.errors import DouseError
from douse.core.jobs.report_schedule import (
    describe_schedule,
    due_periods,
    latest_fire,
    next_fire,
    parse_report_schedule,
    previous_fire,
)
from douse.core.jobs.reports import run_due_reports
from douse.core.services import Services
from tests.export_factory import build_agency

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")


def _utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_parse_schedule() -> None:
    assert parse_report_schedule({}) is None
    s = parse_report_schedule({"every": "weekly", "weekday": "Monday", "time": "08:30"})
    assert s is not None and (s.every, s.weekday, s.at.hour, s.at.minute) == ("weekly", 0, 8, 30)
    assert s.format == "html" and s.folder == Path("~/douse-reports").expanduser()
    bad = [
        ({"every": "hourly"}, "every"),
        ({"time": "25:00"}, "time"),
        ({"weekday": "funday"}, "weekday"),
        ({"every": "monthly", "day": 31}, "day"),
        ({"format": "pdf"}, "format"),
    ]
    for data, key in bad:
        with pytest.raises(DouseError, match=f"report_schedule.{key}"):
            parse_report_schedule(data)


def test_describe_schedule_names_the_weekday() -> None:
    weekly = parse_report_schedule({"every": "weekly", "weekday": "mon", "time": "08:00"})
    daily = parse_report_schedule({"every": "daily", "time": "18:00"})
    monthly = parse_report_schedule({"every": "monthly", "day": 1, "time": "07:00"})
    assert weekly is not None and daily is not None and monthly is not None
    assert describe_schedule(weekly) == "weekly, Monday 08:00"
    assert describe_schedule(daily) == "daily, 18:00"
    assert describe_schedule(monthly) == "monthly, day 1, 07:00"


def test_weekly_fire_times_follow_local_time_across_dst() -> None:
    s = parse_report_schedule({"every": "weekly", "weekday": "mon", "time": "08:00"})
    assert s is not None
    monday_10 = _utc(2026, 11, 23, 10)
    assert latest_fire(s, LONDON, monday_10) == _utc(2026, 11, 23, 8)
    assert latest_fire(s, LONDON, _utc(2026, 11, 23, 7, 59)) == _utc(2026, 11, 16, 8)
    assert next_fire(s, LONDON, monday_10) == _utc(2026, 11, 30, 8)
    # New York leaves daylight time on 1 Nov 2026: 08:00 is 12:00 UTC before, 13:00 after.
    fire = latest_fire(s, NEW_YORK, _utc(2026, 11, 2, 15))
    assert fire == _utc(2026, 11, 2, 13)
    assert previous_fire(s, NEW_YORK, fire) == _utc(2026, 10, 26, 12)


def test_daily_and_monthly() -> None:
    daily = parse_report_schedule({"every": "daily", "time": "18:00"})
    monthly = parse_report_schedule({"every": "monthly", "day": 1, "time": "07:00"})
    assert daily is not None and monthly is not None
    assert latest_fire(daily, LONDON, _utc(2026, 11, 23, 10)) == _utc(2026, 11, 22, 18)
    assert latest_fire(monthly, LONDON, _utc(2026, 11, 23, 10)) == _utc(2026, 11, 1, 7)
    assert previous_fire(monthly, LONDON, _utc(2026, 11, 1, 7)) == _utc(2026, 10, 1, 6)  # BST
    assert next_fire(monthly, LONDON, _utc(2026, 12, 15)) == _utc(2027, 1, 1, 7)


def test_due_periods_catch_up_without_gaps() -> None:
    s = parse_report_schedule({"every": "weekly", "weekday": "mon", "time": "08:00"})
    assert s is not None
    now = _utc(2026, 11, 23, 10)
    assert due_periods(s, LONDON, now, None) == [(_utc(2026, 11, 16, 8), _utc(2026, 11, 23, 8))]
    assert due_periods(s, LONDON, now, _utc(2026, 11, 23, 8)) == []
    periods = due_periods(s, LONDON, now, _utc(2026, 11, 2, 8))
    assert [p[1] for p in periods] == [_utc(2026, 11, d, 8) for d in (9, 16, 23)]
    assert all(a[1] == b[0] for a, b in itertools.pairwise(periods))
    # Last report ended mid-week (the schedule changed): the next one starts exactly there.
    assert due_periods(s, LONDON, now, _utc(2026, 11, 19, 12))[0][0] == _utc(2026, 11, 19, 12)


def _schedule(services: Services, folder: Path, **extra: object) -> None:
    with services.sessions.begin() as session:
        acme = session.scalars(select(Client).where(Client.slug == "acme")).one()
        acme.report_schedule = {
            "every": "weekly",
            "weekday": "mon",
            "time": "08:00",
            "format": "html",
            "folder": str(folder),
            **extra,
        }


def test_run_due_reports_neither_skips_nor_repeats(services: Services, tmp_path: Path) -> None:
    now = services.clock.now()  # Monday 23 Nov 2026 10:00 UTC (10:00 in London)
    with services.sessions.begin() as session:
        build_agency(session, now)
    folder = tmp_path / "reports"
    _schedule(services, folder)
    first = run_due_reports(services.sessions, now)
    assert [(o.client, o.error) for o in first] == [("acme", None)]
    assert first[0].path == folder / "acme-report-2026-11-16-to-2026-11-23.html"
    assert first[0].incidents == 3  # Friday's three; the fourth opened after 08:00 today
    report = first[0].path.read_text()
    assert "Acme Coffee" in report
    # Headed with the exact period (seven days, Monday 08:00 to Monday 08:00), not 16–23 Nov.
    assert "Mon 16 Nov, 08:00 – Mon 23 Nov 2026, 08:00 · times in Europe/London" in report
    assert "Fri 20 Nov 08:00 – Sat 21 Nov 08:00: " in report  # a bar is a day from 08:00
    assert run_due_reports(services.sessions, now + timedelta(hours=5)) == []
    # Down for three weeks: each missed week once, in order, then nothing.
    later = now + timedelta(days=21)
    caught_up = run_due_reports(services.sessions, later)
    assert [o.period_end for o in caught_up] == [
        _utc(2026, 11, 30, 8),
        _utc(2026, 12, 7, 8),
        _utc(2026, 12, 14, 8),
    ]
    assert run_due_reports(services.sessions, later) == []
    with services.sessions() as session:
        runs = session.scalars(select(ReportRun).order_by(ReportRun.period_start)).all()
    assert len(runs) == 4
    assert all(a.period_end == b.period_start for a, b in itertools.pairwise(runs))
    assert len(list(folder.iterdir())) == 4


def test_one_bad_schedule_does_not_stop_the_others(services: Services, tmp_path: Path) -> None:
    now = services.clock.now()
    with services.sessions.begin() as session:
        build_agency(session, now)
        other = session.scalars(select(Client).where(Client.slug == "globex")).one()
        other.report_schedule = {"every": "fortnightly"}
    _schedule(services, tmp_path / "r", format="csv")
    outcomes = run_due_reports(services.sessions, now)
    assert [(o.client, o.error is None) for o in outcomes] == [("acme", True), ("globex", False)]
    assert outcomes[0].path is not None and outcomes[0].path.suffix == ".csv"
    with pytest.raises(DouseError, match="no active client"):
        run_due_reports(services.sessions, now, slug="nobody")
