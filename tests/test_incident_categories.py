"""Issue categories per industry, and the identifiers that tie strangers' posts together."""

from __future__ import annotations

import pytest

from douse.core.incidents.categories import Categorizer
from douse.core.incidents.category_defaults import industry_categories, known_industries
from douse.core.incidents.identifiers import identifiers
from douse.core.services import Services


@pytest.mark.parametrize(
    ("industry", "text", "category"),
    [
        ("airline", "Flight delayed 4 hours and nobody at the gate knows why", "delays"),
        ("airline", "You cancelled my flight with two hours notice", "cancellations"),
        ("airline", "Landed in Rome, my suitcase did not. Where is my bag?", "baggage"),
        ("airline", "On hold for 90 minutes trying to rebook my cancelled flight", "service"),
        ("airline", "The flight attendant rolled her eyes at my toddler", "crew"),
        ("airline", "Waited an hour at the carousel and still no sign of our suitcases", "baggage"),
        ("airline", "Two hours sitting on the runway, then back to the gate", "delays"),
        ("airline", "Stranded overnight in Denver with a toddler", "delays"),
        ("airline", "Terrible service, nobody is helping anyone here", "service"),
        ("airline", "You offered us nothing and hung around smiling", "service"),
        ("airline", "Is nobody manning the phones tonight?", "service"),
        ("airline", "Flight was fine, the desk after it not so #badcustomerservice", "service"),
        ("airline", "Our whole group is at the carousel in Oslo, still no bags", "baggage"),
        ("airline", "Apparently the suitcases were never put on our plane in Lisbon", "baggage"),
        ("airline", "Waited for 2.5 hrs before anyone told us a thing", "delays"),
        ("airline", "My parents missed both connecting flights in Frankfurt", "delays"),
        ("airline", "When will the plane leave? Boarding pass says 6pm, it's 9", "delays"),
        ("airline", "Three hrs later and still no sign of our pilot", "delays"),
        ("airline", "Zero cust. service at the desk tonight", "service"),
        ("airline", "Your service is terrible and everyone here knows it", "service"),
        ("airline", "Please answer the phones, we have tried all week", "service"),
        ("airline", "Over an hour on the phone and I still have no seat", "service"),
        ("airline", "Flight delayed and I have been sitting on the phone for hours", "service"),
        ("airline", "Could not get through to a reservations agent all day", "service"),
        ("airline", "Your new website is terrible, three tries to pick a seat", "digital"),
        ("airline", "Every message gets the same auto-response from you", "service"),
        ("airline", "Why do my miles expire after only a year?", "booking"),
        ("airline", "Still haven't received my points from last month's trip", "booking"),
        ("airline", "Unable to check in online, the page just spins", "booking"),
        ("airline", "Cabin at 90 degrees and mould on the window seal", "onboard"),
        ("telecom", "Your service is awful, I stand by the window to get a signal", "speed"),
        ("airline", "The line is out the door and nobody is moving", "queues"),
        ("airline", "Still no word on the belongings left in the overhead", "baggage"),
        ("airline", "They rebooked me for Thursday, my meeting is tomorrow", "cancellations"),
        ("airline", "A fuel leak, so here we sit", "delays"),
        ("airline", "Not one on-time departure this whole trip", "delays"),
        ("retail", "Do something about the price gouging on hand sanitiser", "billing"),
        ("games", "Bought the bundle last week and have yet to receive the coins", "subscriptions"),
        ("games", "Having issues connecting to my friends' lobbies all evening", "outage"),
        ("software", "The editor suddenly stops exporting after the update", "bugs"),
        ("software", "Every release is slower and it is using all of my CPU", "performance"),
        # A decisive cue inside a longer one still decides: this is about the phones.
        ("airline", "Been waiting on hold for 3 hours to change my flight", "service"),
        ("restaurant", "Whole family got sick after the chicken, food poisoning", "food_safety"),
        ("restaurant", "Burger was cold and the fries were soggy", "food_quality"),
        ("restaurant", "Saw a cockroach running across the counter", "hygiene"),
        ("telecom", "Internet down again in our street since this morning", "outage"),
        ("telecom", "Northwind Mobile down? No data, no calls, nothing in Leeds.", "outage"),
        ("telecom", "Broadband and mobile both dead in Hull. Great combo.", "outage"),
        ("telecom", "Engineer didn't show up for the installation appointment", "engineers"),
        ("bank", "There is an unauthorised transaction on my account, I think it's fraud", "fraud"),
        ("bank", "My card keeps getting declined at the supermarket", "payments"),
        ("software", "Servers are down, can't connect to the game at all", "outage"),
        ("software", "Lost all my save files after the update", "data_loss"),
        ("software", "Since Tuesday the editor won't let me export anything", "bugs"),
        ("software", "It does not allow me to change the language of my channel", "bugs"),
        ("software", "Stuck in a loading screen twice now, had to restart the console", "bugs"),
        (
            "software",
            "Bought the season pass a week ago and never got the extra levels",
            "subscriptions",
        ),
        ("software", "Paid for the upgrade but it says I don't own it", "subscriptions"),
        ("software", "What is going on with these constant server disconnects?", "outage"),
        ("software", "I can't log into my account since I changed my phone number", "account"),
        ("games", "Every evening: the game services are currently unavailable. Again", "outage"),
        ("games", "Why can't I join any servers on my console?", "outage"),
        ("software", "New phone, and my 2-step verification went with the old one", "account"),
        ("games", "The patch came and my progress got reset, 40 hours gone", "data_loss"),
        ("games", "Bought the gold pack for 4.99 and didn't get the coins", "subscriptions"),
        ("games", "Won the bike in the event but I still haven't received it", "subscriptions"),
        ("games", "I bought the pack and haven't got my money back", "refunds"),
        ("software", "Nothing syncs anymore and the uninstaller says it failed", "bugs"),
        ("software", "Keep getting this message when I open the editor, any ideas?", "bugs"),
        ("software", "None of my passwords work since the overnight change", "account"),
        ("software", "Still need help getting into my old mail account", "account"),
        ("software", "Please help me get all my photos back, they vanished on Monday", "data_loss"),
        ("retail", "Parcel still hasn't arrived, tracking says out for delivery", "delivery"),
        ("retail", "Two weeks on and I never received the kettle I paid for", "delivery"),
        ("retail", "Your delivery person threw the box over the gate", "delivery"),
        ("telecom", "Total service loss across town since noon, anyone else?", "outage"),
        ("games", "The console refuses to read discs since yesterday", "bugs"),
        ("games", "Please help me get my account back, my son reset the email", "account"),
        ("software", "Why is someone in another country logging into my account?", "account"),
        ("software", "Constant buffering on every show tonight", "performance"),
        ("software", "Please help me recovering my old work account", "account"),
        ("software", "Suddenly got logged out and the reset link never comes", "account"),
        ("software", "Someone signed into my mailbox from abroad last night", "account"),
        ("software", "Face unlock hasn't been working since the weekend", "bugs"),
        ("software", "Since Friday the app no longer works on my tablet", "bugs"),
        ("courier", "The driver left my parcel outside in the rain", "missed_delivery"),
        ("hotel", "Bed bugs in the room, we had to leave at 2am", "room"),
        ("general", "Emailed twice, no reply, still waiting for an answer", "service"),
        ("general", "Four messages since Monday and not a single response", "service"),
    ],
)
def test_each_trade_files_complaints_under_its_categories(
    industry: str, text: str, category: str
) -> None:
    match = Categorizer(industry_categories(industry)).categorize(text)
    assert match is not None and match.name == category, match


def test_getting_through_to_a_city_is_no_phone_complaint() -> None:
    match = Categorizer(industry_categories("airline")).categorize(
        "We need to get through to Denver tonight and the connection is gone"
    )
    assert match is None or match.name != "service"


def test_no_buffering_is_no_performance_complaint() -> None:
    categorizer = Categorizer(industry_categories("software"))
    assert categorizer.categorize("Streams with no buffering at all, brilliant") is None


def test_a_complaint_about_nothing_in_particular_has_no_category() -> None:
    categorizer = Categorizer(industry_categories("airline"))
    assert categorizer.categorize("You guys are the worst, honestly") is None


def test_stock_phrases_do_not_outweigh_what_the_complaint_is_about() -> None:
    categorizer = Categorizer(industry_categories("airline"))
    match = categorizer.categorize("They lost my bag in Denver. Emailed twice, no reply.")
    assert match is not None and match.name == "baggage"


def test_a_phone_s_curly_apostrophe_reads_as_the_straight_one() -> None:
    categorizer = Categorizer(industry_categories("airline"))
    match = categorizer.categorize("Three tries at your helpline and I still haven’t got through")
    assert match is not None and match.name == "service"
    assert match.phrase == "haven’t got through"  # quoted as the customer typed it


@pytest.mark.parametrize(
    ("industry", "text", "category", "also"),
    [
        # Two matters: the category chosen names the other.
        (
            "airline",
            "Delayed 3 hours and the customer service agent was useless",
            "delays",
            "Customer service",
        ),
        (
            "airline",
            "Our suitcase never arrived and the flight was 5 hours late",
            "delays",
            "Lost or damaged baggage",
        ),
        # One matter: a remedy asked for, or what the first brings with it.
        ("airline", "Flight delayed 6 hours, I want a refund", "delays", None),
        ("airline", "Cancelled again and now we are stuck in Leeds", "cancellations", None),
        ("airline", "The cabin crew were so rude to my mother", "crew", None),
        ("software", "Login broken and the status page says all green", "outage", None),
    ],
)
def test_a_complaint_about_two_things_names_both(
    industry: str, text: str, category: str, also: str | None
) -> None:
    match = Categorizer(industry_categories(industry)).categorize(text)
    assert match is not None and (match.name, match.rival) == (category, also)


def test_every_industry_and_alias_has_categories() -> None:
    for industry in known_industries():
        assert Categorizer(industry_categories(industry)).titles


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("Sitting on flight 728 for two hours", ["flight:728"]),
        ("UA938 and AA 2345 both late", ["flight:938", "flight:2345"]),
        ("no wifi on #ua688 again", ["flight:688"]),
        ("Order #AB12345 never arrived", ["ref:ab12345"]),
        ("my booking ref QXZTRP is wrong", ["ref:qxztrp"]),
        ("store #12 was closed at 3pm", ["store:12"]),
        ("my XPS13 screen cracked", ["model:xps13"]),
        ("waited 3hrs at 10am on the 2nd in 2015", []),
        # A lower-case carrier code is a flight only where someone is on it.
        ("sitting at the gate on us 728, what gives", ["flight:728"]),
        ("boarded aa 2401 an hour ago", ["flight:2401"]),
        ("give us 100 reasons, on my 747 trip, on an 800 number", []),
        ("#neptune storm grounded everything #fail", ["tag:neptune"]),
        # A feeling is no subject: strangers who are #furious are not one problem.
        ("#furious #stranded again, third time at #denver #pathetic", ["tag:denver"]),
    ],
)
def test_identifiers(text: str, keys: list[str]) -> None:
    assert identifiers(text) == keys


def test_a_brands_own_hashtag_is_not_an_identifier() -> None:
    assert identifiers("#Skyway #SkywayFail #neptune", ["Skyway"]) == ["tag:neptune"]


def test_douse_categories_counts_posts_and_incidents_in_words_that_agree(
    sqlite_services: Services, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from sqlalchemy import select

    from douse.core.db.models import Incident, Mention
    from douse.tui.cli.main import main
    from tests.export_factory import build_agency

    with sqlite_services.sessions.begin() as session:
        agency = build_agency(session, sqlite_services.clock.now())
        session.get(Incident, agency.met.id).category = "service"  # type: ignore[union-attr]
        for mention in session.scalars(select(Mention).where(Mention.dedupe_key.in_(["m1"]))):
            mention.category = "service"
        session.get(Incident, agency.missed.id).category = "delivery"  # type: ignore[union-attr]
        for mention in session.scalars(select(Mention).where(Mention.dedupe_key.in_(["m2", "m3"]))):
            mention.category = "delivery"
    monkeypatch.setenv("DOUSE_NOW", "2026-11-23T10:00:00Z")
    assert main(["--db", sqlite_services.settings.database_url, "categories", "acme"]) == 0
    lines = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()[1:]}
    assert lines["service"].split()[-4:] == ["1", "post", "1", "incident"]
    assert lines["delivery"].split()[-4:] == ["2", "posts", "1", "incident"]
    assert lines["quality"].split()[-4:] == ["0", "posts", "0", "incidents"]
