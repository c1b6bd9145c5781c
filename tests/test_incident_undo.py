"""Undo: each one-key change taken back as an appended correction, only while the incident is as
the change left it; troll flags asked about beforehand and restored by unflagging."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from douse.core.authors import set_author, troll_preview
from douse.core.db.models import Activity, Author, Incident, IncidentMention
from douse.core.errors import ConflictError, DouseError
from douse.core.incidents import (
    assign,
    change_status,
    log_activity,
    merge_incidents,
    set_severity,
    split_incident,
    triage_new_mentions,
)
from douse.core.incidents.undo import last_change, undo
from douse.core.services import Services
from tests import incident_factories as f
from tests.helpers import T0

M = timedelta(minutes=1)
H = timedelta(hours=1)


def _world(services: Services) -> dict[str, int]:
    """Two customers complaining about different things, and a third on the first's subject."""
    with services.sessions.begin() as s:
        f.staff(s, "ana")
        f.staff(s, "ben")
        c = f.client(s, first_response_minutes=15)
        bob = f.author(s, "bob")
        cat = f.author(s, "cat")
        m1 = f.mention(s, c, bob, "Acme lost my parcel, the courier never came", at=T0)
        m2 = f.mention(s, c, cat, "Acme billing charged my card twice this month", at=T0)
        (first,) = triage_new_mentions(s, [m1.id], T0).opened
        (second,) = triage_new_mentions(s, [m2.id], T0).opened
    return {"first": first, "second": second, "bob": bob.id, "cat": cat.id, "m1": m1.id}


def _incident(services: Services, incident_id: int) -> Incident:
    with services.sessions() as s:
        found = s.get(Incident, incident_id)
        assert found is not None
        return found


def _timeline(services: Services, incident_id: int) -> list[tuple[str, str]]:
    with services.sessions() as s:
        return [
            (a.kind, a.body)
            for a in s.scalars(
                select(Activity).where(Activity.incident_id == incident_id).order_by(Activity.id)
            )
        ]


def test_a_status_change_is_undone_as_an_appended_correction(services: Services) -> None:
    ids = _world(services)
    before = _incident(services, ids["first"])
    with services.sessions.begin() as s:
        done = change_status(
            s, ids["first"], "resolved", by="ana", now=T0 + M, resolution="refunded"
        )
    resolved = _incident(services, ids["first"])
    assert resolved.status == "resolved" and resolved.due_at is None
    with services.sessions.begin() as s:
        result = undo(s, ids["first"], by="ben", now=T0 + 2 * M, expected_version=done.version)
    back = _incident(services, ids["first"])
    assert result.status == "new" and back.status == "new"
    assert back.resolved_at is None and back.resolution is None
    assert back.due_at == before.due_at and back.first_response_due_at == before.due_at
    timeline = _timeline(services, ids["first"])
    # Nothing deleted, nothing edited: the change is still there, the undo follows it.
    assert timeline[-2] == ("status_change", "new -> resolved")
    assert timeline[-1] == ("correction", "undone: status change new -> resolved")
    with services.sessions() as s:
        entry = s.scalars(select(Activity).order_by(Activity.id.desc())).first()
        assert entry is not None and entry.staff is not None and entry.staff.handle == "ben"
        assert entry.corrects_id is not None and entry.details["undid"] == "status_change"


@pytest.mark.parametrize("step", ["assign", "severity", "acknowledged", "closed", "monitor"])
def test_every_one_key_change_can_be_undone(services: Services, step: str) -> None:
    ids = _world(services)
    before = _incident(services, ids["first"])
    with services.sessions.begin() as s:
        if step == "assign":
            assign(s, ids["first"], "ben", by="ana", now=T0 + M)
        elif step == "severity":
            set_severity(s, ids["first"], "critical", by="ana", now=T0 + M, reason="press")
        else:
            change_status(s, ids["first"], step, by="ana", now=T0 + M)
    with services.sessions.begin() as s:
        undo(s, ids["first"], by="ana", now=T0 + 2 * M)
    after = _incident(services, ids["first"])
    for field in ("status", "owner_id", "severity", "severity_reasons", "due_at", "kind"):
        assert getattr(after, field) == getattr(before, field), field
    assert after.acknowledged_at == before.acknowledged_at
    assert after.closed_at is None


def test_no_undo_once_the_incident_changed_since(services: Services) -> None:
    ids = _world(services)
    with services.sessions.begin() as s:
        change_status(s, ids["first"], "acknowledged", by="ana", now=T0 + M)
    with services.sessions.begin() as s:
        log_activity(s, ids["first"], "internal_note", by="ben", now=T0 + 2 * M, body="on it")
    with services.sessions() as s:
        change = last_change(s, ids["first"])
    assert change is not None and not change.possible
    assert "changed since, by ben" in change.why_not
    with services.sessions.begin() as s, pytest.raises(DouseError, match="changed since"):
        undo(s, ids["first"], by="ana", now=T0 + 3 * M)
    assert _incident(services, ids["first"]).status == "acknowledged"


def test_a_new_mention_on_the_incident_blocks_its_undo(services: Services) -> None:
    ids = _world(services)
    with services.sessions.begin() as s:
        assign(s, ids["first"], "ben", by="ana", now=T0 + M)
    with services.sessions.begin() as s:
        c = s.get(Incident, ids["first"]).client  # type: ignore[union-attr]
        bob = s.get(Author, ids["bob"])
        again = f.mention(s, c, bob, "Acme still no parcel, courier ignored me", at=T0 + 2 * M)
        triage_new_mentions(s, [again.id], T0 + 2 * M)
    with services.sessions.begin() as s, pytest.raises(DouseError, match="douse"):
        undo(s, ids["first"], by="ana", now=T0 + 3 * M)


def test_undo_twice_and_stale_versions_are_refused(services: Services) -> None:
    ids = _world(services)
    with services.sessions.begin() as s:
        done = change_status(s, ids["first"], "acknowledged", by="ana", now=T0 + M)
    with services.sessions.begin() as s:
        undo(s, ids["first"], by="ana", now=T0 + 2 * M, expected_version=done.version)
    with services.sessions.begin() as s, pytest.raises(DouseError, match="undone already"):
        undo(s, ids["first"], by="ana", now=T0 + 3 * M)
    with services.sessions.begin() as s, pytest.raises(ConflictError):
        undo(s, ids["first"], by="ana", now=T0 + 3 * M, expected_version=done.version)
    with services.sessions.begin() as s, pytest.raises(DouseError, match="nothing to undo"):
        undo(s, ids["second"], by="ana", now=T0 + 3 * M)


def test_a_merge_is_undone_on_both_sides(services: Services) -> None:
    ids = _world(services)
    second_before = _incident(services, ids["second"])
    with services.sessions.begin() as s:
        merge_incidents(s, ids["first"], [ids["second"]], by="ana", now=T0 + M)
    assert _incident(services, ids["second"]).merged_into_id == ids["first"]
    with services.sessions.begin() as s, pytest.raises(DouseError, match="undo the merge there"):
        undo(s, ids["second"], by="ana", now=T0 + 2 * M)
    with services.sessions.begin() as s:
        undo(s, ids["first"], by="ana", now=T0 + 2 * M)
    first, second = _incident(services, ids["first"]), _incident(services, ids["second"])
    assert second.merged_into_id is None and second.status == "new"
    assert second.due_at == second_before.due_at and second.resolution is None
    assert first.mention_count == 1
    with services.sessions() as s:
        on_first = set(
            s.scalars(
                select(IncidentMention.mention_id).where(
                    IncidentMention.incident_id == ids["first"]
                )
            )
        )
    assert on_first == {ids["m1"]}
    assert _timeline(services, ids["second"])[-1] == (
        "correction",
        f"undone: merged into #{ids['first']}",
    )


def test_a_split_is_undone_and_the_split_off_incident_closes(services: Services) -> None:
    ids = _world(services)
    with services.sessions.begin() as s:
        merge_incidents(s, ids["first"], [ids["second"]], by="ana", now=T0 + M)
    with services.sessions.begin() as s:
        split = split_incident(s, ids["first"], [ids["m1"]], by="ana", now=T0 + 2 * M)
    assert _incident(services, ids["first"]).mention_count == 1
    with services.sessions.begin() as s:
        undo(s, ids["first"], by="ana", now=T0 + 3 * M)
    first, new = _incident(services, ids["first"]), _incident(services, split.incident_id)
    assert first.mention_count == 2
    assert new.status == "closed" and new.merged_into_id == ids["first"]


def test_flagging_a_troll_is_previewed_and_unflagging_restores(services: Services) -> None:
    ids = _world(services)
    before = _incident(services, ids["first"])
    with services.sessions() as s:
        preview = troll_preview(s, ids["bob"])
    assert [(b.id, b.status, b.due_at) for b in preview.moves] == [
        (ids["first"], "new", before.due_at)
    ]
    assert preview.stays == () and not preview.is_troll
    with services.sessions.begin() as s:
        flagged = set_author(s, ids["bob"], by="ana", now=T0 + M, troll=True)
    assert flagged.monitored == (ids["first"],)
    moved = _incident(services, ids["first"])
    assert moved.status == "monitor" and moved.due_at is None
    with services.sessions.begin() as s, pytest.raises(DouseError, match="unflag the author"):
        change_status(s, ids["first"], "new", by="ana", now=T0 + 2 * M)
    with services.sessions() as s:
        assert [b.id for b in troll_preview(s, ids["bob"]).restores] == [ids["first"]]
    with services.sessions.begin() as s:
        unflagged = set_author(s, ids["bob"], by="ana", now=T0 + 20 * M, troll=False)
    assert unflagged.restored == (ids["first"],)
    back = _incident(services, ids["first"])
    # As it was: the same deadline (15 minutes after T0, so overdue by now), status new.
    assert back.status == "new" and back.kind == "mention"
    assert back.due_at == before.due_at == T0 + 15 * M
    assert _timeline(services, ids["first"])[-1] == (
        "correction",
        "author bob unflagged: back to new, clocks as before the flag",
    )
    # Flag again, then `u` on the incident: the same restore.
    with services.sessions.begin() as s:
        set_author(s, ids["bob"], by="ana", now=T0 + 21 * M, troll=True)
    with services.sessions.begin() as s:
        undo(s, ids["first"], by="ana", now=T0 + 22 * M)
    with services.sessions() as s:
        author = s.get(Author, ids["bob"])
        assert author is not None and not author.is_troll
    assert _incident(services, ids["first"]).status == "new"


def test_unflagging_leaves_an_incident_someone_moved_since(services: Services) -> None:
    ids = _world(services)
    with services.sessions.begin() as s:
        set_author(s, ids["bob"], by="ana", now=T0 + M, troll=True)
    with services.sessions.begin() as s:
        change_status(s, ids["first"], "closed", by="ben", now=T0 + 2 * M)
    with services.sessions.begin() as s:
        unflagged = set_author(s, ids["bob"], by="ana", now=T0 + 3 * M, troll=False)
    assert unflagged.restored == ()
    assert _incident(services, ids["first"]).status == "closed"


def test_resolving_needs_a_note(services: Services) -> None:
    ids = _world(services)
    with services.sessions.begin() as s, pytest.raises(DouseError, match="resolution note"):
        change_status(s, ids["first"], "resolved", by="ana", now=T0 + M, resolution="  ")
    with services.sessions.begin() as s:
        change_status(s, ids["first"], "resolved", by="ana", now=T0 + M, note="refund sent")
    assert _incident(services, ids["first"]).resolution == "refund sent"
