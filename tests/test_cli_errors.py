"""Bad environments give one clear line on stderr, exit code 2, and lose nothing."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from douse.core.db import engine as db_engine
from douse.tui.cli.main import main
from tests.helpers import REPO

EXAMPLE = str(REPO / "clients.example.toml")


def test_locked_database_is_one_line_and_nothing_half_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "locked.db"
    assert main(["--db", str(db), "db", "upgrade"]) == 0
    capsys.readouterr()
    monkeypatch.setattr(db_engine, "SQLITE_BUSY_TIMEOUT_MS", 200)
    holder = sqlite3.connect(db, timeout=0)
    holder.execute("BEGIN IMMEDIATE")  # another process is writing
    try:
        assert main(["--db", str(db), "--config", EXAMPLE, "sync"]) == 2
    finally:
        holder.rollback()
        holder.close()
    err = capsys.readouterr().err
    assert err.strip() == "douse: database unavailable: database is locked"
    check = sqlite3.connect(db)
    assert check.execute("SELECT count(*) FROM clients").fetchone() == (0,)
    check.close()
    assert main(["--db", str(db), "--config", EXAMPLE, "sync"]) == 0


def test_corrupt_database_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "corrupt.db"
    db.write_bytes(b"\x00garbage" * 512)
    assert main(["--db", str(db), "clients"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("douse: cannot") and "file is not a database" in err
    assert err.count("\n") == 1


def test_unwritable_data_dir(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    assert main(["--db", str(blocker / "douse.db"), "clients"]) == 2
    assert capsys.readouterr().err.startswith(f"douse: no directory {blocker} for the database")


def test_unknown_client_slug(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "x.db")
    for command in (["mentions", "--client", "nope"], ["incidents", "--client", "nope"]):
        assert main(["--db", db, *command]) == 2
        assert capsys.readouterr().err == "douse: unknown client 'nope' (see `douse clients`)\n"


def test_not_a_database_url(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", "nosuchdriver://x/y", "clients"]) == 2
    assert capsys.readouterr().err == "douse: unknown database kind 'nosuchdriver' in --db URL\n"


def test_global_options_work_after_the_subcommand_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "after.db")
    assert main(["sync", "--db", db, "--config", EXAMPLE]) == 0
    capsys.readouterr()
    assert main(["clients", "--db", db, "--json"]) == 0
    assert '"slug": "northwind-air"' in capsys.readouterr().out
    assert main(["db", "status", "--db", db]) == 0
    assert "up to date" in capsys.readouterr().out
