"""Learning from labels: a model is fitted, cross-validated against the rules, stored as data and
used only when it beats them; a client's model before the agency's; a newer format is ignored."""

from __future__ import annotations

import json
import logging
import random
from pathlib import Path

import pytest
from sqlalchemy import select

from douse.core.db.models import Client, Mention, SentimentModel, Staff
from douse.core.ingest.manual import add_manual_mention
from douse.core.learning.choose import active_model
from douse.core.learning.labels import record_label
from douse.core.learning.learn import learn_scope
from douse.core.learning.model import FORMAT_VERSION, LearnedModel
from douse.core.sentiment import Analyzer
from douse.core.services import Services
from douse.tui.cli.main import main
from tests.helpers import PLACES, T0, slang_stream


def plain_stream(seed: int, n: int) -> list[tuple[str, str]]:
    """Labels the rules already get right every time."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        place = rng.choice(PLACES)
        if i % 2:
            out.append((f"Acme {place} repair was awful, terrible, I hate it", "negative"))
        else:
            out.append((f"Acme {place} repair was wonderful, great, I love it", "positive"))
    return out


@pytest.fixture
def agency(sqlite_services: Services, monkeypatch: pytest.MonkeyPatch) -> Services:
    monkeypatch.setenv("DOUSE_NOW", T0.isoformat())
    with sqlite_services.sessions.begin() as session:
        for slug, name in (("acme", "Acme Rentals"), ("globex", "Globex")):
            session.add(Client(slug=slug, name=name, keywords=[slug], created_at=T0, updated_at=T0))
        session.add(Staff(handle="alice", name="Alice"))
    return sqlite_services


def give(services: Services, slug: str, examples: list[tuple[str, str]]) -> None:
    with services.sessions.begin() as session:
        client = session.scalars(select(Client).where(Client.slug == slug)).one()
        for text, label in examples:
            record_label(
                session,
                client_id=client.id,
                text=text,
                label=label,
                source="import",
                now=T0,
                given_by_id=None,
            )


def client_id(services: Services, slug: str) -> int:
    with services.sessions() as session:
        return int(session.scalar(select(Client.id).where(Client.slug == slug)))  # type: ignore[arg-type]


def run(services: Services, *args: str) -> int:
    return main(["--db", services.settings.database_url, *args])


def test_too_few_labels_learn_nothing(agency: Services, capsys: pytest.CaptureFixture[str]) -> None:
    give(agency, "acme", slang_stream(1, 150))
    assert run(agency, "learn", "--client", "acme") == 2
    captured = capsys.readouterr()
    assert "client acme: not learned: 150 labels, 200 needed" in captured.out
    assert "nothing learned" in captured.err
    with agency.sessions() as session:
        assert session.scalars(select(SentimentModel)).all() == []


def test_a_model_that_beats_the_rules_is_stored_as_data_and_used(
    agency: Services, analyzer: Analyzer, capsys: pytest.CaptureFixture[str]
) -> None:
    give(agency, "acme", slang_stream(2, 240))
    assert run(agency, "learn", "--client", "acme") == 0
    out = capsys.readouterr().out
    assert "client acme: model 1 from 240 labels (144 negative, 96 neutral, 0 positive)" in out
    assert "5-fold cross-validated: model precision" in out
    assert "in use: it beats the rules" in out
    assert "probability: the model then calls as many labelled posts negative" in out
    with agency.sessions() as session:
        stored = session.scalars(select(SentimentModel)).one()
        assert stored.active and stored.n_labels == 240
        assert stored.format_version == FORMAT_VERSION
        assert 0 < stored.weights["negative_from"] == stored.cv["negative_from"] < 1
        assert stored.cv["model"]["f1"] > stored.cv["rules"]["f1"]
        assert stored.cv["labels"] == {"negative": 144, "neutral": 96, "positive": 0}
        # Plain JSON data: numbers and strings only, nothing that could run.
        assert json.loads(json.dumps(stored.weights)) == stored.weights
        assert "zorbed" in stored.weights["word"]
    # Every ingest path now judges Acme's posts with it, and says why.
    with agency.sessions.begin() as session:
        made = add_manual_mention(
            session, "acme", "the bike shed is zorbed", now=T0, scorer=analyzer
        )
        mention = session.get(Mention, made.mention_id)
        assert mention is not None and mention.sentiment_label == "negative"
        reason = mention.sentiment_reasons[0]
        assert reason.startswith("learned from 240 labels (client model 1, negative")
        assert "“zorbed” −" in reason
        assert mention.sentiment_reasons[1].startswith("rules said neutral")
    # Another client has no model of its own and no agency model: the rules judge.
    with agency.sessions.begin() as session:
        other = add_manual_mention(session, "globex", "Globex is zorbed", now=T0, scorer=analyzer)
        assert session.get(Mention, other.mention_id).sentiment_label == "neutral"  # type: ignore[union-attr]


def test_rules_are_kept_when_the_model_is_not_better(agency: Services, analyzer: Analyzer) -> None:
    give(agency, "acme", plain_stream(3, 220))
    outcome = learn_scope(agency.sessions, analyzer, "acme", agency.clock.now)
    assert outcome.fitted is not None and outcome.fitted.rules.f1 == 1.0
    assert not outcome.used
    assert "not used: it does not beat the rules" in "\n".join(outcome.lines())
    with agency.sessions() as session:
        stored = session.scalars(select(SentimentModel)).one()
        assert not stored.active  # kept, with its figures, but not in use
        assert active_model(session, client_id(agency, "acme")) is None


def test_client_model_before_agency_model_and_roll_back(
    agency: Services, analyzer: Analyzer, capsys: pytest.CaptureFixture[str]
) -> None:
    give(agency, "acme", slang_stream(4, 220))
    give(
        agency, "globex", [(t.replace("Acme", "Globex"), label) for t, label in slang_stream(5, 60)]
    )
    assert run(agency, "learn") == 0
    out = capsys.readouterr().out
    assert "agency: model 1 from 280 labels" in out
    assert "client acme: model 2 from 220 labels" in out
    # Acme's model also learned from the agency's other labels, judged on Acme's alone.
    assert "and 60 of the agency's other clients" in out
    assert "client globex: not learned: 60 labels, 200 needed" in out
    acme, globex = client_id(agency, "acme"), client_id(agency, "globex")
    with agency.sessions() as session:
        acme_model = session.get(SentimentModel, 2)
        assert acme_model is not None and acme_model.n_labels == 220
        assert acme_model.cv["other_labels"] == 60
        assert sum(acme_model.cv["labels"].values()) == 220
        assert active_model(session, acme).model_id == 2  # type: ignore[union-attr]
        assert active_model(session, globex).model_id == 1  # type: ignore[union-attr]
    # Roll back: Acme off its own model falls to the agency's, then back again.
    assert run(agency, "learn", "--off", "--client", "acme") == 0
    assert "1 model(s) of client acme stopped" in capsys.readouterr().out
    with agency.sessions() as session:
        assert active_model(session, acme).model_id == 1  # type: ignore[union-attr]
    assert run(agency, "learn", "--use", "2") == 0
    assert run(agency, "learn", "--list") == 0
    listed = capsys.readouterr().out
    assert "model 2  client acme" in listed and listed.count("IN USE") == 2
    with agency.sessions() as session:
        assert active_model(session, acme).model_id == 2  # type: ignore[union-attr]


def test_a_model_from_a_newer_douse_is_ignored_with_a_warning(
    agency: Services, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    acme = client_id(agency, "acme")
    with agency.sessions.begin() as session:
        session.add(
            SentimentModel(
                client_id=acme,
                format_version=FORMAT_VERSION + 1,
                douse_version="9.0.0",
                n_labels=500,
                cv={},
                weights={"something": "new"},
                active=True,
                created_at=T0,
            )
        )
    with caplog.at_level(logging.WARNING), agency.sessions() as session:
        assert active_model(session, acme) is None
        assert active_model(session, acme) is None
    warnings = [r.getMessage() for r in caplog.records if "newer douse" in r.getMessage()]
    assert len(warnings) == 1
    assert f"format {FORMAT_VERSION + 1}, this one reads {FORMAT_VERSION}): ignored" in warnings[0]
    assert run(agency, "learn", "--use", "1") == 2


def test_a_model_from_before_thresholds_is_still_read_and_takes_the_likeliest_class(
    agency: Services, analyzer: Analyzer
) -> None:
    acme = client_id(agency, "acme")
    # Format 1 had no negative_from: probabilities about (0.38, 0.62, 0.00) make it neutral.
    old = {
        "format_version": 1,
        "classes": ["negative", "neutral", "positive"],
        "intercept": [0.0, 0.5, -5.0],
        "word": {},
        "char": {},
        "numeric": {},
    }
    with agency.sessions.begin() as session:
        session.add(
            SentimentModel(
                client_id=acme,
                format_version=1,
                douse_version="0.9.0",
                n_labels=300,
                cv={},
                weights=old,
                active=True,
                created_at=T0,
            )
        )
    with agency.sessions.begin() as session:
        model = active_model(session, acme)
        assert model is not None and model.negative_from is None
        made = add_manual_mention(session, "acme", "the boiler is fixed", now=T0, scorer=analyzer)
        mention = session.get(Mention, made.mention_id)
        assert mention is not None and mention.sentiment_label == "neutral"
        assert "(client model 1, neutral 62%)" in mention.sentiment_reasons[0]


def test_stored_weights_score_exactly_as_fitted(analyzer: Analyzer) -> None:
    from douse.core.learning.fit import _classifier, _matrix, indicators, prepare

    examples = [prepare(analyzer, t, label) for t, label in slang_stream(6, 120)]
    examples += [prepare(analyzer, t, label) for t, label in plain_stream(7, 80)]
    import numpy as np

    from douse.core.learning.fit import _weights

    x, words, chars = _matrix(examples)
    fitted = _classifier().fit(x, np.array([e.label for e in examples]))
    model = LearnedModel(
        1, None, len(examples), json.loads(json.dumps(_weights(fitted, words, chars)))
    )
    expected = fitted.predict_proba(x)
    for row, example in enumerate(examples):
        got = model.judge(example.masked, indicators(example)).probabilities
        assert max(abs(a - b) for a, b in zip(got, expected[row], strict=True)) < 1e-3


def stored_post(session, client: int, key: str, text: str, label: str, by: int | None = None):  # type: ignore[no-untyped-def]
    post = Mention(
        client_id=client,
        platform="import",
        dedupe_key=key,
        text=text,
        published_at=T0,
        fetched_at=T0,
        sentiment_label=label,
        model_label=label,
        sentiment_reasons=[],
        label_corrected_by_id=by,
    )
    session.add(post)
    session.flush()
    return post.id


def test_rescore_follows_the_model_but_never_a_persons_label(
    agency: Services, analyzer: Analyzer, capsys: pytest.CaptureFixture[str]
) -> None:
    acme = client_id(agency, "acme")
    with agency.sessions.begin() as session:
        alice = session.scalars(select(Staff)).one().id
        loose = stored_post(session, acme, "r1", "Acme: the lift is zorbed again", "neutral")
        pinned = stored_post(session, acme, "r2", "Acme: the gate is zorbed", "neutral", alice)
        fine = stored_post(session, acme, "r3", "Acme: the roof was plimmed today", "neutral")
    give(agency, "acme", slang_stream(8, 220))
    assert run(agency, "rescore", "--client", "acme") == 0
    assert "rescored 3 posts with rules: 0 changed label" in capsys.readouterr().out
    learn_scope(agency.sessions, analyzer, "acme", agency.clock.now)
    assert run(agency, "rescore", "--client", "acme", "--since", "2026-11-01") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        "rescored 3 posts with client model 1: 1 changed label, "
        "1 labelled by a person kept as they are"
    )
    assert out[1] == "  neutral -> negative: 1"
    with agency.sessions() as session:
        assert session.get(Mention, loose).sentiment_label == "negative"  # type: ignore[union-attr]
        assert session.get(Mention, pinned).sentiment_label == "neutral"  # type: ignore[union-attr]
        assert session.get(Mention, fine).sentiment_label == "neutral"  # type: ignore[union-attr]
    assert run(agency, "rescore", "--client", "acme", "--since", "2027-01-01") == 0
    assert capsys.readouterr().out.startswith("rescored 0 posts")
    assert run(agency, "rescore", "--client", "nobody") == 2


def test_score_for_a_client_uses_its_model(
    agency: Services,
    analyzer: Analyzer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import io

    give(agency, "acme", slang_stream(9, 220))
    learn_scope(agency.sessions, analyzer, "acme", agency.clock.now)
    stdin = io.TextIOWrapper(io.BytesIO(b'{"id": 7, "text": "my shower is zorbed"}\n'))
    monkeypatch.setattr("sys.stdin", stdin)
    assert run(agency, "score", "--client", "acme") == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["id"] == 7 and answer["label"] == "negative"
    assert answer["reasons"][0].startswith("learned from 220 labels")


def test_watch_learns_again_after_enough_new_labels(agency: Services, analyzer: Analyzer) -> None:
    from douse.core.jobs.scheduler import IngestScheduler

    scheduler = IngestScheduler(agency, incident_jobs=False)
    learned: list[object] = []
    scheduler.on_learned = learned.append
    stream = slang_stream(10, 300)
    give(agency, "acme", stream[:200])
    # The agency and Acme: each has enough labels and no model yet.
    assert [o.client for o in scheduler.run_learning()] == [None, "acme"]
    give(agency, "acme", stream[200:249])
    assert scheduler.run_learning() == []
    give(agency, "acme", stream[249:250])
    again = scheduler.run_learning()
    assert [(o.client, o.counts.total) for o in again] == [(None, 250), ("acme", 250)]
    assert len(learned) == 2
    with agency.sessions() as session:
        assert len(session.scalars(select(SentimentModel)).all()) == 4


def test_review_list_asks_the_model_what_it_is_least_sure_of(
    agency: Services, analyzer: Analyzer
) -> None:
    from douse.core.learning.review import least_sure

    acme = client_id(agency, "acme")
    with agency.sessions.begin() as session:
        sure = stored_post(session, acme, "v1", "Acme: the lift is zorbed again", "neutral")
        torn = stored_post(session, acme, "v2", "Acme: the lift is fine, nothing to say", "neutral")
    give(agency, "acme", slang_stream(11, 220))
    learn_scope(agency.sessions, analyzer, "acme", agency.clock.now)
    with agency.sessions() as session:
        items = least_sure(session, acme, analyzer)
    assert [item.mention_id for item in items] == [torn, sure]
    assert items[0].certainty < items[1].certainty
    assert items[1].label == "negative" and items[1].why.startswith("learned from 220 labels")


def test_learning_in_the_background_on_both_backends(
    services: Services, analyzer: Analyzer
) -> None:
    from douse.core.learning.retrain import retrain_due

    with services.sessions.begin() as session:
        session.add(
            Client(
                slug="acme", name="Acme Rentals", keywords=["acme"], created_at=T0, updated_at=T0
            )
        )
    give(services, "acme", slang_stream(13, 210))
    outcomes = retrain_due(services.sessions, analyzer, services.clock.now)
    assert [(o.client, o.used) for o in outcomes] == [(None, True), ("acme", True)]
    assert retrain_due(services.sessions, analyzer, services.clock.now) == []
    with services.sessions() as session:
        model = active_model(session, client_id(services, "acme"))
        assert model is not None and model.n_labels == 210
