"""Problems, cases and issue categories on the desk: the category column and filter, a problem's
cases, a case's problem, and filing an incident under another category."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from douse.core.db.models import Activity, Incident, IncidentMention, Staff
from douse.core.incidents import triage_new_mentions
from douse.core.services import Services
from douse.tui.widgets.table import DeskTable
from tests import incident_factories as f
from tests.helpers import SIZE, T0, client_tab, make_app, open_incident, settle, sync, type_text

H = timedelta(hours=1)


def _world(services: Services) -> dict[str, int]:
    with services.sessions.begin() as s:
        s.add(Staff(handle="alice", name="Alice"))
        c = f.client(s, "skyway", name="Skyway", industry="airline")
        people = [f.author(s, f"p{i}") for i in range(3)]
        posts = [
            f.mention(s, c, p, "Skyway cancelled my flight home", at=T0 - 5 * H + i * H)
            for i, p in enumerate(people)
        ]
        bags = f.mention(s, c, f.author(s, "q"), "Skyway lost my bag in Oslo", at=T0 - 4 * H)
        triage_new_mentions(s, [m.id for m in [*posts, bags]], T0 - H)
        follow = f.mention(
            s, c, people[1], "Skyway any news?? kids with me", at=T0 - timedelta(minutes=30)
        )
        triage_new_mentions(s, [follow.id], T0)
        placed = dict(
            s.execute(select(IncidentMention.mention_id, IncidentMention.incident_id)).all()
        )
        return {
            "client": c.id,
            "problem": placed[posts[0].id],
            "case": placed[follow.id],
            "bags": placed[bags.id],
        }


@sync
async def test_a_problem_its_cases_and_categories_on_the_desk(
    sqlite_services: Services, tmp_path: Path
) -> None:
    ids = _world(sqlite_services)
    app = make_app(sqlite_services, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = await client_tab(pilot, app, ids["client"], "1")
        table = pane.query_one(DeskTable)
        case_row = [cell.plain for cell in table.get_row(str(ids["case"]))]
        assert f"↳#{ids['problem']}" in case_row[-1] and case_row[-2] == "cancellat."
        assert table.get_cell(str(ids["bags"]), "category").plain == "baggage"

        # C picks a category: only its incidents are shown.
        await pilot.press("C")
        await settle(pilot)
        await type_text(pilot, "baggage")
        await pilot.press("enter")
        await settle(pilot)
        assert set(table.rows) == {str(ids["bags"])}
        assert "category baggage" in str(pane.bar())

        screen = await open_incident(pilot, app, ids["problem"])
        shown = str(screen.query_one("#summary").render())
        assert "Cancellations" in shown and f"1 case under it: #{ids['case']} @p1" in shown

        screen = await open_incident(pilot, app, ids["case"])
        assert f"case under problem #{ids['problem']}" in str(screen.query_one("#summary").render())
        await pilot.press("p")
        await settle(pilot)
        assert app.screen.incident_id == ids["problem"]  # type: ignore[attr-defined]

        # File the lost bag under customer service instead; the timeline says who did.
        await open_incident(pilot, app, ids["bags"])
        await pilot.press("C")
        await settle(pilot)
        await type_text(pilot, "customer service")
        await pilot.press("enter")
        await settle(pilot)
    with sqlite_services.sessions() as s:
        bags = s.get(Incident, ids["bags"])
        entry = s.scalars(select(Activity).where(Activity.kind == "category_change")).one()
    assert bags is not None and bags.category == "service"
    assert entry.body == "filed under Customer service (was Lost or damaged baggage)"
