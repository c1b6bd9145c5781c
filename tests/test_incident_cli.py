"""The incident commands as a person types them: show, log, status, assign, conflicts."""

from __future__ import annotations

import pytest

from douse.core.incidents import triage_new_mentions
from douse.core.services import Services
from douse.tui.cli.main import main
from tests import incident_factories as f
from tests.helpers import T0


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
    # One person's post: counted in words that agree, and no "shared" words of one person.
    assert "  1 person, 1 mention\n" in out

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
        main(
            [
                *("--db", db, "status", str(iid), "resolved", "--by", "ben"),
                *("--resolution", "refunded", "--expect-version", "2"),
            ]
        )
        == 3  # a conflict: news to read, not a mistake to fix
    )
    err = capsys.readouterr().err
    assert err == (
        f"douse: incident {iid} was changed by ana at 2026-11-23 10:30 UTC "
        "(assignment: ana -> ben); reload and try again\n"
    )
    assert main(["--db", db, "log", str(iid), "--kind", "email", "--by", "nobody"]) == 2
    assert "no staff member with handle 'nobody'" in capsys.readouterr().err

    assert main(["--db", db, "incident", str(iid)]) == 0
    out = capsys.readouterr().out
    assert "public_reply" in out and "ana -> ben" in out and "resolved" not in out


def _world(services: Services) -> tuple[str, list[int], list[int]]:
    with services.sessions.begin() as s:
        ana = f.staff(s, "ana")
        c = f.client(s, default_owner_id=ana.id)
        post = f.mention(s, c, f.author(s, "bob"), "I am DONE with Acme. Third parcel lost.")
        post.title = "I am DONE with Acme"
        other = f.mention(s, c, f.author(s, "cy"), "Acme courier threw my box over the fence")
        other.title = "Acme couriers"
        ids = list(triage_new_mentions(s, [post.id, other.id], T0).opened)
    return services.settings.database_url, ids, [post.id, other.id]


def test_bad_listing_filters_are_one_line_errors(
    sqlite_services: Services, capsys: pytest.CaptureFixture[str]
) -> None:
    db, _, _ = _world(sqlite_services)
    assert main(["--db", db, "incidents", "--due-within", "30x"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("douse: not a duration: '30x'") and err.count("\n") == 1
    assert main(["--db", db, "incidents", "--status", "bogus"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("douse: unknown status 'bogus'") and "in_progress" in err
    assert (
        main(["--db", db, "incidents", "--status", "open,in-progress", "--due-within", "2h"]) == 0
    )


def test_merge_refuses_a_stale_version(
    sqlite_services: Services, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOUSE_NOW", "2026-11-23T10:30:00Z")
    db, (target, other), _ = _world(sqlite_services)
    merge = ["--db", db, "merge", str(target), str(other), "--by", "ana"]
    assert main([*merge, "--expect-version", "7"]) == 3
    assert "reload and try again" in capsys.readouterr().err
    assert main([*merge, "--expect-version", "1", "--expect-version", f"{other}=9"]) == 3
    assert f"incident {other} was changed" in capsys.readouterr().err
    assert main([*merge, "--expect-version", "x=1"]) == 2
    assert "takes N or ID=N" in capsys.readouterr().err
    assert main([*merge, "--expect-version", "1", "--expect-version", f"{other}=1"]) == 0
    assert f"merged into #{target}" in capsys.readouterr().out


def test_a_post_whose_text_repeats_its_title_is_shown_once(
    sqlite_services: Services, capsys: pytest.CaptureFixture[str]
) -> None:
    db, (first, second), _ = _world(sqlite_services)
    assert main(["--db", db, "incident", str(first)]) == 0
    out = capsys.readouterr().out
    assert out.count("I am DONE with Acme") == 2  # the incident's title, then the post once
    assert "I am DONE with Acme. Third parcel lost." in out
    assert main(["--db", db, "incident", str(second)]) == 0
    assert "Acme couriers Acme courier threw my box" in capsys.readouterr().out


def test_the_incident_shows_its_first_breach_and_how_many_deadlines_it_missed(
    sqlite_services: Services, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import timedelta

    from douse.core.incidents import refresh_clocks

    monkeypatch.setenv("DOUSE_NOW", "2026-11-25T12:00:00Z")
    db, (first, _), _ = _world(sqlite_services)
    with sqlite_services.sessions.begin() as s:
        assert first in refresh_clocks(s, T0 + timedelta(days=2, hours=1))
    assert main(["--db", db, "incident", str(first)]) == 0
    out = capsys.readouterr().out
    assert "first breach: first_response at 2026-11-23 12:00 UTC (2 missed deadlines" in out
    assert "resolution target breached at 2026-11-25 10:00 UTC" in out


def test_logging_an_offer_above_the_limit_is_refused_unless_overridden(
    sqlite_services: Services, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOUSE_NOW", "2026-11-23T10:30:00Z")
    with sqlite_services.sessions.begin() as s:
        ana = f.staff(s, "ana")
        c = f.client(s, default_owner_id=ana.id, reply_policy={"currency": "EUR", "max_offer": 240})
        m = f.mention(s, c, f.author(s, "bob"), "Acme lost my parcel")
        (iid,) = triage_new_mentions(s, [m.id], T0).opened
    db = sqlite_services.settings.database_url
    offer = ["--db", db, "log", str(iid), "--kind", "offer_made", "--by", "ana", "--offer"]
    assert main([*offer, "refund", "--amount", "500", "--text", "Refunded"]) == 2
    captured = capsys.readouterr()
    assert "logged #" not in captured.out
    assert "offer of 500 EUR is above the limit of 240 EUR" in captured.err
    assert "nothing was recorded" in captured.err
    assert main([*offer, "refund", "--amount", "40", "--text", "Refunded"]) == 0
    assert capsys.readouterr().err == ""
    why = "VIP, approved by the client on the phone"
    assert main([*offer, "refund", "--amount", "500", "--text", "Refunded", "--override", why]) == 0
    captured = capsys.readouterr()
    assert "logged #" in captured.out
    assert f"policy override by ana: {why}" in captured.err
