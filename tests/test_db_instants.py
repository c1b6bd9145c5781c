"""UTC instants bound for SQLite: one function, the text SQLAlchemy's own DATETIME wrote."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.dialects import sqlite

from douse.core.db.base import UTCDateTime, sqlite_bind_instant

DIALECT = sqlite.dialect()
SQLALCHEMYS = sqlite.DATETIME().bind_processor(DIALECT)
ZONES = [UTC, timezone(timedelta(hours=-8)), timezone(timedelta(hours=5, minutes=30)),
         ZoneInfo("UTC"), ZoneInfo("Europe/Lisbon")]  # fmt: skip


def _sqlalchemys(value: datetime) -> str:
    return str(SQLALCHEMYS(UTCDateTime().process_bind_param(value, DIALECT)))


@settings(max_examples=500, deadline=None)
@given(
    st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)),
    st.sampled_from(ZONES),
)
def test_the_same_text_as_sqlalchemys_datetime(naive: datetime, zone: object) -> None:
    value = naive.replace(tzinfo=zone)  # type: ignore[arg-type]
    assert sqlite_bind_instant(value) == _sqlalchemys(value)


def test_sqlite_binds_with_it_and_refuses_naive_instants() -> None:
    assert UTCDateTime()._cached_bind_processor(DIALECT) is sqlite_bind_instant
    assert sqlite_bind_instant(None) is None
    with pytest.raises(ValueError, match="naive"):
        sqlite_bind_instant(datetime(2026, 1, 1))
