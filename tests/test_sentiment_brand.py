"""A client's own names never score: "united" (+1.8), "joy" (+2.8) and "best" (+3.2) are VADER
lexicon words, and a complaint naming United, Joy Airways or Best Buy must stay a complaint,
on every path that scores a client's text."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from douse.core.brand import client_brand_terms
from douse.core.db.models import Account, Client, Mention, Source
from douse.core.ingest.fetch import Fetcher, FetchLimits
from douse.core.ingest.manual import add_manual_mention
from douse.core.jobs.poll import Poller
from douse.core.sentiment import Analyzer
from douse.core.sentiment.brand import BrandMask, brand_terms_for
from douse.core.sentiment.rules import find_hits
from douse.core.services import Services
from douse.tui.cli.main import main
from tests.helpers import T0
from tests.httpserver import LocalHTTPServer

UNITED = brand_terms_for("United Airlines", "united", ["@united", "United Airlines"])
DELTA = brand_terms_for("Delta Air Lines", "delta", ["Delta", "@Delta"])
BEST_BUY = brand_terms_for("Best Buy", "best-buy", ["Best Buy"])
JOY = brand_terms_for("Joy Airways", "joy-airways", ["Joy Airways", "@JoyAirways"])


@pytest.fixture(scope="module")
def analyzer(tmp_path_factory: pytest.TempPathFactory) -> Analyzer:
    return Analyzer(cache_dir=tmp_path_factory.mktemp("cache"))


# --- which words name a client -------------------------------------------------------------


def test_terms_come_from_name_slug_keywords_and_handles() -> None:
    terms = brand_terms_for(
        "Spirit Airlines", "spirit-air", ["#FlySpirit", "'Spirit'"], ["@Spirit_Air"]
    )
    assert set(terms) == {"spirit airlines", "spirit air", "flyspirit", "spirit"}
    assert terms[0] == "spirit airlines", "longest first, so a phrase wins over its words"


def test_a_generic_ending_gives_the_name_people_write_but_never_a_common_word() -> None:
    assert "delta" in brand_terms_for("Delta Air Lines")
    assert "allstate" in brand_terms_for("Allstate Insurance")
    # "US Airways" minus "Airways" would be "us": every "us" in every post would go unscored.
    assert brand_terms_for("US Airways", "us-airways") == ("us airways",)
    assert brand_terms_for("Best Buy") == ("best buy",), "no generic ending: no shorter name"


def test_empty_and_odd_terms_are_ignored() -> None:
    assert brand_terms_for("", "", ["", "  ", "@", "#", "'' "], []) == ()


def test_the_mask_hides_whole_words_in_any_case_spelling_and_handle() -> None:
    mask = BrandMask(("united airlines", "united", "best buy"))
    masked, hidden = mask.apply("@united: UNITED Airlines, best-buy, #BestBuy, reunited")
    assert masked == "@xxxxxx: XXXXXX Xxxxxxxx, xxxx-xxx, #XxxxXxx, reunited"
    # The @handle was never a lexicon word to VADER: only what it would have read is named.
    assert hidden == ["UNITED", "Airlines", "best", "buy", "BestBuy"]
    assert BrandMask(()).apply("United") == ("United", [])


# --- scoring ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "terms"),
    [("United", UNITED), ("Joy Airways", JOY), ("Best Buy", BEST_BUY), ("@Delta", DELTA)],
)
def test_a_text_that_is_only_the_brand_is_neutral(
    analyzer: Analyzer, text: str, terms: tuple[str, ...]
) -> None:
    result = analyzer.score(text, brand_terms=terms)
    assert result.label == "neutral" and result.compound == 0.0


def test_without_brand_terms_the_trap_is_there(analyzer: Analyzer) -> None:
    assert analyzer.score("Flying Joy Airways to Lisbon tomorrow").label == "positive"
    assert analyzer.score("Flying Joy Airways to Lisbon tomorrow", brand_terms=JOY).label == (
        "neutral"
    )


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("United lost my suitcase again and nobody answers the phone", UNITED),
        ("Delta cancelled our flight and left us at the gate", DELTA),
        ("Best Buy sold me a broken laptop and refused a refund", BEST_BUY),
        ("Joy Airways, worst trip of my life", JOY),
    ],
)
def test_a_complaint_naming_the_brand_stays_negative(
    analyzer: Analyzer, text: str, terms: tuple[str, ...]
) -> None:
    result = analyzer.score(text, brand_terms=terms)
    assert result.label == "negative"
    assert not any("praise beside a complaint" in r for r in result.reasons), result.reasons


def test_reasons_say_which_brand_word_was_not_scored(analyzer: Analyzer) -> None:
    result = analyzer.score("Best Buy sold me a broken laptop", brand_terms=BEST_BUY)
    assert "brand name “Best” not scored (lexicon +3.2)" in result.reasons
    handle_only = analyzer.score("@united my bag is lost", brand_terms=UNITED)
    assert not any("brand name" in r for r in handle_only.reasons), "VADER never read @united"


def test_brand_words_trigger_no_rule(analyzer: Analyzer) -> None:
    nightmare = brand_terms_for("Nightmare Games")
    text = "Nightmare Games released its spring update today"
    assert [h.rule.name for h in find_hits(text)] == ["complaint_words"]
    assert analyzer.score(text).label == "negative"
    assert analyzer.score(text, brand_terms=nightmare).label == "neutral"


def test_score_many_takes_brand_terms_too(analyzer: Analyzer) -> None:
    texts = ["United", "United lost my bag", "Thank you United, lovely crew"]
    many = analyzer.score_many(texts, brand_terms=UNITED)
    assert many == [analyzer.score(t, brand_terms=UNITED) for t in texts]
    assert [r.label for r in many] == ["neutral", "negative", "positive"]


# --- every path that scores a client's text uses its brand terms ---------------------------


@pytest.fixture
def joy(sqlite_services: Services, monkeypatch: pytest.MonkeyPatch) -> Services:
    monkeypatch.setenv("DOUSE_NOW", T0.isoformat())
    with sqlite_services.sessions.begin() as session:
        client = Client(
            slug="joy",
            name="Joy Airways",
            keywords=["Joy Airways"],
            negative_threshold=-0.1,
            positive_threshold=0.3,
            created_at=T0,
            updated_at=T0,
        )
        session.add(client)
        session.flush()
        session.add(Account(client_id=client.id, platform="x", handle="@JoyAir_Help"))
    return sqlite_services


def stored(services: Services) -> dict[str, Mention]:
    with services.sessions() as session:
        mentions = session.scalars(select(Mention)).all()
        for mention in mentions:
            session.expunge(mention)
        return {m.text: m for m in mentions}


def test_the_client_helper_reads_name_slug_keywords_and_account_handles(joy: Services) -> None:
    with joy.sessions() as session:
        client = session.scalars(select(Client)).one()
        terms = client_brand_terms(session, client)
    assert set(terms) == {"joy airways", "joy", "joyair help", "joyair"}


def test_import_scores_with_the_clients_brand_terms(
    joy: Services, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = tmp_path / "posts.csv"
    csv.write_text(
        "id,text\n"
        "p1,Boarding my Joy Airways flight to Lisbon\n"
        '"p2","Joy Airways lost my bag, nobody at @JoyAir_Help answers"\n'
    )
    url = joy.settings.database_url
    assert main(["--db", url, "import", str(csv), "--client", "joy", "--map", "id=id"]) == 0
    assert "imported 2 new" in capsys.readouterr().out
    mentions = stored(joy)
    calm = mentions["Boarding my Joy Airways flight to Lisbon"]
    assert calm.sentiment_label == "neutral" and calm.sentiment_compound == 0.0
    assert "brand name “Joy” not scored (lexicon +2.8)" in calm.sentiment_reasons
    assert mentions["Joy Airways lost my bag, nobody at @JoyAir_Help answers"].sentiment_label == (
        "negative"
    )


def test_a_manual_mention_scores_with_the_clients_brand_terms(joy: Services) -> None:
    with joy.sessions.begin() as session:
        add_manual_mention(
            session,
            "joy",
            "Caller asked about Joy Airways seat sizes",
            now=T0,
            scorer=Analyzer(),
        )
    (mention,) = stored(joy).values()
    assert mention.sentiment_label == "neutral"


@pytest.mark.network
def test_a_poll_scores_with_the_clients_brand_terms(joy: Services, server: LocalHTTPServer) -> None:
    feed = (
        b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>News</title>'
        b"<link>https://news.example/</link><item><guid>n1</guid>"
        b"<link>https://news.example/n1</link><title>Joy Airways adds Porto</title>"
        b"<description>Joy Airways adds a route to Porto in April</description>"
        b"<pubDate>Mon, 23 Nov 2026 08:00:00 GMT</pubDate></item></channel></rss>"
    )
    server.route("/feed.xml", body=feed, content_type="application/rss+xml")
    url = server.url("/feed.xml")
    with joy.sessions.begin() as session:
        client = session.scalars(select(Client)).one()
        session.add(
            Source(client_id=client.id, name="news", kind="rss", target=url, poll_interval_s=900)
        )
    limits = FetchLimits(connect_timeout=1.0, read_timeout=0.5, total_timeout=2.0, attempts=1)
    with Fetcher(limits, sleep=lambda _: None) as fetcher:
        Poller(joy, fetcher=fetcher, on_stored=None, workers=1).poll_pass()
    (mention,) = stored(joy).values()
    assert mention.sentiment_label == "neutral", mention.sentiment_reasons


# --- douse score --client ------------------------------------------------------------------


def score_cli(
    services: Services,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    data: str,
    *args: str,
) -> tuple[int, list[str], str]:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data.encode())))
    code = main(["--db", services.settings.database_url, "score", *args])
    captured = capsys.readouterr()
    return code, captured.out.splitlines(), captured.err


def test_score_with_a_client_uses_its_brand_terms_and_thresholds(
    joy: Services, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = "Joy Airways\nJoy Airways, the crew were fine\n"
    code, plain, _ = score_cli(joy, monkeypatch, capsys, data)
    assert code == 0
    assert [json.loads(line)["label"] for line in plain] == ["positive", "positive"]
    code, lines, err = score_cli(joy, monkeypatch, capsys, data, "--client", "joy")
    assert code == 0 and err == ""
    first, second = (json.loads(line) for line in lines)
    assert first["label"] == "neutral"
    assert "brand name “Joy” not scored (lexicon +2.8)" in first["reasons"]
    # "fine" alone (+0.2) is under this client's positive threshold of 0.3.
    assert 0 < second["compound"] < 0.3 and second["label"] == "neutral"
    code, lines, _ = score_cli(
        joy, monkeypatch, capsys, data, "--client", "joy", "--positive-threshold", "0.1"
    )
    assert json.loads(lines[1])["label"] == "positive", "an explicit threshold wins"


def test_score_with_an_unknown_client_is_one_line_and_exit_2(
    joy: Services, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, lines, err = score_cli(joy, monkeypatch, capsys, "hello\n", "--client", "nobody")
    assert code == 2 and lines == []
    assert err.strip() == "douse: no client 'nobody'"
