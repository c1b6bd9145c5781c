"""The desk's read models on SQLite and PostgreSQL: what each screen is built from."""

from __future__ import annotations

from datetime import timedelta

from douse.core.db.models import Client
from douse.core.queries.accounts import client_accounts, client_sources
from douse.core.queries.authors import client_authors
from douse.core.queries.dashboard import dashboard, data_stamp
from douse.core.queries.detail import incident_detail, incident_mentions
from douse.core.queries.incidents import list_incidents, queue, queue_counts
from douse.core.queries.mentions import list_mentions
from douse.core.queries.rows import SPARK_DAYS, IncidentFilter, MentionCursor
from douse.core.services import Services
from tests import factories
from tests.factories import HOSTILE, desk_world
from tests.helpers import T0


def test_dashboard_counts_and_urgency(services: Services) -> None:
    with services.sessions.begin() as s:
        w = desk_world(s, T0)
    with services.sessions() as s:
        rows = dashboard(s, T0)
    by_slug = {r.slug: r for r in rows}
    # Overdue first, then critical.
    assert [r.slug for r in rows] == ["acme", "cobalt", "bistro"]
    acme = by_slug["acme"]
    assert acme.client_id == w.acme
    assert acme.open_by_severity == (1, 0, 1, 0)  # the monitored troll post and the mould one
    assert acme.overdue == 1
    assert acme.next_due_at == T0 - timedelta(minutes=25)
    assert acme.negative_24h == 3  # hostile, mould, vip day 0
    assert sum(acme.negative_daily) == 8
    assert len(acme.negative_daily) == SPARK_DAYS
    assert acme.unowned_accounts == 1
    assert acme.failing_sources == 1
    assert by_slug["bistro"].silent_sources == 1
    assert by_slug["cobalt"].open_by_severity == (0, 0, 0, 1)
    assert by_slug["cobalt"].unowned_accounts == 0


def test_incidents_filters_and_queue(services: Services) -> None:
    with services.sessions.begin() as s:
        w = desk_world(s, T0)
    with services.sessions() as s:
        open_rows = list_incidents(s, T0, client_id=w.acme)
        assert [r.title for r in open_rows] == ["Mould in rented flat, no call back", "Troll post"]
        assert [r.title for r in list_incidents(s, T0, IncidentFilter("all"), client_id=w.acme)][
            -1
        ] == "Late delivery complaint"
        bobs = list_incidents(s, T0, IncidentFilter(owner="bob"), client_id=w.acme)
        assert bobs[0].owner == "bob"
        assert list_incidents(s, T0, IncidentFilter(text="MOULD"), client_id=w.acme)[0].id == (
            w.overdue_incident
        )
        assert list_incidents(s, T0, IncidentFilter(severity="critical"), client_id=w.acme) == []
        everything = queue(s, T0)
        assert [r.id for r in everything] == [w.overdue_incident, w.critical_incident]
        assert [r.id for r in queue(s, T0, owner="alice")] == [w.overdue_incident]
        assert [r.id for r in queue(s, T0, overdue_only=True)] == [w.overdue_incident]
        assert [r.id for r in queue(s, T0, limit=1, offset=1)] == [w.critical_incident]
        assert queue_counts(s, T0) == (2, 1, 1)  # the critical one is due in 30 min
        assert queue_counts(s, T0, owner="alice") == (1, 1, 0)
        assert queue_counts(s, T0, owner="bob", overdue_only=True) == (0, 0, 0)


def test_mentions_paging_and_filters(services: Services) -> None:
    with services.sessions.begin() as s:
        w = desk_world(s, T0)
    with services.sessions() as s:
        first = list_mentions(s, client_id=w.acme, limit=2)
        assert [m.id for m in first] == [w.hostile_mention, w.negative_mention]
        assert first[0].text == HOSTILE
        rest = list_mentions(
            s, client_id=w.acme, after=MentionCursor(first[-1].published_at, first[-1].id), limit=50
        )
        assert rest[0].id == w.unscored_mention
        assert len(first) + len(rest) == 9
        unhandled = list_mentions(s, client_id=w.acme, kind="unhandled")
        assert w.negative_mention not in {m.id for m in unhandled}
        assert len(unhandled) == 6
        assert [m.id for m in list_mentions(s, client_id=w.acme, kind="unscored")] == [
            w.unscored_mention
        ]
        assert list_mentions(s, client_id=w.acme, search="mould")[0].incident_id == (
            w.overdue_incident
        )
        assert list_mentions(s, client_id=w.acme, search="100%") == []


def test_an_incidents_mentions_page_by_key_through_ties(services: Services) -> None:
    with services.sessions.begin() as s:
        w = desk_world(s, T0)
        acme = s.get(Client, w.acme)
        assert acme is not None
        # Three posts a minute, so pages of 4 end inside a tie: the keyset's id breaks it.
        posts = [
            factories.mention(s, acme, T0 - timedelta(minutes=1 + n // 3), text=f"lift {n}")
            for n in range(11)
        ]
        other = factories.mention(s, acme, T0 - timedelta(minutes=2))  # on no incident
        incident_id = factories.incident(s, acme, T0, posts).id
        newest_first = sorted(posts, key=lambda m: (m.published_at, m.id), reverse=True)
        expected = [m.id for m in newest_first]
    with services.sessions() as s:
        listed: list[int] = []
        after = None
        while True:
            page = incident_mentions(s, incident_id, after=after, limit=4)
            listed += [r.mention.id for r in page]
            if len(page) < 4:
                break
            last = page[-1].mention
            after = MentionCursor(last.published_at, last.id)
        assert listed == expected
        assert other.id not in listed
        assert incident_mentions(s, incident_id, limit=0) == ()
        detail = incident_detail(s, incident_id, mention_limit=4)
        assert [r.mention.id for r in detail.mentions] == expected[:4]
        assert detail.more_mentions == 7


def test_detail_accounts_sources_authors(services: Services) -> None:
    with services.sessions.begin() as s:
        w = desk_world(s, T0)
    with services.sessions() as s:
        detail = incident_detail(s, w.overdue_incident)
        assert detail.row.owner == "alice"
        assert detail.severity_reasons == ("negative -0.60", "complaint phrase")
        assert detail.mentions[0].history is not None
        assert detail.mentions[0].history.mentions == 3
        resolved = incident_detail(s, w.acme_resolved)
        assert [a.kind for a in resolved.activities] == ["public_reply"]
        accounts = client_accounts(s, w.acme)
        assert {a.handle: a.owner for a in accounts} == {"@acme": "alice", "acme.bsky.social": None}
        health = {src.name: src.health for src in client_sources(s, w.acme, T0)}
        assert health == {"acme-alerts": "ok", "acme-reddit": "failing"}
        authors = client_authors(s, w.acme)
        vip = next(a for a in authors if a.is_vip)
        assert vip.mentions_here == 6 and vip.mentions_all == 7 and vip.clients_all == 2
        stamp = data_stamp(s)
        assert stamp.mention_id > 0 and stamp.incident_id > 0


def test_dashboard_urgency_is_time_first(services: Services) -> None:
    """Overdue (most, then earliest breach), then the soonest deadline, then severity."""
    with services.sessions.begin() as s:
        desk_world(s, T0)  # acme 1 overdue (25 min), cobalt critical due in 30 min, bistro none
        soon = factories.client(s, T0, slug="soon", name="Soon Ltd")
        factories.incident(s, soon, T0, severity="low", due_at=T0 + timedelta(minutes=29))
        later = factories.client(s, T0, slug="later", name="Later Ltd")
        for _ in range(3):
            factories.incident(s, later, T0, severity="high", due_at=T0 + timedelta(hours=8))
        twice = factories.client(s, T0, slug="twice", name="Twice Ltd")
        for minutes in (5, 10):
            factories.incident(s, twice, T0, severity="low", due_at=T0 - timedelta(minutes=minutes))
        early = factories.client(s, T0, slug="early", name="Early Ltd")
        factories.incident(s, early, T0, severity="low", due_at=T0 - timedelta(hours=2))
        idle = factories.client(s, T0, slug="idle", name="Idle Ltd")
        factories.incident(s, idle, T0, severity="critical", status="waiting_customer")
    with services.sessions() as s:
        rows = dashboard(s, T0)
    assert [r.slug for r in rows] == [
        "twice",  # 2 overdue
        "early",  # 1 overdue, breached 2 h ago
        "acme",  # 1 overdue, breached 25 min ago (high)
        "soon",  # low, due in 29 min
        "cobalt",  # critical, due in 30 min
        "later",  # 3 high, due in 8 h
        "idle",  # critical, no running clock
        "bistro",
    ]


def test_queue_without_horizon_lists_every_running_deadline(services: Services) -> None:
    with services.sessions.begin() as s:
        w = desk_world(s, T0)
        acme = s.get(Client, w.acme)
        assert acme is not None
        far = factories.incident(s, acme, T0, title="next week", due_at=T0 + timedelta(days=6))
        paused = factories.incident(
            s, acme, T0, status="waiting_customer", due_at=T0 + timedelta(hours=1)
        )
    with services.sessions() as s:
        rows = queue(s, T0, horizon=None)
        assert [r.id for r in rows] == [w.overdue_incident, w.critical_incident, far.id]
        assert paused.id not in {r.id for r in rows}  # a paused clock is not running
        assert [r.id for r in queue(s, T0, horizon=None, limit=1, offset=2)] == [far.id]
        assert queue_counts(s, T0, horizon=None) == (3, 1, 1)
        assert [r.id for r in queue(s, T0)] == [w.overdue_incident, w.critical_incident]
