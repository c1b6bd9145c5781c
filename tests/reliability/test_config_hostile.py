"""clients.toml as a hostile or careless hand writes it (issue 15, finding 6): each mistake is
found by `douse config check` (one line per mistake, exit 2), so `douse sync` never gets to
overflow, break PostgreSQL or archive every client."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from douse.tui.cli.main import main
from tests.helpers import REPO

EXAMPLE = (REPO / "clients.example.toml").read_text()


def _variant(name: str) -> str:
    if name == "deep arrays":
        return "a = " + "[" * 5000 + "]" * 5000 + "\n"
    if name == "deep tables":
        return "x = " + "{a = " * 3000 + "1" + "}" * 3000 + "\n"
    if name == "huge interval":
        return re.sub(r'interval = "[^"]*"', 'interval = "99999999999999999999d"', EXAMPLE, count=1)
    if name == "NUL in a name":
        return EXAMPLE.replace('name = "Northwind Air"', 'name = "North\\u0000wind Air"', 1)
    if name == "unknown placeholder":
        return EXAMPLE.replace("{brand}", "{brnad}", 1)
    raise AssertionError(name)


EXPECTED = {
    "deep arrays": "nested more than 64 levels deep",
    "deep tables": "nested more than 64 levels deep",
    "huge interval": "interval is too long: at most 366d",
    "NUL in a name": "contains the control character U+0000",
    "unknown placeholder": "uses unknown placeholder(s) {brnad}",
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_check_finds_it_and_sync_writes_nothing(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "clients.toml"
    path.write_text(_variant(name))
    assert main(["config", "check", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and EXPECTED[name] in err, err
    assert "Traceback" not in err and "internal error" not in err
    db = tmp_path / "agency.db"
    assert main(["--db", str(db), "sync", str(path)]) == 2
    assert EXPECTED[name] in capsys.readouterr().err
    assert main(["--db", str(db), "clients", "--json"]) == 0
    assert capsys.readouterr().out.strip() == "[]"


def test_a_reversed_range_is_said_once_and_plainly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "clients.toml"
    text = EXAMPLE.replace('weekdays = "', 'weekdays = "17:00-09:00" # was "', 1)
    assert text != EXAMPLE
    path.write_text(text)
    assert main(["config", "check", str(path)]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1, lines  # once, not once for each of the five weekdays
    assert "'17:00-09:00' ends before it starts" in lines[0]
    assert "'17:00-24:00' here and '00:00-09:00' on the next day" in lines[0]


def test_an_empty_file_needs_allow_empty(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    full, empty = tmp_path / "full.toml", tmp_path / "empty.toml"
    full.write_text(EXAMPLE)
    empty.write_text("# emptied by mistake\n")
    db = str(tmp_path / "agency.db")
    assert main(["--db", db, "sync", str(full)]) == 0
    capsys.readouterr()
    assert main(["config", "check", str(empty)]) == 2
    assert "no clients; syncing it would archive every client" in capsys.readouterr().err
    assert main(["--db", db, "sync", str(empty)]) == 2
    capsys.readouterr()
    assert main(["--db", db, "clients", "--json"]) == 0
    assert '"archived": false' in capsys.readouterr().out  # nobody was archived
    assert main(["--db", db, "sync", str(empty), "--allow-empty"]) == 0
    capsys.readouterr()
    assert main(["--db", db, "clients", "--json"]) == 0
    assert capsys.readouterr().out.strip() == "[]"  # now they are, as asked
