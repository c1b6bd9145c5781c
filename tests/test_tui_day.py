"""A whole morning at the desk, keyboard only, on an 80x24 terminal: find the incident that is
breaching, read it, reply within policy, log the private follow-up and the refund, resolve it,
export the client's log. Every step is checked on screen and in the database."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from douse.core.db.models import Activity, Incident
from douse.core.services import Services
from douse.tui.screens.client import ClientScreen
from douse.tui.screens.dashboard import DashboardScreen
from douse.tui.screens.incident import IncidentScreen
from douse.tui.widgets.table import DeskTable
from tests.factories import World, desk_world
from tests.helpers import T0, make_app, rendered, settle, sync, type_text, until


@pytest.fixture
def world(sqlite_services: Services) -> World:
    with sqlite_services.sessions.begin() as s:
        return desk_world(s, T0)


def logged(services: Services, incident_id: int) -> list[Activity]:
    with services.sessions() as s:
        return list(
            s.scalars(
                select(Activity)
                .where(Activity.incident_id == incident_id)
                .order_by(Activity.at, Activity.id)
            )
        )


@sync
async def test_a_day_at_the_desk(sqlite_services: Services, world: World, tmp_path: Path) -> None:
    app = make_app(sqlite_services, tmp_path, me="alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        # The dashboard puts the client with the overdue reply first, its deadline in red.
        assert isinstance(app.screen, DashboardScreen)
        table = app.screen.query_one(DeskTable)
        first = table.get_row_at(0)
        assert first[0].plain == "Acme Rentals"
        assert first[3].plain == "overdue 25m"

        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ClientScreen)
        incidents = app.screen.active_pane.query_one(DeskTable)
        top = incidents.get_row_at(0)
        assert top[0].plain == "overdue 25m" and top[1].plain == f"#{world.overdue_incident}"

        # Read it: the post, its author's history, the owner, the clock.
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, IncidentScreen)
        summary = rendered(app, "#summary")
        assert "Mould in rented flat" in summary
        assert "owner alice" in summary and "overdue by 25m" in summary
        detail = rendered(app, "#mention-detail")
        assert "left mould in my flat and nobody calls back" in detail
        assert "author history" in detail

        # Draft a public reply; the policy stops "our lawyers" before anything is logged.
        await pilot.press("l")
        await settle(pilot)
        await type_text(pilot, "Our lawyers say the flat is fine")
        # The policy check runs once typing pauses.
        await until(pilot, lambda: "banned phrase 'our lawyers'" in rendered(app, "#findings"))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert logged(sqlite_services, world.overdue_incident) == []
        app.screen.query_one("#body").text = ""  # type: ignore[attr-defined]
        await type_text(pilot, "Sorry about this, we have sent you a DM to sort it out")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, IncidentScreen)

        # The private follow-up, then the refund (Ctrl+K steps through the kinds).
        await pilot.press("l", "ctrl+k", *"DM: booked a mould inspection for Tuesday", "ctrl+s")
        await settle(pilot)
        await pilot.press("l", *["ctrl+k"] * 5)
        await settle(pilot)
        await type_text(pilot, "Refund of one week's rent")
        await pilot.press("shift+tab", "shift+tab")
        await type_text(pilot, "25")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, IncidentScreen)

        # Resolve with the outcome.
        await pilot.press("R", *"Inspection booked, week refunded", "enter")
        await settle(pilot)
        assert "resolved" in rendered(app, "#summary")

        # Export the client's log from where we are.
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)

    acts = logged(sqlite_services, world.overdue_incident)
    by_kind = [a.kind for a in acts if a.kind != "status_change"]
    assert by_kind == ["public_reply", "private_message", "offer_made"]
    assert all(a.staff_id == world.alice for a in acts)
    offer = acts[[a.kind for a in acts].index("offer_made")]
    assert offer.amount == Decimal("25.00") and offer.details["offer"] == "refund"
    with sqlite_services.sessions() as s:
        inc = s.get(Incident, world.overdue_incident)
        assert inc is not None
        assert inc.status == "resolved"
        assert inc.resolution == "Inspection booked, week refunded"
        assert inc.first_response_at == T0
    exported = list((tmp_path / "exports").glob("acme-*.html"))
    assert len(exported) == 1
    html = exported[0].read_text()
    assert "Mould in rented flat" in html
