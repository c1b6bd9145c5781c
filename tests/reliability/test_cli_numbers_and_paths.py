"""Numbers and paths typed on the command line (issue 15, findings 7 and 9, and the last line of
defence): one line, exit 2, nothing created or replaced; a bug is one line, exit 70, and its
traceback goes to the log file only."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from douse.core.db.models import Client
from douse.core.services import build_services
from douse.core.settings import Settings
from douse.tui.cli.main import main
from tests.helpers import REPO, T0

EXAMPLE = str(REPO / "clients.example.toml")
HUGE = "99999999999999999999"


def _rc(argv: list[str]) -> int:
    """main()'s exit code, also when argparse refuses the line (it exits instead of returning)."""
    try:
        return main(argv)
    except SystemExit as exc:
        return int(exc.code or 0)


def _synced(db: str) -> str:
    """The example agency synced into `db` (a migrated copy: migrating is not under test)."""
    assert main(["--db", db, "--config", EXAMPLE, "sync"]) == 0
    return db


@pytest.mark.parametrize(
    "command",
    [
        ["incident", HUGE],
        ["mentions", "--limit", HUGE],
        ["mentions", "--limit", "-3"],
        ["mentions", "--before", HUGE],
        ["mentions", "--before", f"m{HUGE}"],
        ["incidents", "--due-within", "99999999999999999d"],
        ["incidents", "--limit", HUGE],
        ["log", HUGE, "--kind", "internal_note", "--by", "maya"],
        ["log", "1", "--kind", "internal_note", "--by", "maya", "--corrects", HUGE],
        ["log", "1", "--kind", "internal_note", "--by", "maya", "--expect-version", HUGE],
        ["log", "1", "--kind", "internal_note", "--by", "maya", "--at", "0001-01-01T00:00-05:00"],
        ["assign", HUGE, "maya", "--by", "maya"],
        ["status", HUGE, "closed", "--by", "maya"],
        ["severity", HUGE, "high", "--reason", "x", "--by", "maya"],
        ["undo", HUGE, "--by", "maya"],
        ["merge", "1", HUGE, "--by", "maya"],
        ["poll", "--workers", "0"],
    ],
)
def test_hostile_numbers_are_one_line_and_exit_2(
    command: list[str], sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    db = _synced(sqlite_url)
    capsys.readouterr()
    assert _rc(["--db", db, *command]) == 2
    err = capsys.readouterr().err
    assert err.startswith("douse: ") and err.count("\n") == 1, err
    assert "Traceback" not in err and "internal error" not in err


@pytest.mark.parametrize("bound", [["--until", "9999-12-31"], ["--since", "0001-01-01"]])
def test_an_export_to_the_end_of_time_is_everything(
    bound: list[str], sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    db = _synced(sqlite_url)
    capsys.readouterr()
    assert main(["--db", db, "export", "northwind-air", "--format", "csv", *bound, "-o", "-"]) == 0
    captured = capsys.readouterr()
    assert (captured.err == "" and captured.out.startswith("\ufeff")) or "," in captured.out


def test_a_typo_in_a_db_path_creates_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "no" / "such" / "dir"
    assert main(["--db", str(missing / "x.db"), "clients"]) == 2
    assert capsys.readouterr().err == (
        f"douse: no directory {missing} for the database x.db; "
        "check the path, or create the directory first\n"
    )
    assert not (tmp_path / "no").exists()


def test_a_bug_is_one_line_exit_70_and_the_traceback_is_in_the_log(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from douse.tui.cli.commands import listing

    def broken(*args: object, **kwargs: object) -> None:
        raise KeyError("a douse bug")

    logs = tmp_path / "logs"
    monkeypatch.setenv("DOUSE_LOG_DIR", str(logs))
    monkeypatch.setattr(listing, "client_overview", broken)
    assert main(["--db", str(tmp_path / "x.db"), "clients"]) == 70
    err = capsys.readouterr().err
    assert err == (
        "douse: internal error: KeyError: 'a douse bug' "
        f"(bug; details in {(logs / 'douse.log').resolve()})\n"
    )
    log = (logs / "douse.log").read_text()
    assert "Traceback (most recent call last)" in log and "a douse bug" in log


def _clients(db: Path) -> int:
    services = build_services(Settings(f"sqlite:///{db}", db.parent / "c.toml", db.parent / "l"))
    try:
        with services.sessions() as session:
            return int(session.scalar(select(func.count(Client.id))) or 0)
    finally:
        services.close()


def test_demo_force_never_touches_the_real_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`douse demo --force` without --db used to delete the user's default database."""
    data = tmp_path / "data"
    data.mkdir()
    monkeypatch.setattr("douse.core.settings.default_data_dir", lambda: data)
    monkeypatch.setattr("douse.tui.cli.commands.demo.default_data_dir", lambda: data)
    monkeypatch.setenv("DOUSE_NOW", T0.isoformat())
    real = data / "douse.db"
    assert main(["--config", EXAMPLE, "sync"]) == 0  # the real agency, at the default path
    before = _clients(real)
    assert before > 0
    # The smallest demo there is: what is checked is where it goes, not what it holds.
    small = ["--no-tui", "--mentions", "100", "--clients", "1", "--force"]
    assert main(["demo", *small]) == 0
    capsys.readouterr()
    assert _clients(real) == before  # untouched: the demo went beside it
    assert _clients(data / "demo.db") == 1
    # Named explicitly, the real database is still refused, --force or not.
    assert main(["demo", "--db", str(real), *small]) == 2
    assert capsys.readouterr().err == (
        f"douse: {real} holds an agency's data, not a demo; douse demo never replaces it "
        "(not even with --force): choose another --db\n"
    )
    assert _clients(real) == before
    # DOUSE_DATABASE_URL names the real database too: the demo does not go there either.
    monkeypatch.setenv("DOUSE_DATABASE_URL", f"sqlite:///{real}")
    assert main(["demo", *small]) == 0  # replaces the earlier demo, which douse marked
    assert _clients(real) == before and _clients(data / "demo.db") == 1
