"""Triage: which mentions open incidents, how they group, how severe they are, who gets them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

from douse.core.db.models import Incident, IncidentMention, Notification
from douse.core.incidents import clock_state, triage_new_mentions
from douse.core.incidents.triage import write
from douse.core.queries.detail import activities, incident_detail
from douse.core.services import Services
from tests import incident_factories as f
from tests.helpers import T0

H = timedelta(hours=1)


def test_negative_mention_opens_an_incident_and_neutral_one_does_not(services: Services) -> None:
    with services.sessions.begin() as s:
        ana = f.staff(s, "ana")
        c = f.client(s, default_owner_id=ana.id)
        bob = f.author(s, "bob")
        bad = f.mention(s, c, bob, "Acme support never answered my ticket", compound=-0.4)
        meh = f.mention(s, c, f.author(s, "cy"), "Acme has a new logo", compound=0.0)
        summary = triage_new_mentions(s, [bad.id, meh.id], T0)
        assert len(summary.opened) == 1 and summary.ignored == 1
        card = incident_detail(s, summary.opened[0])
    assert card.status == "new" and card.severity == "low" and card.owner == "ana"
    assert card.severity_reasons == ("negative (-0.40)",)
    assert card.due_at == T0 + 2 * H  # 24/7 client, default 2-hour first response


def test_running_triage_twice_changes_nothing(services: Services) -> None:
    with services.sessions.begin() as s:
        c = f.client(s)
        m = f.mention(s, c, f.author(s, "bob"), "Acme lost my parcel")
        first = triage_new_mentions(s, [m.id], T0)
        again = triage_new_mentions(s, [m.id], T0 + H)
    assert len(first.opened) == 1
    assert again.opened == () and again.joined == 0 and again.already_triaged == 1


def test_cluster_grows_with_a_third_author_into_a_pattern(services: Services) -> None:
    texts = [
        ("bob", "Acme app keeps crashing at checkout, lost my basket twice"),
        ("cat", "anyone else? the Acme app crashing at checkout every time"),
        ("dan", "Acme checkout crashing again. App is unusable"),
    ]
    with services.sessions.begin() as s:
        c = f.client(s)
        other = f.mention(s, c, f.author(s, "eve"), "Acme shop in Leeds was dirty", at=T0 - H)
        ids = [other.id]
        for i, (who, text) in enumerate(texts):
            ids.append(
                f.mention(s, c, f.author(s, who), text, at=T0 - (5 - i) * H, compound=-0.4).id
            )
        first_two = triage_new_mentions(s, ids[:3], T0)
        card = incident_detail(s, first_two.opened[0])
        assert card.row.distinct_authors == 2 and not card.row.is_pattern
        third = triage_new_mentions(s, ids[3:], T0)
        assert third.opened == () and third.joined == 1
        card = incident_detail(s, first_two.opened[0])
        notes = s.scalars(
            select(Notification.kind).where(Notification.incident_id == card.id)
        ).all()
    assert card.row.distinct_authors == 3 and card.row.is_pattern and card.kind == "pattern"
    assert card.severity == "medium"  # low, +1 for three different people
    assert "3 different people say this (pattern)" in card.severity_reasons
    assert {"crashing", "checkout"} <= set(card.terms)  # as written, not the stem "crash"
    assert notes == ["pattern"]


def test_a_change_made_while_a_post_is_judged_is_never_overwritten(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    with services.sessions.begin() as s:
        c = f.client(s)
        bob = f.author(s, "bob")
        first = f.mention(s, c, bob, "Acme lost my parcel")
        case = triage_new_mentions(s, [first.id], T0).opened[0]
        again = f.mention(s, c, bob, "Acme still has not found my parcel", at=T0 + H).id
    judged = write._write_incidents

    def renamed_meanwhile(state: write.ClientState, touched: list[write.Tracked]) -> None:
        # Someone at the desk renames the case after triage read it, before it writes it.
        with services.sessions.begin() as desk:
            desk.get_one(Incident, case).title = "Parcel lost (Ana)"
        judged(state, touched)

    monkeypatch.setattr(write, "_write_incidents", renamed_meanwhile)
    with pytest.raises(StaleDataError), services.sessions.begin() as s:
        triage_new_mentions(s, [again], T0 + 2 * H)
    with services.sessions() as s:
        kept = s.get_one(Incident, case)
        assert (kept.title, kept.mention_count) == ("Parcel lost (Ana)", 1)


def test_mentions_outside_the_window_do_not_group(services: Services) -> None:
    with services.sessions.begin() as s:
        c = f.client(s)
        a = f.mention(s, c, f.author(s, "bob"), "Acme checkout crashing", at=T0 - 100 * H)
        b = f.mention(s, c, f.author(s, "cat"), "Acme checkout crashing", at=T0)
        summary = triage_new_mentions(s, [a.id, b.id], T0)
    assert len(summary.opened) == 2


def test_a_group_does_not_drift_from_topic_to_topic(services: Services) -> None:
    """Each complaint shares two words with the one before it and none with the first: a chain
    of different problems, 60 hours apart, is not one problem."""
    chain = [
        "Acme delivery van blocked my driveway this morning",
        "Acme van driver blocked the road and was rude about it",
        "Rude Acme driver threw my burger at the door, arrived cold",
        "Cold burger and soggy fries from Acme",
        "Soggy fries and filthy toilets at Acme Derby",
        "Filthy toilets, broken hand dryer, Acme Derby needs a cleaner",
    ]
    with services.sessions.begin() as s:
        c = f.client(s)
        ids = [
            f.mention(
                s, c, f.author(s, f"p{i}"), text, at=T0 - (len(chain) - i) * 60 * H, compound=-0.4
            ).id
            for i, text in enumerate(chain)
        ]
        triage_new_mentions(s, ids, T0)
        sizes = s.scalars(select(Incident.mention_count).order_by(Incident.id)).all()
    assert max(sizes) <= 2, sizes


def test_stock_phrases_do_not_make_a_pattern(services: Services) -> None:
    texts = [
        "Acme lost my suitcase on the way to Rome. Emailed twice, no reply. Useless.",
        "Acme charged my card twice for one booking. Emailed twice, no reply. Useless.",
        "Acme gate staff were rude to my dad. Emailed twice, no reply. Useless.",
    ]
    with services.sessions.begin() as s:
        c = f.client(s)
        ids = [
            f.mention(s, c, f.author(s, f"p{i}"), text, at=T0 - (3 - i) * H, compound=-0.6).id
            for i, text in enumerate(texts)
        ]
        summary = triage_new_mentions(s, ids, T0)
    assert len(summary.opened) == 3


def test_a_customer_joining_a_wider_problem_adds_a_voice_to_it(services: Services) -> None:
    with services.sessions.begin() as s:
        c = f.client(s)
        bob = f.author(s, "bob")
        own = f.mention(s, c, bob, "Acme moved my seat away from my kids", at=T0 - 20 * H)
        outage = [
            f.mention(s, c, f.author(s, w), "Acme app down, can't check in online", at=T0 - 3 * H)
            for w in ("cat", "dan", "eve")
        ]
        first = triage_new_mentions(s, [own.id, *(m.id for m in outage)], T0 - 2 * H)
        again = f.mention(s, c, bob, "Acme app down for me too, can't check in", at=T0 - H)
        triage_new_mentions(s, [again.id], T0)
        by_mention = dict(
            s.execute(select(IncidentMention.mention_id, IncidentMention.incident_id)).all()
        )
        bobs_case = s.get(Incident, by_mention[own.id])
    assert len(first.opened) == 2
    assert by_mention[again.id] == by_mention[outage[0].id]
    assert bobs_case is not None and bobs_case.mention_count == 1


def test_critical_terms_groups_and_escalates(services: Services) -> None:
    with services.sessions.begin() as s:
        c = f.client(s, critical_terms=["food poisoning", "lawsuit"])
        vip = f.author(s, "critic", is_vip=True)
        m1 = f.mention(s, c, f.author(s, "bob"), "Got food poisoning from Acme", compound=-0.3)
        m2 = f.mention(s, c, vip, "My whole table had food poisoning after Acme", compound=-0.7)
        summary = triage_new_mentions(s, [m1.id, m2.id], T0)
        card = incident_detail(s, summary.opened[0])
        kinds = s.scalars(select(Notification.kind)).all()
    assert len(summary.opened) == 1 and summary.joined == 1
    assert card.severity == "critical"
    assert "critical terms: food poisoning" in card.severity_reasons
    assert "a VIP author" in card.severity_reasons
    assert kinds == ["critical"]


def test_a_critical_term_in_good_news_opens_nothing(services: Services) -> None:
    with services.sessions.begin() as s:
        c = f.client(s, critical_terms=["fraud"])
        praise = f.mention(
            s, c, f.author(s, "bob"), "Acme spotted a fraudulent payment before I did. Thanks!",
            compound=0.6,
        )  # fmt: skip
        summary = triage_new_mentions(s, [praise.id], T0)
    assert summary.opened == () and summary.ignored == 1


def test_reach_and_share_velocity_raise_severity(services: Services) -> None:
    with services.sessions.begin() as s:
        c = f.client(s)
        big = f.author(s, "famous", followers=250_000)
        viral = f.mention(
            s,
            c,
            f.author(s, "bob"),
            "Acme staff were rude to me",
            shares=64,
            at=T0 - 10 * H,
            fetched_at=T0,
        )
        loud = f.mention(s, c, big, "Acme refund still missing", compound=-0.3)
        slow = f.mention(
            s,
            c,
            f.author(s, "old"),
            "Acme parking is awful",
            shares=60,
            at=T0 - 240 * H,
            fetched_at=T0,
        )
        summary = triage_new_mentions(s, [viral.id, loud.id, slow.id], T0)
        cards = {i: incident_detail(s, i) for i in summary.opened}
    by_title = {c.row.title: c for c in cards.values()}
    assert by_title["Acme staff were rude to me"].severity == "high"
    assert "shared 64 times in 24 h" in by_title["Acme staff were rude to me"].severity_reasons
    assert by_title["Acme refund still missing"].severity == "high"
    assert by_title["Acme parking is awful"].severity == "medium"  # 60 shares over 10 days


def test_troll_stays_monitor_only(services: Services) -> None:
    with services.sessions.begin() as s:
        c = f.client(s)
        troll = f.author(s, "angry", is_troll=True, followers=500_000)
        ids = [
            f.mention(s, c, troll, f"Acme is a scam, boycott them {i}", at=T0 - i * H).id
            for i in range(3)
        ]
        summary = triage_new_mentions(s, ids, T0)
        incident = s.get(Incident, summary.opened[0])
        assert incident is not None
        n_links = s.scalar(select(func.count()).select_from(IncidentMention))
        notes = s.scalar(select(func.count()).select_from(Notification))
    assert len(summary.opened) == 1 and summary.monitored == 3
    assert incident.status == "monitor" and incident.kind == "monitor"
    assert incident.due_at is None and incident.first_response_due_at is None
    assert n_links == 3 and notes == 0


def test_a_troll_does_not_make_a_pattern(services: Services) -> None:
    with services.sessions.begin() as s:
        c = f.client(s)
        ids = [
            f.mention(s, c, f.author(s, "bob"), "Acme checkout crashing again").id,
            f.mention(s, c, f.author(s, "cat"), "Acme checkout crashing, app useless").id,
            f.mention(s, c, f.author(s, "t", is_troll=True), "Acme checkout crashing lol").id,
        ]
        summary = triage_new_mentions(s, ids, T0)
        cards = [incident_detail(s, i) for i in summary.opened]
    assert sorted(c.kind for c in cards) == ["mention", "monitor"]
    assert not any(c.row.is_pattern for c in cards)


def test_routing_to_account_owner_backup_and_default(services: Services) -> None:
    with services.sessions.begin() as s:
        ana, ben, cat = f.staff(s, "ana"), f.staff(s, "ben", away=True), f.staff(s, "cat")
        c = f.client(s, default_owner_id=ana.id)
        x = f.account(s, c, "x", "@AcmeHelp", owner_id=ben.id, backup_owner_id=cat.id)
        f.account(s, c, "instagram", "acmefood", owner_id=cat.id)
        m1 = f.mention(s, c, f.author(s, "bob"), "@acmehelp my order never came", account_id=x.id)
        m2 = f.mention(s, c, f.author(s, "cy"), "hey @acmefood your app is broken and slow")
        m3 = f.mention(s, c, f.author(s, "di"), "Acme raised prices again, terrible")
        summary = triage_new_mentions(s, [m1.id, m2.id, m3.id], T0)
        owners = [incident_detail(s, i).owner for i in summary.opened]
    assert owners == ["cat", "cat", "ana"]  # backup for away ben, @handle owner, default


def test_author_posting_again_reopens_and_restarts_the_clock(services: Services) -> None:
    from douse.core.incidents import change_status, log_activity

    with services.sessions.begin() as s:
        f.staff(s, "ana")
        c = f.client(s)
        bob = f.author(s, "bob")
        first = f.mention(s, c, bob, "Acme charged me twice", at=T0)
        (incident_id,) = triage_new_mentions(s, [first.id], T0).opened
        log_activity(s, incident_id, "public_reply", by="ana", now=T0 + H)
        change_status(s, incident_id, "resolved", by="ana", now=T0 + 2 * H, resolution="fixed")
        thanks = f.mention(s, c, bob, "Thanks Acme, sorted!", at=T0 + 3 * H, compound=0.7)
        quiet = triage_new_mentions(s, [thanks.id], T0 + 3 * H)
        assert quiet.reopened == () and incident_detail(s, incident_id).status == "resolved"
        again = f.mention(s, c, bob, "Acme charged me AGAIN. Unbelievable", at=T0 + 5 * H)
        loud = triage_new_mentions(s, [again.id], T0 + 5 * H)
        card = incident_detail(s, incident_id)
        log = [(a.kind, a.body) for a in activities(s, incident_id)]
    assert loud.reopened == (incident_id,) and loud.opened == ()
    # The thank-you is the customer's reply in the case's log, not one of its posts.
    assert ("customer_replied", "@bob: Thanks Acme, sorted!") in log
    assert card.status == "in_progress" and card.row.mention_count == 2
    assert clock_state(card, T0 + 5 * H).kind == "next_response"
    assert card.due_at == T0 + 9 * H  # 4 h next response


def test_volume_spike_opens_a_spike_incident_with_its_numbers(services: Services) -> None:
    with services.sessions.begin() as s:
        f.staff(s, "ana")
        c = f.client(s)
        # A quiet week: one or two neutral mentions an hour.
        for h in range(1, 120):
            for k in range(1 + h % 2):
                f.mention(s, c, None, f"Acme baseline {h}-{k}", at=T0 - h * H, compound=0.0)
        burst = [
            f.mention(
                s,
                c,
                f.author(s, f"p{i}"),
                f"Acme outage? site down {i}",
                compound=-0.5,
                at=T0 - timedelta(minutes=50) + timedelta(minutes=i),
            ).id
            for i in range(30)
        ]
        summary = triage_new_mentions(s, burst, T0)
        assert len(summary.spikes) == 1
        spike = incident_detail(s, summary.spikes[0], mention_limit=100)
        again = triage_new_mentions(s, burst, T0)
    # The spike holds every mention of its hour: the burst and the hour's two usual ones.
    assert spike.kind == "spike" and len(spike.mentions) == 32
    assert set(burst) <= {m.mention.id for m in spike.mentions}
    assert spike.severity == "high"
    assert any("baseline of 1." in r and "σ band" in r for r in spike.severity_reasons)
    assert again.spikes == ()


def test_the_words_a_problem_keeps_do_not_depend_on_the_order_its_posts_came_in(
    services: Services,
) -> None:
    """Thirty people on one flight, each adding three words of their own: more words than a
    summary keeps, all said once. Two clients receive the same posts, one in the reverse
    order; both problems keep the same words (ties go by the word), so what triage later
    matches against does not depend on arrival order, nor on the process's set order."""
    words = [f"{c}{v}zot" for c in "bdfgklmnprstvw" for v in "aeiou"][:90]
    texts = [f"flight 728 delayed, {' '.join(words[3 * i : 3 * i + 3])}" for i in range(30)]
    with services.sessions.begin() as s:
        kept = []
        for slug, order in (("first", texts), ("second", texts[::-1])):
            c = f.client(s, slug)
            ids = [
                f.mention(s, c, f.author(s, f"{slug}{i}"), f"{c.name} {text}", at=T0).id
                for i, text in enumerate(order)
            ]
            triage_new_mentions(s, ids, T0)
            problem = s.scalars(
                select(Incident)
                .where(Incident.client_id == c.id)
                .order_by(Incident.mention_count.desc())
            ).first()
            assert problem is not None and problem.mention_count == 30
            kept.append(problem.summary["terms"])
    assert kept[0] == kept[1]
    assert len(kept[0]) < len(words), "more words than a summary keeps"
    assert [w for w in kept[0] if w.endswith("zot")][:3] == ["bazot", "bezot", "bizot"]
