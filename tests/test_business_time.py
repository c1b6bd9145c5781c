"""Business-time arithmetic: weekends, DST changes, holidays, 24/7 and bad calendars."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from douse.core.errors import DouseError
from douse.core.incidents import add_business_minutes, build_calendar, business_minutes_between

WEEKDAYS = {d: [["09:00", "17:30"]] for d in ("mon", "tue", "wed", "thu", "fri")}
LONDON = build_calendar(WEEKDAYS, "Europe/London", {"country": "GB", "dates": ["2026-12-24"]})


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_friday_afternoon_deadline_lands_on_monday_across_the_dst_change() -> None:
    # Friday 23 Oct 2026 16:30 BST (15:30 UTC); clocks go back on Sunday 25 Oct.
    start = utc(2026, 10, 23, 15, 30)
    due = add_business_minutes(start, 120, LONDON)
    # 60 minutes on Friday, 60 on Monday from 09:00 GMT, which is now 09:00 UTC.
    assert due == utc(2026, 10, 26, 10, 0)
    assert business_minutes_between(start, due, LONDON) == 120


def test_spring_forward_keeps_a_full_working_day() -> None:
    # London springs forward on Sunday 29 March 2026: Monday 09:00 is 08:00 UTC from then on.
    friday_close = utc(2026, 3, 27, 17, 30)  # 17:30 GMT
    assert add_business_minutes(friday_close, 30, LONDON) == utc(2026, 3, 30, 8, 30)
    monday = utc(2026, 3, 30, 8, 0)
    assert add_business_minutes(monday, 510, LONDON) == utc(2026, 3, 30, 16, 30)


def test_new_york_clock_change_moves_opening_in_utc() -> None:
    cal = build_calendar(WEEKDAYS, "America/New_York", {})
    # Friday 30 Oct 17:00 EDT (21:00 UTC) + 60 min: 30 on Friday, 30 on Monday from 09:00 EST.
    assert add_business_minutes(utc(2026, 10, 30, 21, 0), 60, cal) == utc(2026, 11, 2, 14, 30)


def test_weekend_and_evening_do_not_count() -> None:
    saturday = utc(2026, 11, 28, 12, 0)
    assert add_business_minutes(saturday, 30, LONDON) == utc(2026, 11, 30, 9, 30)
    assert (
        business_minutes_between(utc(2026, 11, 27, 17, 0), utc(2026, 11, 30, 9, 30), LONDON) == 60
    )


def test_public_and_explicit_holidays_are_closed() -> None:
    # 24 Dec is the client's own closure, 25 and 28 Dec (Boxing Day observed) are GB holidays.
    start = utc(2026, 12, 23, 17, 0)
    assert add_business_minutes(start, 60, LONDON) == utc(2026, 12, 29, 9, 30)


def test_empty_business_hours_mean_24_7_including_holidays() -> None:
    cal = build_calendar({}, "Europe/London", {"country": "GB"})
    start = utc(2026, 12, 25, 3, 0)
    assert add_business_minutes(start, 120, cal) == start + timedelta(hours=2)
    assert business_minutes_between(start, start - timedelta(minutes=30), cal) == -30


def test_split_days_and_lunch_breaks() -> None:
    cal = build_calendar({"mon": [["13:00", "17:00"], ["09:00", "12:00"]]}, "UTC", {})
    assert add_business_minutes(utc(2026, 11, 23, 11, 30), 60, cal) == utc(2026, 11, 23, 13, 30)


@pytest.mark.parametrize(
    ("hours", "tz", "hol", "message"),
    [
        ({"mon": [["9", "17"]]}, "UTC", {}, "expected a time like 09:00"),
        ({"mon": [["17:00", "09:00"]]}, "UTC", {}, "is not after"),
        ({"mon": [["09:00", "12:00"], ["11:00", "13:00"]]}, "UTC", {}, "overlap"),
        ({"funday": [["09:00", "17:00"]]}, "UTC", {}, "unknown day"),
        ({"mon": []}, "UTC", {}, "no open window"),
        (WEEKDAYS, "Mars/Olympus", {}, "unknown time zone"),
        (WEEKDAYS, "UTC", {"country": "XX"}, "no calendar for country"),
        (WEEKDAYS, "UTC", {"dates": ["24/12/2026"]}, "is not a date"),
    ],
)
def test_bad_calendars_are_user_errors(hours: dict, tz: str, hol: dict, message: str) -> None:
    with pytest.raises(DouseError, match=message):
        build_calendar(hours, tz, hol)


@settings(max_examples=150, deadline=None)
@given(
    start=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31)),
    minutes=st.integers(min_value=0, max_value=5000),
)
def test_adding_then_measuring_gives_back_the_minutes(start: datetime, minutes: int) -> None:
    start = start.replace(tzinfo=UTC)
    due = add_business_minutes(start, minutes, LONDON)
    assert due >= start
    assert business_minutes_between(start, due, LONDON) == pytest.approx(minutes)


def test_hours_and_targets_changed_in_place_apply_to_the_next_deadline() -> None:
    from douse.core.db.models import Client
    from douse.core.incidents.clocks import calendar_for, targets_for

    client = Client(name="Acme", slug="acme", business_hours={"mon": [["09:00", "17:00"]]})
    client.timezone, client.targets_by_severity = "UTC", {"high": {"first_response": 60}}
    client.first_response_minutes = 120
    monday = utc(2026, 3, 2, 16, 0)
    assert add_business_minutes(monday, 120, calendar_for(client, "low")) == utc(2026, 3, 9, 10)
    assert targets_for(client, "high").first_response == 60
    client.business_hours["mon"][0][1] = "18:00"  # edited where it is, not replaced
    client.targets_by_severity["high"]["first_response"] = 30
    assert add_business_minutes(monday, 120, calendar_for(client, "low")) == utc(2026, 3, 2, 18)
    assert targets_for(client, "high").first_response == 30
