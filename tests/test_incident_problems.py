"""Problems and cases: what several people are hit by at once is one incident; each person keeps a
thread of their own under it; the same posts give the same problems in any order."""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from douse.core.db.models import Incident, IncidentMention, Mention
from douse.core.incidents import triage_new_mentions
from douse.core.ingest.importer import import_file_batched
from douse.core.queries.detail import activities, incident_detail
from douse.core.services import Services
from douse.tui.cli.commands.incident import render
from tests import incident_factories as f
from tests.helpers import T0

H = timedelta(hours=1)
M = timedelta(minutes=1)


def _placed(s, ids: list[int]) -> dict[int, int]:  # type: ignore[no-untyped-def]
    return dict(
        s.execute(
            select(IncidentMention.mention_id, IncidentMention.incident_id).where(
                IncidentMention.mention_id.in_(ids)
            )
        ).all()
    )


def test_a_storms_cancellations_are_one_problem_titled_by_what_they_share(
    services: Services,
) -> None:
    texts = [
        "Northwind cancelled my flight to Oslo, no alternative offered",
        "Third cancellation this week @northwind, stuck in Leeds",
        "Flight cancelled again, Northwind what is going on",
        "My Northwind flight got cancelled, now I miss the wedding",
    ]
    with services.sessions.begin() as s:
        c = f.client(s, "northwind", name="Northwind", industry="airline")
        ids = [
            f.mention(s, c, f.author(s, f"p{i}"), t, at=T0 - (4 - i) * H).id
            for i, t in enumerate(texts)
        ]
        other = f.mention(s, c, f.author(s, "q"), "Northwind lost my suitcase in Oslo", at=T0).id
        summary = triage_new_mentions(s, [*ids, other], T0)
        placed = _placed(s, [*ids, other])
        problem = s.get(Incident, placed[ids[0]])
        assert problem is not None
        assert {placed[i] for i in ids} == {problem.id}
        assert placed[other] != problem.id  # lost baggage is another matter
        assert problem.category == "cancellations" and problem.kind == "pattern"
        assert problem.title == "Cancellations · Mon 23 Nov"
        assert problem.distinct_authors == 4
        assert "4 different people say this (pattern)" in problem.severity_reasons
        categories = dict(s.execute(select(Mention.id, Mention.category_reason)).all())
    assert len(summary.opened) == 2
    assert categories[ids[0]] == "cancellations: “cancelled”"


def test_a_category_problem_stops_drawing_people_after_a_day(services: Services) -> None:
    with services.sessions.begin() as s:
        c = f.client(s, "northwind", name="Northwind", industry="airline")
        monday = [
            f.mention(s, c, f.author(s, f"a{i}"), f"Northwind flight delayed {i}", at=T0 + i * H)
            for i in range(2)
        ]
        thursday = [
            f.mention(
                s, c, f.author(s, f"b{i}"), f"Northwind flight delayed {i}", at=T0 + (72 + i) * H
            )
            for i in range(2)
        ]
        ids = [m.id for m in monday + thursday]
        triage_new_mentions(s, ids, T0 + 80 * H)
        placed = _placed(s, ids)
    assert placed[monday[0].id] == placed[monday[1].id]
    assert placed[thursday[0].id] == placed[thursday[1].id]
    assert placed[monday[0].id] != placed[thursday[0].id]


def test_strangers_on_the_same_flight_are_one_problem_whatever_they_complain_about(
    services: Services,
) -> None:
    with services.sessions.begin() as s:
        c = f.client(s, "northwind", name="Northwind", industry="airline")
        a = f.mention(s, c, f.author(s, "a"), "Northwind flight 728 delayed three hours", at=T0)
        b = f.mention(
            s, c, f.author(s, "b"), "The crew on NW 728 were so rude to my mother", at=T0 + H
        )
        d = f.mention(s, c, f.author(s, "d"), "#728 still no food or water, Northwind", at=T0 + H)
        ids = [a.id, b.id, d.id]
        triage_new_mentions(s, ids, T0 + 2 * H)
        placed = _placed(s, ids)
        problem = s.get(Incident, placed[a.id])
    assert len(set(placed.values())) == 1
    assert problem is not None and problem.title == "Flight 728 · Mon 23 Nov"


def _three_saying(s, text: str):  # type: ignore[no-untyped-def]
    """Three people posting `text` in the same minutes, judged an hour on: one problem."""
    c = f.client(s, "northwind", name="Northwind", industry="airline")
    people = [f.author(s, f"p{i}") for i in range(3)]
    first = [f.mention(s, c, p, text, at=T0 + i * M) for i, p in enumerate(people)]
    triage_new_mentions(s, [m.id for m in first], T0 + H)
    return c, people, first


def _three_cancelled(s):  # type: ignore[no-untyped-def]
    return _three_saying(s, "Northwind cancelled my flight home")


def test_what_a_person_says_beyond_the_problem_goes_on_their_own_case_under_it(
    services: Services,
) -> None:
    with services.sessions.begin() as s:
        c, people, first = _three_cancelled(s)
        later = f.mention(s, c, people[1], "Northwind any news?? two kids with me", at=T0 + 2 * H)
        more = f.mention(s, c, people[1], "Northwind still nothing, please", at=T0 + 3 * H)
        triage_new_mentions(s, [later.id, more.id], T0 + 3 * H)
        placed = _placed(s, [m.id for m in first] + [later.id, more.id])
        case = s.get(Incident, placed[later.id])
    problem_id = placed[first[0].id]
    assert case is not None and case.id != problem_id
    assert case.problem_id == problem_id and placed[more.id] == case.id
    assert case.first_response_due_at is not None  # the person is waiting for an answer
    assert case.category == "cancellations"


def test_the_same_complaint_days_later_is_the_persons_own_thread_not_the_problem(
    services: Services,
) -> None:
    # A problem of a category runs for a day; a member writing about it again five days later
    # keeps their own thread under it, and the problem does not stretch over a week.
    with services.sessions.begin() as s:
        c, people, first = _three_cancelled(s)
        same_day = f.mention(s, c, people[2], "Northwind cancelled again, still stuck", at=T0 + H)
        later = f.mention(
            s, c, people[2], "Northwind cancelled my flight, nobody refunded", at=T0 + 120 * H
        )
        triage_new_mentions(s, [same_day.id], T0 + H)
        triage_new_mentions(s, [later.id], T0 + 120 * H)
        placed = _placed(s, [m.id for m in first] + [same_day.id, later.id])
        case = s.get(Incident, placed[later.id])
    problem_id = placed[first[0].id]
    assert placed[same_day.id] == problem_id  # the same day: more about the problem itself
    assert case is not None and case.id != problem_id and case.problem_id == problem_id


def test_the_same_file_sorted_either_way_gives_the_same_incidents(
    services: Services, tmp_path: Path
) -> None:
    texts = [
        "Skyway flight SK12 delayed, sitting at the gate",
        "Skyway cancelled my flight to Oslo",
        "Skyway lost my bag again",
        "@skyway on hold for two hours",
        "Skyway flight SK12 still delayed, no info",
        "Skyway my flight got cancelled, stranded",
        "Skyway you are the worst",
        "@skyway nobody answers the phone",
        "thanks Skyway, lovely crew",
    ]
    rows = [
        {
            "id": str(i),
            "author": f"p{i % 7}",
            "text": f"{t} ({'again' if i >= len(texts) else 'first'})",
            "published": (T0 - (20 - i) * H).isoformat(),
        }
        for i, t in enumerate(texts * 2)
    ]
    grouping = []
    for name, order in (("oldest", rows), ("newest", list(reversed(rows)))):
        path = tmp_path / f"{name}.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=["id", "author", "text", "published"])
            writer.writeheader()
            writer.writerows(order)
        with services.sessions.begin() as s:
            f.client(s, name, name="Skyway", keywords=["Skyway"], industry="airline")
        import_file_batched(services.sessions, name, path, now=T0, scorer=_Scorer())
        with services.sessions() as s:
            links = s.execute(
                select(Mention.external_id, IncidentMention.incident_id)
                .join(IncidentMention, IncidentMention.mention_id == Mention.id)
                .join(Incident, Incident.id == IncidentMention.incident_id)
                .where(Incident.client.has(slug=name), Incident.kind != "spike")
            ).all()
        groups: dict[int, set[str]] = defaultdict(set)
        for external_id, incident_id in links:
            groups[incident_id].add(external_id)
        grouping.append(sorted(sorted(g) for g in groups.values()))
    assert grouping[0] == grouping[1]
    assert len(grouping[0]) >= 4


class _Scorer:
    """Labels by a few words, so the test is about grouping, not sentiment."""

    def score(self, text: str, **_: object):  # type: ignore[no-untyped-def]
        from douse.core.sentiment import SentimentResult

        if "thanks" in text:
            return SentimentResult(0.6, "positive", "en", ())
        return SentimentResult(-0.6, "negative", "en", ())


def test_posts_an_interrupted_import_left_unjudged_are_judged_by_the_watch_jobs(
    services: Services, tmp_path: Path
) -> None:
    from douse.core.jobs.housekeeping import run_incident_jobs

    path = tmp_path / "reviews.csv"
    path.write_text(
        "id,author,text,published\n"
        f"1,ann,Skyway cancelled my flight to Oslo,{(T0 - 2 * H).isoformat()}\n"
        f"2,bob,Skyway cancelled my flight to Rome,{(T0 - H).isoformat()}\n",
        encoding="utf-8",
    )
    with services.sessions.begin() as s:
        f.client(s, "skyway", name="Skyway", keywords=["Skyway"], industry="airline")
    # Stored, then killed before judging (judge=False stands for the kill).
    import_file_batched(services.sessions, "skyway", path, now=T0, scorer=_Scorer(), judge=False)
    with services.sessions() as s:
        assert s.scalar(select(IncidentMention.incident_id).limit(1)) is None
    result = run_incident_jobs(services, T0, http_post=lambda *a: None, fetch_text=lambda u: None)
    with services.sessions() as s:
        incidents = s.scalars(select(Incident).where(Incident.kind != "spike")).all()
        waiting = s.scalar(select(Mention.id).where(Mention.triaged_at.is_(None)).limit(1))
    assert result.judged == 2 and waiting is None
    assert [(i.title, i.distinct_authors) for i in incidents] == [("Cancellations · Mon 23 Nov", 2)]


def _storm(s, c, start):  # type: ignore[no-untyped-def]
    """Twelve people whose flights were cancelled, one every ten minutes from `start`."""
    return [
        f.mention(
            s,
            c,
            f.author(s, f"storm{start:%d%H}{i}"),
            f"Northwind cancelled my flight {100 + i}, stuck here",
            at=start + i * 10 * M,
        ).id
        for i in range(12)
    ]


def test_a_complaint_naming_nothing_during_a_surge_is_a_case_under_the_surging_problem(
    services: Services,
) -> None:
    with services.sessions.begin() as s:
        c = f.client(s, "northwind", name="Northwind", industry="airline")
        storm = _storm(s, c, T0 - 2 * H)
        vague = f.mention(s, c, f.author(s, "vague"), "Northwind you are the worst", at=T0).id
        later = f.mention(
            s, c, f.author(s, "later"), "Northwind you are the worst", at=T0 + 6 * H
        ).id
        triage_new_mentions(s, [*storm, vague, later], T0 + 7 * H)
        placed = _placed(s, [*storm, vague, later])
        problem = s.get(Incident, placed[storm[0]])
        case = s.get(Incident, placed[vague])
        alone = s.get(Incident, placed[later])
        assert problem is not None and case is not None and alone is not None
        assert {placed[i] for i in storm} == {problem.id}
        # The vague complaint keeps its own clock and its own (no) subject, under the problem.
        assert case.id != problem.id and case.problem_id == problem.id
        assert case.category is None and case.first_response_due_at is not None
        assert "12 people joined the cancellations problem" in case.summary["placed"]
        # `douse incident` (and the desk, from the same detail) says why it is there.
        shown = "\n".join(render(incident_detail(s, case.id), T0 + 7 * H))
        assert f"case under problem #{problem.id}" in shown
        assert "placed there by triage: names no subject of its own" in shown
        # Hours after the surge it is one person's own case again.
        assert alone.problem_id is None and alone.id not in (problem.id, case.id)
        assert "placed" not in (alone.summary or {})


def test_a_quiet_problem_draws_no_vague_complaint(services: Services) -> None:
    with services.sessions.begin() as s:
        c = f.client(s, "northwind", name="Northwind", industry="airline")
        few = _storm(s, c, T0 - 2 * H)[:9]  # nine people in three hours is no surge
        vague = f.mention(s, c, f.author(s, "vague"), "Northwind you are the worst", at=T0).id
        triage_new_mentions(s, [*few, vague], T0 + H)
        placed = _placed(s, [*few, vague])
        case = s.get(Incident, placed[vague])
        assert case is not None and case.problem_id is None
        assert placed[vague] != placed[few[0]]


def test_a_new_flight_two_days_on_is_not_a_case_of_the_old_problem(services: Services) -> None:
    with services.sessions.begin() as s:
        c, people, bags = _three_saying(s, "Northwind lost my suitcase again")
        # Two days later, within the 72-hour conversation window, about another flight.
        mine = f.mention(s, c, people[0], "Northwind what gives on flight 728??", at=T0 + 50 * H)
        theirs = f.mention(
            s, c, f.author(s, "stranger"), "Northwind flight 728 still at the gate", at=T0 + 51 * H
        )
        triage_new_mentions(s, [mine.id, theirs.id], T0 + 52 * H)
        placed = _placed(s, [*(m.id for m in bags), mine.id, theirs.id])
        flight = s.get(Incident, placed[mine.id])
        assert flight is not None
    problem = placed[bags[0].id]
    assert flight.id != problem and flight.problem_id != problem
    assert placed[theirs.id] == flight.id  # strangers on flight 728 are one problem


def test_a_complaint_about_two_things_is_its_authors_case_under_the_problem(
    services: Services,
) -> None:
    with services.sessions.begin() as s:
        c = f.client(s, "northwind", name="Northwind", industry="airline")
        late = [
            f.mention(s, c, f.author(s, f"late{i}"), text, at=T0 + i * 10 * M).id
            for i, text in enumerate(
                [
                    "Northwind flight 40 delayed three hours now",
                    "Northwind delayed again, second time this month",
                    "Still sitting at the gate, Northwind, delay after delay",
                ]
            )
        ]
        both = f.mention(
            s,
            c,
            f.author(s, "both"),
            "Northwind delayed 2 hours and your customer service agent was useless",
            at=T0 + H,
        ).id
        refund = f.mention(
            s, c, f.author(s, "refund"), "Northwind 5 hour delay, I want a refund", at=T0 + 2 * H
        ).id
        after = f.mention(
            s, c, f.author(s, "after"), "Northwind yet another delay tonight", at=T0 + 14 * H
        ).id
        triage_new_mentions(s, [*late, both, refund, after], T0 + 15 * H)
        placed = _placed(s, [*late, both, refund, after])
        problem = s.get(Incident, placed[late[0]])
        case = s.get(Incident, placed[both])
        assert problem is not None and case is not None
        assert {placed[i] for i in late} == {problem.id}
        # The delay and the agent: the person's own case under the delays problem, saying why;
        # what they said of the agent stays out of the problem's posts.
        assert case.id != problem.id and case.problem_id == problem.id
        assert case.category == "delays" and case.first_response_due_at is not None
        assert "customer service" in case.summary["placed"]
        # A refund asked for because of the delay is the delay's consequence: one more voice.
        assert placed[refund] == problem.id
        # The case kept the problem going: twelve hours after it, the delays still join.
        assert placed[after] == problem.id


def test_a_merge_keeps_counting_the_people_filed_under_the_problem(services: Services) -> None:
    from douse.core.incidents import merge_incidents

    with services.sessions.begin() as s:
        f.staff(s, "ana")
        c = f.client(s, "northwind", name="Northwind", industry="airline")
        late = [
            f.mention(
                s, c, f.author(s, f"late{i}"), f"Northwind flight 40 delayed {i + 2} hours"
            ).id
            for i in range(3)
        ]
        both = f.mention(
            s, c, f.author(s, "both"), "Northwind delayed 2 hours and the agent was useless"
        ).id
        stray = f.mention(s, c, f.author(s, "stray"), "Northwind my seat was broken").id
        triage_new_mentions(s, [*late, both, stray], T0 + H)
        placed = _placed(s, [*late, both, stray])
        problem = s.get(Incident, placed[late[0]])
        assert problem is not None and s.get(Incident, placed[both]).problem_id == problem.id
        filed = dict(problem.summary["filed"])
        merge_incidents(s, problem.id, [placed[stray]], by="ana", now=T0 + 2 * H)
        later = f.mention(s, c, f.author(s, "later"), "Northwind delayed again", at=T0 + 2 * H)
        triage_new_mentions(s, [later.id], T0 + 2 * H)
        s.refresh(problem)
    # Summed up again from its posts after the merge, the problem still counts the person
    # whose complaint about two things was filed under it (towards its surge).
    assert filed and problem.summary["filed"] == filed


def test_a_plain_statement_of_what_went_wrong_needs_a_person_a_question_not_yet(
    services: Services,
) -> None:
    with services.sessions.begin() as s:
        c = f.client(s, "northwind", name="Northwind", industry="airline")
        said = {
            text: f.mention(
                s, c, f.author(s, f"n{i}"), text, at=T0 + i * M, compound=0.0, label="neutral"
            ).id
            for i, text in enumerate(
                [
                    "Northwind my suitcase never arrived in Oslo",
                    "Northwind is flight 12 to Oslo delayed tonight?",
                    "Northwind I sent you a DM with my booking reference",
                    "Northwind on hold for two hours now, is anyone there?",
                ]
            )
        }
        triage_new_mentions(s, list(said.values()), T0 + H)
        placed = _placed(s, list(said.values()))
    assert said["Northwind my suitcase never arrived in Oslo"] in placed
    # Asked or not, being left on hold is the failure itself.
    assert said["Northwind on hold for two hours now, is anyone there?"] in placed
    assert said["Northwind is flight 12 to Oslo delayed tonight?"] not in placed
    assert said["Northwind I sent you a DM with my booking reference"] not in placed


def test_a_reply_that_only_thanks_is_logged_and_one_that_says_more_is_a_post(
    services: Services,
) -> None:
    with services.sessions.begin() as s:
        c, people, first = _three_cancelled(s)
        said = {
            text: f.mention(s, c, person, text, at=T0 + 2 * H, compound=0.8, label="positive").id
            for person, text in zip(
                people,
                [
                    "Northwind thank you, you are great",
                    "Northwind thanks! but is there a seat tomorrow?",
                    "Northwind thanks for losing my suitcase as well",
                ],
                strict=True,
            )
        }
        triage_new_mentions(s, list(said.values()), T0 + 2 * H)
        placed = _placed(s, [m.id for m in first] + list(said.values()))
        problem = s.get(Incident, placed[first[0].id])
        assert problem is not None
        log = [(a.kind, a.body, a.staff) for a in activities(s, problem.id)]
        cases = s.scalars(select(Incident).where(Incident.problem_id == problem.id)).all()
    # Thanks alone asks for nothing: in the problem's log as the person's reply, no post of it,
    # and no case with a clock opened for it.
    assert said["Northwind thank you, you are great"] not in placed
    assert ("customer_replied", "@p0: Northwind thank you, you are great", None) in log
    assert problem.mention_count == 3
    # A question, or thanks that names what went wrong, is a post on the person's own case.
    assert {placed[said["Northwind thanks! but is there a seat tomorrow?"]]} <= {
        case.id for case in cases
    }
    assert placed[said["Northwind thanks for losing my suitcase as well"]] != problem.id


def test_a_thank_you_that_goes_on_to_say_more_is_a_post(services: Services) -> None:
    with services.sessions.begin() as s:
        c, people, _ = _three_cancelled(s)
        texts = [
            "Northwind thank you, though it has been a very long night for us",
            "Northwind thank you! Now my mother and my two kids need to get to Bergen by Friday "
            "for the funeral, and we have nowhere to go tonight",
        ]
        later = [
            f.mention(s, c, person, text, at=T0 + 2 * H, compound=0.7, label="positive").id
            for person, text in zip(people, texts, strict=False)
        ]
        triage_new_mentions(s, later, T0 + 2 * H)
        placed = _placed(s, later)
    # Thanks as a courtesy before the point: each is a post on the person's own case.
    assert set(placed) == set(later)


def test_people_sharing_rare_words_are_one_problem_titled_by_those_words_as_written(
    services: Services,
) -> None:
    """No category says what these are about; two rare words they share do, and the title
    quotes them as people wrote them, not as the stems they are compared by."""
    texts = [
        "Acme, your firmware update bricked my thermostat overnight",
        "After the firmware update the thermostat is bricked. Useless, Acme",
    ]
    chatter = ["Acme store opening hours on Sunday?", "Is the Acme sale on online too?"]
    with services.sessions.begin() as s:
        c = f.client(s)
        # The client's other recent posts: what makes those words rare.
        others = [
            f.mention(s, c, f.author(s, f"q{i}"), chatter[i % 2], at=T0 - 6 * H, compound=0.0).id
            for i in range(40)
        ]
        triage_new_mentions(s, others, T0 - 5 * H)
        ids = [
            f.mention(s, c, f.author(s, f"p{i}"), t, at=T0 - (2 - i) * H).id
            for i, t in enumerate(texts)
        ]
        triage_new_mentions(s, ids, T0)
        placed = _placed(s, ids)
        problem = s.get(Incident, placed[ids[0]])
        assert problem is not None and placed[ids[1]] == problem.id
        assert problem.category is None and problem.distinct_authors == 2
        assert problem.title == "“bricked” and “firmware” · Mon 23 Nov", problem.title
        # What the incident's page lists as its shared words: words, not stems ("firmwar").
        shared = incident_detail(s, problem.id).terms
        assert {"bricked", "firmware", "thermostat"} <= set(shared), shared
