"""Severity from harm, voices and reach, explained in words; idioms and thanks raise nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from douse.core.db.models import Incident
from douse.core.incidents import triage_new_mentions
from douse.core.incidents.harm import find_harm
from douse.core.incidents.severity import Evidence, assess
from douse.core.services import Services
from tests import incident_factories as f
from tests.helpers import T0

H = timedelta(hours=1)


@pytest.mark.parametrize(
    ("text", "harm"),
    [
        ("A man sexually assaulted my daughter on your flight and the crew did nothing", "assault"),
        ("My son was harassed by other passengers for the whole trip", "assault"),
        ("The gate agent kicked me in the shin when I asked for her name", "assault"),
        ("Your employees are racist, they pulled only us out of the queue", "discrimination"),
        ("Denied boarding because I'm in a wheelchair. Disgraceful", "discrimination"),
        ("The trolley hit my knee and I was injured, still limping", "injury"),
        ("Got food poisoning after the chicken wrap, whole family sick", "health"),
        ("Found glass in my salad at the Leeds branch", "health"),
        ("I will take you to court over this", "legal"),
        ("I was injured while I was in the gym by a loose cable", "injury"),
        ("My son was sick from your food while we were on holiday", "health"),
        ("My card details were stolen after your data breach", "breach"),
        ("Someone from another country signed into my mailbox last night", "breach"),
        ("The crew shoved my elderly mother out of the aisle", "assault"),
        ("A passenger punched my husband and nobody stepped in", "assault"),
        ("The engine was on fire as we taxied", "injury"),
        ("They left my dad's wheelchair behind in Denver", "access"),
        ("My service dog was refused at the gate", "access"),
        ("We were removed from the flight for speaking Arabic", "discrimination"),
        ("The pilot smelled of alcohol when he boarded", "injury"),
        ("Turbulence threw the cart into my leg, I needed stitches", "injury"),
        ("I told them about my peanut allergy and they served peanuts anyway", "health"),
        ("They lost my insulin in the checked bag", "health"),
    ],
)
def test_reports_of_harm_are_recognised(text: str, harm: str) -> None:
    assert harm in {hit.name for hit in find_harm(text)}


@pytest.mark.parametrize(
    "text",
    [
        "And to add insult to injury they charged me for the seat",
        "Your new menu is killing it, well done",
        "Dying to try the new coffee",
        "I am sick and tired of waiting on hold",
        "Thankfully nobody was injured when the bag fell",
        "This service makes me sick",
        "They let me pause my membership while I was injured, no fuss",
        "Rebooked me for free while my wife was in hospital",
        "The booking site kicked me out twice while I was paying",
        "Your system kicked us off the flight and into a hotel",
        "Fares doubled overnight for the same seat #PriceDiscrimination",
        # Things struck, pushed or grabbed, not people: a mailbox, a cap, a flight, a bag.
        "So much spam hit my inbox since you changed the filter",
        "Hit my data cap in a week, your plan is useless",
        "You pushed my flight back three times today",
        "The agent grabbed my bag and checked it without asking",
        # A streaming device's name.
        "The app won't play anything on Fire TV since the update",
        # Someone helping is no intruder.
        "Someone at the desk got my booking sorted in minutes",
        # A language spoken or an allergy named, with nobody put off or served anything.
        "Do you have staff for speaking Spanish at the desk?",
        "Do you have nut free snacks? My son has a peanut allergy",
        "The wheelchair assistance in Denver was great",
    ],
)
def test_idioms_and_denials_report_no_harm(text: str) -> None:
    assert find_harm(text) == []


def _incident(s, iid: int) -> Incident:  # type: ignore[no-untyped-def]
    incident = s.get(Incident, iid)
    assert incident is not None
    return incident


def test_harm_makes_a_single_mild_complaint_high_and_says_why(services: Services) -> None:
    with services.sessions.begin() as s:
        c = f.client(s)
        m = f.mention(
            s, c, f.author(s, "bob"), "Acme staff were racist to my mum at the till", compound=-0.2
        )
        (iid,) = triage_new_mentions(s, [m.id], T0).opened
        incident = _incident(s, iid)
    assert incident.severity == "high"
    assert "discrimination: “racist”" in incident.severity_reasons


def test_an_idiom_raises_nothing(services: Services) -> None:
    with services.sessions.begin() as s:
        c = f.client(s, critical_terms=["injury"])
        m = f.mention(
            s, c, f.author(s, "bob"),
            "Acme lost my order and to add insult to injury charged me twice", compound=-0.3,
        )  # fmt: skip
        (iid,) = triage_new_mentions(s, [m.id], T0).opened
        incident = _incident(s, iid)
    assert incident.severity == "low"


def test_a_thank_you_never_raises_severity(services: Services) -> None:
    with services.sessions.begin() as s:
        c = f.client(s)
        m = f.mention(
            s, c, f.author(s, "bob", followers=500_000),
            "Thank you Acme for looking after my injured dad so kindly", compound=0.8,
        )  # fmt: skip
        summary = triage_new_mentions(s, [m.id], T0)
    assert summary.opened == () and summary.ignored == 1


def test_a_configured_critical_term_makes_it_critical_as_the_config_says(
    services: Services,
) -> None:
    with services.sessions.begin() as s:
        c = f.client(s, critical_terms=["food poisoning"])
        m = f.mention(s, c, f.author(s, "bob"), "Acme gave me food poisoning", compound=-0.3)
        (iid,) = triage_new_mentions(s, [m.id], T0).opened
        incident = _incident(s, iid)
    assert incident.severity == "critical"
    assert "critical terms: food poisoning" in incident.severity_reasons


def test_thirty_people_weigh_more_than_three() -> None:
    def people(n: int) -> list[Evidence]:
        return [
            Evidence(i, -0.3, 10, 0, T0 + timedelta(minutes=7 * i), T0 + timedelta(hours=5))
            for i in range(n)
        ]

    three, thirty = assess(people(3)), assess(people(30))
    assert (three.severity, thirty.severity) == ("medium", "high")
    assert "30 different people say this" in thirty.reasons


def test_voices_raise_what_they_say() -> None:
    """Three people locked out, one of whom says the account was compromised: the harm makes it
    high, the three voices make the lock-out a pattern, but only one person reported the harm,
    so it is not critical. Three people reporting the compromise are."""
    compromised = tuple(find_harm("my account was compromised"))
    assert compromised

    def post(author: int, harm: bool) -> Evidence:
        at = T0 + timedelta(minutes=10 * author)
        return Evidence(author, -0.5, 10, 0, at, at, harm=compromised if harm else ())

    one = assess([post(1, True), post(2, False), post(3, False)])
    assert one.severity == "high" and one.is_pattern
    assert "3 different people say this (pattern)" in one.reasons
    three = assess([post(1, True), post(2, True), post(3, True)])
    assert three.severity == "critical"
    assert "3 people report data breach or fraud" in three.reasons
    # The same person reporting it again is still one voice.
    again = assess([post(1, True), post(1, True), post(2, False), post(3, False)])
    assert again.severity == "high"


def test_a_critical_incident_does_not_wait_for_business_hours(services: Services) -> None:
    sunday = datetime(2026, 11, 22, 11, 0, tzinfo=UTC)
    with services.sessions.begin() as s:
        c = f.client(
            s,
            critical_terms=["food poisoning"],
            business_hours=f.WEEKDAYS_9_TO_1730,
            timezone="Europe/London",
            targets_by_severity={"critical": {"first_response": 30}},
        )
        m = f.mention(s, c, f.author(s, "bob"), "Food poisoning from Acme bakery", at=sunday)
        (iid,) = triage_new_mentions(s, [m.id], sunday).opened
        incident = _incident(s, iid)
    assert incident.first_response_due_at == sunday + timedelta(minutes=30)


def test_business_hours_still_apply_to_critical_when_the_client_says_so(
    services: Services,
) -> None:
    sunday = datetime(2026, 11, 22, 11, 0, tzinfo=UTC)
    with services.sessions.begin() as s:
        c = f.client(
            s,
            critical_terms=["food poisoning"],
            business_hours=f.WEEKDAYS_9_TO_1730,
            timezone="Europe/London",
            targets_by_severity={"critical": {"first_response": 30, "hours": "business"}},
        )
        m = f.mention(s, c, f.author(s, "bob"), "Food poisoning from Acme bakery", at=sunday)
        (iid,) = triage_new_mentions(s, [m.id], sunday).opened
        incident = _incident(s, iid)
    assert incident.first_response_due_at == datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
