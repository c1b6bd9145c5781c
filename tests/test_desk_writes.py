"""Core write actions behind the desk, on SQLite and PostgreSQL: incidents from mentions, attach,
label corrections, account reassignment, author flags (a troll goes to monitor)."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import select

from douse.core.accounts import reassign_account
from douse.core.authors import set_author
from douse.core.db.models import (
    Account,
    Activity,
    AuditEntry,
    Author,
    Incident,
    IncidentMention,
    Mention,
)
from douse.core.errors import ConflictError, DouseError
from douse.core.incidents.manual import attach_mention, open_incident_from_mention
from douse.core.mentions import correct_label
from douse.core.queries.dashboard import dashboard
from douse.core.queries.mentions import mention_row
from douse.core.services import Services
from tests import factories as f
from tests.factories import World, desk_world
from tests.helpers import T0


@pytest.fixture
def world(services: Services) -> World:
    with services.sessions.begin() as s:
        return desk_world(s, T0)


def test_open_incident_from_unscored_mention(services: Services, world: World) -> None:
    with services.sessions.begin() as s:
        result = open_incident_from_mention(
            s, world.unscored_mention, by="bob", now=T0, note="French complaint, slow service"
        )
    with services.sessions() as s:
        inc = s.get(Incident, result.incident_id)
        assert inc is not None
        assert inc.client_id == world.acme
        assert inc.status == "new"
        assert inc.owner_id == world.alice  # Acme's default owner: routed, not the actor
        assert inc.first_response_due_at is not None and inc.due_at is not None
        assert inc.updated_by_id == world.bob
        assert "opened by hand by bob" in inc.severity_reasons
        links = s.scalars(
            select(IncidentMention.mention_id).where(IncidentMention.incident_id == inc.id)
        ).all()
        assert links == [world.unscored_mention]
        note = s.scalars(select(Activity).where(Activity.incident_id == inc.id)).one()
        assert note.kind == "internal_note"
        assert note.details["mention_id"] == world.unscored_mention
        assert "French complaint" in note.body
        # The mentions tab now shows it as handled.
        assert mention_row(s, world.unscored_mention).incident_id == inc.id
    with services.sessions.begin() as s, pytest.raises(DouseError, match="already on incident"):
        open_incident_from_mention(s, world.unscored_mention, by="bob", now=T0)


def test_attach_mention_rejudges_and_checks_version(services: Services, world: World) -> None:
    with services.sessions.begin() as s:
        acme = s.get(f.Client, world.acme)
        assert acme is not None
        loud = f.mention(
            s,
            acme,
            T0 - timedelta(minutes=30),
            author_id=s.scalar(select(Author.id).where(Author.handle == "@star@example.social")),
            text="Acme Rentals mould everywhere",
            sentiment_label="negative",
            sentiment_compound=-0.9,
        )
        loud_id = loud.id
        version = s.get(Incident, world.overdue_incident).version  # type: ignore[union-attr]
    with services.sessions.begin() as s, pytest.raises(ConflictError):
        attach_mention(s, world.overdue_incident, loud_id, by="bob", now=T0, expected_version=0)
    with services.sessions.begin() as s:
        result = attach_mention(
            s, world.overdue_incident, loud_id, by="bob", now=T0, expected_version=version
        )
    assert result.version == version + 1
    with services.sessions() as s:
        inc = s.get(Incident, world.overdue_incident)
        assert inc is not None
        assert inc.mention_count == 2
        assert inc.distinct_authors == 2
        assert inc.severity == "critical"  # strongly negative + 250k-follower VIP
        kinds = s.scalars(
            select(Activity.body).where(Activity.incident_id == world.overdue_incident)
        ).all()
        assert kinds == [f"attached mention m{loud_id} by hand"]
    # A mention of another client, or one already handled elsewhere, is refused.
    with services.sessions.begin() as s, pytest.raises(DouseError, match="another client"):
        cobalt_mention = s.scalar(
            select(IncidentMention.mention_id).where(
                IncidentMention.incident_id == world.critical_incident
            )
        )
        attach_mention(s, world.overdue_incident, cobalt_mention, by="bob", now=T0)  # type: ignore[arg-type]
    with services.sessions.begin() as s, pytest.raises(DouseError, match="merge"):
        attach_mention(s, world.overdue_incident, world.hostile_mention, by="bob", now=T0)


def test_attach_never_lowers_a_severity(services: Services, world: World) -> None:
    with services.sessions.begin() as s:
        acme = s.get(f.Client, world.acme)
        assert acme is not None
        mild = f.mention(
            s, acme, T0, text="meh", sentiment_label="negative", sentiment_compound=-0.1
        )
        mild_id = mild.id
    with services.sessions.begin() as s:
        attach_mention(s, world.overdue_incident, mild_id, by="alice", now=T0)
    with services.sessions() as s:
        assert s.get(Incident, world.overdue_incident).severity == "high"  # type: ignore[union-attr]


def test_correct_label_keeps_the_models(services: Services, world: World) -> None:
    with services.sessions.begin() as s:
        fixed = correct_label(s, world.unscored_mention, "negative", by="alice", now=T0)
    assert (fixed.before, fixed.label, fixed.model_label) == ("unscored", "negative", "unscored")
    with services.sessions.begin() as s:
        again = correct_label(s, world.unscored_mention, "neutral", by="bob", now=T0)
    assert again.model_label == "unscored"  # the model's label, not the first correction
    with services.sessions() as s:
        m = s.get(Mention, world.unscored_mention)
        assert m is not None
        assert m.sentiment_label == "neutral"
        assert m.label_corrected_by_id == world.bob
        row = mention_row(s, world.unscored_mention)
        assert row.corrected and row.model_label == "unscored"
        assert any("negative -> neutral by bob" in r for r in row.reasons)
        assert any("unscored -> negative by alice" in r for r in row.reasons)
    with services.sessions.begin() as s, pytest.raises(DouseError, match="already labelled"):
        correct_label(s, world.unscored_mention, "neutral", by="bob", now=T0)
    with services.sessions.begin() as s, pytest.raises(DouseError, match="label must be"):
        correct_label(s, world.unscored_mention, "unscored", by="bob", now=T0)


def test_reassign_account_is_audited_after_commit(
    services: Services, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="douse.audit")
    with services.sessions.begin() as s:
        change = reassign_account(s, world.unowned_account, "bob", "alice", by="carol", now=T0)
    assert change.owner_before is None and change.owner == "bob" and change.backup == "alice"
    with services.sessions() as s:
        acc = s.get(Account, world.unowned_account)
        assert acc is not None and (acc.owner_id, acc.backup_owner_id) == (world.bob, world.alice)
        assert dashboard(s, T0)[0].unowned_accounts == 0
    lines = [r.getMessage() for r in caplog.records if r.name == "douse.audit"]
    assert len(lines) == 1
    assert "carol reassigned acme bluesky acme.bsky.social" in lines[0]
    assert "owner nobody -> bob, backup nobody -> alice" in lines[0]
    assert T0.isoformat() in lines[0]
    with services.sessions() as s:
        entries = s.scalars(select(AuditEntry)).all()
        assert [(e.subject, e.subject_id, e.staff_id, e.at) for e in entries] == [
            ("account", world.unowned_account, world.carol, T0)
        ]
        assert "owner nobody -> bob" in entries[0].summary
    # A change that rolls back leaves no audit line and no change.
    caplog.clear()
    with pytest.raises(RuntimeError), services.sessions.begin() as s:
        reassign_account(s, world.unowned_account, "alice", None, by="carol", now=T0)
        raise RuntimeError("the caller gave up")
    assert not [r for r in caplog.records if r.name == "douse.audit"]
    with services.sessions() as s:
        assert len(s.scalars(select(AuditEntry)).all()) == 1
    with services.sessions.begin() as s, pytest.raises(DouseError, match="other than the owner"):
        reassign_account(s, world.unowned_account, "bob", "bob", by="carol", now=T0)
    with services.sessions.begin() as s, pytest.raises(DouseError, match="nothing to change"):
        reassign_account(s, world.unowned_account, "bob", "alice", by="carol", now=T0)


def test_troll_flag_moves_their_own_open_incidents_to_monitor(
    services: Services, world: World
) -> None:
    with services.sessions.begin() as s:
        jo = s.scalar(select(Author.id).where(Author.handle == "@jo@example.social"))
        assert jo is not None
        acme = s.get(f.Client, world.acme)
        assert acme is not None
        # A second incident where Jo is one of two voices: real customers, it stays open.
        other = f.author(s, handle="@kim@example.social")
        shared = f.incident(
            s,
            acme,
            T0,
            [
                f.mention(s, acme, T0, author_id=jo, sentiment_label="negative"),
                f.mention(s, acme, T0, author_id=other.id, sentiment_label="negative"),
            ],
            title="Two voices",
        )
        shared_id = shared.id
    with services.sessions.begin() as s:
        change = set_author(s, jo, by="alice", now=T0, troll=True, notes="posts daily")
    assert change.monitored == (world.overdue_incident,)
    assert change.left_open == (shared_id,)
    with services.sessions() as s:
        inc = s.get(Incident, world.overdue_incident)
        assert inc is not None and inc.status == "monitor"
        body = s.scalars(
            select(Activity.body).where(
                Activity.incident_id == world.overdue_incident, Activity.kind == "status_change"
            )
        ).one()
        assert "flagged as a troll" in body
        assert s.get(Incident, shared_id).status == "new"  # type: ignore[union-attr]
        author = s.get(Author, jo)
        assert author is not None and author.is_troll and author.notes == "posts daily"
    with services.sessions.begin() as s, pytest.raises(DouseError, match="troll and a VIP"):
        set_author(s, jo, by="alice", now=T0, vip=True)
    with services.sessions.begin() as s:
        cleared = set_author(s, jo, by="alice", now=T0, troll=False, vip=True)
    assert cleared.is_vip and not cleared.is_troll and cleared.monitored == ()
    with services.sessions.begin() as s, pytest.raises(DouseError, match="nothing to change"):
        set_author(s, jo, by="alice", now=T0, notes="posts daily")
