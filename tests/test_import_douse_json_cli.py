"""`douse import --format douse-json` reads an exported incident log into another database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from douse.core.services import Services
from douse.tui.cli.main import main
from tests.export_factory import build_agency


def _incident_titles(db: str, capsys: pytest.CaptureFixture[str]) -> list[str]:
    assert main(["--db", db, "incidents", "--client", "acme", "--json"]) == 0
    return sorted(row["title"] for row in json.loads(capsys.readouterr().out))


def test_export_then_import_into_an_empty_database(
    sqlite_services: Services, sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with sqlite_services.sessions.begin() as session:
        build_agency(session, sqlite_services.clock.now())
    log = tmp_path / "acme.json"
    assert main(["--db", sqlite_url, "export", "acme", "--format", "json", "-o", str(log)]) == 0
    capsys.readouterr()
    original = _incident_titles(sqlite_url, capsys)

    other = str(tmp_path / "other.db")
    assert main(["--db", other, "import", "--format", "douse-json", str(log)]) == 0
    assert "acme: 4 incidents imported, 0 already present" in capsys.readouterr().out
    assert _incident_titles(other, capsys) == original

    assert main(["--db", other, "import", "--format", "douse-json", str(log)]) == 0
    assert "0 incidents imported, 4 already present" in capsys.readouterr().out


def test_a_broken_log_is_refused_whole_and_others_go_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"schema": "douse-incident-log", "incidents": [')
    missing = tmp_path / "missing.json"
    db = str(tmp_path / "x.db")
    assert main(["--db", db, "import", "--format", "douse-json", str(broken), str(missing)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2
    assert err[0].startswith(f"{broken}: refused: ")
    assert err[1] == f"{missing}: refused: cannot read: No such file or directory"
    assert main(["--db", db, "incidents", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_other_formats_still_need_a_client(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(tmp_path / "x.db"), "import", str(tmp_path / "a.csv")]) == 2
    assert capsys.readouterr().err == "douse: --client SLUG is needed for this format\n"
