"""The incident commands as a person types them: show, log, status, assign, conflicts."""

from __future__ import annotations

import pytest

from core.incidents import triage_new_mentions
from core.services import Services
from tests import test_incident_factories as f
from tests.conftest import T0
from tui.cli.main import main


def test_show_log_and_conflict(
    sqlite_services: Services, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOUSE_NOW", "2026-11-23T10:30:00Z")
    with sqlite_services.sessions.begin() as s:
        ana = f.staff(s, "ana")
        f.staff(s, "ben")
        c = f.client(s, default_owner_id=ana.id)
        evil = f.author(s, "eve\x1b[31m")
        m = f.mention(s, c, evil, "Acme lost my parcel \x1b]0;owned\x07 again")
        (iid,) = triage_new_mentions(s, [m.id], T0).opened
    db = sqlite_services.settings.database_url

    assert main(["--db", db, "incident", str(iid)]) == 0
    out = capsys.readouterr().out
    assert "first response due in 1h 30m" in out and "owner ana" in out
    assert "\x1b" not in out and "\x07" not in out

    assert (
        main(
            [
                "--db",
                db,
                "log",
                str(iid),
                "--kind",
                "public_reply",
                "--by",
                "ana",
                "--channel",
                "mastodon",
                "--text",
                "So sorry, DM us",
            ]
        )
        == 0
    )
    assert "in_progress, version 2" in capsys.readouterr().out
    assert (
        main(["--db", db, "assign", str(iid), "ben", "--by", "ana", "--expect-version", "2"]) == 0
    )
    capsys.readouterr()
    assert (
        main(["--db", db, "status", str(iid), "resolved", "--by", "ben", "--expect-version", "2"])
        == 2
    )
    err = capsys.readouterr().err
    assert err.strip() == (
        f"douse: incident {iid} was changed by ana at 2026-11-23 10:30 UTC; reload and try again"
    )
    assert main(["--db", db, "log", str(iid), "--kind", "email", "--by", "nobody"]) == 2
    assert "no staff member with handle 'nobody'" in capsys.readouterr().err

    assert main(["--db", db, "incident", str(iid)]) == 0
    out = capsys.readouterr().out
    assert "public_reply" in out and "ana -> ben" in out and "resolved" not in out
