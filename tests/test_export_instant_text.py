"""douse JSON writes instants from SQLite's stored text without a datetime in between: the
result must be the text the datetime path wrote, for every shape the column can hold."""

from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import text

from douse.core.db.base import sqlite_instant
from douse.core.export import export_to_stream
from douse.core.export.instant_text import iso_z, sqlite_instant_text
from douse.core.services import Services
from tests.export_factory import build_agency

STORED = [
    "2026-03-04 05:06:07.123456",  # SQLAlchemy's storage
    "2026-03-04 05:06:07.000000",  # a whole second: isoformat leaves the fraction out
    "2026-03-04 05:06:07.000100",
    "2026-12-31 23:59:59.999999",
    "2026-03-04 05:06:07",  # SQLite's CURRENT_TIMESTAMP
    "2026-03-04 00:00:00",
    "2026-03-04T05:06:07.123456",  # other ISO shapes a hand-written row may hold
    "2026-03-04T05:06:07",
    "2026-03-04 05:06:07.123+01",
    "2026-03-04 05:06:07.1+01:00",
    "2026-03-04 05:06:07+02:00",
    "2026-03-04 05:06:07.123456+00:00",
    "2026-03-04 05:06:07.123Z",
    "2026-03-04 05:06:07.12",
    "2026-03-04 05:06",
    "2026-03-04",
    "2026-W10-1 05:06:07.123456",
    "2026-W10-1 05:06:07",
    "2026-03-04 24:00:00.000000",
    "2026-03-04 24:00:00",
    "2026-02-30 05:06:07.123456",
    "2026-03-04 25:06:07",
    "2026-03-04 05:06:07.12345x",
    "2026-03-04 05:06:07.12345Z",
    "not a time at all, 26 chars",
]


@pytest.mark.parametrize("stored", STORED)
def test_stored_text_is_written_as_the_datetime_path_writes_it(stored: str) -> None:
    try:
        expected: str | None = iso_z(sqlite_instant(stored))
    except ValueError:
        expected = None
    if expected is None:
        with pytest.raises(ValueError):
            sqlite_instant_text(stored)
    else:
        assert sqlite_instant_text(stored) == expected


def test_none_stays_none() -> None:
    assert sqlite_instant_text(None) is None


def test_export_writes_hand_written_instants_as_instants(services: Services) -> None:
    with services.sessions.begin() as session:
        agency = build_agency(session, services.clock.now())
    if services.engine.dialect.name == "sqlite":
        # Rows written by hand, not through SQLAlchemy: every shape the fast path must tell
        # apart from its own.
        with services.engine.begin() as conn:
            conn.execute(
                text(
                    "UPDATE incidents SET acknowledged_at = '2026-11-20 09:00:00',"
                    " resolved_at = '2026-11-20T11:30:00.250+02:00' WHERE id = :id"
                ),
                {"id": agency.met.id},
            )
    out = io.StringIO()
    with services.sessions() as session:
        export_to_stream(session, "acme", "json", None, None, out, services.clock.now())
    doc = json.loads(out.getvalue())
    met = next(i for i in doc["incidents"] if i["id"] == agency.met.id)
    if services.engine.dialect.name == "sqlite":
        assert met["acknowledged_at"] == "2026-11-20T09:00:00Z"
        assert met["resolved_at"] == "2026-11-20T09:30:00.250000Z"
    for instant in (met["opened_at"], met["updated_at"], met["mentions"][0]["published_at"]):
        assert instant.endswith("Z") and "T" in instant
