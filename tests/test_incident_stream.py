"""A realistic day-and-a-half of one brand's mentions: the incidents a reader would expect.

About 3,000 mentions: everyday chatter, two stories told by several people, isolated
complaints on different subjects, a troll, and an outage hour. Triaged in batches of 500 as
the ingestion pipeline would, then checked against what a person reading the stream would say.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from datetime import timedelta

from sqlalchemy import select

from douse.core.db.models import Author, Incident, IncidentMention, Mention
from douse.core.incidents import triage_new_mentions
from douse.core.services import Services
from tests import incident_factories as f
from tests.helpers import T0

H = timedelta(hours=1)
START = T0 - 36 * H

CHATTER = [
    "Just had lunch at Acme, the {x} was fine",
    "Acme opened a new branch in {city}",
    "Does anyone know if Acme {city} is open on Sundays?",
    "Loved the {x} at Acme today!",
    "Acme {x} deal this week looks decent",
    "Meeting friends at Acme {city} later",
]
FOODS = ["burger", "wrap", "salad", "milkshake", "coffee", "fries"]
CITIES = ["Leeds", "York", "Bristol", "Derby", "Bath", "Hull"]
POISONING = [
    "Got food poisoning after eating at Acme Leeds on Friday",
    "Me and my partner both ill with food poisoning after Acme Leeds",
    "food poisoning from Acme?? whole family sick since Friday",
    "Acme Leeds gave my son food poisoning. Disgusting",
    "third day of food poisoning after that Acme chicken wrap",
    "Is anyone else sick after Acme Leeds? pretty sure food poisoning",
]
CRASH = [
    "Acme app keeps crashing at checkout, lost my order twice",
    "the Acme app crashing at checkout every single time",
    "Acme checkout crashes as soon as I add a voucher. App unusable",
    "app crashing again at Acme checkout, fix it please",
]
# Different problems, several told with the same stock phrases every complaint ends with.
ISOLATED = [
    "Acme York staff were incredibly rude to my mum. Emailed twice, no reply. Useless.",
    "Parking at Acme Bristol is a nightmare, scraped my car",
    "My Acme milkshake was warm and tasted sour. Emailed twice, no reply. Useless.",
    "Waited forty minutes for a table at Acme Bath, terrible",
    "Acme charged my card twice for one meal. Emailed twice, no reply. Useless.",
]


def _stream(services: Services) -> dict[str, list[int]]:
    rng = random.Random(7)
    stories: dict[str, list[int]] = {
        "chatter": [],
        "poisoning": [],
        "crash": [],
        "isolated": [],
        "troll": [],
        "outage": [],
    }
    with services.sessions.begin() as s:
        ana = f.staff(s, "ana")
        c = f.client(s, default_owner_id=ana.id, critical_terms=["food poisoning", "lawsuit"])
        people = [
            Author(platform="mastodon", handle=f"user{i}", followers=rng.randint(10, 3000))
            for i in range(900)
        ]
        troll = Author(platform="mastodon", handle="angrybob", is_troll=True, followers=40)
        s.add_all([*people, troll])
        s.flush()
        rows: list[tuple[str, Mention]] = []

        def add(
            story: str, who: Author, text: str, at: timedelta, compound: float, shares: int = 0
        ) -> None:
            label = (
                "negative" if compound <= -0.05 else "positive" if compound >= 0.05 else "neutral"
            )
            n = len(rows)
            rows.append(
                (
                    story,
                    Mention(
                        client_id=c.id,
                        author_id=who.id,
                        platform="mastodon",
                        external_id=f"m{n}",
                        dedupe_key=f"m{n}",
                        url=f"https://social.example/@{who.handle}/{n}",
                        text=text,
                        published_at=START + at,
                        fetched_at=START + at + 10 * timedelta(minutes=1),
                        sentiment_compound=compound,
                        sentiment_label=label,
                        shares=shares,
                    ),
                )
            )

        for _ in range(2800):
            text = rng.choice(CHATTER).format(x=rng.choice(FOODS), city=rng.choice(CITIES))
            # Chatter comes from people outside the stories: a story author's later post would
            # rightly count as that customer speaking again on their incident.
            add(
                "chatter",
                rng.choice(people[500:]),
                text,
                timedelta(minutes=rng.randint(0, 36 * 60)),
                rng.choice([0.0, 0.3, 0.6]),
            )
        for i, text in enumerate(POISONING):
            add("poisoning", people[100 + i], text, 6 * H + i * 4 * H, -0.7, shares=8)
        for i, text in enumerate(CRASH):
            add("crash", people[200 + i], text, 3 * H + i * 5 * H, -0.45)
        for i, text in enumerate(ISOLATED):
            add("isolated", people[300 + i], text, 2 * H + i * 6 * H, -0.5)
        for i in range(8):
            add("troll", troll, f"Acme is a scam run by crooks #{i}", i * 4 * H, -0.8)
        for i in range(40):
            add(
                "outage",
                people[400 + i],
                f"Acme website down? can't order anything {i}",
                30 * H + i * timedelta(minutes=1),
                -0.3,
            )
        # Someone from the crash story joins in on the outage: one more voice on the outage,
        # not a reply on their crash report (which must not start collecting outage posts).
        add("outage", people[200], "Acme website down for me too, can't order anything", 30 * H
            + 50 * timedelta(minutes=1), -0.3)  # fmt: skip
        rng.shuffle(rows)  # arrival order is not publication order
        s.add_all([m for _, m in rows])
        s.flush()
        for story, m in rows:
            stories[story].append(m.id)
    return stories


def _incidents_of(services: Services, ids: list[int]) -> Counter[int]:
    with services.sessions() as s:
        links = s.execute(
            select(IncidentMention.incident_id)
            .join(Incident, Incident.id == IncidentMention.incident_id)
            .where(IncidentMention.mention_id.in_(ids), Incident.kind != "spike")
        ).scalars()
        return Counter(links)


def test_a_realistic_stream_gives_the_incidents_a_reader_expects(services: Services) -> None:
    stories = _stream(services)
    everything = sorted(i for ids in stories.values() for i in ids)
    started = time.perf_counter()
    for k in range(0, len(everything), 500):
        with services.sessions.begin() as s:
            triage_new_mentions(s, everything[k : k + 500], T0)
    elapsed = time.perf_counter() - started
    print(f"triaged {len(everything)} mentions in {elapsed:.2f} s")
    assert elapsed < 60

    with services.sessions() as s:
        incidents = {i.id: i for i in s.scalars(select(Incident))}
    assert _incidents_of(services, stories["chatter"]) == Counter()

    (poison_id,) = _incidents_of(services, stories["poisoning"])
    poison = incidents[poison_id]
    assert poison.severity == "critical" and poison.is_pattern
    assert poison.distinct_authors == 6 and poison.mention_count == 6

    (crash_id,) = _incidents_of(services, stories["crash"])
    assert incidents[crash_id].distinct_authors == 4 and incidents[crash_id].is_pattern
    assert incidents[crash_id].mention_count == len(CRASH)
    assert incidents[crash_id].severity == "medium"

    isolated = _incidents_of(services, stories["isolated"])
    assert len(isolated) == len(ISOLATED)
    assert {incidents[i].severity for i in isolated} == {"low"}

    (troll_id,) = _incidents_of(services, stories["troll"])
    assert incidents[troll_id].status == "monitor" and incidents[troll_id].mention_count == 8

    spikes = [i for i in incidents.values() if i.kind == "spike"]
    assert len(spikes) == 1 and spikes[0].severity == "high"
    (outage_id,) = _incidents_of(services, stories["outage"])
    assert incidents[outage_id].distinct_authors == 41
