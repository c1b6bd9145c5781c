"""Small ORM factories for tests: sensible defaults, every field overridable by keyword.

`desk_world` builds the little agency the desk tests look at: three clients, three staff, accounts
with and without owners, healthy and failing sources, authors (one troll, one VIP), mentions in
every label (one full of hostile markup) and incidents in several states around T0.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from douse.core.db.models import (
    Account,
    Activity,
    Author,
    Client,
    Incident,
    IncidentMention,
    Mention,
    Source,
    Staff,
)

_seq = itertools.count(1)

HOSTILE = (
    "[bold red]pwned[/] [link=http://x]click[/link] \x1b[31mred\x1b[0m $(rm -rf) "
    "[@click=app.quit]q[/]"
)


def client(session: Session, now: datetime, **kw: Any) -> Client:
    n = next(_seq)
    values: dict[str, Any] = {
        "slug": f"client-{n}",
        "name": f"Client {n}",
        "keywords": [],
        "created_at": now,
        "updated_at": now,
    }
    values.update(kw)
    obj = Client(**values)
    session.add(obj)
    session.flush()
    return obj


def staff(session: Session, **kw: Any) -> Staff:
    n = next(_seq)
    values: dict[str, Any] = {"handle": f"staff{n}", "name": f"Staff {n}"}
    values.update(kw)
    obj = Staff(**values)
    session.add(obj)
    session.flush()
    return obj


def account(session: Session, client: Client, **kw: Any) -> Account:
    n = next(_seq)
    values: dict[str, Any] = {"client_id": client.id, "platform": "mastodon", "handle": f"@acct{n}"}
    values.update(kw)
    obj = Account(**values)
    session.add(obj)
    session.flush()
    return obj


def source(session: Session, client: Client, **kw: Any) -> Source:
    n = next(_seq)
    values: dict[str, Any] = {
        "client_id": client.id,
        "name": f"feed-{n}",
        "kind": "rss",
        "target": f"https://example.org/feed/{n}.xml",
    }
    values.update(kw)
    obj = Source(**values)
    session.add(obj)
    session.flush()
    return obj


def author(session: Session, **kw: Any) -> Author:
    n = next(_seq)
    values: dict[str, Any] = {"platform": "mastodon", "handle": f"@person{n}@example.social"}
    values.update(kw)
    obj = Author(**values)
    session.add(obj)
    session.flush()
    return obj


def mention(session: Session, client: Client, published_at: datetime, **kw: Any) -> Mention:
    n = next(_seq)
    values: dict[str, Any] = {
        "client_id": client.id,
        "platform": "mastodon",
        "dedupe_key": f"m-{n}",
        "url": f"https://example.social/@p/{n}",
        "title": "",
        "text": f"a post about {client.name} number {n}",
        "published_at": published_at,
        "fetched_at": published_at,
        "sentiment_label": "neutral",
        "sentiment_compound": 0.0,
    }
    values.update(kw)
    obj = Mention(**values)
    session.add(obj)
    session.flush()
    return obj


def incident(
    session: Session, client: Client, opened_at: datetime, mentions: list[Mention] = (), **kw: Any
) -> Incident:  # type: ignore[assignment]
    values: dict[str, Any] = {
        "client_id": client.id,
        "title": f"Complaint about {client.name}",
        "severity": "medium",
        "status": "new",
        "opened_at": opened_at,
        "updated_at": opened_at,
        "mention_count": len(mentions),
        "distinct_authors": len({m.author_id for m in mentions}) or 1,
    }
    values.update(kw)
    obj = Incident(**values)
    session.add(obj)
    session.flush()
    for m in mentions:
        session.add(IncidentMention(incident_id=obj.id, mention_id=m.id, added_at=opened_at))
    session.flush()
    return obj


def activity(session: Session, incident: Incident, at: datetime, **kw: Any) -> Activity:
    values: dict[str, Any] = {"incident_id": incident.id, "kind": "internal_note", "at": at}
    values.update(kw)
    obj = Activity(**values)
    session.add(obj)
    session.flush()
    return obj


@dataclass(frozen=True)
class World:
    """Ids of the desk test agency, so tests can find rows again in fresh sessions."""

    acme: int
    bistro: int
    cobalt: int
    alice: int
    bob: int
    carol: int
    overdue_incident: int
    critical_incident: int
    acme_resolved: int
    hostile_mention: int
    negative_mention: int
    unscored_mention: int
    troll_author: int
    unowned_account: int
    failing_source: int


def desk_world(session: Session, now: datetime) -> World:
    alice = staff(session, handle="alice", name="Alice Archer")
    bob = staff(session, handle="bob", name="Bob Baker")
    carol = staff(session, handle="carol", name="Carol Chen", away=True)

    policy = {"banned_phrases": ["our lawyers", "sue"], "platform_limits": {"mastodon": 500}}
    canned = {"apology": "Hi {author}, we are sorry about this. Could you DM us? — {client}"}
    acme = client(
        session,
        now,
        slug="acme",
        name="Acme Rentals",
        reply_policy=policy,
        canned_replies=canned,
        default_owner_id=alice.id,
    )
    bistro = client(session, now, slug="bistro", name="Bistro Nova")
    cobalt = client(session, now, slug="cobalt", name="Cobalt Bank")

    account(
        session,
        acme,
        platform="mastodon",
        handle="@acme",
        owner_id=alice.id,
        backup_owner_id=bob.id,
    )
    unowned = account(session, acme, platform="bluesky", handle="acme.bsky.social")
    account(session, bistro, platform="reddit", handle="u/bistronova", owner_id=bob.id)
    account(session, cobalt, platform="mastodon", handle="@cobalt", owner_id=carol.id)

    source(
        session,
        acme,
        name="acme-alerts",
        last_polled_at=now - timedelta(minutes=5),
        last_ok_at=now - timedelta(minutes=5),
        last_new_at=now - timedelta(minutes=30),
        typical_gap_s=3600.0,
        total_new=42,
    )
    failing = source(
        session,
        acme,
        name="acme-reddit",
        kind="reddit",
        last_polled_at=now - timedelta(minutes=2),
        last_ok_at=now - timedelta(days=1),
        last_error="HTTP 503 from reddit.com",
        last_error_at=now - timedelta(minutes=2),
        consecutive_failures=3,
    )
    source(
        session,
        bistro,
        name="bistro-blog",
        last_polled_at=now - timedelta(minutes=10),
        last_ok_at=now - timedelta(minutes=10),
        last_new_at=now - timedelta(days=5),
        typical_gap_s=3600.0,
    )

    troll = author(
        session, handle="@angry@example.social", display_name="Angry Person", is_troll=True
    )
    vip = author(
        session,
        handle="@star@example.social",
        display_name="Big Star",
        is_vip=True,
        followers=250_000,
    )
    plain = author(session, handle="@jo@example.social", display_name="Jo", followers=120)

    hostile = mention(
        session,
        acme,
        now - timedelta(hours=1),
        author_id=troll.id,
        text=HOSTILE,
        sentiment_label="negative",
        sentiment_compound=-0.7,
        sentiment_reasons=["'pwned' -2.1"],
    )
    negative = mention(
        session,
        acme,
        now - timedelta(hours=2),
        author_id=plain.id,
        text="Acme Rentals left mould in my flat and nobody calls back",
        sentiment_label="negative",
        sentiment_compound=-0.6,
        sentiment_reasons=["'mould' -1.5", "complaint: nobody calls back"],
    )
    unscored = mention(
        session,
        acme,
        now - timedelta(hours=3),
        author_id=plain.id,
        text="Acme Rentals est très lent",
        sentiment_label="unscored",
        sentiment_compound=None,
        language="fr",
    )
    for day in range(6):
        mention(
            session,
            acme,
            now - timedelta(days=day, hours=5),
            author_id=vip.id,
            text=f"Acme day {day} still broken",
            sentiment_label="negative",
            sentiment_compound=-0.4,
        )
    mention(
        session, bistro, now - timedelta(hours=4), author_id=plain.id, sentiment_label="positive"
    )
    m_cobalt = mention(
        session,
        cobalt,
        now - timedelta(hours=1),
        author_id=vip.id,
        text="Cobalt Bank froze my account, thread below",
        sentiment_label="negative",
        sentiment_compound=-0.8,
        shares=80,
    )

    overdue = incident(
        session,
        acme,
        now - timedelta(hours=3),
        [negative],
        title="Mould in rented flat, no call back",
        severity="high",
        owner_id=alice.id,
        due_at=now - timedelta(minutes=25),
        first_response_due_at=now - timedelta(minutes=25),
        severity_reasons=["negative -0.60", "complaint phrase"],
        breached_at=now - timedelta(minutes=25),
        breach_kind="first_response",
    )
    critical = incident(
        session,
        cobalt,
        now - timedelta(hours=1),
        [m_cobalt],
        title="Account freeze thread going viral",
        severity="critical",
        due_at=now + timedelta(minutes=30),
        first_response_due_at=now + timedelta(minutes=30),
        severity_reasons=["80 shares in 1h", "VIP author"],
    )
    incident(
        session,
        acme,
        now - timedelta(hours=1),
        [hostile],
        title="Troll post",
        severity="low",
        status="monitor",
        owner_id=bob.id,
    )
    resolved = incident(
        session,
        acme,
        now - timedelta(days=2),
        title="Late delivery complaint",
        severity="medium",
        status="resolved",
        owner_id=alice.id,
        resolved_at=now - timedelta(days=1),
    )
    activity(
        session,
        resolved,
        now - timedelta(days=1, hours=2),
        kind="public_reply",
        staff_id=alice.id,
        channel="mastodon",
        body="Sorry! DM us.",
    )
    return World(
        acme=acme.id,
        bistro=bistro.id,
        cobalt=cobalt.id,
        alice=alice.id,
        bob=bob.id,
        carol=carol.id,
        overdue_incident=overdue.id,
        critical_incident=critical.id,
        acme_resolved=resolved.id,
        hostile_mention=hostile.id,
        negative_mention=negative.id,
        unscored_mention=unscored.id,
        troll_author=troll.id,
        unowned_account=unowned.id,
        failing_source=failing.id,
    )
