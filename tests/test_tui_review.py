"""Teach douse from the desk: the review list of the posts douse is least sure of, one key per
label, checked in the database after the keys."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

import douse.tui.screens.review as review_screen
from douse.core.db.models import Client, Mention, Staff, TrainingLabel
from douse.core.services import Services
from douse.tui.screens.review import ReviewScreen
from douse.tui.widgets.table import DeskTable
from tests.helpers import SIZE, T0, make_app, settle, slang_stream, sync, until

POSTS = {
    "plain": "Acme office opens at nine on Saturdays",
    "angry": "Acme is awful, terrible and rude, I hate them",
    "happy": "Acme was wonderful, the best landlord, I love them",
    "mixed": "Acme fixed the lift but it was slow",
    "pinned": "Acme answered the phone",
}


def seed(services: Services) -> dict[str, int]:
    ids = {}
    with services.sessions.begin() as session:
        acme = Client(
            slug="acme", name="Acme Rentals", keywords=["acme"], created_at=T0, updated_at=T0
        )
        alice = Staff(handle="alice", name="Alice")
        session.add_all([acme, alice])
        session.flush()
        for key, text in POSTS.items():
            post = Mention(
                client_id=acme.id,
                platform="import",
                dedupe_key=key,
                text=text,
                published_at=T0,
                fetched_at=T0,
                sentiment_label="neutral",
                model_label="neutral",
                sentiment_reasons=[],
                # A person already judged this one: nothing to learn from asking again.
                label_corrected_by_id=alice.id if key == "pinned" else None,
            )
            session.add(post)
            session.flush()
            ids[key] = post.id
        ids["client"] = acme.id
        ids["alice"] = alice.id
    return ids


@sync
async def test_review_list_labels_one_key_each(sqlite_services: Services, tmp_path: Path) -> None:
    ids = seed(sqlite_services)
    app = make_app(sqlite_services, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_client(ids["client"])
        await settle(pilot)
        await pilot.press("T")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        table = screen.query_one(DeskTable)
        order = [
            int(table.get_row_at(i)[0].plain.removeprefix("m")) for i in range(table.row_count)
        ]
        # Every post but the one a person labelled; the loud ones, which the rules are sure
        # of, last.
        assert sorted(order) == sorted(ids[k] for k in ("plain", "angry", "happy", "mixed"))
        assert set(order[2:]) == {ids["angry"], ids["happy"]}
        sure = [int(table.get_row_at(i)[2].plain.rstrip("%")) for i in range(table.row_count)]
        assert sure == sorted(sure)
        await pilot.press("n", "u", "s", "p")
        await settle(pilot)
        assert table.cursor_row == 3  # moved on after each key, and stays on the last
        assert "3 labelled, 1 skipped" in str(screen.query_one("#review-bar").render())
        await pilot.press("escape")
        await settle(pilot)
    with sqlite_services.sessions() as session:
        labels = {
            m.id: (m.sentiment_label, m.label_corrected_by_id)
            for m in session.scalars(select(Mention))
        }
        assert labels[order[0]] == ("negative", ids["alice"])
        assert labels[order[1]] == ("neutral", ids["alice"])  # confirmed: pinned as a person's
        assert labels[order[2]] == ("neutral", None)  # skipped: untouched
        assert labels[order[3]] == ("positive", ids["alice"])
        examples = session.scalars(select(TrainingLabel).order_by(TrainingLabel.mention_id)).all()
        assert {(e.mention_id, e.label) for e in examples} == {
            (order[0], "negative"),
            (order[1], "neutral"),
            (order[3], "positive"),
        }
        assert {(e.source, e.given_by_id) for e in examples} == {("desk", ids["alice"])}


@sync
async def test_labels_on_the_desk_make_it_learn_in_the_background(
    sqlite_services: Services, tmp_path: Path
) -> None:
    from douse.core.db.models import SentimentModel
    from douse.core.learning.labels import record_label

    ids = seed(sqlite_services)
    with sqlite_services.sessions.begin() as session:
        for text, label in slang_stream(12, 220):
            record_label(
                session,
                client_id=ids["client"],
                text=text,
                label=label,
                source="import",
                now=T0,
                given_by_id=ids["alice"],
            )
    app = make_app(sqlite_services, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_client(ids["client"])
        await settle(pilot)
        await pilot.press("T")
        await settle(pilot)
        await pilot.press("n")
        # The refit runs in a worker thread; the desk stays responsive meanwhile.
        for _ in range(100):
            await settle(pilot)
            with sqlite_services.sessions() as session:
                if session.scalars(select(SentimentModel)).first() is not None:
                    break
        assert any(n.title == "Learned from labels" for n in app._notifications)
    with sqlite_services.sessions() as session:
        models = session.scalars(select(SentimentModel)).all()
        # The agency's and Acme's, each from the 221 labels (220 imported, one on the desk).
        assert {(m.client_id, m.n_labels) for m in models} == {(None, 221), (ids["client"], 221)}


@sync
async def test_review_list_stays_put_when_the_desk_refreshes_and_says_why_it_failed(
    sqlite_services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = seed(sqlite_services)
    app = make_app(sqlite_services, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_client(ids["client"])
        await settle(pilot)
        await pilot.press("T")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        table = screen.query_one(DeskTable)
        first = table.get_row_at(0)[0].plain
        await pilot.press("n")
        await settle(pilot)
        app.broadcast_change()  # news from elsewhere: the list being labelled is not reloaded
        await settle(pilot)
        assert table.row_count == 4
        assert table.get_row_at(0)[0].plain == first
        assert table.get_row_at(0)[1].plain == "✓ negative"
        assert table.cursor_row == 1

        def down(*_args: object, **_kw: object) -> object:
            raise OperationalError("SELECT", {}, Exception("database is locked"))

        monkeypatch.setattr(review_screen, "least_sure", down)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("T")
        await until(pilot, lambda: "Could not" in str(app.screen.query_one("#review-why").render()))
        await settle(pilot)
        why = str(app.screen.query_one("#review-why").render())
        assert why.startswith("Could not load the posts to review: Database unreachable")
        assert "Nothing to review" not in str(app.screen.query_one("#review-bar").render())
