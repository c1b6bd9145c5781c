"""Response clocks, the workflow, conflicting edits, merge/split, repair checks and webhooks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from douse.core.db.models import (
    Activity,
    Client,
    Incident,
    IncidentMention,
    Notification,
    RepairCheck,
)
from douse.core.errors import ConflictError, DouseError
from douse.core.incidents import (
    assign,
    change_status,
    clock_state,
    log_activity,
    merge_incidents,
    refresh_clocks,
    run_due_repair_checks,
    send_pending_webhooks,
    set_severity,
    split_incident,
    triage_new_mentions,
)
from douse.core.queries.detail import incident_detail
from douse.core.services import Services
from tests import incident_factories as f
from tests.helpers import T0

H = timedelta(hours=1)
M = timedelta(minutes=1)
FRIDAY_4PM = datetime(2026, 11, 27, 16, 0, tzinfo=UTC)  # London is on GMT: 16:00 local


def _one(services: Services, now: datetime = T0, **client_kw: object) -> int:
    with services.sessions.begin() as s:
        f.staff(s, "ana")
        f.staff(s, "ben")
        c = f.client(s, **client_kw)
        m = f.mention(s, c, f.author(s, "bob"), "Acme lost my parcel", at=now)
        (incident_id,) = triage_new_mentions(s, [m.id], now).opened
    return incident_id


def test_business_hours_clock_runs_over_the_weekend(services: Services) -> None:
    iid = _one(services, FRIDAY_4PM, timezone="Europe/London", business_hours=f.WEEKDAYS_9_TO_1730)
    with services.sessions() as s:
        incident = s.get(Incident, iid)
        assert incident is not None
        # 90 minutes on Friday, 30 on Monday morning.
        assert incident.due_at == datetime(2026, 11, 30, 9, 30, tzinfo=UTC)
        saturday = clock_state(incident, datetime(2026, 11, 28, 12, 0, tzinfo=UTC))
        late = clock_state(incident, datetime(2026, 11, 30, 10, 5, tzinfo=UTC))
    assert saturday.label == "first response due in 45h 30m" and saturday.overdue_by is None
    assert late.label == "first response overdue by 35m" and late.overdue_by == 35 * M


def test_per_severity_targets_apply(services: Services) -> None:
    with services.sessions.begin() as s:
        # A data breach report is high whatever the client's critical terms say.
        c = f.client(s, targets_by_severity={"high": {"first_response": 30, "resolution": 240}})
        m = f.mention(s, c, f.author(s, "bob"), "Acme had a data breach, my card was used")
        (iid,) = triage_new_mentions(s, [m.id], T0).opened
        incident = s.get(Incident, iid)
        assert incident is not None
    assert incident.severity == "high"
    assert incident.first_response_due_at == T0 + 30 * M
    assert incident.resolution_due_at == T0 + 4 * H


def test_waiting_on_customer_pauses_and_the_reply_resumes(services: Services) -> None:
    iid = _one(services, resolution_minutes=600)
    with services.sessions.begin() as s:
        r = log_activity(s, iid, "public_reply", by="ana", now=T0 + 30 * M)
        r = change_status(
            s, iid, "waiting_customer", by="ana", now=T0 + H, expected_version=r.version
        )
        paused = s.get(Incident, iid)
        assert paused is not None and paused.due_at is None
        assert clock_state(paused, T0 + 5 * H).paused
    with services.sessions.begin() as s:
        # The customer answers 3 hours later: next response due in 4 h, resolution shifted by 3 h.
        log_activity(s, iid, "customer_replied", by="ana", now=T0 + 4 * H, channel="dm")
        incident = s.get(Incident, iid)
        assert incident is not None
    assert incident.status == "in_progress" and incident.paused_at is None
    assert incident.resolution_due_at == T0 + 13 * H
    assert incident.next_response_due_at == T0 + 8 * H
    assert incident.due_at == T0 + 8 * H


def test_breach_is_recorded_once_with_its_time(services: Services) -> None:
    iid = _one(services)
    with services.sessions.begin() as s:
        assert refresh_clocks(s, T0 + H) == []
        assert refresh_clocks(s, T0 + 3 * H) == [iid]
    with services.sessions.begin() as s:
        assert refresh_clocks(s, T0 + 4 * H) == []
        incident = s.get(Incident, iid)
        notes = s.scalars(select(Notification)).all()
    assert incident is not None
    assert incident.breached_at == T0 + 2 * H and incident.breach_kind == "first_response"
    assert incident.version == 1  # a breach is not an edit: nobody's draft conflicts with it
    assert [n.kind for n in notes] == ["breach"]


def test_first_response_stops_the_first_clock(services: Services) -> None:
    iid = _one(services)
    with services.sessions.begin() as s:
        log_activity(s, iid, "internal_note", by="ana", now=T0 + 10 * M, body="looking")
        assert s.get(Incident, iid).first_response_at is None  # type: ignore[union-attr]
        log_activity(s, iid, "private_message", by="ana", now=T0 + 20 * M, channel="dm")
        card = incident_detail(s, iid)
        assert refresh_clocks(s, T0 + 3 * H) == []
    assert card.first_response_at == T0 + 20 * M
    assert card.status == "in_progress" and clock_state(card, T0 + 3 * H).kind == "resolution"


def test_conflicting_edits_are_detected_and_nothing_is_lost(services: Services) -> None:
    iid = _one(services)
    with services.sessions() as s:
        seen = incident_detail(s, iid).version
    with services.sessions.begin() as s:
        assign(s, iid, "ben", by="ana", now=T0 + 2 * M, expected_version=seen)
    with services.sessions.begin() as s, pytest.raises(ConflictError) as err:
        change_status(s, iid, "acknowledged", by="ben", now=T0 + 3 * M, expected_version=seen)
    assert str(err.value) == (
        f"incident {iid} was changed by ana at 2026-11-23 10:02 UTC "
        "(assignment: nobody -> ben); reload and try again"
    )
    with services.sessions() as s:
        detail = incident_detail(s, iid)
    assert detail.owner == "ben" and detail.status == "new"
    assert [a.kind for a in detail.activities] == ["assignment"]


def test_a_race_between_two_sessions_is_caught_by_the_version_column(services: Services) -> None:
    iid = _one(services)
    first, second = services.sessions(), services.sessions()
    try:
        a = first.get(Incident, iid)
        b = second.get(Incident, iid)
        assert a is not None and b is not None
        assign(first, iid, "ben", by="ana", now=T0 + M)
        first.commit()
        with pytest.raises(ConflictError, match="changed by ana"):
            # Loaded before the first commit; its flush finds the row at a newer version.
            b.title = "edited"
            from douse.core.incidents.workflow import _flush

            _flush(second, b)
    finally:
        first.close()
        second.close()


def test_corrections_are_new_entries(services: Services) -> None:
    iid = _one(services)
    with services.sessions.begin() as s:
        r = log_activity(s, iid, "offer_made", by="ana", now=T0, offer="refund", amount="25")
        log_activity(
            s,
            iid,
            "correction",
            by="ana",
            now=T0 + M,
            corrects_id=r.activity_id,
            body="it was 20, not 25",
        )
        with pytest.raises(DouseError, match="needs --offer"):
            log_activity(s, iid, "offer_made", by="ana", now=T0)
        with pytest.raises(DouseError, match="amount must be"):
            log_activity(s, iid, "offer_made", by="ana", now=T0, offer="refund", amount="lots")
        rows = s.scalars(select(Activity).order_by(Activity.id)).all()
    assert [(a.kind, a.corrects_id) for a in rows] == [
        ("offer_made", None),
        ("correction", rows[0].id),
    ]
    assert str(rows[0].amount) == "25.00" and rows[0].currency == "GBP"


def test_invalid_transitions_are_refused(services: Services) -> None:
    iid = _one(services)
    with services.sessions.begin() as s:
        change_status(s, iid, "closed", by="ana", now=T0)
        with pytest.raises(DouseError, match="cannot go from closed to acknowledged"):
            change_status(s, iid, "acknowledged", by="ana", now=T0)
        with pytest.raises(DouseError, match="no staff member"):
            assign(s, iid, "zed", by="ana", now=T0)


def test_merge_and_split(services: Services) -> None:
    with services.sessions.begin() as s:
        f.staff(s, "ana")
        c = f.client(s)
        ms = [
            f.mention(s, c, f.author(s, "bob"), "Acme parcel lost", at=T0 - 3 * H),
            # Three different matters (delivery, a crash, a rude assistant): three incidents.
            f.mention(s, c, f.author(s, "cy"), "Acme app crashed and emptied my basket"),
            f.mention(s, c, f.author(s, "di"), "Acme shop assistant was rude", at=T0 - H),
        ]
        opened = triage_new_mentions(s, [m.id for m in ms], T0).opened
        assert len(opened) == 3
        merged = merge_incidents(s, opened[0], opened[1:], by="ana", now=T0 + M)
        target = incident_detail(s, opened[0])
        source = s.get(Incident, opened[1])
        assert source is not None
        assert target.row.distinct_authors == 3 and target.row.is_pattern and merged.version > 1
        assert source.status == "closed" and source.merged_into_id == opened[0]
        new = split_incident(s, opened[0], [ms[1].id], by="ana", now=T0 + 2 * M)
        after = incident_detail(s, opened[0])
        split_off = incident_detail(s, new.incident_id)
    assert after.row.distinct_authors == 2 and not after.row.is_pattern
    assert after.row.mention_count == 2
    assert [m.mention.id for m in split_off.mentions] == [ms[1].id]
    assert split_off.due_at is not None


def test_asked_to_update_schedules_a_recheck_that_records_the_repair(services: Services) -> None:
    iid = _one(services)
    with services.sessions.begin() as s:
        log_activity(s, iid, "asked_to_update", by="ana", now=T0, channel="dm")
        check = s.scalars(select(RepairCheck)).one()
        assert check.due_at == T0 + 24 * H
        assert run_due_repair_checks(s, T0 + H, lambda url: "x", score=lambda t: 0.0) == []

        def offline(url: str) -> str | None:
            raise OSError("network down")

        (retry,) = run_due_repair_checks(s, T0 + 25 * H, offline, score=lambda t: 0.0)
        assert retry.outcome == "retry"
        (done,) = run_due_repair_checks(
            s, T0 + 31 * H, lambda url: "Update: Acme found my parcel, thanks!", score=lambda t: 0.6
        )
        incident = s.get(Incident, iid)
        s.refresh(incident)
        kinds = [a.kind for a in s.scalars(select(Activity).order_by(Activity.id))]
    assert done.outcome == "updated" and done.new_compound == 0.6
    assert incident is not None and incident.repair_status == "updated"
    assert kinds[-2:] == ["repair_check", "post_updated"]


def test_webhooks_send_each_notification_once_and_keep_errors(services: Services) -> None:
    iid = _one(services)
    posted: list[tuple[str, dict]] = []
    with services.sessions.begin() as s:
        refresh_clocks(s, T0 + 3 * H)
        env = {"DOUSE_WEBHOOK_URL": "https://hooks.example/T1"}

        def broken(url: str, payload: dict) -> None:
            raise RuntimeError("503 from hooks.example")

        assert send_pending_webhooks(s, broken, T0 + 3 * H, env=env) == 0
        note = s.scalars(select(Notification)).one()
        assert note.webhook_error == "RuntimeError: 503 from hooks.example"
        assert (
            send_pending_webhooks(s, lambda u, p: posted.append((u, p)), T0 + 4 * H, env=env) == 1
        )
        assert (
            send_pending_webhooks(s, lambda u, p: posted.append((u, p)), T0 + 5 * H, env=env) == 0
        )
        assert send_pending_webhooks(s, lambda u, p: posted.append((u, p)), T0, env={}) == 0
    assert len(posted) == 1 and posted[0][0] == "https://hooks.example/T1"
    assert posted[0][1]["text"].startswith(f"douse [breach] #{iid} first response target breached")


def test_a_person_raising_severity_to_critical_notifies_once(services: Services) -> None:
    iid = _one(services)
    with services.sessions.begin() as s:
        set_severity(s, iid, "high", by="ana", now=T0 + M, reason="a journalist asked")
    with services.sessions() as s:
        assert s.scalars(select(Notification).where(Notification.incident_id == iid)).all() == []
    with services.sessions.begin() as s:
        set_severity(s, iid, "critical", by="ana", now=T0 + 2 * M, reason="it is on the news")
    with services.sessions.begin() as s:
        set_severity(s, iid, "high", by="ben", now=T0 + 3 * M, reason="calmer now")
        set_severity(s, iid, "critical", by="ben", now=T0 + 4 * M, reason="flared up again")
    with services.sessions() as s:
        kinds = s.scalars(select(Notification.kind).where(Notification.incident_id == iid)).all()
    assert kinds == ["critical"]


def _two(services: Services) -> tuple[int, int, list[int]]:
    with services.sessions.begin() as s:
        f.staff(s, "tom")
        c = f.client(s)
        ms = [
            f.mention(s, c, f.author(s, "bob"), "Acme parcel lost", at=T0 - H),
            f.mention(s, c, f.author(s, "cy"), "Acme courier threw my box over the fence"),
        ]
        first, second = triage_new_mentions(s, [m.id for m in ms], T0).opened
    return first, second, [m.id for m in ms]


def test_merge_keeps_a_severity_a_person_set(services: Services) -> None:
    target, other, _ = _two(services)
    with services.sessions.begin() as s:
        set_severity(s, target, "critical", by="tom", now=T0 + M, reason="on the evening news")
        merge_incidents(s, target, [other], by="tom", now=T0 + 2 * M)
        card = incident_detail(s, target)
    assert card.severity == "critical"
    assert "set to critical by tom: on the evening news" in card.severity_reasons
    assert card.row.distinct_authors == 2


def test_merge_keeps_the_severity_a_person_set_on_the_merged_in_incident(
    services: Services,
) -> None:
    target, other, _ = _two(services)
    with services.sessions.begin() as s:
        set_severity(s, other, "high", by="tom", now=T0 + M, reason="a journalist asked")
        merge_incidents(s, target, [other], by="tom", now=T0 + 2 * M)
        card = incident_detail(s, target)
    assert card.severity == "high"
    assert "set to high by tom: a journalist asked" in card.severity_reasons


def test_split_keeps_a_severity_a_person_set(services: Services) -> None:
    target, other, mids = _two(services)
    with services.sessions.begin() as s:
        merge_incidents(s, target, [other], by="tom", now=T0 + M)
        set_severity(s, target, "critical", by="tom", now=T0 + 2 * M, reason="the CEO called")
        new = split_incident(s, target, [mids[1]], by="tom", now=T0 + 3 * M)
        kept = incident_detail(s, target)
        split_off = incident_detail(s, new.incident_id)
    assert kept.severity == "critical"
    assert "set to critical by tom: the CEO called" in kept.severity_reasons
    assert split_off.severity == "medium"  # judged on its own mention (strongly negative)


def test_a_split_off_incident_has_terms_so_others_can_join_it(services: Services) -> None:
    target, other, mids = _two(services)
    with services.sessions.begin() as s:
        merge_incidents(s, target, [other], by="tom", now=T0 + M)
        new = split_incident(s, target, [mids[1]], by="tom", now=T0 + 2 * M)
        split_off = s.get(Incident, new.incident_id)
        kept = s.get(Incident, target)
        assert split_off is not None and kept is not None
        assert {"courier", "fenc"} <= set(split_off.terms)
        assert "courier" not in kept.terms  # the words left with the mention that went
        c = s.get(Client, split_off.client_id)
        m = f.mention(
            s, c, f.author(s, "di"), "Acme courier threw my box over the fence too", at=T0 + H
        )
        summary = triage_new_mentions(s, [m.id], T0 + H)
        linked = s.scalars(
            select(IncidentMention.incident_id).where(IncidentMention.mention_id == m.id)
        ).all()
    assert summary.opened == () and linked == [new.incident_id]


def _breaches(services: Services, iid: int) -> tuple[list[tuple[str, datetime]], list[str]]:
    """The breach entries on the timeline (clock, instant) and the breach notifications' texts."""
    with services.sessions() as s:
        entries = [
            (a.details["clock"], a.at)
            for a in s.scalars(
                select(Activity).where(Activity.incident_id == iid).order_by(Activity.at)
            )
            if a.details.get("event") == "breach"
        ]
        notes = s.scalars(
            select(Notification.message)
            .where(Notification.incident_id == iid, Notification.kind == "breach")
            .order_by(Notification.id)
        ).all()
    return entries, list(notes)


def test_every_missed_deadline_is_recorded_once(services: Services) -> None:
    # First response due at +2 h, resolution at +5 h; nobody answers.
    iid = _one(services, resolution_minutes=300)
    with services.sessions.begin() as s:
        assert refresh_clocks(s, T0 + 3 * H) == [iid]
        assert refresh_clocks(s, T0 + 4 * H) == []
    with services.sessions.begin() as s:
        assert refresh_clocks(s, T0 + 6 * H) == [iid]
        assert refresh_clocks(s, T0 + 7 * H) == []
        incident = s.get(Incident, iid)
        assert incident is not None
        # The row keeps the first breach; recording is never an edit.
        assert (incident.breached_at, incident.breach_kind) == (T0 + 2 * H, "first_response")
        assert incident.version == 1
    entries, notes = _breaches(services, iid)
    assert entries == [("first_response", T0 + 2 * H), ("resolution", T0 + 5 * H)]
    assert [n.split(":")[0] for n in notes] == [
        f"#{iid} first response target breached at 2026-11-23 12",
        f"#{iid} resolution target breached at 2026-11-23 15",
    ]


def test_each_next_response_deadline_counts_on_its_own(services: Services) -> None:
    iid = _one(services)
    with services.sessions.begin() as s:
        log_activity(s, iid, "public_reply", by="ana", now=T0 + 10 * M)
        log_activity(s, iid, "customer_replied", by="ana", now=T0 + H)  # next response by +5 h
        assert refresh_clocks(s, T0 + 6 * H) == [iid]
        log_activity(s, iid, "public_reply", by="ana", now=T0 + 6 * H)
        log_activity(s, iid, "customer_replied", by="ana", now=T0 + 7 * H)  # due by +11 h
        assert refresh_clocks(s, T0 + 12 * H) == [iid]
        assert refresh_clocks(s, T0 + 12 * H + M) == []
    entries, notes = _breaches(services, iid)
    assert entries == [("next_response", T0 + 5 * H), ("next_response", T0 + 11 * H)]
    assert "next response #1 target" in notes[0] and "next response #2 target" in notes[1]


def test_a_hand_reopened_incident_records_its_new_breach(services: Services) -> None:
    iid = _one(services)
    with services.sessions.begin() as s:
        assert refresh_clocks(s, T0 + 3 * H) == [iid]
        log_activity(s, iid, "public_reply", by="ana", now=T0 + 3 * H)
        change_status(s, iid, "resolved", by="ana", now=T0 + 4 * H, resolution="fixed")
        change_status(s, iid, "in_progress", by="ana", now=T0 + 24 * H, note="not fixed")
    with services.sessions.begin() as s:
        # The reopen set a next response due 4 h later; missing it is a breach of its own.
        assert refresh_clocks(s, T0 + 29 * H) == [iid]
        incident = s.get(Incident, iid)
        assert incident is not None and incident.breached_at == T0 + 2 * H
        card = incident_detail(s, iid)
    entries, notes = _breaches(services, iid)
    assert entries == [("first_response", T0 + 2 * H), ("next_response", T0 + 28 * H)]
    assert len(notes) == 2
    assert clock_state(card, T0 + 29 * H).label == "next response overdue by 1h 00m"


def test_a_breach_after_a_reopen_by_triage_notifies_and_the_first_stays_known(
    services: Services,
) -> None:
    with services.sessions.begin() as s:
        f.staff(s, "ana")
        c = f.client(s)
        bob = f.author(s, "bob")
        m = f.mention(s, c, bob, "Acme lost my parcel")
        (iid,) = triage_new_mentions(s, [m.id], T0).opened
        assert refresh_clocks(s, T0 + 3 * H) == [iid]
        log_activity(s, iid, "public_reply", by="ana", now=T0 + 3 * H)
        change_status(s, iid, "resolved", by="ana", now=T0 + 4 * H, resolution="fixed")
    with services.sessions.begin() as s:
        again = f.mention(
            s, c, bob, "Acme lost my parcel AGAIN, the replacement too", at=T0 + 24 * H
        )
        assert triage_new_mentions(s, [again.id], T0 + 24 * H).reopened == (iid,)
    with services.sessions.begin() as s:
        assert refresh_clocks(s, T0 + 29 * H) == [iid]
        incident = s.get(Incident, iid)
        assert incident is not None
        assert (incident.breached_at, incident.breach_kind) == (T0 + 2 * H, "first_response")
        posted: list[str] = []
        env = {"DOUSE_WEBHOOK_URL": "https://hooks.example/T1"}
        send_pending_webhooks(s, lambda u, p: posted.append(p["text"]), T0 + 29 * H, env=env)
        assert posted == [
            f"douse [breach] #{iid} next response #1 target breached at 2026-11-24 14:00 UTC: "
            "Acme lost my parcel"
        ]
    entries, notes = _breaches(services, iid)
    assert entries == [("first_response", T0 + 2 * H), ("next_response", T0 + 28 * H)]
    assert len(notes) == 2
