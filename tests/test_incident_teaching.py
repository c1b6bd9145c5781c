"""Staff decisions teach triage: a merge puts posts like those together next time, a split keeps
them apart, a category correction files posts like it the same way; and clients.toml names the
categories of a client's trade and its own."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from douse.core.config.load import load_config
from douse.core.db.models import Activity, IncidentMention, Mention
from douse.core.errors import ConfigError, DouseError
from douse.core.incidents import merge_incidents, set_category, triage_new_mentions
from douse.core.incidents.categories import Categorizer, merge_specs
from douse.core.incidents.category_defaults import industry_categories
from douse.core.services import Services
from tests import incident_factories as f
from tests.helpers import T0

H = timedelta(hours=1)


def _incident_of(s, mention_id: int) -> int:  # type: ignore[no-untyped-def]
    query = select(IncidentMention.incident_id).where(IncidentMention.mention_id == mention_id)
    return int(s.scalar(query))


def test_posts_like_ones_staff_merged_go_together_next_time(services: Services) -> None:
    with services.sessions.begin() as s:
        f.staff(s, "ana")
        c = f.client(s)
        a = f.mention(s, c, f.author(s, "a"), "Acme loyalty points vanished from my wallet card")
        b = f.mention(s, c, f.author(s, "b"), "Acme membership tier downgraded without warning")
        first = triage_new_mentions(s, [a.id, b.id], T0).opened
        assert len(first) == 2
        merge_incidents(s, first[0], [first[1]], by="ana", now=T0 + H)
        later = f.mention(
            s, c, f.author(s, "c"), "My Acme loyalty points vanished overnight", at=T0 + 2 * H
        )
        summary = triage_new_mentions(s, [later.id], T0 + 2 * H)
        assert summary.opened == ()
        assert _incident_of(s, later.id) == first[0]


def test_a_category_correction_files_the_next_post_like_it(services: Services) -> None:
    with services.sessions.begin() as s:
        f.staff(s, "ana")
        c = f.client(s, industry="retail")
        odd = f.mention(s, c, f.author(s, "a"), "Acme jacket zip snapped off on day one")
        (iid,) = triage_new_mentions(s, [odd.id], T0).opened
        set_category(s, iid, "quality", by="ana", now=T0 + H)
        entry = s.scalars(select(Activity).where(Activity.kind == "category_change")).one()
        assert entry.body == "filed under Product quality (was no category)"
        again = f.mention(
            s, c, f.author(s, "b"), "The zip snapped off my Acme jacket", at=T0 + 2 * H
        )
        triage_new_mentions(s, [again.id], T0 + 2 * H)
        stored = s.get(Mention, again.id, populate_existing=True)
        assert stored is not None and stored.category == "quality"
        assert stored.category_reason == "product quality: “like m1, filed by ana”".replace(
            "m1", f"m{odd.id}"
        )
        with pytest.raises(DouseError, match="no category 'teleport'"):
            set_category(s, iid, "teleport", by="ana", now=T0 + 3 * H)


def test_a_clients_own_categories_come_first() -> None:
    specs = merge_specs(
        industry_categories("restaurant"),
        {"allergens": {"title": "Allergen labelling", "phrases": ["nut*", "gluten"]}},
    )
    categorizer = Categorizer(specs)
    match = categorizer.categorize("The menu said no nuts and there were walnuts in my cake")
    assert match is not None and match.name == "allergens"
    assert match.reason == "allergen labelling: “nuts”"


def test_clients_toml_checks_industry_and_categories(tmp_path: Path) -> None:
    path = tmp_path / "clients.toml"
    path.write_text(
        "[agency]\nname = 'A'\n[[clients]]\nslug = 'acme'\nname = 'Acme'\nkeywords = ['Acme']\n"
        "industry = 'spaceport'\n[clients.categories]\nlate = ['']\n'Bad Name' = ['x']\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = "\n".join(caught.value.findings)
    assert "unknown industry 'spaceport' (known: " in message
    assert "an empty phrase" in message
    assert "category 'Bad Name': use lowercase letters" in message
    path.write_text(
        "[agency]\nname = 'A'\n[[clients]]\nslug = 'acme'\nname = 'Acme'\nkeywords = ['Acme']\n"
        "industry = 'cafe'\n[clients.categories]\nallergens = ['nut*', 'gluten']\n"
        "[clients.targets.critical]\nhours = '24/7'\n",
        encoding="utf-8",
    )
    client = load_config(path).clients[0]
    assert client.industry == "cafe" and client.categories == {"allergens": ["nut*", "gluten"]}
    assert client.targets.by_severity["critical"]["hours"] == "24/7"
