"""Pilot tests of the desk's write actions on the client tabs and the incident view: each is
driven by keys, then checked in the database and on screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, update

from douse.core.db.models import Account, Author, Client, Incident, IncidentMention, Mention, Source
from douse.core.services import Services
from douse.tui.app import DouseApp
from douse.tui.widgets.pane import Pane
from douse.tui.widgets.table import DeskTable
from tests.factories import World, desk_world
from tests.helpers import SIZE, T0, client_tab, make_app, open_incident, settle, sync, type_text
from tests.httpserver import LocalHTTPServer

RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>alerts</title>
<item><title>Acme Rentals ignored my complaint</title><link>https://blog.example/acme-1</link>
<guid>acme-1</guid><pubDate>Mon, 23 Nov 2026 09:30:00 GMT</pubDate>
<description>Acme Rentals never fixed the heating and nobody answers.</description></item>
</channel></rss>"""


@pytest.fixture
def world(sqlite_services: Services) -> World:
    with sqlite_services.sessions.begin() as s:
        return desk_world(s, T0)


def notes(app: DouseApp) -> list[str]:
    return [f"{n.title}: {n.message}" for n in app._notifications]


async def cursor_to(pilot, pane: Pane, key: int) -> None:  # type: ignore[no-untyped-def]
    table = pane.query_one(DeskTable)
    table.move_cursor(row=table.get_row_index(str(key)))
    await settle(pilot)


@sync
async def test_new_incident_label_and_attach_from_mentions_tab(
    sqlite_services: Services, world: World, tmp_path: Path
) -> None:
    app = make_app(sqlite_services, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = await client_tab(pilot, app, world.acme, "2")
        await cursor_to(pilot, pane, world.unscored_mention)
        await pilot.press("L", *"neg", "enter")
        await settle(pilot)
        with sqlite_services.sessions() as s:
            m = s.get(Mention, world.unscored_mention)
            assert m is not None and m.sentiment_label == "negative"
            assert m.model_label == "unscored" and m.label_corrected_by_id == world.alice
        assert "corrected unscored -> negative by alice" in str(
            app.screen.query_one("#mention-detail").render()
        )

        await pilot.press("i", *"French complaint", "enter")
        await settle(pilot)
        with sqlite_services.sessions() as s:
            opened = s.scalar(
                select(IncidentMention.incident_id).where(
                    IncidentMention.mention_id == world.unscored_mention
                )
            )
        assert opened is not None
        assert any(f"Incident #{opened} opened, routed to alice" in n for n in notes(app))
        # The row now shows its incident.
        table = pane.query_one(DeskTable)
        row = table.get_row(str(world.unscored_mention))
        assert str(row[2]) == f"#{opened}"

        with sqlite_services.sessions() as s:
            day0 = s.scalar(select(Mention.id).where(Mention.text == "Acme day 0 still broken"))
        assert day0 is not None
        await cursor_to(pilot, pane, day0)
        await pilot.press("a", *str(world.overdue_incident), "enter")
        await settle(pilot)
        with sqlite_services.sessions() as s:
            inc = s.get(Incident, world.overdue_incident)
            assert inc is not None and inc.mention_count == 2
        # A refused attach (already handled elsewhere) is a notification, not a crash.
        await cursor_to(pilot, pane, world.hostile_mention)
        await pilot.press("a", *str(world.overdue_incident), "enter")
        await settle(pilot)
        assert any("merge" in n for n in notes(app))
        assert app.is_running


@sync
async def test_reassign_account_owner_and_backup(
    sqlite_services: Services, world: World, tmp_path: Path
) -> None:
    app = make_app(sqlite_services, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = await client_tab(pilot, app, world.acme, "3")
        await cursor_to(pilot, pane, world.unowned_account)
        assert "1 without an owner" in str(pane.query_one(".pane-bar").render())
        await pilot.press("r", *"bob", "enter")
        await settle(pilot)
        await type_text(pilot, "nobody")
        await pilot.press("enter")
        await settle(pilot)
        with sqlite_services.sessions() as s:
            acc = s.get(Account, world.unowned_account)
            assert acc is not None and acc.owner_id == world.bob and acc.backup_owner_id is None
        assert "without an owner" not in str(pane.query_one(".pane-bar").render())
        table = pane.query_one(DeskTable)
        assert str(table.get_row(str(world.unowned_account))[2]) == "bob"


@sync
async def test_author_flags_and_note(
    sqlite_services: Services, world: World, tmp_path: Path
) -> None:
    app = make_app(sqlite_services, tmp_path)
    with sqlite_services.sessions() as s:
        jo = s.scalar(select(Author.id).where(Author.handle == "@jo@example.social"))
    assert jo is not None
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = await client_tab(pilot, app, world.acme, "5")
        await cursor_to(pilot, pane, jo)
        await pilot.press("t")  # asks first, saying what goes to monitor
        await settle(pilot)
        assert f"#{world.overdue_incident} new" in str(
            app.screen.query_one("#confirm-body Static").render()
        )
        await pilot.press("y")
        await settle(pilot)
        with sqlite_services.sessions() as s:
            assert s.get(Author, jo).is_troll  # type: ignore[union-attr]
            assert s.get(Incident, world.overdue_incident).status == "monitor"  # type: ignore[union-attr]
        assert any(f"to monitor: #{world.overdue_incident}" in n for n in notes(app))
        await pilot.press("v")  # a troll cannot be a VIP: refused, explained
        await settle(pilot)
        assert any("both a troll and a VIP" in n for n in notes(app))
        await pilot.press("e", *"angry every Monday", "enter")
        await settle(pilot)
        with sqlite_services.sessions() as s:
            assert s.get(Author, jo).notes == "angry every Monday"  # type: ignore[union-attr]
        assert "angry every Monday" in str(pane.query_one(DeskTable).get_row(str(jo))[5])


@sync
async def test_troll_and_relabel_from_incident_view(
    sqlite_services: Services, world: World, tmp_path: Path
) -> None:
    app = make_app(sqlite_services, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_incident(pilot, app, world.overdue_incident)
        await pilot.press("L", *"neu", "enter")
        await settle(pilot)
        with sqlite_services.sessions() as s:
            assert s.get(Mention, world.negative_mention).sentiment_label == "neutral"  # type: ignore[union-attr]
        await pilot.press("t", "y")
        await settle(pilot)
        with sqlite_services.sessions() as s:
            assert s.get(Incident, world.overdue_incident).status == "monitor"  # type: ignore[union-attr]
        assert "monitor" in str(screen.query_one("#summary").render())


@sync
async def test_poll_now_fetches_the_source(
    sqlite_services: Services, world: World, tmp_path: Path
) -> None:
    with LocalHTTPServer() as server:
        server.route("/alerts.xml", body=RSS, content_type="application/rss+xml")
        with sqlite_services.sessions.begin() as s:
            s.execute(
                update(Client).where(Client.id == world.acme).values(keywords=["Acme Rentals"])
            )
            s.execute(
                update(Source)
                .where(Source.name == "acme-alerts")
                .values(target=server.url("/alerts.xml"), next_poll_at=T0)
            )
            source_id = s.scalar(select(Source.id).where(Source.name == "acme-alerts"))
        app = make_app(sqlite_services, tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            pane = await client_tab(pilot, app, world.acme, "4")
            await cursor_to(pilot, pane, source_id)  # type: ignore[arg-type]
            await pilot.press("p")
            await settle(pilot)
            assert server.hits("/alerts.xml") == 1
            assert any("acme/acme-alerts (rss): new 1" in n for n in notes(app))
        with sqlite_services.sessions() as s:
            stored = s.scalars(select(Mention).where(Mention.source_id == source_id)).all()
            assert [m.title for m in stored] == ["Acme Rentals ignored my complaint"]
