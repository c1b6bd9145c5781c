"""Business-time arithmetic: deadlines that count only a client's open hours, in its time zone.

Pure functions over a `BusinessCalendar` built once per client. Windows are resolved per local
date and converted to UTC, so a DST change moves the UTC instants of "09:00" without stretching
or shrinking a working day, and a minute is always a real minute.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from douse.core.errors import DouseError

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Two years without one open minute means the calendar is broken; stop rather than loop forever.
_MAX_SCAN_DAYS = 730
_ZERO = timedelta(0)
_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class BusinessCalendar:
    """Open windows per weekday (minutes from local midnight) in one zone, minus holidays.

    `always_open` (an empty business_hours table) means 24/7: holidays do not apply then.
    """

    tz: ZoneInfo
    windows: tuple[tuple[tuple[int, int], ...], ...] = ((),) * 7
    always_open: bool = False
    holiday_dates: frozenset[date] = frozenset()
    country: str | None = None
    subdiv: str | None = None
    _country_cache: dict[int, frozenset[date]] = field(
        default_factory=dict, compare=False, hash=False, repr=False
    )
    # A calendar is asked for the same few hundred days again and again (every deadline and
    # every response time scans days from its start); each day's windows are resolved once.
    _day_cache: dict[date, tuple[tuple[datetime, datetime], ...]] = field(
        default_factory=dict, compare=False, hash=False, repr=False
    )

    def is_holiday(self, day: date) -> bool:
        if day in self.holiday_dates:
            return True
        if self.country is None:
            return False
        year_days = self._country_cache.get(day.year)
        if year_days is None:
            import holidays

            year_days = frozenset(
                holidays.country_holidays(self.country, subdiv=self.subdiv, years=day.year)
            )
            self._country_cache[day.year] = year_days
        return day in year_days

    def open_windows(self, day: date) -> tuple[tuple[datetime, datetime], ...]:
        """The UTC open intervals of one local calendar day (empty on a holiday or closed day)."""
        cached = self._day_cache.get(day)
        if cached is None:
            cached = self._day_cache[day] = self._resolve_windows(day)
        return cached

    def _resolve_windows(self, day: date) -> tuple[tuple[datetime, datetime], ...]:
        if self.is_holiday(day):
            return ()
        return tuple(
            (self._instant(day, start), self._instant(day, end))
            for start, end in self.windows[day.weekday()]
        )

    def _instant(self, day: date, minutes: int) -> datetime:
        if minutes >= 24 * 60:
            local = datetime.combine(day + timedelta(days=1), time(0), tzinfo=self.tz)
        else:
            local = datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=self.tz)
        # A wall time skipped by a DST jump resolves forward; UTC round-trip normalises it.
        return local.astimezone(UTC)

    def local_date(self, instant: datetime) -> date:
        return instant.astimezone(self.tz).date()


TWENTY_FOUR_SEVEN = BusinessCalendar(tz=ZoneInfo("UTC"), always_open=True)


def _parse_hhmm(text: Any, where: str) -> int:
    if not isinstance(text, str) or ":" not in text:
        raise DouseError(f"{where}: expected a time like 09:00, got {text!r}")
    hours, _, minutes = text.partition(":")
    try:
        h, m = int(hours), int(minutes)
    except ValueError:
        raise DouseError(f"{where}: expected a time like 09:00, got {text!r}") from None
    if not (0 <= h <= 24 and 0 <= m < 60) or (h == 24 and m != 0):
        raise DouseError(f"{where}: {text!r} is not a time of day")
    return h * 60 + m


def build_calendar(
    business_hours: Mapping[str, Any] | None,
    timezone: str | None,
    holidays: Mapping[str, Any] | None = None,
) -> BusinessCalendar:
    """Build a calendar from a client's stored settings; bad values raise DouseError."""
    try:
        tz = ZoneInfo(timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        raise DouseError(f"unknown time zone {timezone!r}") from None
    if not business_hours:
        return BusinessCalendar(tz=tz, always_open=True)
    unknown = set(business_hours) - set(DAY_NAMES)
    if unknown:
        raise DouseError(f"business_hours: unknown day {sorted(unknown)[0]!r} (use mon..sun)")
    windows: list[tuple[tuple[int, int], ...]] = []
    for name in DAY_NAMES:
        spans = []
        for span in business_hours.get(name) or []:
            if not isinstance(span, list | tuple) or len(span) != 2:
                raise DouseError(f"business_hours.{name}: expected [start, end] pairs")
            start = _parse_hhmm(span[0], f"business_hours.{name}")
            end = _parse_hhmm(span[1], f"business_hours.{name}")
            if end <= start:
                raise DouseError(
                    f"business_hours.{name}: {span[1]} is not after {span[0]} "
                    "(split overnight hours across two days)"
                )
            spans.append((start, end))
        spans.sort()
        for (_, end_a), (start_b, _) in itertools.pairwise(spans):
            if start_b < end_a:
                raise DouseError(f"business_hours.{name}: windows overlap")
        windows.append(tuple(spans))
    if not any(windows):
        raise DouseError("business_hours: no open window on any day")
    holidays = holidays or {}
    country = holidays.get("country") or None
    subdiv = holidays.get("subdiv") or None
    if country is not None:
        import holidays as holidays_lib

        try:
            holidays_lib.country_holidays(country, subdiv=subdiv, years=2026)
        except NotImplementedError:
            raise DouseError(f"holidays: no calendar for country {country!r}") from None
    dates = set()
    for text in holidays.get("dates") or []:
        try:
            dates.add(date.fromisoformat(str(text)))
        except ValueError:
            raise DouseError(f"holidays.dates: {text!r} is not a date like 2026-12-24") from None
    return BusinessCalendar(
        tz=tz,
        windows=tuple(windows),
        holiday_dates=frozenset(dates),
        country=country,
        subdiv=subdiv,
    )


def _windows_from(
    start: datetime, calendar: BusinessCalendar
) -> Iterator[tuple[datetime, datetime]]:
    """Open UTC intervals in time order, beginning with the local day that contains `start`."""
    day = calendar.local_date(start) - timedelta(days=1)  # a window may start the day before in UTC
    for _ in range(_MAX_SCAN_DAYS):
        yield from calendar.open_windows(day)
        day += timedelta(days=1)
    raise DouseError("business hours never open within two years; check the client's calendar")


def add_business_minutes(start: datetime, minutes: float, calendar: BusinessCalendar) -> datetime:
    """The instant `minutes` of open time after `start` (an instant at a window's end, if exact)."""
    if minutes < 0:
        raise ValueError("minutes must not be negative")
    start = start.astimezone(UTC)
    if calendar.always_open:
        return start + timedelta(minutes=minutes)
    remaining = timedelta(minutes=minutes)
    for open_at, close_at in _windows_from(start, calendar):
        if close_at <= start:
            continue
        begin = max(open_at, start)
        available = close_at - begin
        if remaining <= available:
            if remaining == timedelta(0):
                return begin
            return begin + remaining
        remaining -= available
    raise AssertionError("unreachable: _windows_from raises when exhausted")


def business_minutes_between(a: datetime, b: datetime, calendar: BusinessCalendar) -> float:
    """Open minutes from `a` to `b` (negative when `b` is before `a`)."""
    if b < a:
        return -business_minutes_between(b, a, calendar)
    if calendar.always_open:
        return (b - a).total_seconds() / 60
    total = _ZERO
    a, b = a.astimezone(UTC), b.astimezone(UTC)
    # _windows_from's walk, written out: a report asks this of every incident twice, and the
    # generator cost more than the arithmetic.
    day = calendar.local_date(a) - _ONE_DAY  # a window may start the day before in UTC
    for _ in range(_MAX_SCAN_DAYS):
        for open_at, close_at in calendar.open_windows(day):
            if open_at >= b:
                return total.total_seconds() / 60
            overlap = min(close_at, b) - max(open_at, a)
            if overlap > _ZERO:
                total += overlap
        day += _ONE_DAY
    raise DouseError("business hours never open within two years; check the client's calendar")
