"""Every export format on the demo agency: the client's data only, in full, and readable back."""

from __future__ import annotations

import csv
import io
import json

import pytest
from sqlalchemy import func, select

from douse.core.db.models import Client, Incident, Mention
from douse.core.export import export_to_stream
from douse.core.export.period import client_zone, make_period
from douse.core.export.records import load_client
from douse.core.export.summary import summarise
from douse.core.ingest.douse_json import import_douse_json
from douse.core.services import Services
from tests.helpers import T0


def _busiest(demo_db: Services) -> tuple[str, int, list[str]]:
    with demo_db.sessions() as session:
        slug, count = session.execute(
            select(Client.slug, func.count(Incident.id))
            .join(Incident, Incident.client_id == Client.id)
            .where(Incident.merged_into_id.is_(None))
            .group_by(Client.slug)
            .order_by(func.count(Incident.id).desc(), Client.slug)
            .limit(1)
        ).one()
        others = list(session.scalars(select(Client.name).where(Client.slug != slug)))
    return slug, count, others


def _export(demo_db: Services, slug: str, fmt: str, **kw: object) -> str:
    out = io.StringIO()
    with demo_db.sessions() as session:
        export_to_stream(session, slug, fmt, None, None, out, T0, **kw)  # type: ignore[arg-type]
    return out.getvalue()


def test_csv_has_one_row_per_incident_and_answers_met_or_missed(demo_db: Services) -> None:
    slug, count, _ = _busiest(demo_db)
    rows = list(csv.DictReader(io.StringIO(_export(demo_db, slug, "csv"))))
    assert len(rows) == count
    assert {r["first_response"] for r in rows} >= {"met", "missed"}
    assert all(r["incident_id"] for r in rows)


def test_json_round_trips_the_demo_client(demo_db: Services, sqlite_services: Services) -> None:
    slug, count, _ = _busiest(demo_db)
    document = _export(demo_db, slug, "json")
    parsed = json.loads(document)
    assert parsed["client"]["slug"] == slug and len(parsed["incidents"]) == count
    with sqlite_services.sessions.begin() as session:
        summary = import_douse_json(session, io.StringIO(document), T0)
    assert summary.incidents_created == count
    again = io.StringIO()
    with sqlite_services.sessions() as session:
        export_to_stream(session, slug, "json", None, None, again, T0)
    reread = json.loads(again.getvalue())
    assert [i["title"] for i in reread["incidents"]] == [i["title"] for i in parsed["incidents"]]
    assert [len(i["activities"]) for i in reread["incidents"]] == [
        len(i["activities"]) for i in parsed["incidents"]
    ]
    # Mentions no incident holds come along too, so the imported client's chart is the same.
    assert parsed["mentions"] and len(reread["mentions"]) == len(parsed["mentions"])
    charts = []
    for services in (demo_db, sqlite_services):
        with services.sessions() as session:
            client = load_client(session, slug)
            period = make_period(None, None, client_zone(client.timezone), T0)
            s = summarise(session, client, period, T0)
        charts.append((s.total, s.response, s.buckets))
    assert charts[1] == charts[0]
    with demo_db.sessions() as session:
        everything = session.scalar(
            select(func.count(Mention.id)).join(Client).where(Client.slug == slug)
        )
    with sqlite_services.sessions() as session:
        assert session.scalar(select(func.count(Mention.id))) == everything


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_readable_formats_hold_only_this_client(demo_db: Services, fmt: str) -> None:
    slug, _, others = _busiest(demo_db)
    text = _export(demo_db, slug, fmt)
    for name in others:
        assert name not in text, f"{name} leaked into {slug}'s {fmt} export"
    if fmt == "html":
        assert "<svg" in text and "<script" not in text.lower()
