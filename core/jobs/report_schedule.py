"""When a client's scheduled report falls due: the `report_schedule` of clients.toml read into a
ReportSchedule, and the calendar of its fire times in the client's zone. Plain dates and times:
the config check validates with this same reader, and knows nothing of exporters or schedulers
(core.jobs.reports writes them).

A report fired at F covers [previous fire, F) in the client's time zone: "weekly, mon, 08:00"
sends last week, Monday 08:00 to Monday 08:00.

The stored shape, written by the config sync:
    {"every": "weekly"|"daily"|"monthly", "weekday": "mon", "day": 1, "time": "08:00",
     "format": "html", "folder": "~/douse-reports"}
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

from douse.core.errors import DouseError
from douse.core.export.formats import FORMATS

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MAX_CATCH_UP = 60
DEFAULT_FOLDER = "~/douse-reports"
Every = Literal["daily", "weekly", "monthly"]


@dataclass(frozen=True)
class ReportSchedule:
    every: Every
    at: time
    weekday: int = 0  # weekly: 0 is Monday
    day: int = 1  # monthly: day of the month, 1..28 so every month has it
    format: str = "html"
    folder: Path = Path(DEFAULT_FOLDER)


def parse_report_schedule(data: Mapping[str, Any] | None) -> ReportSchedule | None:
    """None when the client has no schedule; a DouseError naming the bad key otherwise."""
    if not data:
        return None
    every = data.get("every", "weekly")
    if every not in ("daily", "weekly", "monthly"):
        raise DouseError(f"report_schedule.every: {every!r} is not daily, weekly or monthly")
    text = str(data.get("time", "08:00"))
    try:
        at = time.fromisoformat(text)
    except ValueError:
        raise DouseError(f"report_schedule.time: {text!r} is not a time like 08:00") from None
    weekday = str(data.get("weekday", "mon")).lower()[:3]
    if weekday not in WEEKDAYS:
        raise DouseError(f"report_schedule.weekday: {data.get('weekday')!r} is not mon..sun")
    day = data.get("day", 1)
    if isinstance(day, bool) or not isinstance(day, int) or not 1 <= day <= 28:
        raise DouseError(f"report_schedule.day: {day!r} must be a day of the month from 1 to 28")
    fmt = data.get("format", "html")
    if fmt not in FORMATS:
        raise DouseError(f"report_schedule.format: {fmt!r} is not one of {', '.join(FORMATS)}")
    folder = data.get("folder") or DEFAULT_FOLDER
    if not isinstance(folder, str):
        raise DouseError("report_schedule.folder must be a path")
    return ReportSchedule(
        every=every,
        at=at.replace(tzinfo=None),
        weekday=WEEKDAYS.index(weekday),
        day=day,
        format=fmt,
        folder=Path(folder).expanduser(),
    )


DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def describe_schedule(schedule: ReportSchedule) -> str:
    """ "weekly, Monday 08:00", "daily, 18:00", "monthly, day 1, 07:00"."""
    if schedule.every == "weekly":
        return f"weekly, {DAY_NAMES[schedule.weekday]} {schedule.at:%H:%M}"
    if schedule.every == "monthly":
        return f"monthly, day {schedule.day}, {schedule.at:%H:%M}"
    return f"daily, {schedule.at:%H:%M}"


def _at(day: date, schedule: ReportSchedule, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, schedule.at, tzinfo=tz).astimezone(UTC)


def _month_back(day: date) -> date:
    return (day.replace(day=1) - timedelta(days=1)).replace(day=day.day)


def latest_fire(schedule: ReportSchedule, tz: ZoneInfo, now: datetime) -> datetime:
    """The most recent scheduled instant at or before `now`."""
    today = now.astimezone(tz).date()
    if schedule.every == "daily":
        day = today
    elif schedule.every == "weekly":
        day = today - timedelta(days=(today.weekday() - schedule.weekday) % 7)
    else:
        day = today.replace(day=schedule.day)
    fire = _at(day, schedule, tz)
    return fire if fire <= now else previous_fire(schedule, tz, fire)


def previous_fire(schedule: ReportSchedule, tz: ZoneInfo, fire: datetime) -> datetime:
    day = fire.astimezone(tz).date()
    if schedule.every == "daily":
        day -= timedelta(days=1)
    elif schedule.every == "weekly":
        day -= timedelta(days=7)
    else:
        day = _month_back(day.replace(day=schedule.day))
    return _at(day, schedule, tz)


def next_fire(schedule: ReportSchedule, tz: ZoneInfo, now: datetime) -> datetime:
    """The first scheduled instant after `now`."""
    day = latest_fire(schedule, tz, now).astimezone(tz).date()
    if schedule.every == "daily":
        day += timedelta(days=1)
    elif schedule.every == "weekly":
        day += timedelta(days=7)
    else:
        day = (day.replace(day=28) + timedelta(days=4)).replace(day=schedule.day)
    return _at(day, schedule, tz)


def due_periods(
    schedule: ReportSchedule, tz: ZoneInfo, now: datetime, last_end: datetime | None
) -> list[tuple[datetime, datetime]]:
    """Periods still to report, oldest first. Never run before: only the latest one."""
    end = latest_fire(schedule, tz, now)
    periods: list[tuple[datetime, datetime]] = []
    while len(periods) < MAX_CATCH_UP and (last_end is None or end > last_end):
        start = previous_fire(schedule, tz, end)
        # A changed schedule must not leave a gap or overlap with what was already sent.
        if last_end is not None and start < last_end:
            start = last_end
        periods.append((start, end))
        if last_end is None:
            break
        end = previous_fire(schedule, tz, end)
    return periods[::-1]
