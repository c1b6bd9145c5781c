"""douse JSON: a documented, versioned document that reads back into another database unchanged."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from douse.core.db.models import Activity, Incident, Mention, Staff
from douse.core.errors import DouseError
from douse.core.export import export_to_stream
from douse.core.export.period import client_zone, make_period
from douse.core.export.records import load_client
from douse.core.export.summary import Summary, summarise
from douse.core.ingest.douse_json import SCHEMA, SCHEMA_VERSION, import_douse_json
from douse.core.ingest.jsonstream import iter_members
from douse.core.services import Services, build_services
from douse.core.settings import Settings
from tests.export_factory import HOSTILE_TEXT, add_loose_mentions, build_agency


def _export(services: Services, slug: str = "acme") -> str:
    out = io.StringIO()
    with services.sessions() as session:
        export_to_stream(session, slug, "json", None, None, out, services.clock.now())
    return out.getvalue()


@pytest.fixture
def other_db(tmp_path: Path, services: Services) -> Iterator[Services]:
    """A second, empty SQLite database to import into."""
    folder = tmp_path / "other"
    folder.mkdir()
    svc = build_services(
        Settings(
            database_url=f"sqlite:///{folder / 'other.db'}",
            config_path=folder / "clients.toml",
            log_dir=folder / "logs",
        ),
        clock=services.clock,  # type: ignore[arg-type]
    )
    yield svc
    svc.close()


def _without_ids(doc: dict[str, Any]) -> dict[str, Any]:
    """Ids belong to a database; everything else must survive the trip."""
    doc = json.loads(json.dumps(doc))
    for m in doc.get("mentions", []):
        m.pop("id")
    for incident in doc["incidents"]:
        incident.pop("id")
        incident.pop("merged_into_id")
        for m in incident["mentions"]:
            m.pop("id")
        by_old = {a["id"]: n for n, a in enumerate(incident["activities"])}
        for a in incident["activities"]:
            a.pop("id")
            a.pop("refs", None)  # keyed by the ids of the rows they name
            if a["corrects_id"] is not None:
                a["corrects_id"] = by_old[a["corrects_id"]]  # position of the corrected entry
    return doc


def test_document_is_versioned_and_holds_one_client(services: Services) -> None:
    with services.sessions.begin() as session:
        agency = build_agency(session, services.clock.now())
    doc = json.loads(_export(services))
    assert doc["schema"] == SCHEMA and doc["schema_version"] == SCHEMA_VERSION
    assert doc["client"]["slug"] == "acme"
    assert doc["exported_at"] == "2026-11-23T10:00:00Z"
    assert [i["id"] for i in doc["incidents"]] == [
        agency.met.id,
        agency.breached.id,
        agency.missed.id,
        agency.pending.id,
    ]
    assert {s["handle"] for s in doc["staff"]} == {"alice", "bob"}
    assert "Globex" not in json.dumps(doc)
    met = doc["incidents"][0]
    assert [m["dedupe_key"] for m in met["mentions"]] == ["m1", "m2", "m2-copy"]
    assert met["mentions"][0]["text"] == HOSTILE_TEXT
    assert met["mentions"][2]["duplicate_of"] == "m2"
    assert met["mentions"][0]["raw"] == {"id": "m1", "nested": {"ü": [1, 2.5, None]}}
    assert met["first_response"] == "met"
    assert met["account"] == {"platform": "mastodon", "handle": "@acme"}
    assert [a["kind"] for a in met["activities"]] == ["public_reply", "offer_made", "correction"]
    assert met["activities"][1]["amount"] == "12.50"


def test_round_trip_into_another_database(services: Services, other_db: Services) -> None:
    with services.sessions.begin() as session:
        build_agency(session, services.clock.now())
    first = _export(services)
    with other_db.sessions.begin() as session:
        summary = import_douse_json(session, io.StringIO(first), other_db.clock.now())
    assert summary.client == "acme" and summary.client_created
    assert (summary.incidents_created, summary.incidents_existing) == (4, 0)
    assert summary.mentions_created == 5 and summary.activities_created == 4
    second = _export(other_db)
    assert _without_ids(json.loads(second)) == _without_ids(json.loads(first))
    with other_db.sessions() as session:
        # The imported colleagues are names in the record, not people to assign work to.
        assert session.scalars(select(Staff.active)).all() == [False, False]
        correction = session.scalars(select(Activity).where(Activity.kind == "correction")).one()
        corrected = session.get(Activity, correction.corrects_id)
        assert corrected is not None and corrected.kind == "public_reply"


def test_importing_twice_adds_nothing(services: Services, other_db: Services) -> None:
    with services.sessions.begin() as session:
        build_agency(session, services.clock.now())
    text = _export(services)
    for _ in range(2):
        with other_db.sessions.begin() as session:
            summary = import_douse_json(session, io.StringIO(text), other_db.clock.now())
    assert (summary.incidents_created, summary.incidents_existing) == (0, 4)
    with other_db.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Incident)) == 4
        assert session.scalar(select(func.count()).select_from(Mention)) == 5
        assert session.scalar(select(func.count()).select_from(Activity)) == 4


def test_bad_documents_are_rejected_whole(other_db: Services, services: Services) -> None:
    with services.sessions.begin() as session:
        build_agency(session, services.clock.now())
    good = json.loads(_export(services))
    broken = json.loads(json.dumps(good))
    broken["incidents"][2]["severity"] = "apocalyptic"
    cases = [
        ("", "expected '{'"),
        ("[]", "expected '{'"),
        ('{"schema": "something-else"}', "not a douse incident log"),
        ('{"schema": "douse-incident-log", "schema_version": 99}', "not supported"),
        (json.dumps(good)[:-40], "broken JSON|expected"),
        (json.dumps(broken), r"incidents\[2\]: 'severity' is 'apocalyptic'"),
    ]
    for text, message in cases:
        with pytest.raises(DouseError, match=message), other_db.sessions.begin() as session:
            import_douse_json(session, io.StringIO(text), other_db.clock.now())
    with other_db.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Incident)) == 0


class _Trickle(io.StringIO):
    """Hands out at most three characters per read, to split every token across reads."""

    def read(self, size: int | None = -1) -> str:
        return super().read(3)


def test_stream_reader_handles_any_split_and_layout() -> None:
    doc = {"a": 12345, "b": [1, {"x": "y\u00e9\\"}], "incidents": [{"n": i} for i in range(5)]}
    for text in (
        json.dumps(doc),
        json.dumps(doc, indent=3),
        json.dumps(doc, separators=(",", ":")),
    ):
        members = list(iter_members(_Trickle(text), "incidents"))
        assert members[:2] == [("a", 12345), ("b", [1, {"x": "y\u00e9\\"}])]
        assert [v for k, v in members[2:]] == [{"n": i} for i in range(5)]
    assert list(iter_members(io.StringIO('{"incidents": []}'), "incidents")) == []
    with pytest.raises(DouseError, match="extra data"):
        list(iter_members(io.StringIO('{"a": 1} {"b": 2}'), "incidents"))


def _summary(services: Services) -> Summary:
    now = services.clock.now()
    with services.sessions() as session:
        client = load_client(session, "acme")
        return summarise(session, client, make_period(None, None, client_zone("UTC"), now), now)


def _report_figures(s: Summary) -> tuple[Any, ...]:
    """Everything the report shows from the summary, ids aside (they belong to a database)."""
    briefs = [(b.title, b.severity, b.status, b.mention_count) for b in s.open_items + s.patterns]
    return (s.total, s.by_severity_status, s.response, s.open_count, briefs, s.buckets)


def test_mentions_outside_incidents_make_the_round_trip(
    services: Services, other_db: Services
) -> None:
    now = services.clock.now()
    with services.sessions.begin() as session:
        agency = build_agency(session, now)
        add_loose_mentions(session, agency, now)
    first = _export(services)
    doc = json.loads(first)
    assert list(doc)[-2:] == ["mentions", "incidents"]  # both arrays stream, incidents last
    assert [m["dedupe_key"] for m in doc["mentions"]] == ["loose-1", "loose-2", "loose-3"]
    assert doc["mentions"][2]["duplicate_of"] == "loose-1"
    assert doc["mentions"][0]["added_at"] is None
    assert doc["mentions"][0]["sentiment"]["corrected_by"] == "bob"
    assert "bob" in {s["handle"] for s in doc["staff"]}
    with other_db.sessions.begin() as session:
        summary = import_douse_json(session, io.StringIO(first), now)
    assert summary.mentions_created == 8
    second = _export(other_db)
    assert _without_ids(json.loads(second)) == _without_ids(doc)
    # The imported client's report reads the same: counts, response times and the chart.
    original, imported = _summary(services), _summary(other_db)
    assert sum(b.total for b in original.buckets) == 6  # m1..m4 and two loose (one is a copy)
    assert _report_figures(imported) == _report_figures(original)
    with other_db.sessions.begin() as session:  # and a second import adds nothing
        again = import_douse_json(session, io.StringIO(first), now)
    assert (again.mentions_created, again.mentions_existing) == (0, 3)  # incidents skip whole


def test_a_file_without_mentions_still_imports(services: Services, other_db: Services) -> None:
    """Files written before the `mentions` member existed stay readable."""
    with services.sessions.begin() as session:
        build_agency(session, services.clock.now())
    doc = json.loads(_export(services))
    del doc["mentions"]
    with other_db.sessions.begin() as session:
        summary = import_douse_json(session, io.StringIO(json.dumps(doc)), other_db.clock.now())
    assert summary.incidents_created == 4 and summary.mentions_created == 5


def test_pages_of_any_size_give_the_same_document(services: Services) -> None:
    # Incidents are read in keyset pages of (opened_at, id): a page boundary between incidents
    # opened at the same instant must neither repeat nor skip one.
    from douse.core.export import json_rows, records

    with services.sessions.begin() as session:
        agency = build_agency(session, services.clock.now())
        twin = session.get(Incident, agency.missed.id)
        assert twin is not None
        session.get(Incident, agency.pending.id).opened_at = twin.opened_at  # type: ignore[union-attr]
    with services.sessions() as session:
        client = load_client(session, "acme")
        period = make_period(None, None, client_zone(client.timezone), services.clock.now())
        now = services.clock.now()
        whole = list(json_rows.incidents(session, client.id, period, now))
        for size in (1, 2, 3):
            assert (
                list(json_rows.incidents(session, client.id, period, now, page_size=size)) == whole
            )
            assert list(records.iter_incidents(session, client.id, period, page_size=size)) == list(
                records.iter_incidents(session, client.id, period)
            )
    assert len(whole) == 4


def _thanks_for_the_fix(session: Any, agency: Any, now: datetime) -> int:
    """Log m4 (calm's "Love it") as the customer's thank-you on the pending incident, as
    triage logs a reply that only thanks; the post's id."""
    m4 = session.scalars(select(Mention).where(Mention.dedupe_key == "m4")).one()
    session.add(
        Activity(
            incident_id=agency.pending.id,
            kind="customer_replied",
            at=now - timedelta(minutes=20),
            body="@calm: thanks!",
            details={"mention_id": m4.id, "thanks": True},
        )
    )
    return int(m4.id)


def _what_details_name(services: Services) -> dict[tuple[str, str], dict[str, Any]]:
    """Each acme log entry's details with every id read as what it names: a post by its
    dedupe_key, an incident by its title, an author by handle."""
    from douse.core.db.models import Author, Client

    named: dict[tuple[str, str], dict[str, Any]] = {}
    with services.sessions() as session:
        acme = session.scalars(select(Client.id).where(Client.slug == "acme")).one()
        entries = session.scalars(
            select(Activity)
            .join(Incident, Incident.id == Activity.incident_id)
            .where(Incident.client_id == acme)
        )

        def post(i: int) -> str | None:
            return session.scalar(select(Mention.dedupe_key).where(Mention.id == i))

        def incident(i: int) -> str | None:
            return session.scalar(select(Incident.title).where(Incident.id == i))

        for entry in entries:
            details = dict(entry.details or {})
            if "mention_id" in details:
                details["mention_id"] = post(details["mention_id"])
            if "mentions" in details:
                details["mentions"] = sorted(str(post(i)) for i in details["mentions"])
            for key in ("into", "from", "to"):
                value = details.get(key)
                if isinstance(value, int):
                    details[key] = incident(value)
                elif isinstance(value, list):
                    details[key] = [incident(i) for i in value]
            if "troll_author" in details:
                details["troll_author"] = session.scalar(
                    select(Author.handle).where(Author.id == details["troll_author"])
                )
            named[(entry.kind, entry.body)] = details
    return named


def test_ids_in_the_log_name_the_same_rows_in_the_database_it_is_imported_into(
    services: Services, other_db: Services
) -> None:
    """A thank-you's post, a split's posts and incidents, a merge and a troll flag are logged
    by id; imported where the ids are others, each still names the same post, incident and
    author, and an id of a row a file never carries (an undo point) is kept aside, not read
    as this database's."""

    from douse.core.db.models import Author
    from douse.core.incidents.workflow import merge_incidents, split_incident

    now = services.clock.now()
    with services.sessions.begin() as session:
        agency = build_agency(session, now)
        m2 = session.scalars(select(Mention).where(Mention.dedupe_key == "m2")).one()
        _thanks_for_the_fix(session, agency, now)
        angry = session.scalars(select(Author).where(Author.handle == "angry")).one()
        session.add_all(
            [
                Activity(
                    incident_id=agency.missed.id,
                    kind="status_change",
                    staff_id=agency.bob.id,
                    at=now - timedelta(minutes=10),
                    body="monitor: troll",
                    details={"from": "resolved", "to": "monitor", "troll_author": angry.id},
                ),
                Activity(
                    incident_id=agency.missed.id,
                    kind="correction",
                    staff_id=agency.bob.id,
                    at=now - timedelta(minutes=5),
                    body="undone",
                    details={"undo": 9, "undid": "status_change"},
                ),
            ]
        )
        met, pending, breached = agency.met.id, agency.pending.id, agency.breached.id
        m2_id = m2.id
    with services.sessions.begin() as session:
        split_incident(session, met, [m2_id], by="alice", now=now - timedelta(minutes=2))
    with services.sessions.begin() as session:
        merge_incidents(session, pending, [breached], by="alice", now=now - timedelta(minutes=1))
        # A correction of the split's entry, which names an incident later in the file.
        split_entry = session.scalars(
            select(Activity).where(Activity.incident_id == met, Activity.kind == "split")
        ).one()
        session.add(
            Activity(
                incident_id=met,
                kind="correction",
                staff_id=agency.alice.id,
                at=now - timedelta(seconds=30),
                body="split by mistake, see the new case",
                corrects_id=split_entry.id,
            )
        )
    with other_db.sessions.begin() as session:
        # Rows of its own first, so that no exported id is this database's id for the same row.
        session.add(Author(platform="mastodon", handle="someone-else"))
        import_douse_json(session, io.StringIO(_export(services, "globex")), now)
    with other_db.sessions.begin() as session:
        import_douse_json(session, io.StringIO(_export(services)), now)

    before, after = _what_details_name(services), _what_details_name(other_db)
    assert before[("customer_replied", "@calm: thanks!")]["mention_id"] == "m4"
    assert any(d.get("mentions") == ["m2"] for d in before.values())  # the split was logged
    assert any(isinstance(d.get("into"), str) for d in before.values())  # and the merge
    assert before[("status_change", "monitor: troll")]["troll_author"] == "angry"
    undone = after.pop(("correction", "undone"))
    assert undone == {"undid": "status_change", "exported_ids": {"undo": 9}}
    del before[("correction", "undone")]
    assert after == before
    with other_db.sessions() as session:
        fix = session.scalars(
            select(Activity).where(Activity.body == "split by mistake, see the new case")
        ).one()
        corrected = session.get(Activity, fix.corrects_id)
        assert corrected is not None and corrected.kind == "split"
        assert corrected.incident_id == fix.incident_id


def test_an_older_file_whose_log_entries_name_posts_only_by_id_keeps_those_ids_aside(
    services: Services, other_db: Services
) -> None:
    """A file without `refs` (written before douse said which rows log entries name) cannot say
    which post an id was: the id is kept under exported_ids, never read as this database's."""

    now = services.clock.now()
    with services.sessions.begin() as session:
        agency = build_agency(session, now)
        m4_id = _thanks_for_the_fix(session, agency, now)
    doc = json.loads(_export(services))
    for incident in doc["incidents"]:
        for entry in incident["activities"]:
            if entry["kind"] == "customer_replied":
                assert entry["refs"] == {"mentions": {str(m4_id): "m4"}}
                entry["refs"] = {"mentions": ["m4"]}  # a hand-edited file: says nothing usable
            else:
                entry.pop("refs", None)
    with other_db.sessions.begin() as session:
        import_douse_json(session, io.StringIO(json.dumps(doc)), now)
    with other_db.sessions() as session:
        entry = session.scalars(select(Activity).where(Activity.kind == "customer_replied")).one()
    assert entry.details == {"thanks": True, "exported_ids": {"mention_id": m4_id}}
