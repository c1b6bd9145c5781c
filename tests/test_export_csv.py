"""CSV exports: one client's rows only, stored response outcomes, and no formula can run."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from pathlib import Path

import pytest

from douse.core.errors import DouseError, NotFound
from douse.core.export import export_client, export_to_stream
from douse.core.export.csv_format import safe_text
from douse.core.incidents.workflow import merge_incidents
from douse.core.services import Services
from tests.export_factory import HOSTILE_TITLE, build_agency


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_incident_rows_for_one_client_with_stored_outcomes(services: Services) -> None:
    now = services.clock.now()
    with services.sessions.begin() as session:
        agency = build_agency(session, now)
    out = io.StringIO()
    with services.sessions() as session:
        _, _, count = export_to_stream(session, "acme", "csv", None, None, out, now)
    rows = {int(r["incident_id"]): r for r in _rows(out.getvalue())}
    assert count == 4
    assert set(rows) == {agency.met.id, agency.missed.id, agency.pending.id, agency.breached.id}
    assert "Globex" not in out.getvalue()
    assert rows[agency.met.id]["first_response"] == "met"
    assert rows[agency.missed.id]["first_response"] == "missed"
    assert rows[agency.pending.id]["first_response"] == "pending"
    assert rows[agency.breached.id]["first_response"] == "missed"
    met = rows[agency.met.id]
    assert met["owner"] == "alice"
    assert met["distinct_authors"] == "2"
    assert met["first_mention_url"] == "https://social.example/@angry/m1"
    assert met["first_response_minutes"] == "50.0"
    assert met["opened_at"] == "2026-11-20T10:00:00Z"  # seconds, no microseconds
    assert rows[agency.missed.id]["first_response_target_minutes"] == "30"  # critical override
    assert rows[agency.missed.id]["repair_outcome"] == "post_updated"


def test_formula_injection_is_neutralised(services: Services) -> None:
    now = services.clock.now()
    with services.sessions.begin() as session:
        agency = build_agency(session, now)
    out = io.StringIO()
    with services.sessions() as session:
        export_to_stream(session, "acme", "csv", None, None, out, now)
    rows = {int(r["incident_id"]): r for r in _rows(out.getvalue())}
    assert rows[agency.met.id]["title"] == "'" + HOSTILE_TITLE
    assert rows[agency.missed.id]["title"] == "'-2+3 slow delivery"
    assert rows[agency.missed.id]["resolution"] == "'@refund issued"
    for row in rows.values():
        for column, value in row.items():
            assert not value.startswith(("=", "+", "@", "\t", "\r")), (column, value)
            if value.startswith("-"):
                pytest.fail(f"{column} starts with '-': {value!r}")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("\uff1dSUM(A1)", "'\uff1dSUM(A1)"),  # fullwidth ＝: some spreadsheets fold it to =
        ("\uff0b1", "'\uff0b1"),
        ("\uff20x", "'\uff20x"),
        ("\ufe631", "'\ufe631"),
        ("a\uff1db", "a\uff1db"),
        ("fine = ok", "fine = ok"),
        ("", ""),
        (None, ""),
    ],
)
def test_safe_text(value: str | None, expected: str) -> None:
    assert safe_text(value) == expected


def test_activities_csv_and_bom(services: Services, tmp_path: Path) -> None:
    now = services.clock.now()
    with services.sessions.begin() as session:
        agency = build_agency(session, now)
    result = export_client(
        services.sessions, "acme", "csv", None, None, tmp_path, now, activities=True, bom=True
    )
    assert result.path is not None
    raw = result.path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert result.path.name == "acme-activities-2026-11-23.csv"
    rows = _rows(raw.decode("utf-8-sig"))
    assert result.rows == len(rows) == 4
    assert {r["incident_id"] for r in rows} == {str(agency.met.id), str(agency.missed.id)}
    offer = next(r for r in rows if r["kind"] == "offer_made")
    assert (offer["amount"], offer["currency"]) == ("12.50", "GBP")
    reply = next(r for r in rows if r["kind"] == "public_reply")
    assert reply["body"] == "'+1 sorry, DM us"
    correction = next(r for r in rows if r["kind"] == "correction")
    assert correction["corrects_activity_id"] == reply["activity_id"]
    assert "Globex" not in raw.decode("utf-8-sig")


def test_period_filters_by_local_dates(services: Services) -> None:
    now = services.clock.now()  # Monday 23 Nov 2026 10:00 UTC; incidents from Friday 20th
    with services.sessions.begin() as session:
        agency = build_agency(session, now)
    out = io.StringIO()
    with services.sessions() as session:
        export_to_stream(session, "acme", "csv", "2026-11-21", "2026-11-22", out, now)
    assert [int(r["incident_id"]) for r in _rows(out.getvalue())] == [agency.missed.id]


def test_bad_input_is_a_user_error(services: Services, tmp_path: Path) -> None:
    now = services.clock.now()
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    with services.sessions.begin() as session:
        build_agency(session, now)
    with pytest.raises(NotFound, match="no client with slug 'nope'"):
        export_client(services.sessions, "nope", "csv", None, None, tmp_path, now)
    with pytest.raises(DouseError, match="unknown export format"):
        export_client(services.sessions, "acme", "xlsx", None, None, tmp_path, now)
    with pytest.raises(DouseError, match="not a date"):
        export_client(services.sessions, "acme", "csv", "2026-13-45", None, tmp_path, now)
    with pytest.raises(DouseError, match="is not before"):
        export_client(services.sessions, "acme", "csv", "2026-11-22", "2026-11-20", tmp_path, now)
    assert list(tmp_path.iterdir()) == []


def test_times_are_whole_seconds_for_spreadsheets(services: Services) -> None:
    now = services.clock.now()
    with services.sessions.begin() as session:
        agency = build_agency(session, now)
        agency.met.first_response_at = agency.met.opened_at + timedelta(minutes=50, microseconds=7)
    out = io.StringIO()
    with services.sessions() as session:
        export_to_stream(session, "acme", "csv", None, None, out, now)
    for row in _rows(out.getvalue()):
        for column in ("opened_at", "first_response_at", "first_response_due_at"):
            value = row[column]
            assert not value or re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", value), value
    met = next(r for r in _rows(out.getvalue()) if r["incident_id"] == str(agency.met.id))
    assert met["first_response_at"] == "2026-11-20T10:50:00Z"


def test_a_merged_away_incident_is_neither_met_nor_missed(services: Services) -> None:
    now = services.clock.now()
    with services.sessions.begin() as session:
        agency = build_agency(session, now)
        merge_incidents(session, agency.met.id, [agency.breached.id], by="alice", now=now)
    out = io.StringIO()
    with services.sessions() as session:
        export_to_stream(session, "acme", "csv", None, None, out, now)
    rows = {int(r["incident_id"]): r for r in _rows(out.getvalue())}
    assert len(rows) == 4  # still listed: the log is complete
    gone = rows[agency.breached.id]
    assert (gone["first_response"], gone["merged_into_id"]) == ("merged", str(agency.met.id))
    assert rows[agency.met.id]["merged_into_id"] == ""
    assert [r["first_response"] for r in rows.values()].count("missed") == 1
