"""The command line side of a desk safe to work fast in: `douse undo`, who runs the desk
(agency.me), one-line usage errors, an honest demo that is never polled, and a resolution that
`douse incident` shows."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from douse.core import audit
from douse.core.db.models import Source
from douse.core.incidents import triage_new_mentions
from douse.core.jobs.demo_marker import DEMO_SUBJECT, NOT_POLLED
from douse.core.services import Services
from douse.core.settings import load_settings
from douse.tui.cli.main import main
from tests import factories
from tests import incident_factories as f
from tests.helpers import T0


@pytest.fixture
def one(sqlite_services: Services, monkeypatch: pytest.MonkeyPatch) -> tuple[str, int]:
    monkeypatch.setenv("DOUSE_NOW", "2026-11-23T10:30:00Z")
    with sqlite_services.sessions.begin() as s:
        ana = f.staff(s, "ana")
        f.staff(s, "ben")
        c = f.client(s, default_owner_id=ana.id)
        m = f.mention(s, c, f.author(s, "bob"), "Acme lost my parcel again")
        (iid,) = triage_new_mentions(s, [m.id], T0).opened
    return sqlite_services.settings.database_url, iid


def test_undo_from_the_command_line(
    one: tuple[str, int], capsys: pytest.CaptureFixture[str]
) -> None:
    db, iid = one
    assert main(["--db", db, "undo", str(iid), "--show", "--by", "ana"]) == 1
    assert capsys.readouterr().out == f"#{iid}: no change to undo\n"
    assert main(["--db", db, "status", str(iid), "closed", "--by", "ana"]) == 0
    assert "closed (version 2)" in capsys.readouterr().out
    assert main(["--db", db, "undo", str(iid), "--show"]) == 0
    assert capsys.readouterr().out == (
        f"#{iid}: last change status change new -> closed by ana at 2026-11-23 10:30; "
        "can be undone\n"
    )
    # A stale version is refused like any other edit.
    assert main(["--db", db, "undo", str(iid), "--by", "ben", "--expect-version", "1"]) == 3
    assert "was changed by ana" in capsys.readouterr().err
    assert main(["--db", db, "undo", str(iid), "--by", "ben", "--expect-version", "2"]) == 0
    assert capsys.readouterr().out == (
        f"#{iid}: undone status change new -> closed; now new (version 3)\n"
    )
    assert main(["--db", db, "incident", str(iid)]) == 0
    out = capsys.readouterr().out
    assert "status_change" in out and "correction" in out and "undone: status change" in out
    assert main(["--db", db, "undo", str(iid), "--by", "ben"]) == 2
    assert capsys.readouterr().err == (
        f"douse: cannot undo the status change new -> closed on #{iid}: "
        "the last change (status change new -> closed) was undone already\n"
    )


def test_resolve_needs_a_note_and_incident_shows_it(
    one: tuple[str, int], capsys: pytest.CaptureFixture[str]
) -> None:
    db, iid = one
    assert main(["--db", db, "status", str(iid), "resolved", "--by", "ana"]) == 2
    assert capsys.readouterr().err == (
        "douse: say how it was resolved: a resolution note is required (--resolution)\n"
    )
    args = ["--db", db, "status", str(iid), "resolved", "--by", "ana", "--resolution", "refunded"]
    assert main(args) == 0
    capsys.readouterr()
    assert main(["--db", db, "incident", str(iid)]) == 0
    assert "  resolution (2026-11-23 10:30 UTC): refunded\n" in capsys.readouterr().out


def test_agency_me_is_who_acts_unless_told_otherwise(
    one: tuple[str, int],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    db, iid = one
    config = tmp_path / "clients.toml"
    config.write_text('[agency]\nname = "A"\nme = "ana"\n')
    assert load_settings(config=str(config), env={}).me == "ana"
    assert load_settings(config=str(config), env={}).me_from == "agency.me"
    assert load_settings(config=str(config), me="ben", env={}).me == "ben"
    assert load_settings(config=str(config), env={"DOUSE_ME": "ben"}).me == "ben"
    broken = tmp_path / "broken.toml"
    broken.write_text("[agency\nme = ")
    assert load_settings(config=str(broken), env={}).me is None

    # No --by and no --as: agency.me acts, and is named on the timeline.
    assert main(["--db", db, "--config", str(config), "status", str(iid), "acknowledged"]) == 0
    capsys.readouterr()
    assert main(["--db", db, "incident", str(iid)]) == 0
    assert "status_change      ana" in capsys.readouterr().out

    # The desk opens as agency.me too (--as still wins).
    seen: dict[str, object] = {}

    def fake_run_desk(services: object, me: str | None, **kw: object) -> None:
        seen.update(me=me, **kw)

    monkeypatch.setattr("douse.tui.app.run_desk", fake_run_desk)
    assert main(["--db", db, "--config", str(config), "desk"]) == 0
    assert seen["me"] == "ana" and seen["me_from"] == "agency.me"
    assert main(["--db", db, "--config", str(config), "--as", "ben", "desk"]) == 0
    assert seen["me"] == "ben" and seen["me_from"] == "--as"


@pytest.mark.parametrize(
    ("argv", "line"),
    [
        (["incident", "abc"], "douse: incident: argument id: not a whole number: 'abc'"),
        (["split", "3", "x7"], "douse: split: argument MENTION: not a mention: 'x7'"),
        (["mention", "add", "--client"], "douse: mention add: argument --client: expected one"),
        (["undo"], "douse: undo: the following arguments are required: id"),
    ],
)
def test_usage_errors_are_one_line(
    argv: list[str], line: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(line) and err.count("\n") == 1 and "usage:" not in err


def test_a_demo_database_is_never_polled(
    sqlite_services: Services, capsys: pytest.CaptureFixture[str]
) -> None:
    with sqlite_services.sessions.begin() as s:
        factories.source(s, f.client(s), name="made-up", target="https://feed.invalid/f.xml")
        audit.record(s, at=T0, staff_id=None, subject=DEMO_SUBJECT, subject_id=1, summary="demo")
    db = sqlite_services.settings.database_url
    assert main(["--db", db, "poll"]) == 2
    assert capsys.readouterr().err == f"douse: {NOT_POLLED}\n"
    with sqlite_services.sessions() as s:
        source = s.scalar(select(Source))
        assert source is not None and source.last_polled_at is None and not source.last_error


def test_logging_a_reply_from_the_cli_ends_the_desk_draft_a_note_keeps_it(
    one: tuple[str, int], sqlite_services: Services, capsys: pytest.CaptureFixture[str]
) -> None:
    from douse.core.incidents import drafts

    db, iid = one
    with sqlite_services.sessions.begin() as s:
        drafts.save_draft(
            s, iid, by="ana", now=T0, kind="public_reply", body="Sorry Bob, DM us your order"
        )
    note = ["log", str(iid), "--kind", "internal_note", "--by", "ana", "--text", "called depot"]
    assert main(["--db", db, *note]) == 0
    with sqlite_services.sessions() as s:
        assert [d.staff for d in drafts.drafts_on(s, iid)] == ["ana"]  # a note is no reply
    reply = ["log", str(iid), "--kind", "public_reply", "--by", "ana", "--channel", "x"]
    assert main(["--db", db, *reply, "--text", "Sorry Bob, DM us your order"]) == 0
    assert "logged #" in capsys.readouterr().out
    with sqlite_services.sessions() as s:
        assert drafts.drafts_on(s, iid) == []  # logged, so no longer a draft
