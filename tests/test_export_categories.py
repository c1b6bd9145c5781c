"""Reports say what the complaints were about: complaints, people and who still waits, per
issue category."""

from __future__ import annotations

import io
from datetime import timedelta

from douse.core.export import export_to_stream
from douse.core.incidents import triage_new_mentions
from douse.core.services import Services
from tests import incident_factories as f
from tests.helpers import T0

H = timedelta(hours=1)


def test_reports_count_complaints_people_and_waiting_per_category(services: Services) -> None:
    with services.sessions.begin() as s:
        c = f.client(s, "skyway", name="Skyway", industry="airline")
        a, b, d = (f.author(s, handle) for handle in ("a", "b", "d"))
        posts = [
            (a, "Skyway cancelled my flight to Oslo"),
            (b, "Skyway cancelled the 7am, stranded again"),
            (b, "Skyway flight cancelled and no hotel"),
            (d, "Skyway lost my bag in Denver"),
        ]
        ids = [
            f.mention(s, c, who, text, at=T0 - (5 - i) * H).id
            for i, (who, text) in enumerate(posts)
        ]
        triage_new_mentions(s, ids, T0)
    for fmt, expected in (
        ("md", "- Cancellations: 3 complaints from 2 people, 2 waiting"),
        ("html", '<td>Cancellations</td><td class="n">3</td><td class="n">2</td>'),
    ):
        out = io.StringIO()
        with services.sessions() as session:
            export_to_stream(session, "skyway", fmt, None, None, out, T0)  # type: ignore[arg-type]
        report = out.getvalue()
        assert expected in report, fmt
        assert "Lost or damaged baggage" in report
